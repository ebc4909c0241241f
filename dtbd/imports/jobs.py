"""The import runner: applies a checked ImportBatch (the confirm step of the import pages)."""
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dtbd.core.jobs import JobError, Outcome
from dtbd.core.models import ImportBatch

from .services import check_batch


def apply_import(job, context):
    """Apply ImportBatch `parameters["batch"]`. Idempotent: the importer's writes and the batch's DONE status are
    committed together, and a batch already DONE is not applied again (a re-run after a crash finds either nothing
    written, or everything written and the batch DONE)."""
    batch_id = job.parameters["batch"]
    link = reverse("imports:batch", args=[batch_id])
    context.progress(0, 3, _("Đang đọc và kiểm tra lại tệp"))
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise JobError(_("Không tìm thấy lượt nhập mã %(id)s (có thể đã bị xoá).") % {"id": batch_id})
    if batch.status == ImportBatch.Status.DONE:
        return Outcome(link=link, message=_("Tệp %(file)s đã được nhập trước đó; không nhập lại.") % {"file": batch.file_name})
    if batch.status != ImportBatch.Status.VALID:
        raise JobError(_("Lượt nhập tệp %(file)s không ở trạng thái chờ xác nhận: không nhập.") % {"file": batch.file_name})
    context.progress(1, 3, _("Đang ghi vào cơ sở dữ liệu (tệp %(file)s)") % {"file": batch.file_name})
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == ImportBatch.Status.DONE:  # another attempt finished it meanwhile
            return Outcome(link=link, message=_("Tệp %(file)s đã được nhập trước đó; không nhập lại.") % {"file": batch.file_name})
        check_batch(batch, job.created_by, dry_run=False)
        context.checkpoint("saved")  # test hook: inside the transaction, rows written but not committed
    if batch.status != ImportBatch.Status.DONE:
        raise JobError(
            _("Tệp %(file)s có %(count)s lỗi khi nhập (dữ liệu đã thay đổi sau bước kiểm tra): không ghi dòng nào. "
              "Xem danh sách lỗi ở trang lượt nhập.") % {"file": batch.file_name, "count": batch.error_count}
        )
    context.progress(2, 3, _("Đang hoàn tất"))
    message = _("Đã nhập %(rows)s dòng: %(created)s thêm mới, %(changed)s thay đổi, %(unchanged)s không đổi.") % {
        "rows": batch.rows, "created": batch.created, "changed": batch.changed, "unchanged": batch.unchanged,
    }
    return Outcome(link=link, message=message)
