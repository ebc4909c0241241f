"""Background job of a reorganisation (dtbd.core.jobs, kind "reorganise"): a mapping of a whole level moves tens of
thousands of people, beyond a web request's time. It runs as its creator, who must still be a province manager; the
operation is applied in one transaction (a re-run of a done operation does nothing)."""
from django.urls import reverse
from django.utils.translation import gettext as _

from dtbd.core.jobs import JobError, Outcome

from . import operations, services
from .models import Operation


def apply_operation(job, context):
    operation = Operation.objects.filter(pk=job.parameters.get("operation")).first()
    if operation is None or not services.may_reorganise(job.created_by):
        raise JobError(_("Không tìm thấy phương án sắp xếp."))
    link = reverse("reorganisation:detail", args=[operation.pk])
    if operation.status == Operation.Status.DONE:
        return Outcome(link=link, message=_("Phương án đã được thực hiện trước đó."))
    context.progress(0, 5, _("Đang kiểm tra phương án"))
    try:
        summary = operations.confirm(operation, job.created_by, progress=context.progress)
    except services.Refused as refused:
        Operation.objects.filter(pk=operation.pk).update(
            status=Operation.Status.FAILED, error="\n".join(str(e) for e in refused.errors))
        raise JobError(_("Phương án không còn hợp lệ: %(errors)s") % {
            "errors": "; ".join(str(e) for e in refused.errors[:5])}) from refused
    return Outcome(link=link, message=_(
        "Đã sắp xếp: %(units)s đơn vị kết thúc, %(people)s người chuyển sang đơn vị mới, %(accounts)s tài khoản đổi "
        "phạm vi.") % summary)
