"""Postgraduate study funded by the agency (cử đi đào tạo sau đại học), the service commitment that follows and the
reimbursement of the cost when it is broken (docs/domain.md §14.2–14.3).

- PostgradRule: the conditions of a dispatch and the commitment multiple, as dated data attached to a standards
  rule set (ND171_2025 for công chức, ND101_2017 for the others): the rule set is chosen by category and date
  (standards.engine.rule_sets_on), its PostgradRule gives the values.
- Dispatch: one person sent to one course (level, field, institution, country), with the decision, the study
  period, the costs paid by item and source, the status and, on graduation, the diploma (a people.Qualification).
- ReimbursementCase: opened when a person leaves with a commitment unfinished (one per dispatch), with the amount
  computed by funding.reimbursement.amount, the council's decision and the payments.
- Policy, PolicyItem, Attraction, AttractionPayment: the province's talent attraction policies and the people of the
  staff register attracted under them, with the support paid by year (docs/domain.md §14.4).
- Scheme, Candidate, CandidateStep: schemes creating a source of cadres, their candidates (not yet on the staff
  register), their training path, and their recruitment into the register (docs/domain.md §14.5).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.models import Role
from dtbd.accounts.scope import VIEW, scope_of
from dtbd.core.text import fold
from dtbd.org.models import Unit
from dtbd.people.catalog import Gender
from dtbd.people.models import Ethnicity, Person, Qualification
from dtbd.standards.models import RuleSet
from dtbd.training.models import Program, TrainingClass

Funding = TrainingClass.Funding
# Sources paid by the agency (the state budget or its own funds): what a broken commitment reimburses (§14.3).
AGENCY_SOURCES = (Funding.NSTW, Funding.NSTINH, Funding.DON_VI)


class PostgradRule(models.Model):
    """Điều kiện cử đi đào tạo sau đại học and the commitment multiple of one rule set (docs/domain.md §14.2)."""

    rule_set = models.OneToOneField(RuleSet, verbose_name=_("bộ quy định"), on_delete=models.CASCADE,
                                    related_name="postgrad_rule")
    max_age = models.PositiveSmallIntegerField(
        _("tuổi tối đa khi được cử đi đào tạo sau đại học lần đầu"), null=True, blank=True,
        help_text=_("Để trống: không xét điều kiện tuổi."))
    min_service_years = models.PositiveSmallIntegerField(
        _("số năm công tác tối thiểu (không kể tập sự)"), null=True, blank=True,
        help_text=_("Để trống: không xét thời gian công tác."))
    good_years = models.PositiveSmallIntegerField(
        _("số năm liền kề hoàn thành tốt nhiệm vụ trở lên"), null=True, blank=True,
        help_text=_("Để trống: không xét kết quả đánh giá."))
    commitment_multiple = models.PositiveSmallIntegerField(_("thời gian cam kết phục vụ (số lần thời gian đào tạo)"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("điều kiện cử đi đào tạo sau đại học")
        verbose_name_plural = _("điều kiện cử đi đào tạo sau đại học")
        ordering = ["rule_set__code"]

    def __str__(self):
        return f"{self.rule_set.code}: ≤ {self.max_age} tuổi, {self.min_service_years} năm, ×{self.commitment_multiple}"


class PersonScopedQuerySet(models.QuerySet):
    """Rows of the people `user` may see (view) or change (change): Person.objects.restrict. Training institutions'
    staff see none (the agency's dispatch decisions are not theirs)."""

    person_field = "person"

    def restrict(self, user, action=VIEW):
        scope = scope_of(user)
        if scope.role == Role.INSTITUTION and not scope.everything:
            return self.none()
        return self.filter(**{f"{self.person_field}__in": Person.objects.restrict(user, action).values("pk")})


class Level(models.TextChoices):
    """The levels the agency funds (codes of people.catalog's education levels)."""

    TS = "TS", _("Tiến sĩ")
    THS = "THS", _("Thạc sĩ")
    DH = "DH", _("Đại học")


class Dispatch(models.Model):
    """Cử đi đào tạo: one person, one course, one decision."""

    class Status(models.TextChoices):
        DISPATCHED = "DISPATCHED", _("Đã có quyết định cử đi")
        STUDYING = "STUDYING", _("Đang học")
        GRADUATED = "GRADUATED", _("Đã tốt nghiệp")
        DROPPED_OUT = "DROPPED_OUT", _("Bỏ học, thôi học")
        FAILED = "FAILED", _("Không được cấp văn bằng")

    OPEN_STATUSES = (Status.DISPATCHED, Status.STUDYING)

    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="dispatches")
    level = models.CharField(_("trình độ đào tạo"), max_length=3, choices=Level.choices)
    field = models.CharField(_("chuyên ngành"), max_length=200)
    institution = models.CharField(_("cơ sở đào tạo"), max_length=200)
    abroad = models.BooleanField(_("đào tạo ở nước ngoài"), default=False)
    country = models.CharField(_("quốc gia"), max_length=100, default="Việt Nam")
    decision_no = models.CharField(_("số quyết định cử đi"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    starts_on = models.DateField(_("ngày bắt đầu học"))
    planned_end = models.DateField(_("ngày kết thúc dự kiến"))
    returned_on = models.DateField(_("ngày trở lại công tác"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.DISPATCHED)
    field_matches_position = models.BooleanField(
        _("chuyên ngành phù hợp vị trí việc làm"), default=False,
        help_text=_("Cán bộ tổ chức xác nhận khi lập quyết định cử đi."))
    # The rule set in force at the decision and what it asked (kept: a later change of the data changes nothing).
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("bộ quy định"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    commitment_multiple = models.PositiveSmallIntegerField(_("hệ số cam kết phục vụ"), default=0)
    # Set when the return is recorded: multiple × study months, from the return date (funding.services).
    commitment_months = models.PositiveIntegerField(_("thời gian cam kết phục vụ (tháng)"), null=True, blank=True)
    commitment_ends_on = models.DateField(_("hết thời gian cam kết"), null=True, blank=True)
    unmet = models.JSONField(_("điều kiện chưa đạt khi cử đi"), default=list, blank=True)
    override_reason = models.TextField(_("lý do vẫn cử đi"), blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người quyết định vẫn cử đi"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    diploma = models.ForeignKey(Qualification, verbose_name=_("văn bằng"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cử đi đào tạo sau đại học")
        verbose_name_plural = _("cử đi đào tạo sau đại học")
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["status", "commitment_ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("starts_on")), name="funding_dispatch_period"),
            models.CheckConstraint(condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("starts_on")),
                                   name="funding_dispatch_return"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_level_display()} {self.field} · {self.decision_no}"


class CostItem(models.TextChoices):
    TUITION = "TUITION", _("Học phí")
    LIVING = "LIVING", _("Sinh hoạt phí")
    TRAVEL = "TRAVEL", _("Đi lại, vé máy bay")
    THESIS = "THESIS", _("Luận văn, luận án")
    OTHER = "OTHER", _("Chi khác")


class DispatchCost(models.Model):
    """Kinh phí đã chi for a dispatch, by item and source (one row each, amounts in đồng)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="costs")
    item = models.CharField(_("khoản chi"), max_length=8, choices=CostItem.choices)
    source = models.CharField(_("nguồn kinh phí"), max_length=8, choices=Funding.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))

    class Meta:
        verbose_name = _("kinh phí cử đi đào tạo")
        verbose_name_plural = _("kinh phí cử đi đào tạo")
        ordering = ["dispatch", "item", "source"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "item", "source"], name="funding_cost_once")]


class Case(models.TextChoices):
    """Trường hợp đền bù (docs/domain.md §14.3): the formula of funding.reimbursement.amount for each."""

    UNFINISHED = "unfinished", _("Chưa phục vụ đủ thời gian cam kết")
    DROPPED_OUT = "dropped_out", _("Tự ý bỏ học, thôi việc trong thời gian đào tạo")
    DISMISSED = "dismissed", _("Bị kỷ luật buộc thôi học, buộc thôi việc")
    NO_DIPLOMA = "no_diploma", _("Hoàn thành khoá học nhưng không được cấp văn bằng")
    ILLNESS = "illness", _("Miễn: ốm đau, bệnh tật không thể tiếp tục công tác")
    DISASTER = "disaster", _("Miễn: thiên tai, hoả hoạn, hoàn cảnh đặc biệt khó khăn")
    TRANSFER = "transfer", _("Miễn: chuyển công tác theo quyết định của cấp có thẩm quyền")


EXEMPT_CASES = (Case.ILLNESS, Case.DISASTER, Case.TRANSFER)
FULL_CASES = (Case.DROPPED_OUT, Case.DISMISSED, Case.NO_DIPLOMA)


class ReimbursementCase(models.Model):
    """Hồ sơ đền bù chi phí đào tạo: one per dispatch (leaving twice cannot open a second one)."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Đang xử lý")
        DECIDED = "DECIDED", _("Đã có quyết định của Hội đồng")
        PAID = "PAID", _("Đã nộp đủ")
        CLOSED = "CLOSED", _("Đã đóng")

    dispatch = models.OneToOneField(Dispatch, verbose_name=_("cử đi đào tạo"), on_delete=models.PROTECT,
                                    related_name="reimbursement")
    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("ngày phát sinh"))
    case = models.CharField(_("trường hợp"), max_length=12, choices=Case.choices, default=Case.UNFINISHED)
    cost = models.PositiveBigIntegerField(_("chi phí đào tạo (F, đồng)"))
    commitment_months = models.PositiveIntegerField(_("thời gian cam kết (T1, tháng)"))
    served_months = models.PositiveIntegerField(_("thời gian đã phục vụ (T2, tháng)"))
    amount = models.PositiveBigIntegerField(_("số tiền phải đền bù theo công thức (đồng)"))
    exemption_reason = models.TextField(_("lý do miễn, giảm"), blank=True)
    council_decision_no = models.CharField(_("số quyết định của Hội đồng"), max_length=60, blank=True)
    council_decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    amount_decided = models.PositiveBigIntegerField(_("số tiền Hội đồng quyết định (đồng)"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đền bù chi phí đào tạo")
        verbose_name_plural = _("hồ sơ đền bù chi phí đào tạo")
        ordering = ["-opened_on", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.get_case_display()} · {self.amount}"

    @property
    def amount_due(self):
        """What is owed: the council's amount once decided, else the formula's."""
        return self.amount_decided if self.amount_decided is not None else self.amount


class PaymentQuerySet(PersonScopedQuerySet):
    person_field = "case__person"


class Payment(models.Model):
    case = models.ForeignKey(ReimbursementCase, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("ngày nộp"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoản nộp đền bù")
        verbose_name_plural = _("khoản nộp đền bù")
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_payment_positive")]


# ------------------------------------------------------------------------------------------------ talent attraction
class Policy(models.Model):
    """Chính sách thu hút nhân tài of the province (a resolution of the provincial People's Council under Nghị định
    140/2017/NĐ-CP, docs/domain.md §14.4). Province-wide: every role that sees units reads it, managers write it."""

    name = models.CharField(_("tên chính sách"), max_length=255)
    legal_basis = models.TextField(_("căn cứ pháp lý"), help_text=_("Nghị quyết của HĐND tỉnh, quyết định của UBND tỉnh…"))
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    budget = models.PositiveBigIntegerField(_("tổng kinh phí dự kiến (đồng)"), null=True, blank=True)
    target_fields = models.TextField(
        _("lĩnh vực, chuyên ngành cần thu hút"), blank=True,
        help_text=_("Mỗi dòng một lĩnh vực (y tế, công nghệ thông tin, quản lý đô thị…). Lĩnh vực chưa thu hút được "
                    "ai được nêu là thiếu hụt."))
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chính sách thu hút nhân tài")
        verbose_name_plural = _("chính sách thu hút nhân tài")
        ordering = ["-valid_from", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                              name="funding_policy_period",
                                              violation_error_message=_("Ngày kết thúc trước ngày bắt đầu áp dụng."))]

    def __str__(self):
        return self.name

    def target_list(self):
        """The target fields, one per line, blanks and repeats (case and accents ignored) dropped, in order."""
        seen, fields = set(), []
        for line in self.target_fields.splitlines():
            name = " ".join(line.split())
            if name and fold(name) not in seen:
                seen.add(fold(name))
                fields.append(name)
        return fields

    def in_force_on(self, date):
        return self.valid_from <= date and (self.valid_to is None or date <= self.valid_to)


class PolicyItem(models.Model):
    """Một chế độ hỗ trợ of a policy: an amount (đồng) or a description (housing, a job for the spouse…)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("chế độ hỗ trợ"), max_length=200)
    amount = models.PositiveBigIntegerField(_("mức hỗ trợ (đồng)"), null=True, blank=True)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chế độ hỗ trợ")
        verbose_name_plural = _("chế độ hỗ trợ")
        ordering = ["policy", "pk"]

    def __str__(self):
        return self.name


class DegreeLevel(models.TextChoices):
    """Trình độ of a person attracted (the levels people.catalog names, plus the medical specialist degrees)."""

    TS = "TS", _("Tiến sĩ")
    CK2 = "CK2", _("Bác sĩ chuyên khoa II")
    THS = "THS", _("Thạc sĩ")
    CK1 = "CK1", _("Bác sĩ chuyên khoa I")
    DH = "DH", _("Đại học (tốt nghiệp xuất sắc, giỏi)")


class Attraction(models.Model):
    """A person of the staff register attracted under a policy (one decision). Scoped as the register
    (Person.objects.restrict)."""

    policy = models.ForeignKey(Policy, verbose_name=_("chính sách"), on_delete=models.PROTECT, related_name="attractions")
    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="attractions")
    field = models.CharField(_("lĩnh vực, chuyên ngành"), max_length=200)
    level = models.CharField(_("trình độ"), max_length=3, choices=DegreeLevel.choices)
    institution = models.CharField(_("cơ sở đào tạo"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("nơi bố trí công tác"), on_delete=models.PROTECT, related_name="+")
    decision_no = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    commitment_months = models.PositiveIntegerField(_("thời gian cam kết làm việc (tháng)"), null=True, blank=True)
    commitment_ends_on = models.DateField(_("hết thời gian cam kết"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("người được thu hút")
        verbose_name_plural = _("người được thu hút")
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["policy", "field"])]
        constraints = [models.UniqueConstraint(
            fields=["policy", "person"], name="funding_attraction_once",
            violation_error_message=_("Cán bộ này đã được ghi nhận thu hút theo chính sách này."))]

    def __str__(self):
        return f"{self.person} · {self.field} · {self.decision_no}"


class AttractionPaymentQuerySet(PersonScopedQuerySet):
    person_field = "attraction__person"


class AttractionPayment(models.Model):
    """Support paid to a person attracted: one row per year and item (đồng)."""

    attraction = models.ForeignKey(Attraction, on_delete=models.CASCADE, related_name="payments")
    year = models.PositiveSmallIntegerField(_("năm"))
    item = models.CharField(_("khoản hỗ trợ"), max_length=200)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))

    objects = AttractionPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("kinh phí hỗ trợ thu hút")
        verbose_name_plural = _("kinh phí hỗ trợ thu hút")
        ordering = ["attraction", "year", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_attraction_paid_positive")]


# ------------------------------------------------------------------------------------------------ source cadres
class Scheme(models.Model):
    """Đề án tạo nguồn cán bộ (Nghị định 140/2017/NĐ-CP, docs/domain.md §14.5). Province-wide like a Policy; its
    candidates are scoped by their unit."""

    name = models.CharField(_("tên đề án"), max_length=255)
    decision = models.TextField(_("căn cứ, quyết định phê duyệt"))
    valid_from = models.DateField(_("thực hiện từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    target = models.PositiveIntegerField(_("chỉ tiêu (người)"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đề án tạo nguồn cán bộ")
        verbose_name_plural = _("đề án tạo nguồn cán bộ")
        ordering = ["-valid_from", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                              name="funding_scheme_period",
                                              violation_error_message=_("Ngày kết thúc trước ngày bắt đầu thực hiện."))]

    def __str__(self):
        return self.name


class UnitScopedQuerySet(models.QuerySet):
    """Rows of a unit in the user's subtree (Unit.objects.restrict: managers all, a unit officer or a leader their
    subtree; CHANGE only for those who write). Training institutions and learners see none."""

    unit_field = "unit"

    def restrict(self, user, action=VIEW):
        scope = scope_of(user)
        if scope.is_institution or not scope.sees_units:
            return self.none()
        return self.filter(**{f"{self.unit_field}__in": Unit.objects.restrict(user, action).values("pk")})


class Candidate(models.Model):
    """Một người trong nguồn: a student, a young scientist, a youth-union cadre… not yet on the staff register, with
    their own identity. Recruitment (funding.sources.recruit) creates their Person and links it; the row stays."""

    class Selection(models.TextChoices):
        EXCELLENT_GRADUATE = "GRADUATE", _("Sinh viên tốt nghiệp xuất sắc")
        YOUNG_SCIENTIST = "SCIENTIST", _("Cán bộ khoa học trẻ")
        YOUTH_CADRE = "YOUTH", _("Cán bộ Đoàn, Hội, cơ sở")
        OTHER = "OTHER", _("Khác")

    scheme = models.ForeignKey(Scheme, verbose_name=_("đề án"), on_delete=models.PROTECT, related_name="candidates")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị quản lý, dự kiến tiếp nhận"), on_delete=models.PROTECT,
                             related_name="+")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, default="")
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    ethnicity = models.ForeignKey(Ethnicity, verbose_name=_("dân tộc"), null=True, blank=True, on_delete=models.PROTECT)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True)
    organisation = models.CharField(_("trường, cơ quan, tổ chức"), max_length=255)
    field = models.CharField(_("ngành, lĩnh vực"), max_length=200)
    selection = models.CharField(_("hình thức lựa chọn"), max_length=10, choices=Selection.choices)
    selection_note = models.TextField(_("kết quả, căn cứ lựa chọn"), blank=True)
    selected_on = models.DateField(_("ngày được lựa chọn"), null=True, blank=True)
    person = models.OneToOneField(Person, verbose_name=_("hồ sơ cán bộ sau khi tuyển dụng"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="source_candidate")
    recruited_on = models.DateField(_("ngày tuyển dụng"), null=True, blank=True)
    recruited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("người trong nguồn cán bộ")
        verbose_name_plural = _("người trong nguồn cán bộ")
        ordering = ["scheme", "name_folded", "pk"]
        indexes = [models.Index(fields=["scheme", "unit"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


class StepQuerySet(UnitScopedQuerySet):
    unit_field = "candidate__unit"


class CandidateStep(models.Model):
    """One stage of a candidate's training path before recruitment (a course of the catalogue or free text)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps")
    program = models.ForeignKey(Program, verbose_name=_("chương trình"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("nội dung đào tạo, bồi dưỡng, rèn luyện"), max_length=255, blank=True)
    provider = models.CharField(_("cơ sở, nơi thực hiện"), max_length=255, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=255, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("quá trình đào tạo của người trong nguồn")
        verbose_name_plural = _("quá trình đào tạo của người trong nguồn")
        ordering = ["candidate", "starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="funding_step_period",
                                              violation_error_message=_("Ngày kết thúc trước ngày bắt đầu."))]

    def __str__(self):
        return self.title or str(self.program)
