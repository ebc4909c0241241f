"""Gate pages: "đủ điều kiện bổ nhiệm?" for one person, the appointment form (bổ nhiệm / nâng ngạch) and the check of
a succession-planning list. Thin: the rules are in dtbd.standards.gate. People and units are read through the
user's scope (out of scope: 404); read-only roles are refused the appointment form (403)."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dtbd.accounts.scope import scope_of
from dtbd.core.lists import render_list, render_page
from dtbd.org.queries import default_unit, unit_for
from dtbd.people.catalog import PostLevel
from dtbd.people.queries import person_for

from . import gate
from .forms_gate import AppointmentForm, GateCheckForm, SuccessionForm
from .models import Appointment

PAGE_SIZE = 50


@login_required
def check(request, person_pk):
    """Đủ điều kiện bổ nhiệm? ?post_level=GD&rank=01.002&date=dd/mm/yyyy"""
    person = person_for(request.user, person_pk)
    form = GateCheckForm(request.GET or None)
    unmet, target = None, None
    if request.GET and form.has_target():
        data = form.cleaned_data
        unmet = gate.unmet_for_target(person, data["date"], post_level=data["post_level"] or None, rank=data["rank"])
        target = {
            "post_level": PostLevel(data["post_level"]).label if data["post_level"] else "",
            "rank": data["rank"],
            "date": data["date"],
        }
    context = {
        "person": person, "form": form, "unmet": unmet, "target": target,
        "can_appoint": scope_of(request.user).can_write,
        "query": request.GET.urlencode(),
    }
    return render(request, "standards/gate_check.html", context)


def _apply_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def appointment_create(request, person_pk):
    person = person_for(request.user, person_pk)
    if not scope_of(request.user).can_write:
        raise PermissionDenied(_("Bạn chỉ có quyền xem, không ghi nhận bổ nhiệm."))
    unmet = None
    if request.method == "POST":
        form = AppointmentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = gate.record_appointment(
                    request.user, person,
                    kind=data["kind"], effective_on=data["effective_on"], decision_no=data["decision_no"],
                    post_title=data["post_title"], post_level=data["post_level"], unit=data["unit"], rank=data["rank"],
                    exception_reason=form.exception_text(),
                )
            except gate.GateRefused as refused:
                unmet = refused.unmet
                form.add_error(None, refused.messages[0])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if appointment.is_exception:
                    messages.warning(request, _("Đã ghi nhận %(what)s theo ngoại lệ (chưa đạt %(n)s tiêu chuẩn).")
                                     % {"what": appointment.target_label, "n": len(appointment.unmet)})
                else:
                    messages.success(request, _("Đã ghi nhận %(what)s từ ngày %(date)s.")
                                     % {"what": appointment.target_label, "date": appointment.effective_on.strftime("%d/%m/%Y")})
                return redirect("people:person_detail", person.pk)
    else:
        initial = {k: request.GET[k] for k in ("post_level", "rank") if request.GET.get(k)}
        if initial.get("rank") and not initial.get("post_level"):
            initial["kind"] = Appointment.Kind.RANK
        form = AppointmentForm(initial=initial, user=request.user)
    appointments = Appointment.objects.filter(person=person).select_related("rank", "unit", "created_by", "exception_by")
    context = {"person": person, "form": form, "unmet": unmet, "appointments": appointments}
    return render(request, "standards/appointment_form.html", context)




@login_required
def succession(request):
    """Kiểm tra danh sách quy hoạch: everyone of a unit subtree planned for a level, with the requirements of that level
    they do not meet. A fixed number of queries whatever the number of people."""
    user = request.user
    scope = scope_of(user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền kiểm tra danh sách quy hoạch theo đơn vị."))
    data = request.GET.copy()
    raw = data.get("unit")
    if raw:
        if not raw.isdigit():
            raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
        unit_for(user, int(raw))
    elif "level" in data:
        unit = default_unit(user)
        if unit is not None:
            data["unit"] = str(unit.pk)
    form = SuccessionForm(data if "level" in data else None, user=user,
                          initial={"date": datetime.date.today(), "unit": default_unit(user)})
    context = {"form": form, "page_obj": None, "params": None, "hx_target": "#succession-result"}
    templates = {"template": "standards/gate_succession.html", "partial_template": "standards/gate_succession_result.html",
                 "target": "succession-result"}
    if not (form.is_bound and form.is_valid()):
        return render_page(request, context=context, **templates)
    params = form.cleaned_data
    qs, requirements = gate.succession_check(params["unit"], params["date"], params["level"])

    def with_unmet(people):
        people = list(people)
        for person in people:
            person.unmet = gate.unmet_of(person, requirements)
        return people

    context["params"] = {**params, "level_label": PostLevel(params["level"]).label}
    return render_list(request, qs, page_size=PAGE_SIZE, context=context, rows=with_unmet, rows_name="people", **templates)
