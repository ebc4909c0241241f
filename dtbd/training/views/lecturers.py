"""The register of lecturers (/dao-tao/giang-vien/): the list with this year's teaching hours, a lecturer's page
(their classes, hours per year, and what the upper apps add — the survey results), create and edit.

Reading: those who see a part of the organisation (Lecturer.objects.restrict VIEW); learners and users without a
scope get 403 on the list, 404 on a lecturer. Writing: managers and institution staff (403 for the others)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE
from dtbd.core.lists import render_list

from .. import extensions
from ..forms.lecturers import LecturerForm
from ..models import Lecturer
from ..queries import audit_entries
from ..services import lecturers as services

PAGE_SIZE = 50


def _visible(user):
    qs = Lecturer.objects.restrict(user)
    if qs.query.is_empty():
        raise PermissionDenied(_("Bạn không có quyền xem danh sách giảng viên."))
    return qs


def _can_change(user):
    return not Lecturer.objects.restrict(user, CHANGE).query.is_empty()


def _year(request):
    raw = request.GET.get("nam", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
def lecturer_list(request):
    qs = _visible(request.user)
    text = request.GET.get("q", "")[:100]
    year = _year(request)
    rows = services.lecturer_rows(services.search_lecturers(qs, text), year)
    context = {"q": text, "year": year, "years": list(range(timezone.localdate().year + 1, 2014, -1)),
               "can_change": _can_change(request.user)}
    return render_list(request, rows, "training/lecturer_list.html", page_size=PAGE_SIZE,
                       partial_template="training/_lecturer_results.html", target="lecturer-results",
                       context=context, rows_name="lecturers")


@login_required
def lecturer_detail(request, pk):
    lecturer = get_object_or_404(Lecturer.objects.restrict(request.user).select_related("person"), pk=pk)
    can_change = _can_change(request.user)
    context = {
        "lecturer": lecturer,
        "classes": list(services.lecturer_classes(lecturer)),
        "hours": services.hours_by_year(lecturer),
        "can_change": can_change,
        "panels": extensions.lecturer_page_panels(request, lecturer),  # the survey results (dtbd.evaluation)
        "entries": audit_entries(lecturer) if can_change else None,
    }
    return render(request, "training/lecturer_detail.html", context)


def _form(request, lecturer):
    if not _can_change(request.user):
        raise PermissionDenied(_("Bạn không có quyền sửa danh sách giảng viên."))
    form = LecturerForm(request.POST or None, instance=lecturer, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu giảng viên %(name)s.") % {"name": saved.display_name})
        return redirect("training:lecturer_detail", pk=saved.pk)
    return render(request, "training/lecturer_form.html", {"form": form, "lecturer": lecturer})


@login_required
def lecturer_create(request):
    _visible(request.user)
    return _form(request, None)


@login_required
def lecturer_edit(request, pk):
    lecturer = get_object_or_404(Lecturer.objects.restrict(request.user).select_related("person"), pk=pk)
    return _form(request, lecturer)
