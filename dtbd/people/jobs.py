"""Background job that writes the (filtered, scoped) staff list to .xlsx (dtbd.core.jobs, kind "staff_export"),
with the progress counted in rows. It runs as its creator: the filters are re-applied through their scope now."""
import datetime
import os

from django.http import QueryDict
from django.utils.translation import gettext as _

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.jobs import Outcome, temporary_path

from . import exports, masking
from .filters import PersonFilterSet
from .models import Person


def export_staff(job, context):
    params = job.parameters
    user = job.created_by
    filterset = PersonFilterSet(QueryDict(params.get("query", "")), queryset=Person.objects.restrict(user), user=user)
    people = filterset.qs.order_by("name_sort", "code")
    total = people.count()
    context.progress(0, total, _("Đang ghi danh sách %(total)s cán bộ") % {"total": total})
    show = masking.sees_identifiers(user)
    path = temporary_path(".xlsx")
    outcome = Outcome(path=path, name=f"danh-sach-can-bo-{datetime.date.today().isoformat()}.xlsx")

    def progress(rows):
        context.progress(rows, total, _("Đã ghi %(rows)s/%(total)s cán bộ") % {"rows": rows, "total": total})
        if rows < total:
            context.checkpoint("chunk")

    try:
        rows = exports.write_staff_xlsx(people, path, show_citizen_id=show, progress=progress)
    except BaseException:
        os.unlink(path)
        raise
    description = _("Danh sách cán bộ (.xlsx)") + ("" if show else " · " + _("CCCD, điện thoại đã che"))
    outcome.message = _("Đã ghi %(rows)s cán bộ.") % {"rows": rows}
    outcome.on_done = lambda _job: log_export(
        user, ExportKind.STAFF, description, rows, filters=params.get("filters") or {}, ip=params.get("ip", "")
    )
    return outcome
