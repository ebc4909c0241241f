"""Class pages: list with filters, month calendar, the class hub, create/edit, sessions and
assessments, status changes.

Reading: anyone `permissions.classes_for(user)` lets see the class offer (learners included); nobody else (403 on
the list and calendar, 404 on a class). Writing: `permissions.can_create_class` / `can_run_class` (managers; an
institution for the classes of its own providers) — 403 for everyone else. Views are thin: reads and the status
change live in dtbd.training.services.classes."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import scope_of
from dtbd.core.lists import render_list, render_page

from .. import extensions, permissions, services
from ..filters import ClassFilterSet
from ..forms.classes import AssessmentFormSet, ClassForm, SessionFormSet, StatusForm
from ..models import Enrollment, TrainingClass
from ..queries import audit_entries
from ..services import classes as class_services
from ..services.certificates import class_tiet

PAGE_SIZE = 30


def _visible(user):
    qs = permissions.classes_for(user)
    if qs.query.is_empty():
        raise PermissionDenied(_("Bạn không có quyền xem danh sách lớp."))
    return qs


def _get_class(user, pk, *related):
    qs = permissions.classes_for(user).select_related("program", "provider__unit", *related)
    return get_object_or_404(qs, pk=pk)


def _require_run(user, training_class):
    if not permissions.can_run_class(user, training_class):
        raise PermissionDenied(_("Bạn không có quyền quản lý lớp %(code)s.") % {"code": training_class.code})


def _filtered(request):
    filterset = ClassFilterSet(request.GET or None, queryset=_visible(request.user), request=request)
    return filterset.form, filterset.qs


@login_required
def class_list(request):
    form, qs = _filtered(request)
    context = {"form": form, "can_create": permissions.can_create_class(request.user), "today": timezone.localdate()}
    return render_list(request, class_services.class_rows(qs), "training/class_list.html", page_size=PAGE_SIZE,
                       partial_template="training/_class_results.html", target="class-results", context=context,
                       rows_name="classes")


@login_required
def class_calendar(request):
    form, qs = _filtered(request)
    today = timezone.localdate()
    year, month = class_services.parse_month(request.GET.get("thang"), today)
    if not (form.is_bound and form.is_valid() and form.cleaned_data.get("status")):
        qs = qs.exclude(status=TrainingClass.Status.CANCELLED)
    weeks = class_services.month_grid(qs, year, month, today)
    prev_y, prev_m = class_services.shift_month(year, month, -1)
    next_y, next_m = class_services.shift_month(year, month, 1)
    context = {
        "form": form, "weeks": weeks, "weekdays": class_services.WEEKDAYS, "year": year, "month": month,
        "month_label": f"{month}/{year}",
        "prev_month": f"{prev_y:04d}-{prev_m:02d}", "next_month": f"{next_y:04d}-{next_m:02d}",
        "this_month": f"{today.year:04d}-{today.month:02d}", "current_month": f"{year:04d}-{month:02d}",
    }
    return render_page(request, "training/class_calendar.html", context,
                       partial_template="training/_class_calendar.html", target="class-calendar")


@login_required
def class_detail(request, pk):
    cls = _get_class(request.user, pk, "results_submitted_by")
    user = request.user
    can_run = permissions.can_run_class(user, cls)
    own = None
    if user.person_id:
        own = Enrollment.objects.filter(training_class=cls, person_id=user.person_id).first()
    sessions = list(cls.sessions.select_related("lecturer__person"))
    context = {
        "obj": cls,
        "sessions": sessions,
        "total_tiet": class_tiet(cls),
        "assessments": list(cls.assessments.all()),
        "counts": class_services.enrollment_counts(cls),
        "can_run": can_run,
        "can_decide_any": permissions.is_manager(user) or permissions.is_unit_officer(user),
        "transitions": class_services.allowed_transitions(cls) if can_run else [],
        "open_now": cls.is_open_for_registration(),
        "can_self_register": permissions.can_self_register(user) and cls.is_open_for_registration() and own is None,
        "can_see_roster": can_run or scope_of(user).sees_units,
        "own": own,
        "can_self_withdraw": bool(own) and own.state in getattr(services, "OWN_WITHDRAW_STATES", ()),
        "entries": audit_entries(cls) if can_run else None,
        "Status": TrainingClass.Status,
        "panels": extensions.class_page_panels(request, cls),  # e.g. the class's costs (dtbd.plans)
    }
    return render(request, "training/class_detail.html", context)


def _class_form(request, cls):
    form = ClassForm(request.POST or None, instance=cls, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if cls is None:
            messages.success(request, _("Đã tạo lớp %(code)s.") % {"code": saved.code})
        else:
            messages.success(request, _("Đã lưu lớp %(code)s.") % {"code": saved.code})
        return redirect("training:class_detail", pk=saved.pk)
    return render(request, "training/class_form.html", {"form": form, "obj": cls})


@login_required
def class_create(request):
    _visible(request.user)
    if not permissions.can_create_class(request.user):
        raise PermissionDenied(_("Bạn không có quyền mở lớp."))
    return _class_form(request, None)


@login_required
def class_edit(request, pk):
    cls = _get_class(request.user, pk)
    _require_run(request.user, cls)
    if cls.status in (TrainingClass.Status.CLOSED, TrainingClass.Status.CANCELLED):
        messages.error(request, _("Lớp %(code)s đã “%(st)s”, không sửa được.") % {"code": cls.code, "st": cls.get_status_display()})
        return redirect("training:class_detail", pk=cls.pk)
    return _class_form(request, cls)


@login_required
def class_sessions(request, pk):
    cls = _get_class(request.user, pk)
    _require_run(request.user, cls)
    locked = cls.results_locked
    if request.method == "POST":
        if locked:
            messages.error(request, _("Lớp %(code)s đã chốt kết quả: không sửa buổi học, bài kiểm tra được nữa.") % {"code": cls.code})
            return redirect("training:class_sessions", pk=cls.pk)
        sessions = SessionFormSet(request.POST, instance=cls, prefix="buoi")
        assessments = AssessmentFormSet(request.POST, instance=cls, prefix="bai")
        if sessions.is_valid() and assessments.is_valid():
            with transaction.atomic():
                sessions.save()
                assessments.save()
            messages.success(request, _("Đã lưu buổi học và bài kiểm tra của lớp %(code)s.") % {"code": cls.code})
            return redirect("training:class_sessions", pk=cls.pk)
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi được đánh dấu bên dưới."))
    else:
        sessions = SessionFormSet(instance=cls, prefix="buoi")
        assessments = AssessmentFormSet(instance=cls, prefix="bai")
    return render(
        request, "training/class_sessions.html",
        {"obj": cls, "sessions": sessions, "assessments": assessments, "locked": locked},
    )


@login_required
@require_POST
def class_status(request, pk):
    cls = _get_class(request.user, pk)
    _require_run(request.user, cls)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Trạng thái lớp không hợp lệ."))
        return redirect("training:class_detail", pk=cls.pk)
    new = form.cleaned_data["status"]
    try:
        notified = class_services.change_status(cls, new, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        text = _("Lớp %(code)s đã chuyển sang “%(st)s”.") % {"code": cls.code, "st": TrainingClass.Status(new).label}
        if notified:
            text += " " + _("Đã gửi thông báo cho %(n)s người.") % {"n": notified}
        messages.success(request, text)
    return redirect("training:class_detail", pk=cls.pk)
