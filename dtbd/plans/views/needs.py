"""Needs register and unit requests (docs/domain.md §13.1)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.exportlog import log_export
from dtbd.core.http import content_disposition
from dtbd.core.lists import render_list
from dtbd.core.models import ExportLog
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


def _with_default_year(params):
    """The register's filters, the year defaulting to the next plan year (a blank year: every year)."""
    data = params.copy()
    data.setdefault("year", str(services.default_year()))
    return data


@login_required
def register(request):
    """Sổ nhu cầu: filters, counts per programme and reason (in the database), one page of rows."""
    scope = _reader(request.user)
    data = _with_default_year(request.GET)
    form = RegisterFilterForm(data, user=request.user)
    qs = services.needs_for(request.user)
    qs = services.filter_register(qs, **form.cleaned_data) if form.is_valid() else qs.none()
    per_programme, per_reason = services.register_counts(qs)
    rows = qs.select_related("person", "unit", "program", "request").order_by(
        "program__code", "person__code", "pk")
    collect = CollectForm(user=request.user, initial={"year": data.get("year")}, prefix="collect") if scope.can_write else None
    return render_list(
        request, rows, "plans/need_list.html", page_size=PAGE_SIZE, partial_template="plans/need_rows.html",
        target="need-list", rows_name="needs",
        context={"form": form, "per_programme": per_programme, "per_reason": per_reason,
                 "reason_labels": dict(Reason.choices), "collect_form": collect},
    )


@login_required
def register_export(request):
    """The register with the page's filters as .xlsx (personal data: the download is logged)."""
    _reader(request.user)
    form = RegisterFilterForm(_with_default_year(request.GET), user=request.user)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items() if k in form.fields)
        return HttpResponse(errors or _("Tham số không hợp lệ."), status=400, content_type="text/plain; charset=utf-8")
    body, rows = services.register_xlsx(services.filter_register(services.needs_for(request.user), **form.cleaned_data))
    log_export(request.user, ExportLog.Kind.OTHER, _("Sổ nhu cầu đào tạo, bồi dưỡng"), rows, request=request)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    year = form.cleaned_data["year"]
    response["Content-Disposition"] = content_disposition(f"nhu-cau-{year or 'moi-nam'}.xlsx")
    return response


@login_required
@require_POST
def collect(request):
    _writer(request.user)
    form = CollectForm(request.POST, user=request.user, prefix="collect")
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
