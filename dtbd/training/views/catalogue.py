"""Catalogue pages (programmes, providers) and the training needs of a unit mapped to programmes.

The catalogue is read by every user with a unit scope (or everything), institution staff included; it is edited by
admins and province managers only. The needs page reads units through the user's scope: out of scope → 404."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dtbd.accounts.scope import is_manager, scope_of
from dtbd.core.lists import render_list
from dtbd.org.models import Unit
from dtbd.org.queries import default_unit
from dtbd.standards.needs import needs_by_requirement

from .. import extensions
from ..filters import ProgramFilterSet
from ..forms.catalogue import NeedsForm, ProgramForm
from ..models import Program, Provider
from ..queries import audit_entries, programmes_by_need

PAGE_SIZE = 50


def _require_reader(user):
    scope = scope_of(user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền xem danh mục chương trình, cơ sở đào tạo, bồi dưỡng."))


def can_manage(user):
    """Admins and province managers edit the catalogue of providers and programmes."""
    return is_manager(user)


def _require_manager(user):
    if not can_manage(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và cán bộ quản lý cấp tỉnh được sửa danh mục chương trình."))


@login_required
def program_list(request):
    _require_reader(request.user)
    filterset = ProgramFilterSet(request.GET or None, queryset=Program.objects.prefetch_related("providers"),
                                 request=request)
    return render_list(request, filterset.qs, "training/program_list.html", page_size=PAGE_SIZE,
                       context={"form": filterset.form, "can_manage": can_manage(request.user)}, rows_name="programs")


@login_required
def program_detail(request, pk):
    _require_reader(request.user)
    program = get_object_or_404(Program.objects.prefetch_related("providers"), pk=pk)
    manager = can_manage(request.user)
    entries = audit_entries(program) if manager else None
    return render(request, "training/program_detail.html", {"program": program, "can_manage": manager, "entries": entries})


def _program_form(request, program):
    _require_manager(request.user)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu chương trình %(code)s.") % {"code": saved.code})
        return redirect("training:program_detail", pk=saved.pk)
    return render(request, "training/program_form.html", {"form": form, "program": program})


@login_required
def program_create(request):
    return _program_form(request, None)


@login_required
def program_edit(request, pk):
    _require_manager(request.user)
    return _program_form(request, get_object_or_404(Program, pk=pk))


@login_required
def provider_list(request):
    _require_reader(request.user)
    providers = Provider.objects.select_related("unit").annotate(program_count=Count("programs"))
    return render(request, "training/provider_list.html", {"providers": providers})


@login_required
def provider_detail(request, pk):
    _require_reader(request.user)
    provider = get_object_or_404(
        Provider.objects.select_related("unit").prefetch_related(
            Prefetch("programs", queryset=Program.objects.order_by("category", "code"))
        ),
        pk=pk,
    )
    return render(request, "training/provider_detail.html", {
        "provider": provider,
        "panels": extensions.provider_page_panels(request, provider),  # e.g. the evaluation coverage (dtbd.evaluation)
    })




@login_required
def needs(request):
    _require_reader(request.user)
    raw = request.GET.get("unit")
    unit = None
    if raw:
        if not raw.isdigit():
            raise Http404
        unit = get_object_or_404(Unit.objects.restrict(request.user), pk=int(raw))
    else:
        unit = default_unit(request.user)
    form = NeedsForm(request.GET or None, user=request.user,
                     initial={"unit": unit, "date": datetime.date.today()})
    date = datetime.date.today()
    if request.GET.get("date"):
        if form.is_valid() and form.cleaned_data["date"]:
            date = form.cleaned_data["date"]
        else:
            date = None
    rows = []
    if unit is not None and date is not None:
        found = needs_by_requirement(unit, date)
        mapping = programmes_by_need(found)
        rows = [(need, mapping[need]) for need in found]
    return render(
        request, "training/needs.html",
        {"form": form, "unit": unit, "date": date, "rows": rows,
         "date_error": date is None},
    )
