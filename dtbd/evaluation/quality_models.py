"""Models of the effectiveness evaluation after training (level 3) and of the public disclosure of results
(Circular 10/2017/TT-BNV; docs/domain.md §16.4–15.6). Imported by `models`."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import VIEW, scope_of
from dtbd.people.models import Person

DEFAULT_MONTHS = 6
SCORE = [MinValueValidator(1), MaxValueValidator(10)]


class EffectivenessSetting(models.Model):
    """How many months after completing a programme its learners' work is judged (default DEFAULT_MONTHS)."""

    program = models.OneToOneField("training.Program", verbose_name=_("chương trình"), on_delete=models.CASCADE,
                                   related_name="effectiveness_setting")
    months = models.PositiveSmallIntegerField(_("số tháng sau khi hoàn thành"), default=DEFAULT_MONTHS,
                                              validators=[MinValueValidator(1), MaxValueValidator(36)])

    class Meta:
        verbose_name = _("thời điểm đánh giá hiệu quả sau đào tạo")
        verbose_name_plural = _("thời điểm đánh giá hiệu quả sau đào tạo")

    def __str__(self):
        return f"{self.program_id}: {self.months}"


class EffectivenessFormQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW: managers all; unit officers and leaders the forms of their subtree's people (the direct managers who
        rate them); learners their own. CHANGE (rate): managers, and unit officers and leaders for their subtree's
        people — the leader of a unit rates the work of its staff although the register is read-only to them.
        Training institutions see no individual form (they read the aggregates)."""
        scope = scope_of(user)
        if scope.is_manager:
            return self
        if scope.unit_path and not scope.is_institution:
            return self.filter(person__in=scope.filter_people(Person.objects.all()).values("pk"))
        if action == VIEW and scope.person_id:
            return self.filter(person_id=scope.person_id)
        return self.none()


class EffectivenessForm(models.Model):
    """The level-3 evaluation of one completed enrolment: the direct manager's scores on how the training is applied
    and the product of the work done after it; the learner's self-assessment. Created by the daily job when due."""

    class ProductKind(models.TextChoices):
        PROPOSAL = "PROPOSAL", _("Đề xuất, kiến nghị")
        REPORT = "REPORT", _("Báo cáo, chuyên đề")
        PROJECT = "PROJECT", _("Đề án, dự án, đề tài")
        INITIATIVE = "INITIATIVE", _("Sáng kiến")
        NONE = "NONE", _("Chưa có sản phẩm")

    enrollment = models.OneToOneField("training.Enrollment", verbose_name=_("học viên của lớp"),
                                      on_delete=models.CASCADE, related_name="effectiveness")
    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.CASCADE,
                               related_name="effectiveness_forms")
    due_on = models.DateField(_("hạn đánh giá từ ngày"))
    created_at = models.DateTimeField(auto_now_add=True)
    # The direct manager's scores, 1–10 (the scale of the Circular's survey items).
    score_applied = models.PositiveSmallIntegerField(_("vận dụng kiến thức, kỹ năng vào công việc"), null=True,
                                                     blank=True, validators=SCORE)
    score_performance = models.PositiveSmallIntegerField(_("chuyển biến trong thực hiện nhiệm vụ"), null=True,
                                                         blank=True, validators=SCORE)
    score_relevance = models.PositiveSmallIntegerField(_("phù hợp với yêu cầu vị trí việc làm"), null=True,
                                                       blank=True, validators=SCORE)
    score_product = models.PositiveSmallIntegerField(_("chất lượng sản phẩm sau đào tạo"), null=True, blank=True,
                                                     validators=SCORE)
    manager_index = models.DecimalField(_("chỉ số hiệu quả"), max_digits=4, decimal_places=2, null=True,
                                        blank=True, editable=False)
    product_kind = models.CharField(_("loại sản phẩm"), max_length=10, choices=ProductKind.choices, blank=True)
    product_title = models.CharField(_("tên sản phẩm"), max_length=255, blank=True)
    product_description = models.TextField(_("mô tả sản phẩm, kết quả áp dụng"), blank=True)
    manager_comment = models.TextField(_("nhận xét của người quản lý trực tiếp"), blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đánh giá"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    self_score = models.PositiveSmallIntegerField(_("tự đánh giá mức độ vận dụng"), null=True, blank=True,
                                                  validators=SCORE)
    self_comment = models.TextField(_("tự đánh giá của học viên"), blank=True)
    self_at = models.DateTimeField(_("thời điểm tự đánh giá"), null=True, blank=True)
    # The day of the last reminder of each side: the daily job sends at most one per side per REMIND_EVERY_DAYS.
    manager_reminded_on = models.DateField(null=True, blank=True, editable=False)
    learner_reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = EffectivenessFormQuerySet.as_manager()

    SCORE_FIELDS = ("score_applied", "score_performance", "score_relevance", "score_product")

    class Meta:
        verbose_name = _("phiếu đánh giá hiệu quả sau đào tạo")
        verbose_name_plural = _("phiếu đánh giá hiệu quả sau đào tạo")
        ordering = ["-due_on", "id"]
        indexes = [models.Index(fields=["due_on", "rated_at"])]

    def __str__(self):
        return f"{self.person_id} — {self.enrollment_id}"

    @property
    def rated(self):
        return self.rated_at is not None

    @property
    def self_assessed(self):
        return self.self_at is not None


class PublicationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Publication(models.Model):
    """A year's results made public at /cong-khai/ by a province manager (the training results of the year's
    classes, and optionally the annual assessment distribution per unit). Withdrawing keeps the row."""

    year = models.PositiveSmallIntegerField(_("năm"))
    training_results = models.BooleanField(_("kết quả đào tạo, bồi dưỡng và đánh giá chất lượng"), default=True)
    assessments = models.BooleanField(_("phân bố xếp loại chất lượng hằng năm theo đơn vị"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người công khai"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("thời điểm rút lại"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người rút lại"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("công khai kết quả")
        verbose_name_plural = _("công khai kết quả")
        ordering = ["-year", "-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="evaluation_publication_one_current"),
        ]

    def __str__(self):
        return str(self.year)

