"""Targets (chỉ tiêu): indicators defined as data, evaluated in the database, history-aware.

An indicator (models.Indicator) is numerator / denominator over one register:

- STAFF: people of category CB/CC/VC working in the unit's subtree on the date (reports.queries.staff_placements,
  the population of every other figure); the denominator filters narrow them, the numerator filters narrow the
  denominator further (numerator ⊆ denominator);
- ENROLMENT: completed enrolments (lượt) whose completion date falls in the date's calendar year, up to the date, of
  people of that population.

Filters are a JSON object of allowed keys (validated: `validate_filters`), every condition read ON THE DATE (posts,
units, categories, qualifications held, age), so a value computed as of 31/12/2022 uses the posts and units of that
day. `any_of` takes a list of such objects, one of which must hold (e.g. language ≥ B2 OR overseas training).

Everything is ONE query for all indicators and all dates (a UNION ALL of one filtered count per indicator and date: see _count_all)."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import is_manager
from dtbd.core.db import prefix_q
from dtbd.core.models import valid_on_q
from dtbd.people.catalog import PostLevel, QualificationType
from dtbd.people.models import CategoryAssignment, Person, PostAssignment, Qualification, UnitAssignment
from dtbd.people.queries import STAFF_CATEGORIES, years_before
from dtbd.training.models import Enrollment

from .conditions import ENROLMENT_KEYS, LANG_LEVELS, PERSON_KEYS, STAFF_KEYS, allowed_keys, validate_filters
from .models import Indicator

__all__ = ["ENROLMENT_KEYS", "PERSON_KEYS", "STAFF_KEYS", "allowed_keys", "validate_filters"]

def _codes(value):
    return value if isinstance(value, list) else [value]


def person_q(filters, date, ref="pk", people=None):
    """The people (a Q on `ref`, the person id: "pk" on Person, "person_id" on Enrollment) matching the person keys of
    `filters` on `date`. Selective sets (posts, languages, overseas training) are IN lists the database can start
    from; broad ones (category, unit level) are correlated EXISTS checked for each candidate; personal attributes
    are plain column conditions. `people` (a values("person_id") query, optional): the conditions are only asked of
    these people, so the IN lists are taken over them only (an incremental refresh of the summary tables)."""
    q = Q()
    col = "" if ref == "pk" else ref.removesuffix("_id") + "__"  # person columns: direct, or through the join

    def exists(model, **kw):
        return Q(Exists(model.objects.filter(valid_on_q(date), person=OuterRef(ref), **kw)))

    def among(qs):
        if people is not None:
            qs = qs.filter(person_id__in=people)
        return Q(**{f"{ref}__in": qs.values("person_id")})

    for key, value in (filters or {}).items():
        if key == "category":
            q &= exists(CategoryAssignment, category__in=_codes(value))
        elif key == "post_level":
            levels = _codes(value)
            q &= among(PostAssignment.objects.filter(valid_on_q(date), level__in=PostLevel.values if "ANY" in levels else levels))
        elif key == "unit_level":
            q &= exists(UnitAssignment, unit__admin_level__in=_codes(value))
        elif key == "age_below":  # born after the day `value` years before: under `value` on the date
            q &= Q(**{f"{col}birth_date__gt": years_before(date, value)})
        elif key == "age_from":
            q &= Q(**{f"{col}birth_date__lte": years_before(date, value)})
        elif key == "gender":
            q &= Q(**{f"{col}gender": value})
        elif key == "ethnic_minority":
            q &= Q(**{f"{col}ethnicity__is_minority": value})
        elif key == "language_min_level":
            q &= among(Qualification.objects.held_on(date).filter(
                type=QualificationType.LANGUAGE, level_order__gte=LANG_LEVELS[value][1]))
        elif key == "abroad_training":
            cond = among(Enrollment.objects.filter(
                state=Enrollment.State.COMPLETED, training_class__abroad=True, completed_on__lte=date))
            q &= cond if value else ~cond
        elif key == "any_of":
            either = Q(**{f"{ref}__isnull": True})  # never true: the neutral element of OR
            for item in value:
                either |= person_q(item, date, ref, people)
            q &= either
    return q


def enrolment_q(filters, date, people=None):
    """Enrolments (a Q on Enrollment) matching `filters`: enrolment keys on the class, person keys on the person
    (`people`: see person_q)."""
    filters = filters or {}
    q = person_q({k: v for k, v in filters.items() if k in STAFF_KEYS}, date, ref="person_id", people=people)
    if "program_category" in filters:
        q &= Q(training_class__program__category__in=_codes(filters["program_category"]))
    if "form" in filters:
        q &= Q(training_class__form__in=_codes(filters["form"]))
    if "abroad" in filters:
        q &= Q(training_class__abroad=filters["abroad"])
    return q


def population_q(unit, date, ref="pk"):
    """People of category CB/CC/VC working in `unit`'s subtree on `date` and not left before it (a Q on `ref`): the
    population of queries.staff_placements, written as correlated EXISTS so that a count starts from the (smaller)
    set its other filters select and checks each of those people through the (person, valid_to) indexes."""
    left = "left_on" if ref == "pk" else ref.removesuffix("_id") + "__left_on"
    placed = UnitAssignment.objects.filter(valid_on_q(date), prefix_q("unit__path", unit.path), person=OuterRef(ref))
    staff = CategoryAssignment.objects.filter(valid_on_q(date), category__in=STAFF_CATEGORIES, person=OuterRef(ref))
    return Q(Exists(placed)) & Q(Exists(staff)) & (Q(**{f"{left}__isnull": True}) | Q(**{f"{left}__gte": date}))


def completed_in_year_q(date):
    return Q(state=Enrollment.State.COMPLETED, completed_on__gte=datetime.date(date.year, 1, 1), completed_on__lte=date)


# -- results -------------------------------------------------------------------------------------------------------
OK, BELOW, ABOVE, NO_DATA = "ok", "below", "above", "none"
STATUS_LABELS = {
    OK: gettext_lazy("Đạt chỉ tiêu"),
    BELOW: gettext_lazy("Dưới chỉ tiêu"),
    ABOVE: gettext_lazy("Vượt mức tối đa"),
    NO_DATA: gettext_lazy("Chưa có số liệu"),
}


@dataclass
class Point:
    date: datetime.date
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"))


@dataclass
class Evaluation:
    indicator: object
    current: Point
    trend: list[Point] = field(default_factory=list)

    @property
    def status(self):
        return status_of(self.indicator, self.current.percent)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def status_of(indicator, percent):
    if percent is None:
        return NO_DATA
    if indicator.target_min is not None and percent < indicator.target_min:
        return BELOW
    if indicator.target_max is not None and percent > indicator.target_max:
        return ABOVE
    return OK


def trend_dates(date: datetime.date, years=5):
    """31/12 of each of the `years` years before `date`'s year, then `date` itself (oldest first)."""
    return [datetime.date(y, 12, 31) for y in range(date.year - years, date.year)] + [date]


def members(indicator, unit, date, numerator=False):
    """The rows behind one figure of `indicator` in `unit`'s subtree on `date`: the denominator's people (staff
    register: a Person queryset) or completed enrolments (enrolment register: an Enrollment queryset), or those of
    the numerator (`numerator`). The conditions `evaluate` counts, as a list."""
    if indicator.register == Indicator.Register.ENROLMENT:
        q = completed_in_year_q(date) & population_q(unit, date, ref="person_id") & enrolment_q(indicator.denominator, date)
        if numerator:
            q &= enrolment_q(indicator.numerator, date)
        return Enrollment.objects.filter(q)
    q = population_q(unit, date) & person_q(indicator.denominator, date)
    if numerator:
        q &= person_q(indicator.numerator, date)
    return Person.objects.filter(q)


def evaluate(indicators, unit, date, years=5) -> list[Evaluation]:
    """Actual value on `date` and the trend (trend_dates) of each indicator in `unit`'s subtree.

    ONE query, whatever the number of indicators and dates."""
    indicators = list(indicators)
    dates = trend_dates(date, years)
    parts = []  # one (denominator, numerator) row per indicator and date
    for ind in indicators:
        for d in dates:
            if ind.register == Indicator.Register.ENROLMENT:
                base = completed_in_year_q(d) & population_q(unit, d, ref="person_id") & enrolment_q(ind.denominator, d)
                parts.append((Enrollment.objects.filter(base), enrolment_q(ind.numerator, d)))
            else:
                base = population_q(unit, d) & person_q(ind.denominator, d)
                parts.append((Person.objects.filter(base), person_q(ind.numerator, d)))
    values = _count_all(parts)
    result, k = [], 0
    for ind in indicators:
        points = []
        for d in dates:
            points.append(Point(d, *values[k][::-1]))
            k += 1
        result.append(Evaluation(ind, points[-1], points[:-1]))
    return result


def unit_counts(indicators, date, years=5, unit_ids=None):
    """{(indicator id, date, "n"|"d"): {unit id: count}}: the numerator and denominator of each indicator on each of
    `trend_dates(date)`, per unit — the unit the person works in on that date (the first of their placements) — for
    the dashboard's summary tables (reports.summaries). The same conditions as `evaluate` (the population of every
    unit, `population_q` with an empty path), grouped by the unit; `unit_ids` restricts it to those units. One grouped
    query per indicator and date."""
    from types import SimpleNamespace




    everywhere = SimpleNamespace(path="")
    # the people ever placed in `unit_ids`: every list the conditions read is narrowed to them (same answers for them)
    people = None if unit_ids is None else UnitAssignment.objects.filter(unit_id__in=list(unit_ids)).values("person_id")
    result = {}
    for ind in indicators:
        for d in trend_dates(date, years):
            if ind.register == Indicator.Register.ENROLMENT:
                ref = "person_id"
                qs = Enrollment.objects.filter(completed_in_year_q(d) & population_q(everywhere, d, ref=ref)
                                               & enrolment_q(ind.denominator, d, people=people))
                numerator = enrolment_q(ind.numerator, d, people=people)
            else:
                ref = "pk"
                qs = Person.objects.filter(population_q(everywhere, d) & person_q(ind.denominator, d, people=people))
                numerator = person_q(ind.numerator, d, people=people)
            unit = Subquery(UnitAssignment.objects.filter(valid_on_q(d), person=OuterRef(ref))
                            .order_by("unit_id").values("unit_id")[:1])
            qs = qs.order_by().annotate(_u=unit)
            if unit_ids is not None:  # the people placed in those units on the date, then their first unit
                placed = UnitAssignment.objects.filter(valid_on_q(d), unit_id__in=list(unit_ids)).values("person_id")
                qs = qs.filter(**{f"{ref}__in": placed}).filter(_u__in=list(unit_ids))
            rows = qs.values("_u").annotate(
                _d=Count("pk"), _n=Count(Case(When(_always_if_empty(numerator), then=Value(1)), output_field=IntegerField()))
            )
            dens, nums = result.setdefault((ind.pk, d, "d"), {}), result.setdefault((ind.pk, d, "n"), {})
            for row in rows:
                dens[row["_u"]] = row["_d"]
                nums[row["_u"]] = row["_n"]
    return result


def _always_if_empty(condition):
    """A numerator without conditions ({}: every person or enrolment of the denominator) as a condition When() takes
    (it refuses an empty Q)."""
    return condition if condition else Q(pk__isnull=False)


def _count_all(parts):
    """[(rows, rows matching `condition`)] for each (queryset, condition) of `parts`, in ONE query: a UNION ALL of
    one filtered aggregate per part (SELECT i, COUNT(id), COUNT(CASE WHEN condition THEN 1 END) FROM … WHERE …).

    A filtered count lets the database start from the most selective condition (e.g. the few post holders), which
    a conditional COUNT over the whole register cannot (it would test every row against every condition)."""
    if not parts:
        return []
    sqls, params = [], []
    for i, (qs, condition) in enumerate(parts):
        inner = qs.order_by().annotate(
            _i=Value(i),
            _d=Func(F("pk"), function="COUNT", output_field=IntegerField()),
            _n=Func(Case(When(_always_if_empty(condition), then=Value(1)), output_field=IntegerField()), function="COUNT",
                    output_field=IntegerField()),
        ).values("_i", "_d", "_n")
        sql, p = inner.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS part{i}")  # PostgreSQL needs the alias
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sqls), params)
        rows = {i: (den, num) for i, den, num in cursor.fetchall()}
    return [rows[i] for i in range(len(parts))]


def active_indicators():
    return Indicator.objects.filter(active=True).order_by("order", "code")


def can_manage(user):
    """Admins and province managers define indicators."""
    return is_manager(user)


# The three targets of Nghị quyết 26-NQ/TW to 2030 (docs/domain.md §11.5); migration 0002 seeds a copy.
SEED = [
    {
        "code": "LDQL-TINH-DUOI-40",
        "name": "Cán bộ lãnh đạo, quản lý cấp tỉnh dưới 40 tuổi",
        "description": "Nghị quyết 26-NQ/TW: 15–20% cán bộ lãnh đạo, quản lý cấp tỉnh dưới 40 tuổi. Mẫu số: người giữ "
        "chức vụ cấp tỉnh, giám đốc sở, phó giám đốc sở và tương đương tại đơn vị cấp tỉnh.",
        "register": "STAFF",
        "denominator": {"post_level": ["TINH", "GD", "PGD"], "unit_level": ["TINH"]},
        "numerator": {"age_below": 40},
        "target_min": Decimal(15), "target_max": Decimal(20), "deadline_year": 2030, "order": 10,
    },
    {
        "code": "LDQL-QUOC-TE",
        "name": "Cán bộ lãnh đạo, quản lý đủ khả năng làm việc trong môi trường quốc tế",
        "description": "Nghị quyết 26-NQ/TW: 25–35% đủ khả năng làm việc trong môi trường quốc tế — tính là ngoại ngữ "
        "từ bậc 4 (B2) trở lên hoặc đã hoàn thành khoá đào tạo, bồi dưỡng ở nước ngoài.",
        "register": "STAFF",
        "denominator": {"post_level": ["TINH", "GD", "PGD"], "unit_level": ["TINH"]},
        "numerator": {"any_of": [{"language_min_level": "B2"}, {"abroad_training": True}]},
        "target_min": Decimal(25), "target_max": Decimal(35), "deadline_year": 2030, "order": 20,
    },
    {
        "code": "LDCC-XA-DUOI-40",
        "name": "Cán bộ lãnh đạo chủ chốt cấp xã dưới 40 tuổi",
        "description": "Nghị quyết 26-NQ/TW: 20–25% cán bộ lãnh đạo chủ chốt cấp huyện dưới 40 tuổi; từ 01/07/2025 "
        "không còn cấp huyện, chỉ tiêu tính cho người giữ chức vụ lãnh đạo tại đơn vị cấp xã.",
        "register": "STAFF",
        "denominator": {"post_level": ["ANY"], "unit_level": ["XA"]},
        "numerator": {"age_below": 40},
        "target_min": Decimal(20), "target_max": Decimal(25), "deadline_year": 2030, "order": 30,
    },
]
