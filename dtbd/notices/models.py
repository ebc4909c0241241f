"""In-app notices (thông báo) and the record of their e-mail delivery."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def email_failed(self):
        """Notices whose e-mail failed for good: not sent, an error recorded, no further attempt waiting
        (dtbd.notices.tasks)."""
        return self.filter(emailed_at__isnull=True, email_retry_at__isnull=True).exclude(email_error="")


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOMINATED = "NOMINATED", _("Được cử đi học")
        REQUESTED = "REQUESTED", _("Có đăng ký chờ duyệt")
        APPROVED = "APPROVED", _("Được duyệt vào lớp")
        WAITLISTED = "WAITLISTED", _("Vào danh sách chờ")
        REJECTED = "REJECTED", _("Bị từ chối")
        PROMOTED = "PROMOTED", _("Được xếp lớp từ danh sách chờ")
        CLASS_START = "CLASS_START", _("Lớp khai giảng")
        CLASS_CANCELLED = "CANCELLED", _("Lớp bị huỷ")
        RESULTS = "RESULTS", _("Có kết quả học tập")
        REMINDER = "REMINDER", _("Nhắc việc")
        OTHER = "OTHER", _("Khác")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
                             related_name="notices")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)
    email_error = models.CharField(_("lỗi gửi thư"), max_length=255, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)
    email_retry_at = models.DateTimeField(_("gửi lại thư lúc"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self):
        return self.title


class ReminderPreference(models.Model):
    """A user's choice for one kind of reminder (notices.reminders): a row with `enabled` False switches an optional
    kind off for that user; no row means on. Mandatory kinds ignore it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
                             related_name="reminder_preferences")
    kind = models.CharField(_("loại nhắc việc"), max_length=40)
    enabled = models.BooleanField(_("nhận nhắc việc"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhắc việc")
        verbose_name_plural = _("lựa chọn nhắc việc")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notices_reminder_pref_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {'on' if self.enabled else 'off'}"


class SentReminder(models.Model):
    """The log that makes the daily reminder run idempotent: one row per (kind, object, recipient, occasion day) —
    the day the reminder is about (a class's start, a registration deadline, an expiry date, the month of the last
    quarter). A reminder whose row exists is never sent again, however often the day is run; the unique constraint
    holds against two runs at once."""

    kind = models.CharField(_("loại nhắc việc"), max_length=40)
    object_key = models.CharField(_("đối tượng"), max_length=60)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField(_("ngày của sự việc"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    notice = models.ForeignKey(Notice, verbose_name=_("thông báo"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key", "user", "day"], name="notices_reminder_sent_once"),
        ]
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self):
        return f"{self.kind} {self.object_key} → {self.user_id} ({self.day})"
