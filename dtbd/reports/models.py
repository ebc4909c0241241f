"""Targets (chỉ tiêu) defined as data: an Indicator is the ratio of two counts over the staff register or the
enrolment register, each count described by a small JSON of filters (validated against `conditions.STAFF_KEYS` /
`conditions.ENROLMENT_KEYS`), with a target range in percent and a deadline year. See dtbd.reports.targets."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import conditions


class Indicator(models.Model):
    Register = conditions.Register

    code = models.SlugField(_("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    description = models.TextField(_("ghi chú, căn cứ"), blank=True)
    register = models.CharField(_("tính trên"), max_length=10, choices=Register.choices, default=Register.STAFF)
    denominator = models.JSONField(
        _("điều kiện mẫu số"), default=dict, blank=True,
        help_text=_("Những ai được tính ở mẫu số (trong phạm vi đơn vị, tại ngày tính)."),
    )
    numerator = models.JSONField(
        _("điều kiện tử số"), default=dict, blank=True,
        help_text=_("Điều kiện thêm, tính trong số người ở mẫu số."),
    )
    target_min = models.DecimalField(_("chỉ tiêu tối thiểu (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    target_max = models.DecimalField(_("chỉ tiêu tối đa (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("năm phải đạt"), null=True, blank=True)
    active = models.BooleanField(_("đang theo dõi"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_min__isnull=True) | models.Q(target_max__isnull=True)
                | models.Q(target_min__lte=models.F("target_max")),
                name="reports_indicator_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def clean(self):
        errors = {}
        for field in ("denominator", "numerator"):
            try:
                conditions.validate_filters(getattr(self, field), self.register)
            except ValidationError as exc:
                errors[field] = exc.messages
        for field in ("target_min", "target_max"):
            value = getattr(self, field)
            if value is not None and not (0 <= value <= 100):
                errors[field] = [_("Tỷ lệ phải từ 0 đến 100%.")]
        if self.target_min is not None and self.target_max is not None and self.target_min > self.target_max:
            errors.setdefault("target_max", []).append(_("Chỉ tiêu tối đa phải lớn hơn hoặc bằng chỉ tiêu tối thiểu."))
        if errors:
            raise ValidationError(errors)


class SummaryPeriod(models.Model):
    """One period of the dashboard's summary tables (reports.summaries): a date range and its as-of date (the end
    of the period, or today for the current one), when its figures were last computed, and how long it took."""

    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    as_of = models.DateField(_("tại ngày"))
    refreshed_at = models.DateTimeField(_("tính lúc"), null=True, blank=True)
    seconds = models.FloatField(_("thời gian tính (giây)"), default=0)
    last_read_on = models.DateField(_("xem lần cuối"), null=True, blank=True)  # periods unread long are pruned

    class Meta:
        verbose_name = _("kỳ số liệu tổng hợp")
        verbose_name_plural = _("kỳ số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["date_from", "date_to", "as_of"], name="reports_summary_period_unique"),
        ]

    def __str__(self):
        return f"{self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y} ({self.as_of:%d/%m/%Y})"


class SummaryFigure(models.Model):
    """One additive figure of one unit (its own people, not its subtree) in one period: `key` names the figure
    (see reports.summaries for the keys), `value` is a count. A subtree's figure is the SUM over its units."""

    period = models.ForeignKey(SummaryPeriod, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "key"], name="reports_summary_figure_unique"),
        ]


class SummaryDirty(models.Model):
    """A unit whose figures of a period changed since they were computed (unit_id 0: every unit, e.g. after an
    import or a change of the requirement catalogue). Append-only: every change adds its marks (no row is updated,
    so concurrent transactions — a registration rush — never wait on each other's marks, nor deadlock); a refresh
    deletes the marks it has seen (by id), in the transaction that stores the new figures; a mark written meanwhile
    survives for the next refresh."""

    period = models.ForeignKey(SummaryPeriod, on_delete=models.CASCADE, related_name="dirty")
    unit_id = models.IntegerField()
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đơn vị có số liệu thay đổi")
        verbose_name_plural = _("đơn vị có số liệu thay đổi")
        indexes = [models.Index(fields=["period", "unit_id", "marked_at"], name="reports_summary_dirty_idx")]


class SummaryClass(models.Model):
    """The classes of a large unit's subtree in one period (reports.summaries): the classes held in the period with a
    learner placed in the subtree on the period's as-of date, stored for the units whose subtree holds at least
    settings.DTBD_SUMMARY_CLASS_MIN_STAFF people (smaller subtrees are fast to compute live). The row without a class
    says that the unit's set is stored (it may hold no class)."""

    period = models.ForeignKey(SummaryPeriod, on_delete=models.CASCADE, related_name="classes")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    training_class = models.ForeignKey("training.TrainingClass", on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="+")

    class Meta:
        verbose_name = _("lớp của đơn vị (tổng hợp)")
        verbose_name_plural = _("lớp của đơn vị (tổng hợp)")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "training_class"], name="reports_summary_class_unique"),
        ]
