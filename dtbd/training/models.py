"""Catalogue of training (ĐTBD): providers (cơ sở đào tạo, bồi dưỡng) and programmes (chương trình)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import CHANGE, VIEW, scope_of
from dtbd.core.db import prefix_q
from dtbd.core.text import fold
from dtbd.people.catalog import LEVELS, QualificationType, level_label
from dtbd.people.models import Person

# -- scope ----------------------------------------------------------------------------------------------------------
# Who sees and changes what (accounts.scope): every training queryset answers `restrict(user, action)` here, for the
# pages, the API, the exports and the jobs alike.
# - managers (admin, province): everything;
# - training institution staff: run (change) the classes of the providers linked to a unit of their subtree; see the
#   enrolments of those classes and of their subtree's people;
# - unit officers: decide (change) the enrolments of their subtree's people; leaders: see them;
# - learners: their own enrolments and certificates;
# - the province's class offer (classes, providers, programmes) is seen by every user with a scope.


def _people_in_scope(scope):
    return scope.filter_people(Person.objects.all()).values("pk")


def runs_q(scope, prefix=""):
    """Q on TrainingClass (or through `prefix`, e.g. "training_class__"): the classes the scope's user runs."""
    if scope.is_manager:
        return models.Q()
    if scope.is_institution:
        return prefix_q(f"{prefix}provider__unit__path", scope.unit_path)
    return models.Q(pk__in=[])


class ProviderQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW: the class offer's providers (everyone with a scope). CHANGE: those whose classes the user may create
        and run (managers: all; institution staff: the providers linked to a unit of their subtree)."""
        scope = scope_of(user)
        if action == VIEW:
            return self if (scope.sees_units or scope.person_id) else self.none()
        if scope.is_manager:
            return self
        if scope.is_institution:
            return self.filter(prefix_q("unit__path", scope.unit_path))
        return self.none()


def registration_open_q(day, prefix=""):
    """Classes open for registration on `day`: status OPEN and `day` inside the registration window (a blank bound is
    open). `prefix` reaches the class through a relation ("training_class__")."""
    p = prefix
    return (
        models.Q(**{f"{p}status": "OPEN"})
        & (models.Q(**{f"{p}registration_opens__isnull": True}) | models.Q(**{f"{p}registration_opens__lte": day}))
        & (models.Q(**{f"{p}registration_closes__isnull": True}) | models.Q(**{f"{p}registration_closes__gte": day}))
    )


class TrainingClassQuerySet(models.QuerySet):
    def open_for_registration(self, day=None):
        """The classes taking registrations on `day` (default today): registration_open_q."""
        return self.filter(registration_open_q(day or timezone.localdate()))

    def restrict(self, user, action=VIEW):
        """VIEW: the class offer (everyone with a scope). CHANGE: the classes the user runs (edit, sessions, status,
        attendance, results, certificates)."""
        scope = scope_of(user)
        if action == VIEW:
            return self if (scope.sees_units or scope.person_id) else self.none()
        if scope.is_manager or scope.is_institution:
            return self.filter(runs_q(scope))
        return self.none()


class EnrollmentQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW: managers all; institution staff those of the classes they run and of their subtree's people; unit
        officers and leaders their subtree's people's; learners their own. CHANGE (approve, reject, withdraw someone
        else's): managers, and unit officers for their subtree's people."""
        scope = scope_of(user)
        if scope.is_manager:
            return self
        if action == CHANGE:
            return self.filter(person__in=_people_in_scope(scope)) if scope.is_unit_officer else self.none()
        if scope.is_institution:
            run = TrainingClass.objects.restrict(user, CHANGE).values("pk")
            return self.filter(models.Q(training_class__in=run) | models.Q(person__in=_people_in_scope(scope)))
        if scope.unit_path:
            return self.filter(person__in=_people_in_scope(scope))
        if scope.person_id:
            return self.filter(person_id=scope.person_id)
        return self.none()


class CertificateQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW (and print): the certificates of the enrolments the user sees, and their own whatever their role.
        CHANGE (replace, revoke): those of the classes the user runs."""
        if not (user and user.is_authenticated):
            return self.none()
        scope = scope_of(user)
        if scope.is_manager:
            return self
        if action == CHANGE:
            return self.filter(enrollment__training_class__in=TrainingClass.objects.restrict(user, CHANGE).values("pk"))
        q = models.Q(enrollment__in=Enrollment.objects.restrict(user).values("pk"))
        if user.person_id:
            q |= models.Q(enrollment__person_id=user.person_id)
        return self.filter(q)


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

    objects = ProviderQuerySet.as_manager()

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
    # Machine-checkable audience (nomination warns when a person is outside it); empty = no restriction.
    audience_categories = models.CharField(
        _("đối tượng theo loại cán bộ"), max_length=60, blank=True,
        help_text=_("Mã loại cán bộ, cách nhau bởi dấu phẩy (CB, CC, VC…); để trống nếu không giới hạn."),
    )
    audience_post_levels = models.CharField(
        _("đối tượng theo cấp chức vụ"), max_length=120, blank=True,
        help_text=_("Mã cấp chức vụ (hiện giữ hoặc được quy hoạch), cách nhau bởi dấu phẩy; để trống nếu không giới hạn."),
    )
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
    # Registration on demand: a learner's own registration takes a seat at once (the same atomic conditional UPDATE
    # as approval) while seats are left, then goes to the waitlist in request order; no unit approval.
    first_come_first_served = models.BooleanField(
        _("đăng ký theo nhu cầu (tự động ghi danh khi còn chỗ)"), default=False,
        help_text=_("Học viên tự đăng ký được xếp lớp ngay khi lớp còn chỗ, không cần đơn vị duyệt; hết chỗ thì vào "
                    "danh sách chờ theo thứ tự đăng ký."),
    )
    starts_on = models.DateField(_("ngày khai giảng"))
    ends_on = models.DateField(_("ngày kết thúc"))
    cost_estimate = models.DecimalField(_("dự toán kinh phí (đồng)"), max_digits=15, decimal_places=0, null=True, blank=True)
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=Funding.choices, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    seats_taken = models.PositiveIntegerField(_("số chỗ đã xếp"), default=0, editable=False)
    # Completion rule (docs/domain.md §11.1): attendance of at least this share of sessions (excused absences count as
    # attended) and every assessment at least `pass_score`.
    min_attendance_pct = models.PositiveSmallIntegerField(
        _("tỷ lệ chuyên cần tối thiểu (%)"), default=100,
        help_text=_("Buổi vắng có phép được tính là có mặt. Mặc định 100%."),
    )
    pass_score = models.DecimalField(_("điểm đạt của mỗi bài"), max_digits=4, decimal_places=2, default=5)
    results_submitted_at = models.DateTimeField(_("thời điểm chốt kết quả"), null=True, blank=True, editable=False)
    results_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chốt kết quả"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    # A class of the past recorded by the dated history import (docs/domain.md §15.6): its learners' completions,
    # tiết and certificates come from the province's earlier records, not from sessions and results kept here.
    imported_history = models.BooleanField(_("lớp nhập từ dữ liệu lịch sử"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()

    def is_open_for_registration(self, day=None):
        """registration_open_q for this loaded class, without a query."""
        day = day or timezone.localdate()
        opens, closes = self.registration_opens, self.registration_closes
        return self.status == self.Status.OPEN and (opens is None or opens <= day) and (closes is None or closes >= day)

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
            models.CheckConstraint(condition=models.Q(min_attendance_pct__lte=100), name="training_class_attendance_pct"),
        ]

    @property
    def results_locked(self):
        return self.results_submitted_at is not None

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


class LecturerQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW: the register of lecturers, for those who see a part of the organisation (managers, institution staff,
        unit officers, leaders); not learners. CHANGE: managers and institution staff (who assign lecturers to the
        sessions of their classes)."""
        scope = scope_of(user)
        if action == VIEW:
            return self if scope.sees_units else self.none()
        return self if (scope.is_manager or scope.is_institution) else self.none()


class Lecturer(models.Model):
    """A lecturer or speaker (giảng viên, báo cáo viên): internal — a person of the staff register — or external (name,
    institution, academic title, field). Assigned to class sessions; their teaching hours are the tiết of those
    sessions (queries.lecturer_hours)."""

    class Title(models.TextChoices):
        GS = "GS", _("Giáo sư")
        PGS = "PGS", _("Phó Giáo sư")
        TS = "TS", _("Tiến sĩ")
        THS = "THS", _("Thạc sĩ")
        CN = "CN", _("Cử nhân")
        KHAC = "KHAC", _("Khác")

    person = models.OneToOneField(
        "people.Person", verbose_name=_("cán bộ (giảng viên nội bộ)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="lecturer",
    )
    name = models.CharField(_("họ và tên"), max_length=200, blank=True,
                            help_text=_("Giảng viên ngoài: ghi họ tên. Giảng viên nội bộ: lấy theo hồ sơ cán bộ."))
    institution = models.CharField(_("cơ quan công tác"), max_length=255, blank=True)
    academic_title = models.CharField(_("học hàm, học vị"), max_length=5, choices=Title.choices, blank=True)
    field = models.CharField(_("lĩnh vực giảng dạy"), max_length=255, blank=True)
    active = models.BooleanField(_("đang mời giảng"), default=True)
    search = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    objects = LecturerQuerySet.as_manager()

    class Meta:
        verbose_name = _("giảng viên, báo cáo viên")
        verbose_name_plural = _("giảng viên, báo cáo viên")
        ordering = ["search", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(name=""), name="training_lecturer_has_name",
            ),
        ]

    @property
    def internal(self):
        return self.person_id is not None

    @property
    def display_name(self):
        return self.person.full_name if self.person_id else self.name

    def __str__(self):
        title = f"{self.get_academic_title_display()} " if self.academic_title else ""
        return f"{title}{self.display_name}"

    def clean(self):
        if not self.person_id and not (self.name or "").strip():
            raise ValidationError({"name": _("Giảng viên ngoài cần có họ và tên; giảng viên nội bộ chọn cán bộ.")})

    def save(self, *args, **kwargs):
        name = self.person.full_name if self.person_id else self.name
        self.name = (self.name or "").strip()
        self.search = fold(f"{name} {self.institution}")[:300]
        super().save(*args, **kwargs)


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("ngày"))
    start_time = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    end_time = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    tiet = models.PositiveSmallIntegerField(_("số tiết"), default=4)
    topic = models.CharField(_("chuyên đề"), max_length=255, blank=True)
    lecturer = models.ForeignKey(
        Lecturer, verbose_name=_("giảng viên"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
    )

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
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

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


class Assessment(models.Model):
    """A test or essay (bài kiểm tra, thu hoạch) of a class, scored 0–10."""

    class Kind(models.TextChoices):
        TEST = "TEST", _("Bài kiểm tra")
        ESSAY = "ESSAY", _("Bài thu hoạch, tiểu luận")
        PRACTICE = "PRACTICE", _("Bài thực hành")
        FINAL = "FINAL", _("Bài thi cuối khoá")

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="assessments"
    )
    name = models.CharField(_("tên bài"), max_length=120)
    kind = models.CharField(_("loại bài"), max_length=10, choices=Kind.choices, default=Kind.TEST)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("bài kiểm tra, đánh giá")
        verbose_name_plural = _("bài kiểm tra, đánh giá")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "name"], name="training_assessment_unique_name"),
        ]

    def __str__(self):
        return self.name


class Attendance(models.Model):
    """Attendance of one enrolled learner at one session (điểm danh)."""

    class Status(models.TextChoices):
        PRESENT = "PRESENT", _("Có mặt")
        EXCUSED = "EXCUSED", _("Vắng có phép")
        ABSENT = "ABSENT", _("Vắng không phép")

    session = models.ForeignKey(ClassSession, verbose_name=_("buổi học"), on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("điểm danh"), max_length=8, choices=Status.choices)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="training_attendance_unique"),
        ]
        indexes = [models.Index(fields=["enrollment", "status"])]

    def __str__(self):
        return f"{self.enrollment_id} {self.session_id} {self.status}"


class Result(models.Model):
    """The result of one learner in a class, versioned: a draft (submitted_at NULL) is edited; submitting locks it.
    A correction after submission is a new version (version + 1) with a reason; the old version stays, with
    `is_current` False. Exactly one submitted version per enrolment is current."""

    class Grade(models.TextChoices):
        EXCELLENT = "XS", _("Xuất sắc")
        GOOD = "GIOI", _("Giỏi")
        FAIR = "KHA", _("Khá")
        AVERAGE = "TB", _("Trung bình")
        FAIL = "KD", _("Không đạt")

    enrollment = models.ForeignKey(Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="results")
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    final_score = models.DecimalField(_("điểm tổng kết"), max_digits=4, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("xếp loại"), max_length=4, choices=Grade.choices, blank=True)
    attendance_pct = models.DecimalField(_("tỷ lệ chuyên cần (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    completed = models.BooleanField(_("hoàn thành"), default=False)
    is_current = models.BooleanField(_("kết quả hiện hành"), default=False)
    reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    submitted_at = models.DateTimeField(_("thời điểm chốt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chốt"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả học tập")
        verbose_name_plural = _("kết quả học tập")
        ordering = ["enrollment", "version"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "version"], name="training_result_unique_version"),
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(is_current=True), name="training_result_one_current"
            ),
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(submitted_at__isnull=True), name="training_result_one_draft"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment_id} v{self.version}"

    @property
    def locked(self):
        return self.submitted_at is not None


class Score(models.Model):
    result = models.ForeignKey(Result, verbose_name=_("kết quả"), on_delete=models.CASCADE, related_name="scores")
    assessment = models.ForeignKey(Assessment, verbose_name=_("bài"), on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("điểm"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(fields=["result", "assessment"], name="training_score_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=10), name="training_score_range"),
        ]


class IssuingDecision(models.Model):
    """The decision issuing the certificates of a class (quyết định cấp chứng chỉ): when the results are locked a draft
    is opened for the completed learners without a certificate; the institution enters its number, date and signer
    and confirms it, which issues the certificates dated on the decision (docs/domain.md §11.2)."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Dự thảo")
        CONFIRMED = "CONFIRMED", _("Đã ban hành")

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="issuing_decisions"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    authority = models.CharField(_("thẩm quyền ký"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("thời điểm ban hành"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ban hành"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quyết định cấp chứng chỉ")
        verbose_name_plural = _("quyết định cấp chứng chỉ")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One draft at a time per class: later completions (a corrected result) join the open draft.
            models.UniqueConstraint(fields=["training_class"], condition=models.Q(status="DRAFT"),
                                    name="training_issuingdecision_one_draft"),
        ]

    def __str__(self):
        return self.number or str(_("Dự thảo quyết định cấp chứng chỉ lớp %(code)s") % {"code": self.training_class.code})


class Certificate(models.Model):
    """A certificate of completion (chứng chỉ / giấy chứng nhận), issued once per enrolment. `number` is unique per
    provider and year (CODE-YYYY-NNNNN); `code` is the unguessable token of the public verification page."""

    class Kind(models.TextChoices):
        CERTIFICATE = "CERT", _("Chứng chỉ, giấy chứng nhận")
        CONFIRMATION = "CONF", _("Giấy xác nhận hoàn thành (cấp thay chứng chỉ bị mất)")

    enrollment = models.ForeignKey(Enrollment, verbose_name=_("học viên"), on_delete=models.PROTECT, related_name="certificates")
    provider = models.ForeignKey(Provider, verbose_name=_("cơ sở cấp"), on_delete=models.PROTECT, related_name="certificates")
    year = models.PositiveSmallIntegerField(_("năm cấp"))
    serial = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số hiệu"), max_length=60, unique=True)
    code = models.CharField(_("mã xác thực"), max_length=32, unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices, default=Kind.CERTIFICATE)
    issued_on = models.DateField(_("ngày cấp"))
    decision = models.ForeignKey(
        IssuingDecision, verbose_name=_("quyết định cấp"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificates",
    )
    qualification = models.ForeignKey(
        "people.Qualification", verbose_name=_("văn bằng, chứng chỉ trong hồ sơ"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("chứng chỉ")
        verbose_name_plural = _("chứng chỉ")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "year", "serial"], name="training_certificate_unique_serial"),
            # Issued once: at most one valid certificate (not a replacement confirmation) per enrolment.
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(kind="CERT", revoked_at__isnull=True),
                name="training_certificate_once",
            ),
        ]

    def __str__(self):
        return self.number


class EntryCondition(models.Model):
    """The entry conditions of a programme level (điều kiện dự học), dated: the trung cấp LLCT conditions of Quy định
    350-QĐ/TW (docs/domain.md §10.1). A class whose programme grants `qualification_type` at `level` is checked
    against the row valid on its first day; a blank figure is a condition not checked. Changing the rule is a new
    row from its date, the previous one closed (valid_to)."""

    qualification_type = models.CharField(_("loại văn bằng, chứng chỉ của chương trình"), max_length=4,
                                          choices=QualificationType.choices)
    level = models.CharField(_("trình độ của chương trình"), max_length=10)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    party_member = models.BooleanField(_("phải là đảng viên"), default=True)
    min_education = models.CharField(
        _("trình độ chuyên môn tối thiểu"), max_length=10, blank=True,
        help_text=_("Mã trình độ chuyên môn (CD = cao đẳng…); để trống: không xét."),
    )
    good_years = models.PositiveSmallIntegerField(
        _("số năm liền kề hoàn thành tốt nhiệm vụ trở lên"), null=True, blank=True,
        help_text=_("Để trống: không xét kết quả đánh giá."),
    )
    part_time_min_age_women = models.PositiveSmallIntegerField(
        _("tuổi tối thiểu học không tập trung (nữ)"), null=True, blank=True)
    part_time_min_age_men = models.PositiveSmallIntegerField(
        _("tuổi tối thiểu học không tập trung (nam)"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("điều kiện dự học")
        verbose_name_plural = _("điều kiện dự học")
        ordering = ["qualification_type", "level", "-valid_from"]

    def __str__(self):
        return f"{self.qualification_type} {self.level} từ {self.valid_from:%d/%m/%Y}"


def overseas_report_path(instance, filename):
    """Stored under a name of the enrolment, never the uploaded name (served only through the checked view)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"overseas_reports/{instance.enrollment_id}/{timezone.now():%Y%m%d%H%M%S}.{ext}"


class OverseasReport(models.Model):
    """The report (báo cáo kết quả học tập) of a learner back from a course abroad, due within 15 days of return
    (docs/domain.md §10.2). One per enrolment; a new upload replaces the file (the audit log keeps who and when)."""

    # A foreign key with a unique constraint rather than a one-to-one field: the audit log of an enrolment would
    # otherwise read the reverse one-to-one (one more query for every enrolment written).
    enrollment = models.ForeignKey(Enrollment, verbose_name=_("học viên"), on_delete=models.PROTECT,
                                   related_name="overseas_reports")
    file = models.FileField(_("tệp báo cáo"), upload_to=overseas_report_path, max_length=255)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("báo cáo sau khoá học ở nước ngoài")
        verbose_name_plural = _("báo cáo sau khoá học ở nước ngoài")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["enrollment"], name="training_overseas_report_once")]

    def __str__(self):
        return f"{self.enrollment_id} {self.submitted_at:%d/%m/%Y}"


class OverseasReminder(models.Model):
    """A reminder sent about an overseas report: one row per enrolment and kind, so a daily run repeated on the same
    day, or on the next, sends nothing twice (docs/domain.md §10.2)."""

    class Kind(models.TextChoices):
        DUE = "DUE", _("Nhắc hạn nộp báo cáo")
        LATE = "LATE", _("Quá hạn nộp báo cáo")

    enrollment = models.ForeignKey(Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE,
                                   related_name="overseas_reminders")
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    sent_on = models.DateField(_("ngày gửi"))

    class Meta:
        verbose_name = _("nhắc nộp báo cáo khoá học ở nước ngoài")
        verbose_name_plural = _("nhắc nộp báo cáo khoá học ở nước ngoài")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "kind"], name="training_overseas_reminder_once"),
        ]
