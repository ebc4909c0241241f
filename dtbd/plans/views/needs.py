"""Needs register and unit requests (docs/domain.md §13.1)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.lists import render_list
from dtbd.plans.models import NeedRequest, Reason
from dtbd.plans.needs_forms import CollectForm, RegisterFilterForm, RequestForm
from dtbd.plans.services import needs as services

PAGE_SIZE = 50


def _reader(user):
    scope = scope_of(user)
    if not scope.sees_units or scope.is_institution:
        raise PermissionDenied
    return scope


def _writer(user):
    scope = _reader(user)
    if not scope.can_write:
        raise PermissionDenied
    return scope


@login_required
def register(request):
    """Sổ nhu cầu: filters, counts per programme and reason (in the database), one page of rows."""
    scope = _reader(request.user)
    data = request.GET.copy()
    data.setdefault("year", str(services.default_year()))
    form = RegisterFilterForm(data, user=request.user)
    qs = services.needs_for(request.user)
    if form.is_valid():
        f = form.cleaned_data
        if f["year"]:
            qs = qs.filter(year=f["year"])
        if f["unit"]:
            qs = qs.filter(services.in_subtree_q(f["unit"]))
        if f["program"]:
            qs = qs.filter(program=f["program"])
        if f["reason"]:
            qs = qs.filter(reason=f["reason"])
        if f["met"]:
            qs = qs.filter(met=f["met"] == "1")
    else:
        qs = qs.none()
    per_programme, per_reason = services.register_counts(qs)
    rows = qs.select_related("person", "unit", "program", "request").order_by(
        "program__code", "person__code", "pk")
    collect = CollectForm(user=request.user, initial={"year": data.get("year")}) if scope.can_write else None
    return render_list(
        request, rows, "plans/need_list.html", page_size=PAGE_SIZE, partial_template="plans/need_rows.html",
        target="need-list", rows_name="needs",
        context={"form": form, "per_programme": per_programme, "per_reason": per_reason,
                 "reason_labels": dict(Reason.choices), "collect_form": collect},
    )


@login_required
@require_POST
def collect(request):
    _writer(request.user)
    form = CollectForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Chọn năm kế hoạch và đơn vị trong phạm vi quản lý của bạn."))
        return redirect("plans:need_list")
    unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    counts = services.collect_from_review(unit, year, request.user)
    messages.success(request, _(
        "Đã tổng hợp nhu cầu năm %(year)s từ rà soát tiêu chuẩn của %(unit)s: %(created)s thêm mới, %(changed)s "
        "cập nhật, %(met)s đã đáp ứng, %(unchanged)s không đổi.") % {"year": year, "unit": unit.name, **counts})
    return HttpResponseRedirect(reverse("plans:need_list") + "?" + urlencode({"year": year, "unit": unit.pk}))


# -- unit requests ---------------------------------------------------------------------------------------------------
@login_required
def request_list(request):
    scope = _reader(request.user)
    qs = services.requests_for(request.user).select_related("unit", "program")
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    return render_list(request, qs, "plans/request_list.html", page_size=PAGE_SIZE, rows_name="requests",
                       context={"can_write": scope.can_write, "year": year})


def _own_request(request, pk, action="view"):
    return get_object_or_404(services.requests_for(request.user, action).select_related("unit", "program"), pk=pk)


@login_required
def request_detail(request, pk):
    scope = _reader(request.user)
    req = _own_request(request, pk)
    named = scope.filter_people(req.people.all()).order_by("code")
    needs = req.needs.select_related("person", "unit").order_by("person__code")
    return render(request, "plans/request_detail.html", {
        "req": req, "named": named, "needs": needs,
        "can_edit": scope.can_write and req.status == NeedRequest.Status.DRAFT,
    })


def _request_form(request, req):
    form = RequestForm(request.POST or None, instance=req, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_request(request.user, form.save(commit=False), form.people)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu đề nghị (đang soạn). Gửi đề nghị khi đã hoàn chỉnh."))
            return redirect("plans:request_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/request_form.html", {"form": form, "req": req}, status=status)


@login_required
def request_create(request):
    _writer(request.user)
    return _request_form(request, NeedRequest())


@login_required
def request_edit(request, pk):
    _writer(request.user)
    req = _own_request(request, pk, CHANGE)
    if req.status != NeedRequest.Status.DRAFT:
        messages.error(request, _("Đề nghị đã gửi: không sửa được nữa."))
        return redirect("plans:request_detail", pk=req.pk)
    return _request_form(request, req)


@login_required
@require_POST
def request_submit(request, pk):
    _writer(request.user)
    req = _own_request(request, pk, CHANGE)
    try:
        services.submit_request(request.user, req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gửi đề nghị; cán bộ được nêu tên đã vào sổ nhu cầu."))
    return redirect("plans:request_detail", pk=req.pk)
