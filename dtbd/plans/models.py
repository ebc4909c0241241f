"""The annual training plan (kế hoạch đào tạo, bồi dưỡng hằng năm) and its budget (docs/domain.md "Kế hoạch").

- Needs (nhu cầu): one register fed by two sources — the review's missing requirements, per person and programme, and
  the units' requests (yêu cầu của đơn vị: how many people need which programme, named people where known). One row
  per (year, person, programme): a request naming someone the review already found adds its reason to that row.
- Plan (kế hoạch): a year and a scope unit, lines (programme, target group, people, classes, form, provider, quarter,
  estimated cost by funding source), a status moved only by services.transition, every move and comment logged in
  PlanEvent. An approved plan changes only through a new revision (Plan.previous): its lines keep `origin`, the line
  of the previous revision they continue, so the differences are shown line by line.
- Budget (kinh phí): the cost of a class by item and funding source, estimated and actual (ClassCost), against the
  cost norms of the year (CostNorm, dated data). Classes opened from a plan line keep it (ClassLine).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import VIEW, scope_of
from dtbd.core.db import prefix_q
from dtbd.training.models import Program, Provider, TrainingClass

Funding = TrainingClass.Funding
Form = TrainingClass.Form


class CostItem(models.TextChoices):
    """Khoản chi of a class (the items of the cost norms for training and fostering cadres)."""

    TUITION = "TUITION", _("Học phí, chi phí đào tạo")
    LECTURERS = "LECTURERS", _("Thù lao giảng viên, báo cáo viên")
    MATERIALS = "MATERIALS", _("Tài liệu, văn phòng phẩm")
    VENUE = "VENUE", _("Thuê hội trường, phòng học, thiết bị")
    TRAVEL = "TRAVEL", _("Đi lại")
    PER_DIEM = "PER_DIEM", _("Phụ cấp tiền ăn, lưu trú")
    OTHER = "OTHER", _("Chi khác")


class Reason(models.TextChoices):
    """Why a person needs a programme, strongest first (the order the weights and the register sort by)."""

    LEGAL = "LEGAL", _("Tiêu chuẩn ngạch, chức vụ đang giữ (bắt buộc)")
    PLANNED_POST = "PLANNED_POST", _("Chức vụ quy hoạch")
    JOB_POSITION = "JOB_POSITION", _("Vị trí việc làm")
    REQUEST = "REQUEST", _("Đơn vị đề nghị")


REASON_ORDER = {reason: i for i, reason in enumerate(Reason.values)}


class Priority(models.IntegerChoices):
    HIGH = 1, _("Cao")
    NORMAL = 2, _("Trung bình")
    LOW = 3, _("Thấp")


def _in_units_q(scope, prefix="unit__"):
    """Q: rows whose unit (through `prefix`) lies in the scope's part of the tree."""
    if scope.everything:
        return models.Q()
    if scope.unit_path:
        return prefix_q(f"{prefix}path", scope.unit_path)
    return models.Q(pk__in=[])


class UnitScopedQuerySet(models.QuerySet):
    """VIEW: rows of a unit in the user's subtree (managers and province-wide leaders: all). CHANGE: the same for
    those who may write (managers; unit officers in their subtree). Institutions and learners see none."""

    unit_prefix = "unit__"

    def restrict(self, user, action=VIEW):
        scope = scope_of(user)
        if not scope.allows(action) or scope.is_institution or not scope.sees_units:
            return self.none()
        return self.filter(_in_units_q(scope, self.unit_prefix))


class RequestQuerySet(UnitScopedQuerySet):
    pass


class NeedQuerySet(UnitScopedQuerySet):
    pass


class PlanQuerySet(UnitScopedQuerySet):
    pass


class LineQuerySet(UnitScopedQuerySet):
    unit_prefix = "plan__unit__"


class NeedRequest(models.Model):
    """Yêu cầu đào tạo, bồi dưỡng của đơn vị: for a year, how many people of the unit need a programme."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Đang soạn")
        SUBMITTED = "SUBMITTED", _("Đã gửi")

    class Source(models.TextChoices):
        FORM = "FORM", _("Nhập trên màn hình")
        UPLOAD = "UPLOAD", _("Tải tệp Excel")

    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="+")
    people_count = models.PositiveIntegerField(_("số người"))
    priority = models.PositiveSmallIntegerField(_("mức ưu tiên"), choices=Priority.choices, default=Priority.NORMAL)
    justification = models.TextField(_("lý do, căn cứ"), blank=True)
    quarter = models.PositiveSmallIntegerField(_("quý mong muốn"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("nguồn"), max_length=6, choices=Source.choices, default=Source.FORM)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    # The people the unit names, where known (they become Need rows with reason REQUEST when the request is sent).
    people = models.ManyToManyField(
        "people.Person", verbose_name=_("cán bộ được nêu tên"), blank=True, related_name="+"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị đào tạo, bồi dưỡng của đơn vị")
        verbose_name_plural = _("đề nghị đào tạo, bồi dưỡng của đơn vị")
        ordering = ["-year", "unit__path", "priority", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "program"], name="plans_request_one_per_unit_programme"),
            models.CheckConstraint(condition=models.Q(people_count__gt=0), name="plans_request_people_positive"),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="plans_request_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.unit} · {self.program.code} × {self.people_count}"


class Need(models.Model):
    """One person needing one programme in a year (deduplicated), with the strongest reason and every reason seen."""

    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    person = models.ForeignKey("people.Person", verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="+")
    # The person's unit when the need was recorded: the plan of that unit's subtree counts it.
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do chính"), max_length=12, choices=Reason.choices)
    reasons = models.CharField(_("các lý do"), max_length=60, help_text=_("Mã lý do, cách nhau bởi dấu phẩy."))
    requirement_codes = models.CharField(_("tiêu chuẩn còn thiếu"), max_length=200, blank=True)
    request = models.ForeignKey(
        NeedRequest, verbose_name=_("theo đề nghị"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="needs",
    )
    # The plan line that will meet it (set when a proposal is accepted into a plan, or by hand).
    line = models.ForeignKey(
        "PlanLine", verbose_name=_("dòng kế hoạch dự kiến"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="needs",
    )
    due_on = models.DateField(_("hạn phải đáp ứng"), null=True, blank=True)
    waiting_since = models.DateField(_("có nhu cầu từ ngày"), null=True, blank=True)
    met = models.BooleanField(_("đã đáp ứng"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhu cầu đào tạo, bồi dưỡng")
        verbose_name_plural = _("nhu cầu đào tạo, bồi dưỡng")
        ordering = ["year", "program__code", "person__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "person", "program"], name="plans_need_once_per_person_programme"),
        ]
        indexes = [models.Index(fields=["year", "program"]), models.Index(fields=["year", "unit"])]

    def __str__(self):
        return f"{self.year} · {self.person_id} · {self.program_id}"


class Plan(models.Model):
    """Kế hoạch đào tạo, bồi dưỡng of a unit's subtree for a year; `revision` counts the approved versions."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Dự thảo")
        SUBMITTED = "SUBMITTED", _("Đã trình")
        APPROVED = "APPROVED", _("Đã phê duyệt")
        IN_EXECUTION = "IN_EXECUTION", _("Đang thực hiện")
        CLOSED = "CLOSED", _("Đã kết thúc")
        SUPERSEDED = "SUPERSEDED", _("Đã được điều chỉnh")

    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên kế hoạch"), max_length=255)
    revision = models.PositiveSmallIntegerField(_("lần điều chỉnh"), default=0)
    previous = models.OneToOneField(
        "self", verbose_name=_("điều chỉnh từ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="next_revision",
    )
    # A unit's plan consolidated into the province's plan of the same year.
    consolidated_into = models.ForeignKey(
        "self", verbose_name=_("đã tổng hợp vào"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="consolidated",
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    decision_no = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approved_on = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người phê duyệt"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    budget_cap = models.DecimalField(
        _("tổng kinh phí được giao (đồng)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch đào tạo, bồi dưỡng")
        verbose_name_plural = _("kế hoạch đào tạo, bồi dưỡng")
        ordering = ["-year", "unit__path", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "revision"], name="plans_plan_one_revision"),
        ]

    def __str__(self):
        rev = f" (điều chỉnh lần {self.revision})" if self.revision else ""
        return f"{self.title}{rev}"


class PlanLine(models.Model):
    """Một dòng kế hoạch: a programme for a target group, how many people and classes, when and by whom."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="lines")
    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="+")
    target_group = models.CharField(_("đối tượng"), max_length=255, blank=True)
    people = models.PositiveIntegerField(_("số người (lượt)"))
    classes = models.PositiveSmallIntegerField(_("số lớp"), default=1)
    form = models.CharField(_("hình thức"), max_length=10, choices=Form.choices, default=Form.IN_PERSON)
    provider = models.ForeignKey(
        Provider, verbose_name=_("cơ sở tổ chức"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("quý"))
    note = models.TextField(_("ghi chú"), blank=True)
    # The line of the previous revision this one continues (blank: added by this revision).
    origin = models.ForeignKey(
        "self", verbose_name=_("dòng của bản trước"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="continued_by",
    )
    # The unit plan's line this consolidated line came from.
    source_line = models.ForeignKey(
        "self", verbose_name=_("dòng của kế hoạch đơn vị"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="consolidated_as",
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng kế hoạch")
        verbose_name_plural = _("dòng kế hoạch")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="plans_line_quarter"),
            models.CheckConstraint(condition=models.Q(classes__gte=1), name="plans_line_classes_positive"),
        ]

    def __str__(self):
        return f"{self.program.code} · {self.people} người · Q{self.quarter}"


class LineCost(models.Model):
    """The estimated cost of a plan line from one funding source."""

    line = models.ForeignKey(PlanLine, verbose_name=_("dòng kế hoạch"), on_delete=models.CASCADE, related_name="costs")
    source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=Funding.choices)
    amount = models.DecimalField(_("dự toán (đồng)"), max_digits=15, decimal_places=0)

    class Meta:
        verbose_name = _("dự toán theo nguồn")
        verbose_name_plural = _("dự toán theo nguồn")
        constraints = [
            models.UniqueConstraint(fields=["line", "source"], name="plans_line_cost_once_per_source"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="plans_line_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.amount:,.0f} đ".replace(",", ".")


class PlanEvent(models.Model):
    """A transition of a plan's status or a comment on it (nhật ký xử lý kế hoạch)."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=Plan.Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=Plan.Status.choices, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký kế hoạch")
        verbose_name_plural = _("nhật ký kế hoạch")
        ordering = ["plan", "at", "pk"]


class ClassLine(models.Model):
    """A class opened from a plan line keeps it (across revisions: approving a revision moves the link to the line
    that continues it)."""

    training_class = models.OneToOneField(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="plan_link"
    )
    line = models.ForeignKey(PlanLine, verbose_name=_("dòng kế hoạch"), on_delete=models.PROTECT, related_name="class_links")

    class Meta:
        verbose_name = _("lớp mở theo kế hoạch")
        verbose_name_plural = _("lớp mở theo kế hoạch")


class ClassCost(models.Model):
    """The cost of a class for one item from one source: estimated (dự toán) and actual (quyết toán)."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="costs"
    )
    item = models.CharField(_("khoản chi"), max_length=10, choices=CostItem.choices)
    source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=Funding.choices)
    estimated = models.DecimalField(_("dự toán (đồng)"), max_digits=15, decimal_places=0, default=0)
    actual = models.DecimalField(_("thực chi (đồng)"), max_digits=15, decimal_places=0, null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kinh phí lớp")
        verbose_name_plural = _("kinh phí lớp")
        ordering = ["training_class", "item", "source"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "item", "source"], name="plans_class_cost_once"),
            models.CheckConstraint(condition=models.Q(estimated__gte=0), name="plans_class_cost_estimated"),
            models.CheckConstraint(
                condition=models.Q(actual__isnull=True) | models.Q(actual__gte=0), name="plans_class_cost_actual"
            ),
        ]


class CostNorm(models.Model):
    """Định mức chi: an amount per unit of measure for a cost item (optionally for a grade, e.g. the lecturer's
    title), valid for a period. Values are data a manager edits; the defaults seeded are plausible figures after the
    Ministry of Finance's circular on the cost norms for training and fostering cadres (TT 36/2018/TT-BTC, amended by
    TT 06/2023/TT-BTC)."""

    item = models.CharField(_("khoản chi"), max_length=10, choices=CostItem.choices)
    code = models.CharField(_("mã định mức"), max_length=40)
    name = models.CharField(_("tên định mức"), max_length=255)
    grade = models.CharField(_("áp dụng cho"), max_length=120, blank=True)
    per = models.CharField(_("đơn vị tính"), max_length=40, help_text=_("Ví dụ: buổi giảng, người/ngày, lớp."))
    amount = models.DecimalField(_("mức chi tối đa (đồng)"), max_digits=15, decimal_places=0)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("định mức chi")
        verbose_name_plural = _("định mức chi")
        ordering = ["item", "code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="plans_norm_once_per_start"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="plans_norm_amount"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="plans_norm_dates",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.per})"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu.")})
