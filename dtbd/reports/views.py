"""Report pages: the list, one page per report (form + table on screen) and its downloads (.xlsx, CSV, PDF). Every
unit is read through the user's scope: a unit outside it answers 404. Person reports (training history) have their
own page per person, /bao-cao/qua-trinh-boi-duong/<pk>/, scoped like the staff register (out of scope: 404)."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import scope_of
from dtbd.core import jobs
from dtbd.core.dbrouter import reading_from_replica
from dtbd.core.exportlog import log_export, request_filters
from dtbd.core.http import client_ip, content_disposition
from dtbd.core.lists import render_page
from dtbd.core.models import Job
from dtbd.org.queries import default_unit, unit_for
from dtbd.people import reorganise as people_reorganise
from dtbd.people.queries import person_for

from . import national, renderers
from .document import issuing_unit
from .forms import AsOfForm, ReportForm
from .registry import PERSON, UNIT, all_reports, get_report

DOWNLOAD_FORMATS = ("xlsx", "pdf", "docx", "csv")
JOB_FORMATS = ("xlsx", "pdf", "docx")  # built by a background job from the pages (CSV, small and for machines, stays direct)
TRAINING_HISTORY = "training-history"


def _require_unit_scope(user):
    scope = scope_of(user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền xem báo cáo theo đơn vị."))


def _report_or_404(name, subject=UNIT):
    report = get_report(name, subject)
    if report is None:
        raise Http404(_("Không có báo cáo này."))
    return report


def _file_response(request, result, fmt):
    options = {}
    if fmt in ("pdf", "docx"):
        options = {"prepared_by": request.user.signature_name(), "issuer": issuing_unit(request.user, result)}
    try:
        content = renderers.render(result, fmt, **options)
    except renderers.FormatNotAvailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=renderers.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(f"{result.file_stem}.{fmt}")
    log_export(request.user, "REPORT", f"{result.file_stem}.{fmt}", sum(len(s.rows) for s in result.sections), request=request)
    return response


def _bound_form(request, report):
    """The form bound to the query string. An out-of-scope or unknown unit id is a 404, not a form error."""
    return bound_form(request.user, report, request.GET)


def bound_form(user, report, data):
    """The report form of `user` bound to `data` (a QueryDict), None without a unit; an out-of-scope or unknown unit
    id is a 404. Shared with the background job (dtbd.reports.jobs)."""
    raw = data.get("unit")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
    unit_for(user, int(raw))
    return ReportForm(data, user=user, report=report)


def form_errors(form):
    return "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items() if k in form.fields)


def result_for(report, form):
    return _result(report, form)


def _result(report, form):
    data = form.cleaned_data
    date = data.get("date") or datetime.date.today()
    return renderers.run(report, data["unit"], date, data.get("year"))


@login_required
def index(request):
    _require_unit_scope(request.user)
    return render(request, "reports/index.html", {"reports": all_reports(UNIT), "person_reports": all_reports(PERSON)})


@login_required
@reading_from_replica()
def report_view(request, name):
    _require_unit_scope(request.user)
    report = _report_or_404(name)
    form = _bound_form(request, report)
    result = None
    if form is None:
        initial = {}
        unit = default_unit(request.user)
        if unit is not None:
            initial["unit"] = unit.pk
        form = ReportForm(user=request.user, report=report, initial=initial)
    elif form.is_valid():
        result = _result(report, form)
    stranded = 0
    if result is not None:
        # People still placed in a unit that is not valid on the date (a reorganisation left them behind).
        on = form.cleaned_data.get("date") or datetime.date.today()
        stranded = people_reorganise.people_in_ended_units(on, form.cleaned_data["unit"].path)
    context = {
        "report": report,
        "form": form,
        "result": result,
        "stranded": stranded,
        "query": request.GET.urlencode(),
        "formats": DOWNLOAD_FORMATS,
    }
    return render_page(request, "reports/report.html", context, partial_template="reports/_result.html",
                       target="report-result")


@login_required
@reading_from_replica()
def download(request, name, fmt):
    _require_unit_scope(request.user)
    report = _report_or_404(name)
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    form = _bound_form(request, report)
    if form is None:
        raise Http404(_("Chưa chọn đơn vị."))
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items() if k in form.fields)
        return HttpResponseBadRequest(errors or _("Tham số không hợp lệ."), content_type="text/plain; charset=utf-8")
    return _file_response(request, _result(report, form), fmt)


def _start_job(request, parameters, title):
    parameters = {**parameters, "query": request.GET.urlencode(), "filters": request_filters(request),
                  "ip": client_ip(request)}
    job = jobs.start(Job.Kind.REPORT, request.user, parameters, title=title)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def download_job(request, name, fmt):
    """The page's .xlsx / .pdf buttons: check the parameters now (errors answer at once), build the file in a
    background job and go to its progress page."""
    _require_unit_scope(request.user)
    report = _report_or_404(name)
    if fmt not in JOB_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    form = _bound_form(request, report)
    if form is None:
        raise Http404(_("Chưa chọn đơn vị."))
    if not form.is_valid():
        return HttpResponseBadRequest(form_errors(form) or _("Tham số không hợp lệ."), content_type="text/plain; charset=utf-8")
    unit = form.cleaned_data["unit"]
    title = _("Báo cáo “%(title)s” – %(unit)s (.%(fmt)s)") % {"title": report.title, "unit": unit.name, "fmt": fmt}
    return _start_job(request, {"report": report.name, "subject": UNIT, "fmt": fmt}, title)


def _history(request, pk):
    """The person (404 outside the user's scope), the as-of form and the computed history (None on a bad date)."""
    report = _report_or_404(TRAINING_HISTORY, PERSON)
    person = person_for(request.user, pk)
    form = AsOfForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return report, person, form, None
    date = (form.cleaned_data.get("date") if form.is_bound else None) or datetime.date.today()
    return report, person, form, renderers.run(report, person, date)


@login_required
@reading_from_replica()
def training_history(request, pk):
    report, person, form, result = _history(request, pk)
    context = {
        "report": report,
        "person": person,
        "form": form,
        "result": result,
        "heading": [(label, renderers.text_cell(value)) for label, value in result.heading] if result else [],
        "tables": [(s, [renderers.display_cells(s, row) for row in s.rows]) for s in result.sections] if result else [],
        "query": request.GET.urlencode(),
        "formats": DOWNLOAD_FORMATS,
    }
    return render(request, "reports/training_history.html", context)


@login_required
@reading_from_replica()
def training_history_download(request, pk, fmt):
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    _report, _person, form, result = _history(request, pk)
    if result is None:
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items() if k in form.fields)
        return HttpResponseBadRequest(errors or _("Tham số không hợp lệ."), content_type="text/plain; charset=utf-8")
    return _file_response(request, result, fmt)


@login_required
@require_POST
def training_history_job(request, pk, fmt):
    if fmt not in JOB_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    report, person, form, result = _history(request, pk)
    if result is None:
        return HttpResponseBadRequest(form_errors(form) or _("Tham số không hợp lệ."), content_type="text/plain; charset=utf-8")
    title = _("Quá trình bồi dưỡng của %(name)s (.%(fmt)s)") % {"name": person.full_name, "fmt": fmt}
    return _start_job(request, {"report": report.name, "subject": PERSON, "person": person.pk, "fmt": fmt}, title)


@login_required
def national_export(request):
    """The fostering-history export of a unit's subtree for the national CBCCVC database: the form starts a
    background job (reports.national) and goes to its progress page, where the file is downloaded."""
    if not national.may_export(request.user):
        raise PermissionDenied(_("Bạn không có quyền xuất dữ liệu cán bộ theo đơn vị."))
    if request.method == "POST":
        form = national.NationalExportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            job = national.start(request.user, data["unit"], data["date"] or datetime.date.today(), data["format"],
                                 ip=client_ip(request))
            return redirect("jobs:detail", pk=job.pk)
    else:
        unit = default_unit(request.user)
        form = national.NationalExportForm(user=request.user, initial={
            "unit": unit.pk if unit is not None else None, "date": datetime.date.today()})
    return render(request, "reports/national_export.html", {"form": form, "fields": national.FIELDS})
