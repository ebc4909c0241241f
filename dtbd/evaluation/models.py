"""Quality evaluation of training under Circular 10/2017/TT-BNV (docs/domain.md §16): the dated rule (the invalid-form
threshold and the index bands), versioned survey templates, a class's survey and its answers.

Anonymity (docs/domain.md §16.3): an answer of an anonymous survey keeps no link to its person — `Response.person` is
empty, it has no time (no date, no timestamp), its key and its answers' keys are random (UUID: no insertion order to
match against anything else), and neither it nor the record that the person has answered (`Respondent`, which holds no
link to the answer) is written to the audit log (tests/test_audit_coverage.py says why)."""
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import VIEW, scope_of
from dtbd.training.models import runs_q


class Band(models.TextChoices):
    """The index bands of Circular 10/2017/TT-BNV (thresholds in Rule)."""
    POOR = "KEM", _("Kém")
    WEAK = "YEU", _("Yếu")
    AVERAGE = "TB", _("Trung bình")
    FAIR = "KHA", _("Khá")
    GOOD = "TOT", _("Tốt")


class Rule(models.Model):
    """The thresholds in force from `valid_from` (dated data: a change is a new row). A form is invalid when more
    than `invalid_unanswered_pct` % of its scored items are unanswered (exactly that share is still valid); an index
    below `weak_from` is kém, below `average_from` yếu, below `fair_from` trung bình, below `good_from` khá, else tốt."""

    valid_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    invalid_unanswered_pct = models.DecimalField(
        _("tỷ lệ câu bỏ trống tối đa của phiếu hợp lệ (%)"), max_digits=5, decimal_places=2, default=Decimal(5))
    weak_from = models.DecimalField(_("mức Yếu từ"), max_digits=4, decimal_places=2, default=Decimal(2))
    average_from = models.DecimalField(_("mức Trung bình từ"), max_digits=4, decimal_places=2, default=Decimal(4))
    fair_from = models.DecimalField(_("mức Khá từ"), max_digits=4, decimal_places=2, default=Decimal(6))
    good_from = models.DecimalField(_("mức Tốt từ"), max_digits=4, decimal_places=2, default=Decimal(8))
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quy tắc đánh giá chất lượng")
        verbose_name_plural = _("quy tắc đánh giá chất lượng")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weak_from__lt=models.F("average_from"), average_from__lt=models.F("fair_from"),
                                   fair_from__lt=models.F("good_from")),
                name="evaluation_rule_bands_ascending",
            ),
            models.CheckConstraint(
                condition=models.Q(invalid_unanswered_pct__gte=0, invalid_unanswered_pct__lte=100),
                name="evaluation_rule_pct_range",
            ),
        ]

    def __str__(self):
        return f"{self.valid_from:%d/%m/%Y}"


class Template(models.Model):
    """A survey template, versioned: a change is a new version (same code); a form keeps the version it was answered
    on (Response.template)."""

    code = models.CharField(_("mã mẫu phiếu"), max_length=30)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên mẫu phiếu"), max_length=255)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    active = models.BooleanField(_("đang áp dụng"), default=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mẫu phiếu khảo sát")
        verbose_name_plural = _("mẫu phiếu khảo sát")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_template_version")]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Subject(models.TextChoices):
    """The objects evaluated by a survey of learners (Circular 10/2017/TT-BNV)."""
    PROGRAMME = "PROGRAMME", _("Chương trình, tài liệu")
    LECTURER = "LECTURER", _("Giảng viên, báo cáo viên")
    FACILITIES = "FACILITIES", _("Cơ sở vật chất, phục vụ")
    ORGANISATION = "ORGANISATION", _("Tổ chức, quản lý lớp")
    COURSE = "COURSE", _("Đánh giá chung khoá học")


class Group(models.Model):
    """A group of items about one object; a LECTURER group is asked once per lecturer of the class."""
    template = models.ForeignKey(Template, verbose_name=_("mẫu phiếu"), on_delete=models.CASCADE, related_name="groups")
    subject = models.CharField(_("đối tượng đánh giá"), max_length=12, choices=Subject.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tiêu đề"), max_length=255)

    class Meta:
        verbose_name = _("nhóm câu hỏi")
        verbose_name_plural = _("nhóm câu hỏi")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="evaluation_group_order")]

    def __str__(self):
        return self.title


class Item(models.Model):
    class Kind(models.TextChoices):
        SCORE = "SCORE", _("Chấm điểm 1–10")
        TEXT = "TEXT", _("Ý kiến (trả lời tự do)")

    group = models.ForeignKey(Group, verbose_name=_("nhóm"), on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("mã câu"), max_length=12)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.CharField(_("nội dung"), max_length=500)
    kind = models.CharField(_("loại câu"), max_length=5, choices=Kind.choices, default=Kind.SCORE)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["group__order", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "order"], name="evaluation_item_order")]

    def __str__(self):
        return f"{self.code}. {self.text}"


class ClassSurveyQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """Managers: every survey. Institution staff: the surveys of the classes they run (VIEW and CHANGE alike).
        Nobody else reads a class's results here (a learner answers through the form)."""
        scope = scope_of(user)
        if scope.is_manager or scope.is_institution:
            return self.filter(runs_q(scope, "training_class__"))
        return self.none()


class ClassSurvey(models.Model):
    """The learners' survey of one class, opened when the class finishes. Anonymity is chosen before the first answer
    and locked after it (services.set_options)."""
    training_class = models.OneToOneField("training.TrainingClass", verbose_name=_("lớp"), on_delete=models.PROTECT,
                                          related_name="survey")
    template = models.ForeignKey(Template, verbose_name=_("mẫu phiếu"), on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField(_("khảo sát ẩn danh"), default=True)
    opens_on = models.DateField(_("mở khảo sát từ ngày"))
    closes_on = models.DateField(_("hạn trả lời"))
    last_reminded_on = models.DateField(_("nhắc lần cuối ngày"), null=True, blank=True, editable=False)

    objects = ClassSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("khảo sát lớp")
        verbose_name_plural = _("khảo sát lớp")
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="evaluation_survey_dates")]

    def __str__(self):
        return str(self.training_class_id)


class Response(models.Model):
    """One answered form (phiếu). Anonymous: no person, no time; its key is random."""

    class Source(models.TextChoices):
        ONLINE = "ONLINE", _("Trực tuyến")
        PAPER = "PAPER", _("Phiếu giấy")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(ClassSurvey, verbose_name=_("khảo sát"), on_delete=models.PROTECT,
                               related_name="responses")
    template = models.ForeignKey(Template, verbose_name=_("mẫu phiếu trả lời"), on_delete=models.PROTECT,
                                 related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("người trả lời (khảo sát không ẩn danh)"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("hình thức"), max_length=6, choices=Source.choices, default=Source.ONLINE)
    expected_items = models.PositiveSmallIntegerField(_("số câu chấm điểm"))
    unanswered_items = models.PositiveSmallIntegerField(_("số câu bỏ trống"))
    valid = models.BooleanField(_("phiếu hợp lệ"))

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        indexes = [models.Index(fields=["survey", "valid"])]


class Answer(models.Model):
    """The answer to one item of a form (for a lecturer item: about one lecturer). Only answered items are stored."""
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("phiếu"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, verbose_name=_("câu hỏi"), on_delete=models.PROTECT, related_name="+")
    lecturer = models.ForeignKey("training.Lecturer", verbose_name=_("giảng viên"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("điểm"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(10)])
    text = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=10),
                                              name="evaluation_answer_score_range")]
        indexes = [models.Index(fields=["response", "item"])]


class Respondent(models.Model):
    """That a person has answered a class's survey (online or on paper) — so they answer once and are no longer
    reminded. It holds no link to the answer, no time, and its key is random."""
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    training_class = models.ForeignKey("training.TrainingClass", verbose_name=_("lớp"), on_delete=models.PROTECT,
                                       related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("người đã trả lời khảo sát")
        verbose_name_plural = _("người đã trả lời khảo sát")
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="evaluation_respondent_once")]


from .quality_models import EffectivenessForm, EffectivenessSetting, Publication  # noqa: E402,F401
