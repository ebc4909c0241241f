"""Staff register. Everything that changes over time is a dated record; the current value is the open one."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import scope_of
from dtbd.core.db import prefix_q
from dtbd.core.models import DatedQuerySet, DatedRecord, Source
from dtbd.core.text import fold, vn_sort_key

from .catalog import Category, Gender, LeaveReason, PostLevel, QualificationType, RankTier, level_label, level_order


class Ethnicity(models.Model):
    name = models.CharField(_("dân tộc"), max_length=60, unique=True)
    name_folded = models.CharField(max_length=60, unique=True, editable=False)
    is_minority = models.BooleanField(_("dân tộc thiểu số"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Rank(models.Model):
    """Ngạch công chức or chức danh nghề nghiệp viên chức."""

    class Kind(models.TextChoices):
        RANK = "NGACH", _("Ngạch công chức")
        TITLE = "CDNN", _("Chức danh nghề nghiệp")

    code = models.CharField(_("mã ngạch"), max_length=20, unique=True)
    name = models.CharField(_("tên ngạch / chức danh"), max_length=200)
    kind = models.CharField(_("loại"), max_length=5, choices=Kind.choices, default=Kind.RANK)
    tier = models.CharField(_("tương đương"), max_length=4, choices=RankTier.choices)

    class Meta:
        verbose_name = _("ngạch / chức danh nghề nghiệp")
        verbose_name_plural = _("ngạch / chức danh nghề nghiệp")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class JobPosition(models.Model):
    name = models.CharField(_("vị trí việc làm"), max_length=255, unique=True)
    name_folded = models.CharField(max_length=255, unique=True, editable=False)

    class Meta:
        verbose_name = _("vị trí việc làm")
        verbose_name_plural = _("vị trí việc làm")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class PersonQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        return scope_of(user).filter_people(self, action)

    def in_subtree(self, path, date=None):
        """People assigned, on `date` (default: currently), to a unit in the subtree at `path`."""
        assignments = UnitAssignment.objects.filter(prefix_q("unit__path", path))
        assignments = assignments.valid_on(date) if date else assignments.current()
        return self.filter(pk__in=assignments.values("person_id"))

    def last_placed_in_subtree(self, path):
        """People whose current unit is in the subtree at `path`, and those who left while in it (their unit
        record ended on their leaving day): a unit keeps sight of its former staff's history."""
        assignments = UnitAssignment.objects.filter(prefix_q("unit__path", path)).filter(
            Q(valid_to__isnull=True) | Q(valid_to=F("person__left_on"))
        )
        return self.filter(pk__in=assignments.values("person_id"))

    def active(self):
        return self.filter(left_on__isnull=True)


class Person(models.Model):
    code = models.CharField(_("mã cán bộ"), max_length=30, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    # Vietnamese alphabetical order of the full name (dtbd.core.text.vn_sort_key: about 2 characters a letter).
    name_sort = models.CharField(max_length=400, editable=False, default="")
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    ethnicity = models.ForeignKey(Ethnicity, verbose_name=_("dân tộc"), on_delete=models.PROTECT)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, unique=True, null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    recruited_on = models.DateField(_("ngày tuyển dụng"), null=True, blank=True)
    party_member = models.BooleanField(_("đảng viên"), default=False)
    party_joined_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    left_on = models.DateField(_("ngày thôi công tác"), null=True, blank=True)
    leave_reason = models.CharField(_("lý do"), max_length=12, choices=LeaveReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("cán bộ, công chức, viên chức")
        verbose_name_plural = _("cán bộ, công chức, viên chức")
        ordering = ["name_sort", "code"]
        indexes = [models.Index(fields=["name_sort", "code"], name="person_sort_code_idx")]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        self.name_sort = vn_sort_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded", "name_sort"}
        super().save(*args, **kwargs)

    def age_on(self, date):
        return date.year - self.birth_date.year - ((date.month, date.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def is_ethnic_minority(self):
        return self.ethnicity.is_minority


class PersonRecord(DatedRecord):
    class Meta:
        abstract = True


def one_open(name, *fields):
    """At most one open record (valid_to NULL) per person (and `fields`): a partial unique index (migration 0009)."""
    return models.UniqueConstraint(fields=["person", *fields], condition=Q(valid_to__isnull=True), name=name)


def period_check(name):
    """A period ends on or after the day it starts (either end may be unknown/open)."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class UnitAssignment(PersonRecord):
    """Which unit a person works in (công tác tại)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unit_assignments", db_index=False)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments", db_index=False
    )

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["-valid_to", "-valid_from"]
        indexes = [models.Index(fields=["unit", "valid_to", "person"]), models.Index(fields=["person", "valid_to"])]
        constraints = [one_open("unitassignment_one_open"), period_check("unitassignment_period")]


class CategoryAssignment(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="category_assignments", db_index=False)
    category = models.CharField(_("loại"), max_length=2, choices=Category.choices)

    class Meta:
        verbose_name = _("loại cán bộ")
        verbose_name_plural = _("loại cán bộ")
        indexes = [models.Index(fields=["person", "valid_to"]), models.Index(fields=["category", "valid_to", "person"])]
        constraints = [one_open("categoryassignment_one_open"), period_check("categoryassignment_period")]


class RankAssignment(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rank_assignments", db_index=False)
    rank = models.ForeignKey(Rank, verbose_name=_("ngạch"), on_delete=models.PROTECT, db_index=False)

    class Meta:
        verbose_name = _("ngạch / chức danh")
        verbose_name_plural = _("quá trình ngạch / chức danh")
        indexes = [models.Index(fields=["person", "valid_to"]), models.Index(fields=["rank", "valid_to", "person"])]
        constraints = [one_open("rankassignment_one_open"), period_check("rankassignment_period")]


class PostAssignment(PersonRecord):
    """A leadership post held (several at once = kiêm nhiệm)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="post_assignments", db_index=False)
    title = models.CharField(_("chức vụ"), max_length=200, blank=True)
    level = models.CharField(_("cấp chức vụ"), max_length=4, choices=PostLevel.choices, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("tại đơn vị"), null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("quá trình chức vụ")
        indexes = [models.Index(fields=["person", "valid_to"]), models.Index(fields=["level", "valid_to", "person"])]
        # Several posts may be open at once (kiêm nhiệm): no one-open rule.
        constraints = [period_check("postassignment_period")]


class JobAssignment(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="job_assignments", db_index=False)
    job_position = models.ForeignKey(JobPosition, verbose_name=_("vị trí việc làm"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("vị trí việc làm")
        verbose_name_plural = _("quá trình vị trí việc làm")
        indexes = [models.Index(fields=["person", "valid_to"])]
        constraints = [one_open("jobassignment_one_open"), period_check("jobassignment_period")]


class PlannedPost(PersonRecord):
    """Quy hoạch: listed for a future post level."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="planned_posts", db_index=False)
    level = models.CharField(_("cấp chức vụ quy hoạch"), max_length=4, choices=PostLevel.choices)
    title = models.CharField(_("chức danh quy hoạch"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quy hoạch")
        verbose_name_plural = _("quy hoạch")
        indexes = [models.Index(fields=["person", "valid_to"]), models.Index(fields=["level", "valid_to", "person"])]
        # Planned for several levels at once, each level once.
        constraints = [one_open("plannedpost_one_open_level", "level"), period_check("plannedpost_period")]


class QualificationQuerySet(DatedQuerySet):
    def restrict(self, user, action="view"):
        """The qualifications of the people `user` may see (view) or change (change): Person.objects.restrict."""
        return self.filter(person__in=Person.objects.restrict(user, action).values("pk"))

    def held_on(self, date):
        return self.filter(
            (Q(issued_on__isnull=True) | Q(issued_on__lte=date)) & (Q(valid_until__isnull=True) | Q(valid_until__gte=date))
        )


class Qualification(models.Model):
    """A diploma or certificate. The current level of a type is the highest record valid on the date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="qualifications", db_index=False)
    type = models.CharField(_("loại"), max_length=4, choices=QualificationType.choices)
    level = models.CharField(_("trình độ"), max_length=10)
    level_order = models.PositiveSmallIntegerField(editable=False)
    major = models.CharField(_("chuyên ngành"), max_length=200, blank=True)
    language = models.CharField(_("ngoại ngữ"), max_length=60, blank=True)
    issuer = models.CharField(_("nơi cấp"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    certificate_no = models.CharField(_("số hiệu văn bằng, chứng chỉ"), max_length=60, blank=True)
    hours = models.PositiveIntegerField(
        _("số tiết bồi dưỡng"),
        null=True,
        blank=True,
        help_text=_("Số tiết của khoá bồi dưỡng được cấp chứng chỉ này; tính vào số tiết bồi dưỡng của năm cấp."),
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bằng, chứng chỉ")
        verbose_name_plural = _("văn bằng, chứng chỉ")
        ordering = ["type", "-level_order"]
        indexes = [models.Index(fields=["person", "type", "level_order"]), models.Index(fields=["type", "level", "person", "issued_on", "valid_until"])]

    def __str__(self):
        return f"{self.get_type_display()}: {self.level_label}"

    @property
    def level_label(self):
        label = level_label(self.type, self.level)
        return f"{self.language} {label}".strip() if self.type == QualificationType.LANGUAGE else label

    def save(self, *args, **kwargs):
        self.level_order = level_order(self.type, self.level)
        super().save(*args, **kwargs)


class Rating(models.TextChoices):
    """Xếp loại chất lượng hằng năm (annual assessment of cán bộ, công chức, viên chức; docs/domain.md §14.1)."""

    HTXSNV = "HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "HTTNV", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "HTNV", _("Hoàn thành nhiệm vụ")
    KHTNV = "KHTNV", _("Không hoàn thành nhiệm vụ")


# Ratings that count as "hoàn thành tốt nhiệm vụ trở lên" (conditions for postgraduate study, political theory).
GOOD_RATINGS = (Rating.HTXSNV, Rating.HTTNV)


class AssessmentQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """The assessments of the people `user` may see (view) or change (change): Person.objects.restrict."""
        return self.filter(person__in=Person.objects.restrict(user, action).values("pk"))


class AnnualAssessment(models.Model):
    """Đánh giá, xếp loại chất lượng của một người trong một năm: one rating per person and year."""

    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    rating = models.CharField(_("xếp loại"), max_length=6, choices=Rating.choices)
    assessed_by = models.CharField(_("cấp đánh giá"), max_length=200, blank=True,
                                   help_text=_("Người hoặc cấp có thẩm quyền đánh giá, xếp loại."))
    assessed_on = models.DateField(_("ngày đánh giá"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá, xếp loại hằng năm")
        verbose_name_plural = _("đánh giá, xếp loại hằng năm")
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="people_assessment_once_per_year"),
            models.CheckConstraint(condition=models.Q(year__gte=2000), name="people_assessment_year"),
        ]
        indexes = [models.Index(fields=["year", "rating"])]

    def __str__(self):
        return f"{self.year}: {self.get_rating_display()}"
