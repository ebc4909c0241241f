"""Standards as versioned data (docs/domain.md §7): rule sets, requirements and equivalences.

A Requirement row says *who* (criteria columns, each blank = anyone) must have *what* (a qualification of a type at or
above a level, a programme, or N tiết a year). Rows sharing a `code` form one requirement of the review (e.g. POST_LLCT:
one row for post levels TINH/GD needing LLCT CC, one for PGD/TP/PTP needing TC); a person meeting the criteria of
several rows of a code (two posts) must satisfy every one of them. Lists of codes are stored comma-separated: the
catalogue is small and read once per review, the people side is always filtered in the database (see engine.py)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import AdminLevel, UnitKind
from dtbd.people.catalog import LEVELS, Category, PostLevel, QualificationType, RankTier, level_order


def split_codes(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _check_codes(value, allowed, field, errors):
    bad = [code for code in split_codes(value) if code not in allowed]
    if bad:
        errors[field] = _("Mã không hợp lệ: %(bad)s (được dùng: %(ok)s).") % {"bad": ", ".join(bad), "ok": ", ".join(allowed)}


class RuleSet(models.Model):
    """Bộ quy định: the rules of one decree, chosen by staff category and date (the latest valid_from wins)."""

    code = models.CharField(_("mã bộ quy định"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    categories = models.CharField(_("áp dụng cho loại cán bộ"), max_length=20, help_text=_("Ví dụ: CC hoặc CB,CC,VC"))
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("bộ quy định")
        verbose_name_plural = _("bộ quy định")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def category_list(self):
        return split_codes(self.categories)

    def clean(self):
        errors = {}
        _check_codes(self.categories, Category.values, "categories", errors)
        if errors:
            raise ValidationError(errors)


class Requirement(models.Model):
    """Tiêu chuẩn: who must have what, from when to when, on which legal basis."""

    class Kind(models.TextChoices):
        QUALIFICATION = "QUALIFICATION", _("Văn bằng, chứng chỉ")
        PROGRAMME = "PROGRAMME", _("Hoàn thành chương trình")
        ANNUAL_HOURS = "ANNUAL_HOURS", _("Số tiết bồi dưỡng hằng năm")

    code = models.CharField(_("mã tiêu chuẩn"), max_length=30, db_index=True)
    name = models.CharField(_("tên tiêu chuẩn"), max_length=255)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("bộ quy định"), null=True, blank=True, on_delete=models.PROTECT, related_name="requirements",
        help_text=_("Để trống: áp dụng với mọi bộ quy định."),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    # Who (each blank = no condition)
    categories = models.CharField(_("loại cán bộ"), max_length=20, blank=True)
    rank_tiers = models.CharField(_("ngạch tương đương"), max_length=30, blank=True)
    rank_code = models.CharField(_("mã ngạch"), max_length=20, blank=True)
    post_levels = models.CharField(_("cấp chức vụ đang giữ"), max_length=40, blank=True)
    planned_levels = models.CharField(_("cấp chức vụ quy hoạch"), max_length=40, blank=True)
    planned_not_holding = models.BooleanField(
        _("trừ người đã giữ chức vụ cùng cấp"), default=False,
        help_text=_("Quy hoạch: không áp dụng với người đã giữ chức vụ ở đúng cấp được quy hoạch."),
    )
    job_position = models.ForeignKey(
        "people.JobPosition", verbose_name=_("vị trí việc làm"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_kinds = models.CharField(_("loại đơn vị"), max_length=100, blank=True)
    unit_levels = models.CharField(_("cấp hành chính của đơn vị"), max_length=20, blank=True)
    # What
    kind = models.CharField(_("loại yêu cầu"), max_length=13, choices=Kind.choices)
    qualification_type = models.CharField(_("loại văn bằng"), max_length=4, choices=QualificationType.choices, blank=True)
    min_level = models.CharField(_("trình độ tối thiểu"), max_length=10, blank=True)
    min_level_order = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    programme_code = models.CharField(_("mã chương trình"), max_length=30, blank=True)
    within_years = models.PositiveSmallIntegerField(_("trong vòng (năm)"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("số tiết tối thiểu mỗi năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("tiêu chuẩn")
        verbose_name_plural = _("tiêu chuẩn")
        ordering = ["code", "pk"]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def clean(self):
        errors = {}
        _check_codes(self.categories, Category.values, "categories", errors)
        _check_codes(self.rank_tiers, RankTier.values, "rank_tiers", errors)
        _check_codes(self.post_levels, PostLevel.values, "post_levels", errors)
        _check_codes(self.planned_levels, PostLevel.values, "planned_levels", errors)
        _check_codes(self.unit_kinds, UnitKind.values, "unit_kinds", errors)
        _check_codes(self.unit_levels, AdminLevel.values, "unit_levels", errors)
        if self.kind == self.Kind.QUALIFICATION:
            if self.qualification_type not in LEVELS:
                errors["qualification_type"] = _("Chọn loại văn bằng, chứng chỉ.")
            elif self.min_level not in LEVELS[self.qualification_type]:
                errors["min_level"] = _("Trình độ «%(level)s» không có trong loại này.") % {"level": self.min_level}
        elif self.kind == self.Kind.PROGRAMME and not self.programme_code:
            errors["programme_code"] = _("Nhập mã chương trình.")
        elif self.kind == self.Kind.ANNUAL_HOURS and not self.hours:
            errors["hours"] = _("Nhập số tiết tối thiểu.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày kết thúc trước ngày bắt đầu.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.min_level_order = compute_order(self.qualification_type, self.min_level)
        super().save(*args, **kwargs)


def compute_order(qtype, level):
    if qtype in LEVELS and level in LEVELS[qtype]:
        return level_order(qtype, level)
    return None


class Equivalence(models.Model):
    """Quy đổi tương đương: holding `from_type` at `from_level` or higher (optionally with a major containing
    `major_contains`) counts as `to_type` at `to_level`."""

    from_type = models.CharField(_("loại văn bằng được quy đổi"), max_length=4, choices=QualificationType.choices)
    from_level = models.CharField(_("trình độ tối thiểu"), max_length=10)
    from_level_order = models.PositiveSmallIntegerField(editable=False, default=0)
    major_contains = models.CharField(_("chuyên ngành có chứa"), max_length=100, blank=True)
    to_type = models.CharField(_("được tính là loại"), max_length=4, choices=QualificationType.choices)
    to_level = models.CharField(_("ở trình độ"), max_length=10)
    to_level_order = models.PositiveSmallIntegerField(editable=False, default=0)
    legal_basis = models.TextField(_("căn cứ"), blank=True)

    class Meta:
        verbose_name = _("quy đổi tương đương")
        verbose_name_plural = _("quy đổi tương đương")

    def __str__(self):
        major = f" ({self.major_contains})" if self.major_contains else ""
        return f"{self.from_type} {self.from_level}{major} → {self.to_type} {self.to_level}"

    def clean(self):
        errors = {}
        if compute_order(self.from_type, self.from_level) is None:
            errors["from_level"] = _("Trình độ «%(level)s» không có trong loại này.") % {"level": self.from_level}
        if compute_order(self.to_type, self.to_level) is None:
            errors["to_level"] = _("Trình độ «%(level)s» không có trong loại này.") % {"level": self.to_level}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.from_level_order = compute_order(self.from_type, self.from_level) or 0
        self.to_level_order = compute_order(self.to_type, self.to_level) or 0
        super().save(*args, **kwargs)


class Appointment(models.Model):
    """Bổ nhiệm / nâng ngạch: a dated change of post or rank by a decision, checked by the promotion gate
    (dtbd.standards.gate.record_appointment). When the person did not meet the target's requirements, the appointment
    exists only with an exception recorded by a province manager (`exception_by`, `exception_reason`); `unmet` keeps
    what was missing on the effective date. Imports never create appointments and are never gated."""

    class Kind(models.TextChoices):
        POST = "POST", _("Bổ nhiệm chức vụ")
        RANK = "RANK", _("Nâng ngạch / chuyển chức danh nghề nghiệp")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="appointments", db_index=False
    )
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    post_title = models.CharField(_("chức vụ"), max_length=200, blank=True)
    post_level = models.CharField(_("cấp chức vụ"), max_length=4, choices=PostLevel.choices, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("tại đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rank = models.ForeignKey("people.Rank", verbose_name=_("ngạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("ngày hiệu lực"))
    decision_no = models.CharField(_("số quyết định"), max_length=60)
    unmet = models.JSONField(_("tiêu chuẩn chưa đạt"), default=list, blank=True)
    exception_reason = models.TextField(_("lý do ngoại lệ"), blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận ngoại lệ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("bổ nhiệm, nâng ngạch")
        verbose_name_plural = _("bổ nhiệm, nâng ngạch")
        ordering = ["-effective_on", "-pk"]
        indexes = [models.Index(fields=["person", "effective_on"])]

    def __str__(self):
        return f"{self.person_id} · {self.target_label} · {self.decision_no}"

    @property
    def target_label(self):
        if self.kind == self.Kind.RANK:
            return str(self.rank) if self.rank_id else ""
        level = PostLevel(self.post_level).label if self.post_level in PostLevel.values else ""
        return " · ".join(str(part) for part in (self.post_title, level) if part)

    @property
    def is_exception(self):
        return bool(self.exception_reason)
