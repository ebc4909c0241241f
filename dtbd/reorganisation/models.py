"""A reorganisation of the tree, prepared (previewed) then confirmed (docs/domain.md §15). Nothing changes in the tree,
the staff register, the plans or the accounts until it is applied (services.apply); a prepared operation can be
dropped."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    class Kind(models.TextChoices):
        FILE = "FILE", _("Sắp xếp theo tệp")
        MERGE = "MERGE", _("Sáp nhập, hợp nhất")
        SPLIT = "SPLIT", _("Chia, tách")
        DISSOLVE = "DISSOLVE", _("Giải thể")
        MOVE = "MOVE", _("Chuyển đơn vị cấp trên")
        RENAME = "RENAME", _("Đổi tên")

    class Status(models.TextChoices):
        PREPARED = "PREPARED", _("Chờ xác nhận")
        RUNNING = "RUNNING", _("Đang thực hiện")
        DONE = "DONE", _("Đã thực hiện")
        FAILED = "FAILED", _("Lỗi")
        DROPPED = "DROPPED", _("Đã huỷ")

    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    on_date = models.DateField(_("ngày có hiệu lực"))
    abolish_level = models.CharField(_("bãi bỏ cấp"), max_length=6, blank=True)
    # [{"row": n, "old": code, "new": code, "note": text}] and, for a split, {person id: new unit code};
    # units to create on confirmation (merge into a new unit, move): [{"code", "name", "parent", "kind", "level"}].
    rows = models.JSONField(_("các dòng sắp xếp"), default=list)
    people = models.JSONField(_("người được chọn theo đơn vị kế thừa"), default=dict, blank=True)
    new_units = models.JSONField(_("đơn vị mới"), default=list, blank=True)
    rename_to = models.CharField(_("tên mới"), max_length=255, blank=True)
    file_name = models.CharField(_("tệp"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú, căn cứ"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.PREPARED)
    summary = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    job = models.ForeignKey("core.Job", verbose_name=_("công việc nền"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    applied_at = models.DateTimeField(_("thời điểm thực hiện"), null=True, blank=True)

    class Meta:
        verbose_name = _("sắp xếp tổ chức bộ máy")
        verbose_name_plural = _("sắp xếp tổ chức bộ máy")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.on_date:%d/%m/%Y}"
