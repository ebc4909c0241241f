"""Standards as versioned data (docs/domain.md §7): rule sets, requirements and equivalences.

A Requirement row says *who* (criteria columns, each blank = anyone) must have *what* (a qualification of a type at or
above a level, a programme, the fostering certificate of a professional title, or N tiết over a period: a calendar
year, a school year or a rolling number of years). Rows sharing a `code` form one requirement of the review (e.g. POST_LLCT:
one row for post levels TINH/GD needing LLCT CC, one for PGD/TP/PTP needing TC); a person meeting the criteria of
several rows of a code (two posts) must satisfy every one of them. Lists of codes are stored comma-separated: the
catalogue is small and read once per review, the people side is always filtered in the database (see engine.py)."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import AdminLevel, UnitKind
from dtbd.people.catalog import LEVELS, Category, PostLevel, QualificationType, RankTier, level_order
from dtbd.people.models import Rank


def split_codes(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _check_codes(value, allowed, field, errors):
    bad = [code for code in split_codes(value) if code not in allowed]
    if bad:
        errors[field] = _("Mã không hợp lệ: %(bad)s (được dùng: %(ok)s).") % {"bad": ", ".join(bad), "ok": ", ".join(allowed)}


class RuleSet(models.Model):
    """Bộ quy định: the rules of one instrument, chosen by staff category and date within its family (the latest
    valid_from wins; docs/domain.md §1). Families are independent: the fostering decrees (Decree 101/2017 → Decree
    171/2025 for công chức from 01/07/2025), the standards of leadership posts, political theory."""

    class Family(models.TextChoices):
        FOSTERING = "DTBD", _("Đào tạo, bồi dưỡng (nghị định về ĐTBD)")
        POSTS = "CHUC_VU", _("Tiêu chuẩn chức danh lãnh đạo, quản lý")
        POLITICAL = "LLCT", _("Lý luận chính trị theo chức danh")

    code = models.CharField(_("mã bộ quy định"), max_length=30, unique=True)
    family = models.CharField(_("nhóm quy định"), max_length=8, choices=Family.choices, default=Family.FOSTERING)
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
        ANNUAL_HOURS = "ANNUAL_HOURS", _("Số tiết bồi dưỡng trong kỳ")
        TITLE_CERT = "TITLE_CERT", _("Chứng chỉ bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp")

    class Period(models.TextChoices):
        """The period an hours requirement counts over, for a review on date D (docs/domain.md §8)."""

        CALENDAR_YEAR = "YEAR", _("Năm dương lịch (01/01 – 31/12 của năm chứa ngày rà soát)")
        SCHOOL_YEAR = "SCHOOL", _("Năm học (01/9 – 31/8 chứa ngày rà soát)")
        ROLLING = "ROLLING", _("N năm liên tiếp tính đến ngày rà soát")

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
    rank_kind = models.CharField(
        _("loại ngạch"), max_length=5, choices=Rank.Kind.choices, blank=True,
        help_text=_("Ngạch công chức hoặc chức danh nghề nghiệp viên chức; để trống: cả hai."),
    )
    title_families = models.CharField(
        _("nhóm chức danh nghề nghiệp (mã bắt đầu bằng)"), max_length=100, blank=True,
        help_text=_("Ví dụ: V.07.05 (giáo viên THPT), V.08 (y tế); nhiều nhóm cách nhau bởi dấu phẩy."),
    )
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
    hours = models.PositiveSmallIntegerField(_("số tiết tối thiểu trong kỳ"), null=True, blank=True)
    period = models.CharField(_("kỳ tính số tiết"), max_length=7, choices=Period.choices, default=Period.CALENDAR_YEAR)
    period_years = models.PositiveSmallIntegerField(_("số năm của kỳ (N năm liên tiếp)"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("thứ tự ưu tiên"), default=0,
        help_text=_("Người thuộc một dòng có thứ tự ưu tiên cao hơn của cùng mã tiêu chuẩn chỉ được xét theo dòng đó "
                    "(quy định riêng của ngành thay quy định chung)."),
    )

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
        if self.period == self.Period.ROLLING and self.kind != self.Kind.ANNUAL_HOURS:
            errors["period"] = _("Kỳ chỉ dùng cho yêu cầu số tiết.")
        if self.kind == self.Kind.QUALIFICATION:
            if self.qualification_type not in LEVELS:
                errors["qualification_type"] = _("Chọn loại văn bằng, chứng chỉ.")
            elif self.min_level not in LEVELS[self.qualification_type]:
                errors["min_level"] = _("Trình độ «%(level)s» không có trong loại này.") % {"level": self.min_level}
        elif self.kind == self.Kind.TITLE_CERT:
            if self.min_level not in LEVELS[QualificationType.TITLE]:
                errors["min_level"] = _("Chọn hạng chức danh (HANG_I … HANG_IV).")
            if not (self.title_families or self.rank_code):
                errors["title_families"] = _("Nhập nhóm chức danh nghề nghiệp hoặc mã chức danh.")
        elif self.kind == self.Kind.PROGRAMME and not self.programme_code:
            errors["programme_code"] = _("Nhập mã chương trình.")
        elif self.kind == self.Kind.ANNUAL_HOURS:
            if not self.hours:
                errors["hours"] = _("Nhập số tiết tối thiểu.")
            if self.period == self.Period.ROLLING and not self.period_years:
                errors["period_years"] = _("Nhập số năm của kỳ.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày kết thúc trước ngày bắt đầu.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.TITLE_CERT:
            self.qualification_type = QualificationType.TITLE
        self.min_level_order = compute_order(self.qualification_type, self.min_level)
        super().save(*args, **kwargs)

    def period_label(self):
        """The period of an hours row in words: "mỗi năm", "mỗi năm học", "trong 2 năm liên tiếp"."""
        if self.period == self.Period.SCHOOL_YEAR:
            return _("mỗi năm học")
        if self.period == self.Period.ROLLING:
            return _("trong %(n)s năm liên tiếp") % {"n": self.period_years or 1}
        return _("mỗi năm")

    def period_on(self, date):
        """(first day, last day) of the hours period of this row for a review on `date` (docs/domain.md §8)."""
        return hours_period(self.period, self.period_years, date)


def hours_period(period, years, date):
    """(first, last) day of the period of kind `period` (Requirement.Period) for a review on `date`: the calendar
    year or the school year (01/9 – 31/8) containing it, or the `years` years ending on it (the first day is the
    day after the same date `years` years before: 2 years to 31/12/2026 start on 01/01/2025)."""
    if period == Requirement.Period.SCHOOL_YEAR:
        start = datetime.date(date.year if date.month >= 9 else date.year - 1, 9, 1)
        return start, datetime.date(start.year + 1, 8, 31)
    if period == Requirement.Period.ROLLING:
        n = years or 1
        try:
            before = date.replace(year=date.year - n)
        except ValueError:  # 29/02 in a common year
            before = date.replace(year=date.year - n, day=28)
        return before + datetime.timedelta(days=1), date
    return datetime.date(date.year, 1, 1), datetime.date(date.year, 12, 31)


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
