"""Summary tables of the dashboard (models SummaryPeriod, SummaryFigure, SummaryDirty): the dashboard's additive
figures stored per unit — the unit's own people, not its subtree — and per period (date range + as-of date), so that
the dashboard of any subtree is a SUM over the rows of its units (the units' materialised path): one grouped query.

Figures (SummaryFigure.key), each a count for one unit:

- ``n`` people (CB/CC/VC) placed in the unit on the as-of date;
- ``s:<type>:<code>`` qualification structure on the as-of date: people (CB/CC/VC placed in the unit) by their
  highest EDU / LLCT / QLNN level held (``NONE``: no LLCT / QLNN held; no EDU held is counted nowhere, as the
  registered report does); the administrative level is the unit's, read when summing;
- ``p:<dimension>:<value>`` person-times: enrolments completed in the period of the people placed in the unit on the
  as-of date, by content, form, home/abroad and group (the "commune" group is the ``p:all:`` of the units at level
  XA, read when summing);
- ``c:<code>:a`` / ``c:<code>:m`` people subject to / missing a requirement on the as-of date, from the standards
  engine's grouped counts (``engine.unit_counts``: its rules, not a copy);
- ``h:a`` / ``h:m`` the same for ANNUAL_HOURS on `dashboard.annual_hours_date` when that is not the as-of date;
- ``t:<indicator id>:<date>:d`` / ``:n`` denominator / numerator of each target indicator on each trend date
  (``targets.unit_counts``).

A person counts in one unit on a date (the unit they are placed in), so the figures add up along the tree. A person
with two overlapping placements on the same date (a second placement recorded without closing the first: the
services never do it) counts in both units' structure and compliance figures and in the first unit's person-times and
targets; the live figures count them in each administrative level they are placed at (structures, as the registered
report does) and once otherwise — such a person makes a subtree's compliance sums differ from the live ones.

Freshness: every save of the data behind the figures (people and their histories, qualifications, enrolments,
classes, the requirement catalogue, indicators, units, imports — see reports.signals) marks the units concerned
dirty in every stored period (SummaryDirty) and enqueues `refresh` on commit (reports.tasks). `refresh` recomputes
the dirty units of each period (the whole period after an import or a catalogue change) and stores them, with the
refresh time, in one transaction. The page shows the refresh time and, while marks remain for the subtree, says that
the data changed since ("đang cập nhật") and offers to recompute at once. A period without a summary is computed
(for every unit) when first asked and stored. `dtbd refresh-summaries` runs the same refresh (e.g. nightly: it also
moves the current period's as-of date to today)."""
import datetime
import time
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Min, Q, Sum
from django.utils import timezone
from django_tasks import task

from dtbd.core.db import prefix_q
from dtbd.org.models import AdminLevel, Unit
from dtbd.people.catalog import LEVELS, QualificationType
from dtbd.people.models import UnitAssignment
from dtbd.people.queries import highest_level
from dtbd.standards import engine
from dtbd.standards.engine import Counts
from dtbd.training.models import Enrollment

from . import dashboard, queries, registry, targets
from .models import SummaryClass, SummaryDirty, SummaryFigure, SummaryPeriod

EVERYWHERE = SimpleNamespace(path="")  # a "unit" whose subtree is every unit
ALL_UNITS = 0  # SummaryDirty.unit_id: every unit
STRUCTURE_KEYS = {QualificationType.EDUCATION: "edu", QualificationType.POLITICAL: "llct",
                  QualificationType.STATE_MGMT: "qlnn"}


def enabled():
    """settings.DTBD_DASHBOARD_SUMMARIES (default True): the dashboard reads the summary tables."""
    return bool(getattr(settings, "DTBD_DASHBOARD_SUMMARIES", True))


def default_as_of(date_from, date_to, today=None):
    return min(date_to, today or datetime.date.today())


def summarised(period, today=None):
    """Whether `period` is one the summary tables hold: its as-of date is the default one (end of the period, or
    today for the current period). Other as-of dates are computed live."""
    return period.as_of == default_as_of(period.date_from, period.date_to, today)


# -- computing ---------------------------------------------------------------------------------------------------
def _placements(date, unit_ids=None):
    qs = queries.staff_placements(None, date)
    return qs.filter(unit_id__in=list(unit_ids)) if unit_ids is not None else qs


def _code(qtype, order):
    if order is None:
        return dashboard.NONE_CODE
    return next(c for c, (_l, o) in LEVELS[qtype].items() if o == order)


def _structures(out, date, unit_ids):
    rows = (
        _placements(date, unit_ids)
        .annotate(**{key: highest_level(qtype, date, field="level_order", person_ref="person_id")
                     for qtype, key in STRUCTURE_KEYS.items()})
        .values("unit_id", *STRUCTURE_KEYS.values())
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    for row in rows:
        out[row["unit_id"]]["n"] += row["n"]  # people placed in the unit (one group per person and unit)
        for qtype, key in STRUCTURE_KEYS.items():
            if qtype == QualificationType.EDUCATION and row[key] is None:
                continue  # no education record: counted nowhere (the registered report)
            out[row["unit_id"]][f"s:{qtype}:{_code(qtype, row[key])}"] += row["n"]


def _person_times(out, period, unit_ids):
    """Completed enrolments of the period of the people placed (in `unit_ids`) on the as-of date — the live
    dashboard's `completed_enrolments` —, counted per person with one conditional COUNT per figure, then summed per
    unit of the person's placement (the first by id): ONE query (the two grouped ORM queries joined in SQL)."""
    placements = _placements(period.as_of, unit_ids)
    figures = [(d, v) for d, v, _l in dashboard.person_times_figures() if (d, v) != ("group", "commune")]
    aggregates = {f"f{i}": Count("pk", filter=dashboard.enrolment_group_q(d, v, EVERYWHERE, period))
                  for i, (d, v) in enumerate(figures)}
    per_person = (
        Enrollment.objects.filter(state=Enrollment.State.COMPLETED, completed_on__gte=period.date_from,
                                  completed_on__lte=period.date_to)
        # `person_id + 0`: the period's range of the (state, completed_on) index, the people as a list (see
        # dashboard.completed_enrolments)
        .alias(_person=ExpressionWrapper(F("person_id") + 0, output_field=IntegerField()))
        .filter(_person__in=placements.values("person_id"))
        .values("person_id").annotate(**aggregates).order_by()
    )
    unit_of = placements.values("person_id").annotate(_unit=Min("unit_id")).order_by()
    e_sql, e_params = per_person.query.sql_with_params()
    u_sql, u_params = unit_of.query.sql_with_params()
    sums = ", ".join(f"SUM(e.f{i})" for i in range(len(figures)))
    sql = (f"SELECT u._unit, {sums} FROM ({e_sql}) e JOIN ({u_sql}) u ON u.person_id = e.person_id "
           "GROUP BY u._unit")
    with connection.cursor() as cursor:
        cursor.execute(sql, (*e_params, *u_params))
        for unit_id, *values in cursor.fetchall():
            for (d, v), n in zip(figures, values):
                if n:
                    out[unit_id][f"p:{d}:{v}"] += int(n)


def _compliance(out, date, unit_ids, prefix="c", codes=None):
    people_q = None
    if unit_ids is not None:
        people_q = Q(pk__in=UnitAssignment.objects.filter(unit_id__in=list(unit_ids)).values("person_id"))
    for unit_id, counts in engine.unit_counts(EVERYWHERE, date, people_q=people_q, codes=codes).items():
        if unit_ids is not None and unit_id not in unit_ids:
            continue
        for c in counts:
            key = prefix if codes else f"{prefix}:{c.code}"
            out[unit_id][f"{key}:a"] += c.applicable
            out[unit_id][f"{key}:m"] += c.missing


def _targets(out, date, unit_ids):
    counted = targets.unit_counts(targets.active_indicators(), date, unit_ids=unit_ids)
    for (ind_id, day, part), by_unit in counted.items():
        for unit_id, n in by_unit.items():
            if n and unit_id is not None:
                out[unit_id][f"t:{ind_id}:{day.isoformat()}:{part}"] += n


def compute(period, unit_ids=None):
    """{unit id: {key: value}} of every figure of `period` (a dashboard.Period), for every unit or `unit_ids`."""
    out = defaultdict(lambda: defaultdict(int))
    _structures(out, period.as_of, unit_ids)
    _person_times(out, period, unit_ids)
    _compliance(out, period.as_of, unit_ids)
    hours_date = dashboard.annual_hours_date(period)
    if hours_date != period.as_of:
        _compliance(out, hours_date, unit_ids, prefix="h", codes=["ANNUAL_HOURS"])
    _targets(out, period.as_of, unit_ids)
    if unit_ids is not None:
        out = {u: figures for u, figures in out.items() if u in unit_ids}
    return out


def _period_of(row):
    return dashboard.Period(row.date_from, row.date_to, row.as_of)


def class_min_staff():
    """settings.DTBD_SUMMARY_CLASS_MIN_STAFF (default 5000): the units whose subtree holds at least this many people
    get their class set stored (SummaryClass); smaller subtrees are computed live (dashboard.unit_classes)."""
    return int(getattr(settings, "DTBD_SUMMARY_CLASS_MIN_STAFF", 5000))


def _class_units(row, figures, unit_ids):
    """The units whose class set to (re)compute: on a whole computation, every unit but a root whose subtree holds
    class_min_staff() people or more (from the ``n`` figures); on an incremental one, the units already stored that
    hold a dirty unit in their subtree."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    step = len(Unit.segment(0))
    if unit_ids is None:
        people = defaultdict(int)
        for unit_id, values in figures.items():
            path = paths.get(unit_id, "")
            for end in range(2 * step, len(path) + 1, step):  # every ancestor but a root (a root sees every class)
                people[path[:end]] += values.get("n", 0)
        minimum = class_min_staff()
        wanted = {path for path, n in people.items() if n >= minimum}
        return [pk for pk, path in paths.items() if path in wanted]
    stored = SummaryClass.objects.filter(period=row, training_class__isnull=True).values_list("unit_id", flat=True)
    dirty = [paths[u] for u in unit_ids if u in paths]
    return [u for u in stored if any(p.startswith(paths.get(u, "-")) for p in dirty)]


def _class_sets(row, unit_ids):
    """[SummaryClass] of the class sets of `unit_ids` on the period's as-of date (with each unit's marker row): the
    classes held in the period (overlapping it) only."""
    objs = []
    for unit in Unit.objects.filter(pk__in=unit_ids).only("pk", "path", "parent_id"):
        objs.append(SummaryClass(period_id=row.pk, unit_id=unit.pk, training_class_id=None))
        ids = (dashboard.learner_classes(unit, row.as_of)
               .filter(training_class__starts_on__lte=row.date_to, training_class__ends_on__gte=row.date_from)
               .values_list("training_class_id", flat=True).distinct())
        objs.extend(SummaryClass(period_id=row.pk, unit_id=unit.pk, training_class_id=pk) for pk in ids)
    return objs


def store(row, unit_ids=None, marks=()):
    """Compute the figures of SummaryPeriod `row` (every unit, or `unit_ids`) and the class sets concerned, and store
    them with the refresh time, deleting the dirty marks seen (`marks`: their ids) — one transaction."""
    start = time.perf_counter()
    figures = compute(_period_of(row), unit_ids)
    objs = [SummaryFigure(period_id=row.pk, unit_id=unit_id, key=key, value=value)
            for unit_id, values in figures.items() for key, value in values.items() if value]
    class_units = _class_units(row, figures, unit_ids)
    class_objs = _class_sets(row, class_units)
    seconds = time.perf_counter() - start
    with transaction.atomic():
        existing = SummaryFigure.objects.filter(period_id=row.pk)
        old_classes = SummaryClass.objects.filter(period_id=row.pk)
        if unit_ids is not None:
            existing = existing.filter(unit_id__in=list(unit_ids))
            old_classes = old_classes.filter(unit_id__in=class_units)
        existing.delete()
        old_classes.delete()
        SummaryFigure.objects.bulk_create(objs, batch_size=2000)
        SummaryClass.objects.bulk_create(class_objs, batch_size=2000)
        row.refreshed_at = timezone.now()
        row.seconds = seconds
        row.save(update_fields=["refreshed_at", "seconds", "as_of"])
        marks = list(marks)
        for start_at in range(0, len(marks), 500):
            SummaryDirty.objects.filter(pk__in=marks[start_at:start_at + 500]).delete()
    if unit_ids is None:
        _analyze()
    return row


def _analyze():
    """After a whole period was rewritten: fresh planner statistics of the summary tables on PostgreSQL. Without them
    the planner still believes the tables small until autovacuum comes by, and sums a province by scanning every row
    of the period (national: 178 ms instead of 7 ms for TQ)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (SummaryFigure, SummaryClass):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def period_row(period, create=True):
    """The SummaryPeriod of `period`, computed and stored first when there is none yet (and `create`)."""
    row = SummaryPeriod.objects.filter(date_from=period.date_from, date_to=period.date_to, as_of=period.as_of).first()
    if row is None and create:
        row, _created = SummaryPeriod.objects.get_or_create(date_from=period.date_from, date_to=period.date_to,
                                                            as_of=period.as_of)
        store(row)
    return row


def sync_seconds():
    """settings.DTBD_SUMMARY_SYNC_SECONDS (default 10): when computing a stored period took longer than this, a
    period asked for the first time is computed in the background instead of in the request."""
    return float(getattr(settings, "DTBD_SUMMARY_SYNC_SECONDS", 10))


def in_background():
    """Whether a new period is computed in the background: a stored period took longer than sync_seconds() (on a
    national database a period takes ~2 minutes, beyond a web request's time limit). One query."""
    slowest = SummaryPeriod.objects.filter(refreshed_at__isnull=False).aggregate(s=Max("seconds"))["s"]
    return slowest is not None and slowest > sync_seconds()


def start_period(period):
    """Create the SummaryPeriod of `period` without figures and have the worker compute it (the refresh computes a
    period without figures whole)."""
    row, _created = SummaryPeriod.objects.get_or_create(date_from=period.date_from, date_to=period.date_to,
                                                        as_of=period.as_of)
    _enqueue_refresh()
    return row


def refresh_row(row, full=False):
    """Recompute the dirty units of one stored period (all of it when `full` or a mark says every unit). Returns
    the number of units recomputed (None: all), or False when nothing was dirty."""
    marks = list(row.dirty.values_list("pk", "unit_id"))
    if not marks and not full:
        return False
    units = {u for _pk, u in marks}
    unit_ids = None if full or ALL_UNITS in units else units
    store(row, unit_ids, [pk for pk, _u in marks])
    return None if unit_ids is None else len(unit_ids)


def refresh(full=False, today=None):
    """Refresh every stored period: move a current period's as-of date to today (recomputed whole), then recompute
    the dirty units of each. Returns [(period, units recomputed or None for all)] of the periods recomputed."""
    today = today or datetime.date.today()
    prune(today)
    done = []
    for row in SummaryPeriod.objects.order_by("date_from", "date_to", "as_of"):
        wanted = default_as_of(row.date_from, row.date_to, today)
        if row.as_of != wanted:
            if wanted < row.as_of or SummaryPeriod.objects.filter(
                    date_from=row.date_from, date_to=row.date_to, as_of=wanted).exists():
                continue  # a period asked with its own as-of date, or already rolled over: leave it
            row.as_of = wanted
            marks = list(row.dirty.values_list("pk", flat=True))
            store(row, None, marks)
            done.append((row, None))
            continue
        result = refresh_row(row, full=full or row.refreshed_at is None)  # None: a first computation that failed
        if result is not False:
            done.append((row, result))
    return done


def keep_days():
    """settings.DTBD_SUMMARY_KEEP_DAYS (default 30): a stored period nobody read for longer is deleted."""
    return int(getattr(settings, "DTBD_SUMMARY_KEEP_DAYS", 30))


def prune(today=None):
    """Delete the stored periods nobody read for keep_days() (their figures, marks and class sets with them), but
    never the calendar year of `today` nor the one before (the dashboard's default periods). Each stored period costs
    every refresh: date ranges asked once must not be kept forever. Returns the number of periods deleted."""
    today = today or datetime.date.today()
    cutoff = today - datetime.timedelta(days=keep_days())
    unread = Q(last_read_on__lt=cutoff) | Q(last_read_on__isnull=True, refreshed_at__lt=datetime.datetime.combine(
        cutoff, datetime.time.min, tzinfo=datetime.timezone.utc))
    old = SummaryPeriod.objects.filter(unread)
    for year in (today.year, today.year - 1):
        old = old.exclude(date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))
    deleted = 0
    for row in old:
        row.delete()
        deleted += 1
    return deleted


def touch(row, today=None):
    """Record that `row` was read today (one UPDATE at most a day per period)."""
    today = today or datetime.date.today()
    if row.last_read_on != today:
        SummaryPeriod.objects.filter(pk=row.pk).update(last_read_on=today)
        row.last_read_on = today


# -- marking -----------------------------------------------------------------------------------------------------
def periods_stored():
    """The ids of the stored summary periods (one small query): nothing to mark when there is none."""
    return list(SummaryPeriod.objects.values_list("pk", flat=True))


def mark_dirty(unit_ids, periods=None):
    """Mark `unit_ids` (ALL_UNITS: every unit) dirty in every stored period (`periods`: their ids when the caller
    has just read them), and enqueue a refresh when the transaction commits. One INSERT (and one query for the
    periods when not given)."""
    unit_ids = {u for u in unit_ids if u is not None}
    if not unit_ids:
        return
    periods = periods_stored() if periods is None else periods
    if not periods:
        return
    now = timezone.now()
    # appended, never upserted: transactions marking the same unit do not lock each other (see SummaryDirty)
    SummaryDirty.objects.bulk_create(
        [SummaryDirty(period_id=p, unit_id=u, marked_at=now) for p in periods for u in sorted(unit_ids)])
    _enqueue_refresh()


REFRESH_QUEUED = "dtbd:summary-refresh-queued"  # cache flag: a refresh is waiting in the queue
REFRESH_QUEUED_SECONDS = 600  # a lost queue entry (worker down) blocks new ones for at most this long


@task()
def refresh_summaries(full: bool = False) -> int:
    """The background refresh (django-tasks; also enqueued daily by `dtbd worker`): recompute the dirty units of every
    stored summary period; returns the number of periods recomputed."""
    cache.delete(REFRESH_QUEUED)  # changes from now on need another refresh: let the next one be enqueued
    return len(refresh(full=full))


def _enqueue_refresh():
    def enqueue():
        # One refresh waiting in the queue is enough (a transaction marking many units, a registration rush committing
        # hundreds of changes a second): the task clears the flag when it starts, so changes made after that start
        # enqueue the next one. (A flag on the connection would stay set forever after a rolled-back transaction,
        # whose on-commit callbacks never run.)
        if not cache.add(REFRESH_QUEUED, True, timeout=REFRESH_QUEUED_SECONDS):
            return
        try:
            refresh_summaries.enqueue()
        except Exception:  # noqa: BLE001 — the marks stay; the page says the figures are being updated
            import logging

            cache.delete(REFRESH_QUEUED)
            logging.getLogger(__name__).exception("could not enqueue the summary refresh")

    transaction.on_commit(enqueue)


def person_units(person_ids):
    """Every unit `person_ids` were ever placed in (their figures may be in any of them on some date)."""
    return set(UnitAssignment.objects.filter(person_id__in=list(person_ids)).order_by()
               .values_list("unit_id", flat=True).distinct())


# -- reading -----------------------------------------------------------------------------------------------------
def stale_since(row, unit):
    """When the data of `unit`'s subtree first changed after the period's refresh (None: not changed)."""
    subtree = Unit.objects.filter(prefix_q("path", unit.path)).values("pk")
    marks = SummaryDirty.objects.filter(period=row).filter(Q(unit_id=ALL_UNITS) | Q(unit_id__in=subtree))
    return marks.order_by("marked_at").values_list("marked_at", flat=True).first()


def unit_classes(classes, unit, period):
    """dashboard.unit_classes for the classes held in `period` (the caller keeps only those: the stored sets hold no
    other), from the stored class set of `unit` when the summary tables hold `period` and the unit is one whose set
    is stored (a large subtree); live otherwise."""
    if unit.parent_id and enabled() and summarised(period):
        row = SummaryPeriod.objects.filter(date_from=period.date_from, date_to=period.date_to, as_of=period.as_of,
                                           refreshed_at__isnull=False).first()
        if row is not None and SummaryClass.objects.filter(period=row, unit=unit,
                                                           training_class__isnull=True).exists():
            stored = SummaryClass.objects.filter(period=row, unit=unit, training_class__isnull=False)
            ids = stored.values("training_class_id").order_by().union(dashboard.provided_classes(unit))
            return classes.filter(pk__in=ids)
    return dashboard.unit_classes(classes, unit, period.as_of)


def sums(row, unit):
    """{(key, admin level of the unit): SUM(value)} over the units of `unit`'s subtree: ONE grouped query."""
    rows = (
        SummaryFigure.objects.filter(period=row).filter(prefix_q("unit__path", unit.path))
        .values("key", "unit__admin_level").annotate(total=Sum("value")).order_by()
    )
    return {(r["key"], r["unit__admin_level"]): r["total"] for r in rows}


def board(unit, period, classes, row):
    """The Dashboard of `unit`'s subtree from the summary row `row` (figures), plus the live class figures."""
    by_level = sums(row, unit)
    totals = defaultdict(int)
    for (key, _level), n in by_level.items():
        totals[key] += n
    b = dashboard.Dashboard(unit, period)
    b.structures = _structures_from(unit, period.as_of, by_level)
    b.person_times = {}
    for dim, value, label in dashboard.person_times_figures():
        if (dim, value) == ("group", "commune"):
            n = by_level.get(("p:all:", AdminLevel.XA), 0)
        else:
            n = totals.get(f"p:{dim}:{value}", 0)
        b.person_times.setdefault(dim, []).append((value, label, n))
    b.classes, b.classes_total = dashboard.classes_summary(classes, period)
    codes = sorted({key.split(":")[1] for key in totals if key.startswith("c:")})
    b.compliance = [Counts(code, totals[f"c:{code}:a"], totals[f"c:{code}:a"] - totals[f"c:{code}:m"],
                           totals[f"c:{code}:m"]) for code in codes if totals.get(f"c:{code}:a")]
    b.annual_hours_date = dashboard.annual_hours_date(period)
    if b.annual_hours_date == period.as_of:
        hours = next((c for c in b.compliance if c.code == "ANNUAL_HOURS"), None)
        b.annual_hours = (hours.applicable, hours.met, hours.missing) if hours else (0, 0, 0)
    else:
        a, m = totals.get("h:a", 0), totals.get("h:m", 0)
        b.annual_hours = (a, a - m, m)
    b.targets = []
    for ind in targets.active_indicators():
        points = [targets.Point(d, totals.get(f"t:{ind.pk}:{d.isoformat()}:n", 0),
                                totals.get(f"t:{ind.pk}:{d.isoformat()}:d", 0))
                  for d in targets.trend_dates(period.as_of)]
        b.targets.append(targets.Evaluation(ind, points[-1], points[:-1]))
    b.computed_at = row.refreshed_at
    b.seconds = row.seconds
    b.from_summary = True
    return b


def _structures_from(unit, date, by_level):
    """The three structure tables (dashboard.Structure) from the summed figures, laid out as the live ones."""
    counts = defaultdict(int)  # (qtype, level, code) -> n
    for (key, level), n in by_level.items():
        if key.startswith("s:"):
            _s, qtype, code = key.split(":")
            counts[(qtype, level, code)] += n
    result = []
    report = registry.get_report("qualification-structure")
    edu_codes = [(c.key, c.label) for c in report.columns if c.key in report.EDU]
    edu_levels = queries.levels_present(unit, date) | {lv for q, lv, _c in counts if q == QualificationType.EDUCATION}
    rows, totals = [], [0] * len(edu_codes)
    for level in registry.LEVEL_ORDER:
        if level not in edu_levels:
            continue
        cells = [counts.get((QualificationType.EDUCATION, level, c), 0) for c, _l in edu_codes]
        totals = [a + b for a, b in zip(totals, cells)]
        rows.append((str(level), registry.level_label(level), dashboard._cells(edu_codes, cells), sum(cells)))
    rows.append((registry.ALL, registry.level_label(registry.ALL), dashboard._cells(edu_codes, totals), sum(totals)))
    result.append(dashboard.Structure(QualificationType.EDUCATION,
                                      dashboard.STRUCTURE_TYPES[QualificationType.EDUCATION], edu_codes, rows))
    levels = {lv for q, lv, _c in counts if q == QualificationType.POLITICAL}
    for qtype in (QualificationType.POLITICAL, QualificationType.STATE_MGMT):
        codes = [(c, label) for c, (label, _o) in LEVELS[qtype].items()] + [(dashboard.NONE_CODE, dashboard._("Chưa có"))]
        rows, totals = [], [0] * len(codes)
        for level in dashboard._levels_in_order(levels):
            cells = [counts.get((qtype, level, c), 0) for c, _l in codes]
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append((level, registry.level_label(level), dashboard._cells(codes, cells), sum(cells)))
        rows.append((registry.ALL, registry.level_label(registry.ALL), dashboard._cells(codes, totals), sum(totals)))
        result.append(dashboard.Structure(qtype, dashboard.STRUCTURE_TYPES[qtype], codes, rows))
    return result


def figures_of(board):
    """Every figure of a Dashboard as plain data, to compare the summary-based and the live dashboards (tests,
    bench/dashboard.py)."""
    return {
        "structures": [(s.qtype, [(lv, [(c, n) for c, _l, n in cells], total) for lv, _lab, cells, total in s.rows])
                       for s in board.structures],
        "person_times": {d: {v: n for v, _l, n in rows} for d, rows in board.person_times.items()},
        "classes": [(s, n, int(cost)) for s, _l, n, cost in board.classes],
        "compliance": [(c.code, c.applicable, c.met, c.missing) for c in board.compliance],
        "annual_hours": tuple(board.annual_hours),
        "targets": [(e.indicator.code, [(p.date, p.numerator, p.denominator) for p in [*e.trend, e.current]])
                    for e in board.targets],
    }


def board_for(unit, period, classes, refresh=False) -> dashboard.Dashboard:
    """The page's dashboard: from the summary tables when they hold the period, else
    `dashboard.cached_build`. A period without a summary yet is computed and stored first — in the request on a small
    installation; in the background where computing a period takes long (in_background: the page then says
    the figures are being computed, `pending`, and reloads). `refresh` recomputes the period's dirty units at once.
    `stale_since` says when the data of the subtree changed after the summary was computed."""
    if enabled() and summarised(period):
        row = period_row(period, create=False)
        if row is None:
            if in_background():
                start_period(period)
                return dashboard.Dashboard(unit, period, pending=True)
            row = period_row(period)  # computed in this request
        if row.refreshed_at is None:  # being computed (another request, the worker) or its computation failed
            if in_background():
                return dashboard.Dashboard(unit, period, pending=True)
            return dashboard.cached_build(unit, period, classes, refresh=refresh)
        if refresh:
            refresh_row(row)
        touch(row)
        result = board(unit, period, classes, row)
        result.stale_since = stale_since(row, unit)
        return result
    return dashboard.cached_build(unit, period, classes, refresh=refresh)
