"""The fostering-history export of a unit's subtree for the national CBCCVC database (Decree 27/2026; docs/domain.md
§18, docs/national-export.md), as a background job (dtbd.core.jobs, kind "fostering_export") started from the page
/bao-cao/csdl-quoc-gia/ or the API (POST /api/v1/exports/fostering/). The file itself is written by
dtbd.training.national_export, which streams in constant memory; the command `dtbd export fostering` writes it
directly.

The job runs as its creator: the unit is checked against their scope again when it runs (a unit that left it since is
refused), and the citizen IDs are masked for the roles that see them masked elsewhere (people.masking)."""
import datetime

from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import scope_of
from dtbd.core import jobs
from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.jobs import JobError, Outcome, temporary_path
from dtbd.core.models import Job
from dtbd.org.forms import DATE_WIDGET, UnitChoiceField
from dtbd.org.models import Unit
from dtbd.org.queries import unit_for
from dtbd.people import masking
from dtbd.training import national_export
from dtbd.training.fostering import PERSON_FIELDS, RECORD_FIELDS

# (column key, Vietnamese heading) of the export, for the page's description of the file.
FIELDS = PERSON_FIELDS + RECORD_FIELDS


class NationalExportForm(forms.Form):
    """Which unit (within the user's scope), as of which date, in which format."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Đơn vị"), empty_label=None)
    date = forms.DateField(label=gettext_lazy("Ngày xác định danh sách"), widget=DATE_WIDGET, required=False,
                           help_text=gettext_lazy("dd/mm/yyyy; để trống: hôm nay"))
    format = forms.ChoiceField(label=gettext_lazy("Định dạng"), choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)"),
                                                                  ("json", "JSON")], initial="xlsx")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).only("pk", "name", "code", "depth", "valid_to").order_by("path")
        field = self.fields["unit"]
        field.queryset = units
        field.base_depth = min((u.depth for u in units[:1]), default=0)


def may_export(user):
    """The export is the staff managers' (the national database is fed by the bodies managing cadres): province
    managers, unit officers and leaders, each over the units they see; not training institutions, which see a
    subtree for the classes they run, nor learners."""
    if not (user and user.is_authenticated):
        return False
    scope = scope_of(user)
    return scope.sees_units and not scope.is_institution


def start(user, unit, date, fmt, *, ip="", via="web"):
    """Record and dispatch the export job of `unit` (already checked against `user`'s scope) on `date`."""
    title = _("Xuất quá trình bồi dưỡng cho CSDL quốc gia – %(unit)s (.%(fmt)s)") % {"unit": unit.name, "fmt": fmt}
    parameters = {"unit": unit.pk, "date": date.isoformat(), "fmt": fmt, "ip": ip, "via": via}
    return jobs.start(Job.Kind.FOSTERING_EXPORT, user, parameters, title=title)


def export_fostering(job, context):
    params = job.parameters
    user = job.created_by
    fmt = params.get("fmt")
    if fmt not in national_export.FORMATS:
        raise JobError(_("Định dạng không hỗ trợ: %(fmt)s.") % {"fmt": fmt})
    try:
        if not may_export(user):
            raise Http404
        unit = unit_for(user, params.get("unit"))
    except Http404:
        raise JobError(_("Đơn vị mã %(id)s không còn trong phạm vi quản lý của bạn: không xuất dữ liệu.") % {
            "id": params.get("unit")}) from None
    date = datetime.date.fromisoformat(params["date"])
    total = national_export.people_count(unit, date)
    context.progress(0, total, _("Đang xuất %(total)s cán bộ") % {"total": total})

    def progress(done):
        context.progress(done, total, _("Đã ghi %(done)s/%(total)s cán bộ") % {"done": done, "total": total})
        if done < total:
            context.checkpoint("chunk")

    path = temporary_path(f".{fmt}")
    outcome = Outcome(path=path, name=national_export.file_name(unit, date, fmt))
    people, rows = national_export.export(unit, date, fmt, path, show_citizen_id=masking.sees_identifiers(user),
                                          progress=progress)
    outcome.message = _("Đã ghi %(people)s cán bộ, %(rows)s dòng.") % {"people": people, "rows": rows}
    description = _("Quá trình bồi dưỡng (CSDL quốc gia) – %(unit)s ngày %(date)s (.%(fmt)s)") % {
        "unit": unit.code, "date": date.strftime("%d/%m/%Y"), "fmt": fmt}
    outcome.on_done = lambda _job: log_export(
        user, ExportKind.NATIONAL, description, people,
        filters={"unit": unit.code, "date": date.isoformat(), "format": fmt, "via": params.get("via", "web")},
        ip=params.get("ip", ""),
    )
    return outcome
