"""Background job that builds a report file (.xlsx / .pdf) for the report pages (dtbd.core.jobs, kind "report").

Parameters (set by dtbd.reports.views.download_job / training_history_job): report name, subject ("unit" or
"person"), person id, format, the page's query string, and the filters and client address for the export log. The
job runs as its creator: a unit or person that left their scope since is refused with a Vietnamese message."""
import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.jobs import JobError, Outcome
from dtbd.people.queries import person_for

from . import renderers, views
from .document import issuing_unit
from .forms import AsOfForm
from .registry import PERSON, get_report


def export_report(job, context):
    params = job.parameters
    user = job.created_by
    fmt = params["fmt"]
    report = get_report(params["report"], params["subject"])
    if report is None or fmt not in renderers.FORMATS:
        raise JobError(_("Không có báo cáo “%(name)s” ở định dạng .%(fmt)s.") % {"name": params["report"], "fmt": fmt})
    context.progress(0, 3, _("Đang tính số liệu báo cáo “%(title)s”") % {"title": report.title})
    data = QueryDict(params.get("query", ""))
    if report.subject == PERSON:
        try:
            person = person_for(user, params["person"])
        except Http404:
            raise JobError(_("Cán bộ mã %(id)s không còn trong phạm vi quản lý của bạn: không tạo báo cáo.") % {
                "id": params["person"]}) from None
        form = AsOfForm(data or None)
        if form.is_bound and not form.is_valid():
            raise JobError(views.form_errors(form) or _("Tham số không hợp lệ."))
        date = (form.cleaned_data.get("date") if form.is_bound else None) or datetime.date.today()
        result = renderers.run(report, person, date)
    else:
        try:
            views._require_unit_scope(user)
            form = views.bound_form(user, report, data)
        except (Http404, PermissionDenied):
            raise JobError(_("Đơn vị mã %(id)s không còn trong phạm vi quản lý của bạn: không tạo báo cáo “%(title)s”.") % {
                "id": data.get("unit", ""), "title": report.title}) from None
        if form is None or not form.is_valid():
            raise JobError((views.form_errors(form) if form is not None else "") or _("Chưa chọn đơn vị."))
        result = views.result_for(report, form)
    context.progress(1, 3, _("Đang tạo tệp .%(fmt)s") % {"fmt": fmt})
    options = {}
    if fmt in ("pdf", "docx"):
        options = {"prepared_by": user.signature_name(), "issuer": issuing_unit(user, result)}
    try:
        content = renderers.render(result, fmt, **options)
    except renderers.FormatNotAvailable as exc:
        raise JobError(str(exc)) from None
    context.checkpoint("rendered")
    context.progress(2, 3, _("Đang lưu tệp"))
    name = f"{result.file_stem}.{fmt}"
    rows = sum(len(s.rows) for s in result.sections)

    def on_done(_job):
        log_export(user, ExportKind.REPORT, name, rows, filters=params.get("filters") or {}, ip=params.get("ip", ""))

    return Outcome(content=content, name=name, message=_("Đã tạo tệp %(name)s.") % {"name": name}, on_done=on_done)
