"""Dashboard figures (tổng quan) for a unit's subtree and a period, computed in the database.

Every figure is an aggregate (conditional COUNT / SUM) in a fixed number of queries, whatever the data size:

- qualification structure by administrative level on the as-of date: education through the registered report
  (registry "qualification-structure"), political theory and state management in one grouped query built on the
  same population (queries.staff_placements) and the same "highest level held on the date" (people.queries);
- person-times (lượt): enrolments COMPLETED in the period (completed_on between from and to) of people working in
  the subtree on the as-of date, by programme content, class form, home/abroad and group — one query;
- classes visible to the viewer (training.permissions.classes_for) held in the period (overlapping it), by status,
  with the sum of their cost estimates — one query;
- compliance per requirement (standards.engine.requirement_counts) on the as-of date, and the annual-hours summary
  (engine.annual_hours_summary) of the year of the period's end;
- targets (reports.targets.evaluate).

The drill-down lists reuse the very conditions that count (`enrolment_group_q`, `structure_people`), so a list shows
exactly the rows behind its figure."""
import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtbd.core.db import prefix_q
from dtbd.core.models import valid_on_q
from dtbd.funding import figures as funding_figures
from dtbd.org.models import AdminLevel
from dtbd.people.catalog import LEVELS, Gender, PostLevel, QualificationType
from dtbd.people.models import Person, PostAssignment, UnitAssignment
from dtbd.people.queries import highest_level, highest_level_q, years_before
from dtbd.standards import engine
from dtbd.training.models import Enrollment, Program, TrainingClass

from . import queries, registry, targets


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date
    as_of: datetime.date

    @property
    def year(self):
        """The calendar year when the period is exactly one, else None."""
        if (self.date_from.month, self.date_from.day, self.date_to.month, self.date_to.day) == (1, 1, 12, 31) and (
            self.date_from.year == self.date_to.year
        ):
            return self.date_from.year
        return None

    @classmethod
    def for_year(cls, year, today=None):
        today = today or datetime.date.today()
        end = datetime.date(year, 12, 31)
        return cls(datetime.date(year, 1, 1), end, min(end, today))


# -- qualification structure -----------------------------------------------------------------------------------
STRUCTURE_TYPES = {
    QualificationType.EDUCATION: _("Trình độ chuyên môn"),
    QualificationType.POLITICAL: _("Lý luận chính trị"),
    QualificationType.STATE_MGMT: _("Quản lý nhà nước"),
}
NONE_CODE = "NONE"


@dataclass
class Structure:
    qtype: str
    title: str
    codes: list  # [(code, label)] columns, highest first; NONE = no record held (LLCT, QLNN)
    rows: list  # [(level, label, [(code, label, n)], total)], then the total row with level ALL


def _cells(codes, numbers):
    return [(code, label, n) for (code, label), n in zip(codes, numbers)]


def _levels_in_order(levels):
    return [lv for lv in registry.LEVEL_ORDER if lv in levels] + sorted(set(levels) - set(registry.LEVEL_ORDER))


def _education_structure(unit, date):
    """The registered qualification-structure report, called as it is (its rows end with the ALL total row)."""
    report = registry.get_report("qualification-structure")
    codes = [(c.key, c.label) for c in report.columns if c.key in report.EDU]
    rows = []
    for row in report.rows(unit, date, None):
        level, *cells = row
        rows.append((level, registry.level_label(level), _cells(codes, cells[:-1]), cells[-1]))
    return Structure(QualificationType.EDUCATION, STRUCTURE_TYPES[QualificationType.EDUCATION], codes, rows)


def _other_structures(unit, date):
    """LLCT and QLNN by administrative level in ONE grouped query: people (CB/CC/VC in the subtree on `date`) by
    (level of their unit, highest LLCT order, highest QLNN order); people without a record count under NONE."""
    types = [QualificationType.POLITICAL, QualificationType.STATE_MGMT]
    grouped = (
        queries.staff_placements(unit, date)
        .annotate(
            llct=highest_level(QualificationType.POLITICAL, date, field="level_order", person_ref="person_id"),
            qlnn=highest_level(QualificationType.STATE_MGMT, date, field="level_order", person_ref="person_id"),
        )
        .values("unit__admin_level", "llct", "qlnn")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    counts = {t: {} for t in types}
    levels = set()
    for row in grouped:
        level = row["unit__admin_level"]
        levels.add(level)
        for qtype, key in zip(types, ("llct", "qlnn")):
            order = row[key]
            code = NONE_CODE if order is None else next(c for c, (_l, o) in LEVELS[qtype].items() if o == order)
            counts[qtype][(level, code)] = counts[qtype].get((level, code), 0) + row["n"]
    result = []
    for qtype in types:
        codes = [(c, label) for c, (label, _o) in LEVELS[qtype].items()] + [(NONE_CODE, _("Chưa có"))]
        rows, totals = [], [0] * len(codes)
        for level in _levels_in_order(levels):
            cells = [counts[qtype].get((level, c), 0) for c, _l in codes]
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append((level, registry.level_label(level), _cells(codes, cells), sum(cells)))
        rows.append((registry.ALL, registry.level_label(registry.ALL), _cells(codes, totals), sum(totals)))
        result.append(Structure(qtype, STRUCTURE_TYPES[qtype], codes, rows))
    return result


def structure_people(unit, date, qtype, code, level=None):
    """The people behind one cell of a structure table: CB/CC/VC in the subtree on `date` (placed at a unit of
    administrative `level` when given) whose highest `qtype` held on `date` is `code` (NONE: none held)."""
    placements = queries.staff_placements(unit, date)
    if level and level != registry.ALL:
        placements = placements.filter(unit__admin_level=level)
    qs = Person.objects.filter(pk__in=placements.values("person_id"))
    return qs.filter(highest_level_q(qtype, code, date))


# -- person-times ----------------------------------------------------------------------------------------------
def _category_choices():
    return Program.Category.choices


def _form_choices():
    return TrainingClass.Form.choices


GROUPS = {
    "women": _("Nữ"),
    "minority": _("Người dân tộc thiểu số"),
    "under35": _("Dưới 35 tuổi"),
    "leader": _("Giữ chức vụ lãnh đạo, quản lý"),
    "commune": _("Công tác ở cấp xã"),
}
DIMENSIONS = {
    "category": _("Nội dung"),
    "form": _("Hình thức tổ chức"),
    "abroad": _("Trong nước / nước ngoài"),
    "group": _("Nhóm đối tượng"),
    "all": _("Tổng số"),
}


def completed_enrolments(unit, period):
    """Enrolments COMPLETED in the period of people of category CB/CC/VC in the subtree on the as-of date."""
    # `person_id + 0`: the people are a long list (the whole province); on SQLite a bare `person_id IN (…)` makes the
    # planner walk the person index once per person (1M enrolments: ~5 s) instead of the period's range of the
    # (state, completed_on) index checked against the list (~0,7 s). See docs/benchmarks.md, bench/dashboard.py.
    return (
        Enrollment.objects.filter(
            state=Enrollment.State.COMPLETED, completed_on__gte=period.date_from, completed_on__lte=period.date_to
        )
        .alias(_person=ExpressionWrapper(F("person_id") + 0, output_field=IntegerField()))
        .filter(_person__in=queries.staff_placements(unit, period.as_of).values("person_id"))
    )


def enrolment_group_q(dimension, value, unit, period):
    """The condition (a Q on Enrollment) of one person-times figure; None when the dimension/value is unknown."""
    date = period.as_of
    if dimension == "all":
        return Q()
    if dimension == "category" and value in dict(_category_choices()):
        return Q(training_class__program__category=value)
    if dimension == "form" and value in dict(_form_choices()):
        return Q(training_class__form=value)
    if dimension == "abroad" and value in ("yes", "no"):
        return Q(training_class__abroad=value == "yes")
    if dimension == "group":
        if value == "women":
            return Q(person__gender=Gender.NU)
        if value == "minority":
            return Q(person__ethnicity__is_minority=True)
        if value == "under35":
            return Q(person__birth_date__gt=years_before(date, 35))
        if value == "leader":
            posts = PostAssignment.objects.filter(valid_on_q(date), level__in=PostLevel.values)
            return Q(person_id__in=posts.values("person_id"))
        if value == "commune":
            placed = UnitAssignment.objects.filter(valid_on_q(date), prefix_q("unit__path", unit.path),
                                                   unit__admin_level=AdminLevel.XA)
            return Q(person_id__in=placed.values("person_id"))
    return None


def person_times_figures():
    """[(dimension, value, label)] of every person-times figure, in display order."""
    figures = [("all", "", DIMENSIONS["all"])]
    figures += [("category", v, label) for v, label in _category_choices()]
    figures += [("form", v, label) for v, label in _form_choices()]
    figures += [("abroad", "no", _("Trong nước")), ("abroad", "yes", _("Nước ngoài"))]
    figures += [("group", v, label) for v, label in GROUPS.items()]
    return figures


def person_times(unit, period):
    """{dimension: [(value, label, n)]} of completed enrolments in the period: ONE aggregate query."""
    figures = person_times_figures()
    aggregates = {f"f{i}": Count("pk", filter=enrolment_group_q(d, v, unit, period)) for i, (d, v, _l) in enumerate(figures)}
    totals = completed_enrolments(unit, period).aggregate(**aggregates)
    result = {}
    for i, (dimension, value, label) in enumerate(figures):
        result.setdefault(dimension, []).append((value, label, totals[f"f{i}"]))
    return result


# -- classes ---------------------------------------------------------------------------------------------------
def classes_in_period(classes, period):
    return classes.filter(starts_on__lte=period.date_to, ends_on__gte=period.date_from)


LEARNER_STATES = ("APPROVED", "ENROLLED", "WAITLISTED", "COMPLETED", "FAILED")  # a learner of the class


def learner_classes(unit, date):
    """The ids (a values() query) of the classes with a learner (an enrolment approved, enrolled, waitlisted,
    completed or failed) placed in `unit`'s subtree on `date`."""
    # Driven by the subtree's people (their enrolments through the person index), not by every class of the country
    # checked for a learner in the subtree (PostgreSQL, 15M enrolments: 119 s → see docs/benchmarks.md).
    return Enrollment.objects.filter(
        state__in=LEARNER_STATES, person_id__in=queries.staff_placements(unit, date).values("person_id")
    ).values("training_class_id").order_by()


def provided_classes(unit):
    """The ids (a values() query) of the classes run by a provider linked to a unit of `unit`'s subtree."""
    return TrainingClass.objects.filter(prefix_q("provider__unit__path", unit.path)).values("pk").order_by()


def unit_classes(classes, unit, date):
    """The classes of `unit`'s subtree among `classes` (those the viewer sees). A class has no owning unit of the
    tree (its provider may be linked to a training institution's unit), so: for the root of the tree, every class (the
    province's offer); for any other unit, the classes run by a provider linked to a unit of the subtree, or with at
    least one learner placed in the subtree on `date` (`learner_classes`). A class counts whole, with its whole cost
    estimate (not a share per learner). (reports.summaries.unit_classes reads the stored sets of large units.)"""
    if not unit.parent_id:
        return classes
    # a UNION, not an OR, so that the planner joins the class ids once instead of re-running the subquery per class
    return classes.filter(pk__in=learner_classes(unit, date).union(provided_classes(unit)))


def classes_summary(classes, period):
    """[(status, label, classes, sum of cost estimates)] of the classes held in the period (overlapping it), and the
    totals without cancelled classes: ONE grouped query."""
    rows = {
        r["status"]: (r["n"], r["cost"] or 0)
        for r in classes_in_period(classes, period).values("status").annotate(n=Count("pk"), cost=Sum("cost_estimate")).order_by()
    }
    result = [(s, label, *rows.get(s, (0, 0))) for s, label in TrainingClass.Status.choices]
    live = [r for r in result if r[0] != TrainingClass.Status.CANCELLED]
    return result, (sum(r[2] for r in live), sum(r[3] for r in live))


# -- postgraduate study, talent attraction ----------------------------------------------------------------------
@dataclass(frozen=True)
class FundingFigures:
    """Đào tạo sau đại học, thu hút nhân tài (docs/domain.md §14.6) for the subtree on the as-of date."""

    studying: int  # people dispatched and not back
    ending: int  # service commitments ending within six months
    open_cases: int  # reimbursement cases open or decided, not paid
    balance: int  # what they still owe (đồng)
    attracted: int  # people attracted by a decision of the as-of date's year
    year: int


def funding_block(unit, period) -> FundingFigures:
    """Four aggregate queries (one per figure), whatever the data size (funding.figures)."""
    on = period.as_of
    cases, balance = funding_figures.open_balance(unit, on)
    return FundingFigures(funding_figures.studying_now(unit, on), funding_figures.commitments_ending(unit, on),
                          cases, balance, funding_figures.attracted_in_year(unit, on.year), on.year)


# -- everything ------------------------------------------------------------------------------------------------
@dataclass
class Dashboard:
    unit: object
    period: Period
    structures: list = field(default_factory=list)
    person_times: dict = field(default_factory=dict)
    classes: list = field(default_factory=list)
    classes_total: tuple = (0, 0)
    compliance: list = field(default_factory=list)
    annual_hours: tuple = (0, 0, 0)
    annual_hours_date: datetime.date | None = None
    targets: list = field(default_factory=list)
    computed_at: datetime.datetime | None = None
    seconds: float = 0.0
    from_cache: bool = False
    from_summary: bool = False  # read from the summary tables (reports.summaries)
    stale_since: datetime.datetime | None = None  # the data changed after the summary was computed
    pending: bool = False  # no figure yet: the period's summary is being computed in the background


def annual_hours_date(period):
    """The ANNUAL_HOURS figure is for the year of the period's end, on the as-of date when it is in that year."""
    year = period.date_to.year
    return period.as_of if period.as_of.year == year else datetime.date(year, 12, 31)


def build(unit, period, classes, with_targets=True) -> Dashboard:
    """Every figure of the dashboard for `unit`'s subtree and `period`; `classes` = the classes the viewer sees."""
    start = time.perf_counter()
    board = Dashboard(unit, period)
    board.structures = [_education_structure(unit, period.as_of), *_other_structures(unit, period.as_of)]
    board.person_times = person_times(unit, period)
    board.classes, board.classes_total = classes_summary(classes, period)
    board.compliance = engine.requirement_counts(unit, period.as_of)
    board.annual_hours_date = annual_hours_date(period)
    if board.annual_hours_date == period.as_of:  # the same figure engine.annual_hours_summary would compute again
        hours = next((c for c in board.compliance if c.code == "ANNUAL_HOURS"), None)
        board.annual_hours = (hours.applicable, hours.met, hours.missing) if hours else (0, 0, 0)
    else:
        board.annual_hours = engine.annual_hours_summary(unit, period.date_to.year, board.annual_hours_date)
    if with_targets:
        board.targets = targets.evaluate(targets.active_indicators(), unit, period.as_of)
    board.seconds = time.perf_counter() - start
    board.computed_at = timezone.now()
    return board


def cache_seconds():
    """How long a computed dashboard is kept (settings.DTBD_DASHBOARD_CACHE_SECONDS, default 300; 0 = always live)."""
    return int(getattr(settings, "DTBD_DASHBOARD_CACHE_SECONDS", 300))


def cached_build(unit, period, classes, refresh=False) -> Dashboard:
    """`build`, kept in the cache for cache_seconds() per (unit, period, classes seen). The page always shows when the
    figures were computed (`computed_at`, `from_cache`) and offers to recompute them (`refresh`): never stale
    silently."""
    import hashlib


    seconds = cache_seconds()
    if seconds <= 0:
        return build(unit, period, classes)
    scope = hashlib.sha1(str(classes.query).encode()).hexdigest()[:12]
    key = f"dtbd:dashboard:{unit.pk}:{period.date_from}:{period.date_to}:{period.as_of}:{scope}"
    if not refresh:
        board = cache.get(key)
        if board is not None:
            board.from_cache = True
            return board
    board = build(unit, period, classes)
    cache.set(key, board, seconds)
    return board
