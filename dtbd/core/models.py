"""Shared model bases: dated history records."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    IMPORTED = "IMPORTED", _("Nhập từ tệp")
    ENTERED = "ENTERED", _("Nhập tay")
    CLASS = "CLASS", _("Hoàn thành lớp học")
    DECISION = "DECISION", _("Theo quyết định")


def valid_on_q(date: datetime.date, prefix: str = "") -> Q:
    """Records valid on `date`. An unknown start (NULL valid_from) counts as valid on every earlier date;
    valid_to is the last day of validity (inclusive), NULL = still open."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": date})
    )


def current_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_to__isnull": True})


class DatedQuerySet(models.QuerySet):
    def valid_on(self, date):
        return self.filter(valid_on_q(date))

    def current(self):
        return self.filter(current_q())


class DatedRecord(models.Model):
    """A fact with a validity period. valid_from NULL = unknown start ("không rõ ngày")."""

    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_current(self):
        return self.valid_to is None

    def valid_on(self, date):
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or self.valid_to >= date)


class ImportBatch(models.Model):
    """One uploaded import file: who, when, what it would change (preview) and what it did."""

    class Kind(models.TextChoices):
        UNITS = "units", _("Đơn vị")
        STAFF = "staff", _("Cán bộ")
        NEEDS = "needs", _("Nhu cầu đào tạo, bồi dưỡng")
        ASSESSMENTS = "assessments", _("Đánh giá, xếp loại hằng năm")
        HISTORY = "history", _("Quá trình đã qua (lịch sử)")

    class Status(models.TextChoices):
        INVALID = "INVALID", _("Có lỗi, không nhập")
        VALID = "VALID", _("Hợp lệ, chờ xác nhận")
        DONE = "DONE", _("Đã nhập")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm nhập"), null=True, blank=True)
    kind = models.CharField(_("loại dữ liệu"), max_length=12, choices=Kind.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/", max_length=255)
    status = models.CharField(_("trạng thái"), max_length=7, choices=Status.choices)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created = models.PositiveIntegerField(_("thêm mới"), default=0)
    changed = models.PositiveIntegerField(_("thay đổi"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"


class ExportLog(models.Model):
    """One download of personal data (staff list, certificate, class roster, report): who, what, when, how many rows,
    with which filters. Written by dtbd.core.exportlog.log_export; read by admins in Django admin."""

    class Kind(models.TextChoices):
        STAFF = "STAFF", _("Danh sách cán bộ")
        CERTIFICATE = "CERTIFICATE", _("Giấy chứng nhận")
        ROSTER = "ROSTER", _("Danh sách lớp")
        REPORT = "REPORT", _("Báo cáo")
        API = "API", _("Xuất qua API")
        NATIONAL = "NATIONAL", _("Xuất cho CSDL quốc gia về CBCCVC")
        OTHER = "OTHER", _("Khác")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xuất"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=12, blank=True)
    kind = models.CharField(_("loại dữ liệu"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("nội dung"), max_length=500)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    filters = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    ip = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("lượt xuất dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xuất dữ liệu cá nhân")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.username} · {self.get_kind_display()} · {self.description}"


def _job_result_path(job, filename):
    # One folder per job: the file keeps its readable name and two jobs never overwrite each other.
    return f"jobs/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class Job(models.Model):
    """A background job (import apply, report file, staff export) run by `dtbd worker` (django-tasks, database
    backend) or by Celery workers when REDIS_URL is set; see dtbd.core.jobs. The result file is stored through
    Django's default storage under MEDIA_ROOT and served only to the job's owner."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Nhập dữ liệu từ tệp")
        REPORT = "report", _("Xuất báo cáo")
        STAFF_EXPORT = "staff_export", _("Xuất danh sách cán bộ")
        PLAN_OPTIMISE = "plan_optimise", _("Đề xuất kế hoạch (tối ưu)")
        REORGANISE = "reorganise", _("Sắp xếp tổ chức bộ máy")
        FOSTERING_EXPORT = "fostering_export", _("Xuất quá trình bồi dưỡng (CSDL quốc gia)")

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Đang chờ")
        RUNNING = "RUNNING", _("Đang chạy")
        DONE = "DONE", _("Hoàn thành")
        FAILED = "FAILED", _("Lỗi")

    kind = models.CharField(_("loại công việc"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tên công việc"), max_length=255, blank=True)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(_("trạng thái"), max_length=7, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(_("đã xong"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng số"), default=0)
    progress_message = models.CharField(_("đang làm"), max_length=255, blank=True)
    result_file = models.FileField(_("tệp kết quả"), upload_to=_job_result_path, max_length=255, blank=True)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    link = models.CharField(_("trang liên quan"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    worker = models.CharField(_("máy chạy"), max_length=120, blank=True)
    heartbeat = models.DateTimeField(_("tín hiệu gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("công việc nền")
        verbose_name_plural = _("công việc nền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="core_job_user_created")]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
