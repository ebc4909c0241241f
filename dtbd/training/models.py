"""Catalogue of training (ĐTBD): providers (cơ sở đào tạo, bồi dưỡng) and programmes (chương trình)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtbd.core.text import fold
from dtbd.people.catalog import LEVELS, QualificationType, level_label


class Provider(models.Model):
    class Kind(models.TextChoices):
        HV_CTQG = "HV_CTQG", _("Học viện CTQG Hồ Chí Minh và các học viện khu vực")
        TRUONG_CHINH_TRI = "TRUONG_CHINH_TRI", _("Trường chính trị tỉnh")
        DAI_HOC = "DAI_HOC", _("Trường đại học, học viện")
        TRUONG_BO_NGANH = "TRUONG_BO_NGANH", _("Trường của bộ, ngành")
        NUOC_NGOAI = "NUOC_NGOAI", _("Đối tác nước ngoài")
        KHAC = "KHAC", _("Khác")

    code = models.CharField(_("mã cơ sở"), max_length=30, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=255)
    kind = models.CharField(_("loại cơ sở"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("quốc gia"), max_length=2, default="VN")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("đơn vị tương ứng"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="providers", limit_choices_to={"kind": "TRUONG"},
    )
    search = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("cơ sở đào tạo, bồi dưỡng")
        verbose_name_plural = _("cơ sở đào tạo, bồi dưỡng")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.unit.kind != "TRUONG":
            raise ValidationError({"unit": _("Đơn vị liên kết phải là cơ sở đào tạo, bồi dưỡng (loại TRUONG).")})

    def save(self, *args, **kwargs):
        self.search = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


class Program(models.Model):
    class Category(models.TextChoices):
        LLCT = "LLCT", _("Lý luận chính trị")
        QPAN = "QPAN", _("Quốc phòng và an ninh")
        QLNN = "QLNN", _("Quản lý nhà nước")
        LDQL = "LDQL", _("Kiến thức, kỹ năng lãnh đạo, quản lý")
        CMNV = "CMNV", _("Chuyên môn, nghiệp vụ")
        SO_AI = "SO_AI", _("Chuyển đổi số, trí tuệ nhân tạo")
        NGOAI_NGU = "NGOAI_NGU", _("Ngoại ngữ")
        TIN_HOC = "TIN_HOC", _("Tin học")
        KHAC = "KHAC", _("Khác")

    class Kind(models.TextChoices):
        DEGREE = "DEGREE", _("Đào tạo (cấp văn bằng)")
        FOSTERING = "FOSTERING", _("Bồi dưỡng (cấp chứng chỉ)")
        BRIEFING = "BRIEFING", _("Bồi dưỡng ngắn hạn, cập nhật kiến thức")

    code = models.CharField(_("mã chương trình"), max_length=30, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=255)
    category = models.CharField(_("nội dung"), max_length=10, choices=Category.choices)
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    duration_tiet = models.PositiveIntegerField(_("thời lượng (tiết)"), help_text=_("1 ngày = 8 tiết, 1 tuần = 40 tiết."))
    grants_type = models.CharField(
        _("loại văn bằng, chứng chỉ được cấp"), max_length=4, choices=QualificationType.choices, blank=True
    )
    grants_level = models.CharField(_("trình độ được cấp"), max_length=10, blank=True)
    grants_level_order = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    target_audience = models.TextField(_("đối tượng"), blank=True)
    validity_years = models.PositiveSmallIntegerField(_("thời hạn giá trị (năm)"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    providers = models.ManyToManyField(Provider, verbose_name=_("cơ sở tổ chức"), blank=True, related_name="programs")
    search = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("chương trình đào tạo, bồi dưỡng")
        verbose_name_plural = _("chương trình đào tạo, bồi dưỡng")
        ordering = ["category", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def grants_label(self):
        if not self.grants_type:
            return ""
        return f"{QualificationType(self.grants_type).label}: {level_label(self.grants_type, self.grants_level)}"

    def clean(self):
        if bool(self.grants_type) != bool(self.grants_level):
            raise ValidationError(
                {"grants_level": _("Văn bằng được cấp cần có cả loại và trình độ (hoặc để trống cả hai).")}
            )
        if self.grants_type and self.grants_level not in LEVELS.get(self.grants_type, {}):
            raise ValidationError(
                {"grants_level": _("Trình độ “%(level)s” không thuộc loại “%(type)s”.")
                 % {"level": self.grants_level, "type": QualificationType(self.grants_type).label}}
            )

    def save(self, *args, **kwargs):
        entry = LEVELS.get(self.grants_type, {}).get(self.grants_level) if self.grants_type else None
        self.grants_level_order = entry[1] if entry else None
        self.search = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


class TrainingClass(models.Model):
    """A class (lớp) of a programme run by a provider. `seats_taken` is the counter that the atomic conditional
    UPDATE in services.approve() moves; it is never written from Python-side counts."""

    class Form(models.TextChoices):
        IN_PERSON = "IN_PERSON", _("Tập trung")
        ONLINE = "ONLINE", _("Trực tuyến")
        BLENDED = "BLENDED", _("Kết hợp")

    class Funding(models.TextChoices):
        NSTW = "NSTW", _("Ngân sách trung ương")
        NSTINH = "NSTINH", _("Ngân sách tỉnh")
        DON_VI = "DON_VI", _("Kinh phí của cơ quan, đơn vị")
        CA_NHAN = "CA_NHAN", _("Cá nhân tự túc")
        TAI_TRO = "TAI_TRO", _("Tài trợ")

    class Status(models.TextChoices):
        PLANNED = "PLANNED", _("Dự kiến")
        OPEN = "OPEN", _("Đang nhận đăng ký")
        RUNNING = "RUNNING", _("Đang học")
        FINISHED = "FINISHED", _("Đã kết thúc")
        CLOSED = "CLOSED", _("Đã đóng")
        CANCELLED = "CANCELLED", _("Đã huỷ")

    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="classes")
    provider = models.ForeignKey(Provider, verbose_name=_("cơ sở tổ chức"), on_delete=models.PROTECT, related_name="classes")
    code = models.CharField(_("mã lớp"), max_length=40, unique=True)
    name = models.CharField(_("tên lớp"), max_length=255)
    form = models.CharField(_("hình thức tổ chức"), max_length=10, choices=Form.choices, default=Form.IN_PERSON)
    abroad = models.BooleanField(_("học ở nước ngoài"), default=False)
    country = models.CharField(_("quốc gia"), max_length=2, default="VN")
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("số chỗ"))
    min_size = models.PositiveIntegerField(_("số học viên tối thiểu"), null=True, blank=True)
    registration_opens = models.DateField(_("mở đăng ký từ"), null=True, blank=True)
    registration_closes = models.DateField(_("hạn đăng ký"), null=True, blank=True)
    starts_on = models.DateField(_("ngày khai giảng"))
    ends_on = models.DateField(_("ngày kết thúc"))
    cost_estimate = models.DecimalField(_("dự toán kinh phí (đồng)"), max_digits=15, decimal_places=0, null=True, blank=True)
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=Funding.choices, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    seats_taken = models.PositiveIntegerField(_("số chỗ đã xếp"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lớp")
        verbose_name_plural = _("lớp")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="training_class_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")), name="training_class_seats_within_capacity"
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_class_dates"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Ngày kết thúc phải sau hoặc trùng ngày khai giảng.")
        if self.registration_opens and self.registration_closes and self.registration_closes < self.registration_opens:
            errors["registration_closes"] = _("Hạn đăng ký phải sau ngày mở đăng ký.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("Số chỗ phải lớn hơn 0.")
        if self.min_size is not None and self.capacity and self.min_size > self.capacity:
            errors["min_size"] = _("Số học viên tối thiểu không được lớn hơn số chỗ.")
        if self.abroad and (not self.country or self.country == "VN"):
            errors["country"] = _("Lớp học ở nước ngoài cần ghi quốc gia (khác Việt Nam).")
        if errors:
            raise ValidationError(errors)


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("ngày"))
    start_time = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    end_time = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    tiet = models.PositiveSmallIntegerField(_("số tiết"), default=4)
    topic = models.CharField(_("chuyên đề"), max_length=255, blank=True)
    lecturer = models.CharField(_("giảng viên"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["date", "start_time"]

    def __str__(self):
        return f"{self.training_class.code} {self.date:%d/%m/%Y} {self.topic}".strip()

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("Giờ kết thúc phải sau giờ bắt đầu.")})


class Enrollment(models.Model):
    class Source(models.TextChoices):
        NOMINATED = "NOMINATED", _("Đơn vị cử")
        SELF = "SELF", _("Tự đăng ký")
        ASSIGNED = "ASSIGNED", _("Tỉnh phân công")

    class State(models.TextChoices):
        REQUESTED = "REQUESTED", _("Chờ duyệt")
        APPROVED = "APPROVED", _("Đã duyệt")
        ENROLLED = "ENROLLED", _("Đã xếp lớp")
        WAITLISTED = "WAITLISTED", _("Danh sách chờ")
        COMPLETED = "COMPLETED", _("Hoàn thành")
        FAILED = "FAILED", _("Không hoàn thành")
        WITHDRAWN = "WITHDRAWN", _("Rút khỏi lớp")
        REJECTED = "REJECTED", _("Từ chối")

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="enrollments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="enrollments"
    )
    source = models.CharField(_("hình thức đăng ký"), max_length=10, choices=Source.choices)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.REQUESTED)
    reason = models.TextField(_("lý do"), blank=True)
    requested_at = models.DateTimeField(_("thời điểm đăng ký"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đăng ký"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("học viên của lớp")
        verbose_name_plural = _("học viên của lớp")
        # The waitlist order is (requested_at, id): the oldest request is promoted first.
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="training_enrollment_unique_person"),
        ]
        indexes = [models.Index(fields=["training_class", "state", "requested_at"])]

    def __str__(self):
        return f"{self.person} — {self.training_class.code} ({self.get_state_display()})"
