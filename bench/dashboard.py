"""Benchmark: the dashboard /tong-quan/ (summary tables and live), its summary refresh and the registered reports, on
100k staff + 1M enrolments (SQLite) or on an existing database (PostgreSQL, DATABASE_URL), against hand-written SQL.

    .venv/bin/python bench/dashboard.py [--staff 100000] [--enrolments 1000000] [--runs 3] [--year 2025] [--fresh]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dtbd_national .venv/bin/python bench/dashboard.py --existing \
        [--unit VN] [--department TQ] [--runs 3] [--live-runs 1] [--skip-sql] [--skip-reports] [--skip-live] [--skip-refresh]

Database: its own SQLite database under bench/out/<name>/ (DTBD_VAR_DIR), or DATABASE_URL when set. Without
--existing it migrates, loads `dtbd demo --staff N` once and tops the enrolment register up to --enrolments with
bulk rows (classes of the seeded programmes over the six years before today, ~200 people each, 88 % completed when
the class is over); later runs reuse it (--fresh rebuilds). With --existing it only migrates (the summary tables) and
uses the data as it is (exit 2 when there is none). Logged in as `tinh` (the province manager) for the pages.

For --unit (default: the root unit) and the calendar --year (as of 31/12, or today in the current year) it prints,
as the median of --runs after one warm-up:

1. the summary tables (reports.summaries): full refresh of the period (every unit, one transaction; the first
   computation counts as a run when the period had no summary), incremental refresh after one person changes (a
   certificate added, then removed on the next run: the person's units marked dirty by the signals, then
   `refresh_row` recomputes those units; --skip-refresh: neither), the page /tong-quan/ read from them for the unit and for --department
   (default: the unit's first child), with its number of SQL queries; and whether every figure of the summary-based
   dashboard (unit and department) EQUALS the live `dashboard.build` (unless --skip-live);
2. live: every part of `reports.dashboard.build` next to the same figures by hand-written SQL written from their
   meaning (not from the ORM) with an EQUAL check (--skip-sql: no SQL; written for SQLite's planner, it is very slow
   on PostgreSQL at national size), the whole build and the live page
   (DTBD_DASHBOARD_SUMMARIES off, no cache);
3. each registered unit report (dtbd/reports/registry.py) for the unit: the screen page and the .xlsx download
   (--skip-reports: none).

Any MISMATCH → exit 1. The compliance SQL is bench/compliance.py's (one query per seeded requirement code).
"""
import datetime
import random
import statistics
import sys
import time

from common import analyze_sqlite, database_folder, demo_database, demo_parser, root_unit, setup, timed

VALID = "({a}.valid_from IS NULL OR {a}.valid_from <= %(d)s) AND ({a}.valid_to IS NULL OR {a}.valid_to >= %(d)s)"
HELD = "(q.issued_on IS NULL OR q.issued_on <= %(d)s) AND (q.valid_until IS NULL OR q.valid_until >= %(d)s)"

# People of category CB/CC/VC placed in the subtree on :d and not left before it, with the level of the unit.
POP = """
SELECT DISTINCT ua.person_id, u.admin_level
FROM people_unitassignment ua
JOIN org_unit u ON u.id = ua.unit_id
JOIN people_person p ON p.id = ua.person_id
WHERE {in_subtree} AND {valid_ua} AND (p.left_on IS NULL OR p.left_on >= %(d)s)
  AND EXISTS (SELECT 1 FROM people_categoryassignment c
              WHERE c.person_id = ua.person_id AND c.category IN ('CB', 'CC', 'VC') AND {valid_c})
"""

STRUCTURE_SQL = """
WITH pop AS ({pop}),
best AS (SELECT q.person_id, q.type, MAX(q.level_order) AS o FROM people_qualification q
         WHERE q.type IN ('EDU', 'LLCT', 'QLNN') AND {held} GROUP BY q.person_id, q.type),
types AS (SELECT 'EDU' AS type UNION ALL SELECT 'LLCT' UNION ALL SELECT 'QLNN')
SELECT pop.admin_level, types.type, b.o, COUNT(*)
FROM pop CROSS JOIN types LEFT JOIN best b ON b.person_id = pop.person_id AND b.type = types.type
GROUP BY pop.admin_level, types.type, b.o
"""

PERSON_TIMES_SQL = """
WITH pop AS (SELECT DISTINCT person_id FROM ({pop}) x)
SELECT COUNT(*), {columns}
FROM training_enrollment e
JOIN training_trainingclass c ON c.id = e.training_class_id
JOIN training_program pr ON pr.id = c.program_id
JOIN people_person p ON p.id = e.person_id
JOIN people_ethnicity et ON et.id = p.ethnicity_id
WHERE e.state = 'COMPLETED' AND e.completed_on >= %(date_from)s AND e.completed_on <= %(date_to)s
  AND +e.person_id IN (SELECT person_id FROM pop)  -- "+": range of the completed_on index, not the person index
"""

CLASSES_SQL = """
SELECT status, COUNT(*), COALESCE(SUM(cost_estimate), 0) FROM training_trainingclass
WHERE starts_on <= %(date_to)s AND ends_on >= %(date_from)s GROUP BY status
"""

# The three seeded targets on one date: (denominator, numerator) of each, in one query.
TARGETS_SQL = """
WITH pop AS (SELECT DISTINCT person_id FROM ({pop}) x),
lead_tinh AS (SELECT pop.person_id FROM pop
  WHERE EXISTS (SELECT 1 FROM people_postassignment r WHERE r.person_id = pop.person_id AND r.level IN ('TINH', 'GD', 'PGD') AND {valid_r})
    AND EXISTS (SELECT 1 FROM people_unitassignment a JOIN org_unit w ON w.id = a.unit_id
                WHERE a.person_id = pop.person_id AND w.admin_level = 'TINH' AND {valid_a})),
lead_xa AS (SELECT pop.person_id FROM pop
  WHERE EXISTS (SELECT 1 FROM people_postassignment r WHERE r.person_id = pop.person_id AND r.level IN ('TINH', 'GD', 'PGD', 'TP', 'PTP') AND {valid_r})
    AND EXISTS (SELECT 1 FROM people_unitassignment a JOIN org_unit w ON w.id = a.unit_id
                WHERE a.person_id = pop.person_id AND w.admin_level = 'XA' AND {valid_a}))
SELECT
  (SELECT COUNT(*) FROM lead_tinh),
  (SELECT COUNT(*) FROM lead_tinh l JOIN people_person p ON p.id = l.person_id WHERE p.birth_date > %(d40)s),
  (SELECT COUNT(*) FROM lead_tinh l WHERE
      EXISTS (SELECT 1 FROM people_qualification q WHERE q.person_id = l.person_id AND q.type = 'LANG' AND q.level_order >= 4 AND {held})
      OR EXISTS (SELECT 1 FROM training_enrollment e JOIN training_trainingclass c ON c.id = e.training_class_id
                 WHERE e.person_id = l.person_id AND e.state = 'COMPLETED' AND c.abroad AND e.completed_on <= %(d)s)),
  (SELECT COUNT(*) FROM lead_xa),
  (SELECT COUNT(*) FROM lead_xa l JOIN people_person p ON p.id = l.person_id WHERE p.birth_date > %(d40)s)
"""

GROUPS_SQL = {
    "women": "p.gender = 'NU'",
    "minority": "et.is_minority",
    "under35": "p.birth_date > %(d35)s",
    "leader": "EXISTS (SELECT 1 FROM people_postassignment r WHERE r.person_id = e.person_id "
              "AND r.level IN ('TINH', 'GD', 'PGD', 'TP', 'PTP') AND {valid_r})",
    "commune": "EXISTS (SELECT 1 FROM people_unitassignment a JOIN org_unit u ON u.id = a.unit_id "
               "WHERE a.person_id = e.person_id AND u.admin_level = 'XA' AND {in_subtree} AND {valid_a})",
}


def parse_args():
    parser = demo_parser(__doc__, "dashboard", runs=5)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--live-runs", type=int, default=None,
                        help="runs of the live parts and the reports (default: --runs; each is minutes nationally)")
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    parser.add_argument("--unit", default=None, help="unit code (default: the root of the province)")
    parser.add_argument("--department", default=None, help="unit code of the second page (default: the unit's first child)")
    parser.add_argument("--existing", action="store_true", help="use the data already in the database: no generation")
    parser.add_argument("--skip-sql", action="store_true", help="no hand-written SQL comparison")
    parser.add_argument("--skip-live", action="store_true", help="no live build, live page or summary=live check")
    parser.add_argument("--skip-reports", action="store_true", help="no registered reports")
    parser.add_argument("--skip-refresh", action="store_true",
                        help="no full or incremental refresh timing (the stored summary is used; computed once if missing)")
    return parser.parse_args()


def top_up_enrolments(target, seed):
    """Bulk classes and enrolments (raw executemany in one transaction) until the register holds `target` rows."""
    from django.db import connection, transaction

    from dtbd.people.models import Person
    from dtbd.training.models import Enrollment, Program, Provider

    have = Enrollment.objects.count()
    if have >= target:
        return 0
    rng = random.Random(seed)
    people = list(Person.objects.filter(left_on__isnull=True).values_list("pk", flat=True))
    programs = list(Program.objects.values_list("pk", flat=True))
    providers = list(Provider.objects.values_list("pk", flat=True))
    today = datetime.date.today()
    per_class = 200
    n_classes = (target - have + per_class - 1) // per_class
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(sep=" ")
    forms = ["IN_PERSON"] * 6 + ["ONLINE"] * 3 + ["BLENDED"]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        classes = []
        for i in range(n_classes):
            starts = today - datetime.timedelta(days=rng.randrange(6 * 365))
            ends = starts + datetime.timedelta(days=rng.choice((4, 9, 19, 59)))
            abroad = rng.random() < 0.03
            status = "CLOSED" if ends < today else rng.choice(("RUNNING", "OPEN"))
            if rng.random() < 0.02:
                status = "CANCELLED"
            classes.append((rng.choice(programs), rng.choice(providers), f"BENCH{i:06d}", f"Lớp bench {i}",
                            rng.choice(forms), abroad, "SG" if abroad else "VN", "", 250, None, None, None, starts, ends,
                            rng.randrange(20, 900) * 1_000_000, "NSTINH", status, 0, 80, 5, None, None, now, False))
        cursor.executemany(
            "INSERT INTO training_trainingclass (program_id, provider_id, code, name, form, abroad, country, place, "
            "capacity, min_size, registration_opens, registration_closes, starts_on, ends_on, cost_estimate, "
            "funding_source, status, seats_taken, min_attendance_pct, pass_score, results_submitted_at, "
            "results_submitted_by_id, created_at, first_come_first_served) VALUES (" + ", ".join(["%s"] * 24) + ")",
            classes,
        )
        cursor.execute("SELECT id, ends_on, status FROM training_trainingclass WHERE code LIKE 'BENCH%%'")
        rows = cursor.fetchall()
        left = target - have
        batch = []
        for class_id, ends, status in rows:
            if left <= 0:
                break
            ends = ends if isinstance(ends, datetime.date) else datetime.date.fromisoformat(ends)
            for pid in rng.sample(people, min(per_class, left)):
                r = rng.random()
                if status == "CANCELLED":
                    state, done = "WITHDRAWN", None
                elif status != "CLOSED":
                    state, done = "ENROLLED", None
                elif r < 0.88:
                    state, done = "COMPLETED", ends
                elif r < 0.93:
                    state, done = "FAILED", None
                else:
                    state, done = "WITHDRAWN", None
                batch.append((class_id, pid, "NOMINATED", state, "", now, None, now, None, done))
            left -= min(per_class, left)
            if len(batch) >= 50_000:
                cursor.executemany(INSERT_ENROLMENT, batch)
                batch = []
        if batch:
            cursor.executemany(INSERT_ENROLMENT, batch)
    print(f"bulk: {n_classes} classes, {target - have} enrolments in {time.perf_counter() - start:.1f} s")
    return target - have


INSERT_ENROLMENT = (
    "INSERT INTO training_enrollment (training_class_id, person_id, source, state, reason, requested_at, "
    "requested_by_id, decided_at, decided_by_id, completed_on) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def main():
    args = parse_args()
    database_folder(args.name, args.fresh)
    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    import compliance as compliance_bench  # bench/compliance.py: its hand-written SQL per requirement code

    from dtbd.org.models import Unit
    from dtbd.people.catalog import LEVELS
    from dtbd.people.models import Person
    from dtbd.people.queries import years_before
    from dtbd.reports import dashboard, targets
    from dtbd.standards import engine
    from dtbd.training.models import Enrollment, Program, TrainingClass

    if args.existing:
        call_command("migrate", verbosity=0)
        if not Person.objects.exists():
            print("--existing: the database holds no people", file=sys.stderr)
            sys.exit(2)
    else:
        demo_database(args.staff, args.seed, analyze=False)
        top_up_enrolments(args.enrolments, args.seed)
    analyze_sqlite()

    unit = root_unit(args.unit)
    period = dashboard.Period.for_year(args.year)
    d = period.as_of
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        in_subtree, params = "u.path >= %(lo)s AND u.path < %(hi)s", {"lo": unit.path, "hi": unit.path + "~"}
    else:
        in_subtree, params = "u.path LIKE %(lo)s", {"lo": unit.path + "%"}
    params.update(compliance_bench.hours_params(d))
    params.update(d=d, date_from=period.date_from, date_to=period.date_to, d35=years_before(d, 35))
    pop = POP.format(in_subtree=in_subtree, valid_ua=VALID.format(a="ua"), valid_c=VALID.format(a="c"))
    classes = TrainingClass.objects.all()

    def sql(query, extra=None):
        with connection.cursor() as cursor:
            cursor.execute(query, {**params, **(extra or {})})
            return cursor.fetchall()

    # -- hand-written figures ------------------------------------------------------------------------------------
    def sql_structures():
        result = {}
        for level, qtype, order, n in sql(STRUCTURE_SQL.format(pop=pop, held=HELD)):
            if order is None and qtype == "EDU":
                continue
            code = "NONE" if order is None else next(c for c, (_l, o) in LEVELS[qtype].items() if o == order)
            for lv in (level, "ALL"):
                result[(qtype, lv, code)] = result.get((qtype, lv, code), 0) + n
        return result

    figures = dashboard.person_times_figures()
    cat_values = {v for dim, v, _l in figures if dim == "category"}

    def column(dim, value):
        if dim == "all":
            return "COUNT(*)"
        if dim == "category":
            cond = f"pr.category = '{value}'"
        elif dim == "form":
            cond = f"c.form = '{value}'"
        elif dim == "abroad":
            cond = "c.abroad" if value == "yes" else "NOT c.abroad"
        else:
            cond = GROUPS_SQL[value].format(valid_r=VALID.format(a="r"), valid_a=VALID.format(a="a"), in_subtree=in_subtree)
        return f"COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)"

    pt_sql = PERSON_TIMES_SQL.format(pop=pop, columns=", ".join(column(dim, v) for dim, v, _l in figures))
    assert cat_values

    def sql_person_times():
        row = sql(pt_sql)[0][1:]
        return {(dim, v): int(n) for (dim, v, _l), n in zip(figures, row)}

    def sql_classes():
        return {status: (n, int(cost)) for status, n, cost in sql(CLASSES_SQL)}

    compliance_queries = {}
    for code, (_meaning, template) in compliance_bench.rules("LIKE" if sqlite else "ILIKE").items():
        compliance_queries[code] = (
            template.replace("{population}", compliance_bench.POPULATION.format(
                in_subtree=in_subtree, valid_ua=VALID.format(a="ua"), valid_c=VALID.format(a="c")))
            .replace("{valid_r}", VALID.format(a="r")).replace("{valid_c}", VALID.format(a="c")).replace("{held}", HELD)
        )

    def sql_compliance():
        result = {}
        for code, query in compliance_queries.items():
            applicable, met = sql(query)[0]
            result[code] = (applicable, int(met))
        return result

    hours_date = dashboard.annual_hours_date(period)

    def sql_annual_hours():
        applicable, met = sql(compliance_queries["ANNUAL_HOURS"], compliance_bench.hours_params(hours_date))[0]
        return applicable, int(met), applicable - int(met)

    target_sql = TARGETS_SQL.format(pop=pop, valid_r=VALID.format(a="r"), valid_a=VALID.format(a="a"), held=HELD)
    seeded = ["LDQL-TINH-DUOI-40", "LDQL-QUOC-TE", "LDCC-XA-DUOI-40"]

    def sql_targets():
        result = {}
        for day in targets.trend_dates(d):
            den_t, u40_t, intl_t, den_x, u40_x = sql(target_sql, {"d": day, "d40": years_before(day, 40)})[0]
            result[("LDQL-TINH-DUOI-40", day)] = (u40_t, den_t)
            result[("LDQL-QUOC-TE", day)] = (intl_t, den_t)
            result[("LDCC-XA-DUOI-40", day)] = (u40_x, den_x)
        return result

    # -- ORM figures (what the dashboard calls) ------------------------------------------------------------------
    def orm_structures():
        board = dashboard.Dashboard(unit, period)
        board.structures = [dashboard._education_structure(unit, d), *dashboard._other_structures(unit, d)]
        result = {}
        for s in board.structures:
            for level, _label, cells, _total in s.rows:
                for code, _l, n in cells:
                    if n:
                        result[(s.qtype, level, code)] = n
        return result

    def orm_person_times():
        return {(dim, v): n for dim, rows in dashboard.person_times(unit, period).items() for v, _l, n in rows}

    def orm_classes():
        rows, _total = dashboard.classes_summary(classes, period)
        return {s: (n, int(cost)) for s, _l, n, cost in rows if n}

    def orm_compliance():
        return {c.code: (c.applicable, c.met) for c in engine.requirement_counts(unit, d)}

    def orm_annual_hours():
        return engine.annual_hours_summary(unit, period.date_to.year, hours_date)

    indicators = list(targets.active_indicators().filter(code__in=seeded))

    def orm_targets():
        return {(e.indicator.code, p.date): (p.numerator, p.denominator)
                for e in targets.evaluate(indicators, unit, d) for p in [*e.trend, e.current]}

    parts = [
        ("structures (EDU via report, LLCT+QLNN)", orm_structures, sql_structures),
        ("person-times (lượt) by 4 dimensions", orm_person_times, sql_person_times),
        ("classes + cost estimates", orm_classes, sql_classes),
        ("compliance per requirement", orm_compliance, sql_compliance),
        ("annual hours", orm_annual_hours, sql_annual_hours),
        ("targets × 6 dates", orm_targets, sql_targets),
    ]
    people = Person.objects.filter(left_on__isnull=True).count()
    enrolled = Enrollment.objects.count()
    in_period = Enrollment.objects.filter(state="COMPLETED", completed_on__gte=period.date_from,
                                          completed_on__lte=period.date_to).count()
    department = (Unit.objects.get(code=args.department) if args.department
                  else Unit.objects.filter(parent=unit).order_by("path").first() or unit)
    print(f"\ndashboard of {unit.code} ({unit.name}), year {args.year} (as of {d:%d/%m/%Y}), {connection.vendor}: "
          f"{people} active people, {enrolled} enrolments ({in_period} completed in {args.year}), "
          f"{TrainingClass.objects.count()} classes, {Program.objects.count()} programmes, "
          f"{Unit.objects.count()} units; median of {args.runs} runs")
    mismatches = []
    header = f"{'what':<46} {'s':>8} {'(min-max)':>17}  note"

    def line(name, med, lo, hi, note=""):
        print(f"{name:<46} {med:>8.3f} {f'({lo:.3f}-{hi:.3f})':>17}  {note}")

    # -- 1. summary tables --------------------------------------------------------------------------------------
    from django.contrib.auth import get_user_model

    from dtbd.core.db import prefix_q
    from dtbd.people.models import Qualification
    from dtbd.reports import summaries
    from dtbd.reports.models import SummaryDirty, SummaryFigure

    settings.DTBD_DASHBOARD_CACHE_SECONDS = 0
    settings.DTBD_DASHBOARD_SUMMARIES = True
    print("\n1. summary tables (reports.summaries)")
    print(header)
    print("-" * len(header))
    row = summaries.period_row(period, create=False)
    samples = []
    if row is None:  # the first computation is one of the samples
        start = time.perf_counter()
        row = summaries.period_row(period)
        samples.append(time.perf_counter() - start)
    if not args.skip_refresh:
        while len(samples) < args.runs:
            start = time.perf_counter()
            summaries.store(row)
            samples.append(time.perf_counter() - start)
    if samples:
        line("full refresh of the period (every unit)", statistics.median(samples), min(samples), max(samples),
             f"{SummaryFigure.objects.filter(period=row).count()} rows for "
             f"{SummaryFigure.objects.filter(period=row).values('unit').distinct().count()} units; {len(samples)} run(s)")
    from dtbd.people.models import UnitAssignment

    changed = Person.objects.get(pk=UnitAssignment.objects.filter(
        prefix_q("unit__path", department.path), valid_to__isnull=True, person__left_on__isnull=True,
    ).order_by("person_id").values_list("person_id", flat=True)[:1].get())
    incremental = []

    def refresh_after_change():
        dirty = SummaryDirty.objects.filter(period=row).count()
        start = time.perf_counter()
        units = summaries.refresh_row(row)
        incremental.append((time.perf_counter() - start, dirty, units))

    qual = None
    for i in range(0 if args.skip_refresh else args.runs):
        if qual is None:  # a certificate added, then removed: every run changes one person, the data ends as it was
            qual = Qualification.objects.create(person=changed, type="LLCT", level="CC", issued_on=d, source="IMPORTED")
        else:
            qual.delete()
            qual = None
        refresh_after_change()
    if qual is not None:
        qual.delete()
        summaries.refresh_row(row)  # back to the data as it was (not timed)
    if incremental:
        times = [t for t, _d, _u in incremental]
        line("incremental refresh after one person changed", statistics.median(times), min(times), max(times),
             f"person {changed.code}: {incremental[-1][1]} dirty mark(s), {incremental[-1][2]} unit(s) recomputed")

    client = Client()
    client.force_login(get_user_model().objects.get(username="tinh"))

    def page_of(u, extra=""):
        def page():
            response = client.get(f"/tong-quan/?unit={u.pk}&year={args.year}{extra}")
            assert response.status_code == 200, response.status_code
            return response
        return page

    summary_boards, page_times = {}, {}
    for label, u in (("unit", unit), ("department", department)):
        response, s_med, s_lo, s_hi = timed(page_of(u), args.runs)
        assert 'id="computed-at">Số liệu tính lúc' in response.content.decode(), "the page did not read the summaries"
        # the figures the page shows: the same call on the same summary rows
        summary_boards[label] = summaries.board(u, period, summaries.unit_classes(classes, u, period), row)
        with CaptureQueriesContext(connection) as queries:
            page_of(u)()
        line(f"page from the summaries: {u.code}"[:46], s_med, s_lo, s_hi, f"{len(queries.captured_queries)} SQL queries")
        page_times[label] = s_med

    # -- 2. live ------------------------------------------------------------------------------------------------
    total_sql = 0.0
    live_runs = args.live_runs or args.runs
    if not args.skip_live:
        print("\n2. live (every figure recomputed)")
        header2 = f"{'part':<42} {'ORM s':>7} {'(min-max)':>15} {'SQL s':>7} {'ratio':>6}  check"
        print(header2)
        print("-" * len(header2))
        total_orm = 0.0
        for name, orm_fn, sql_fn in parts:
            orm_result, o_med, o_lo, o_hi = timed(orm_fn, live_runs)
            if args.skip_sql:
                total_orm += o_med
                print(f"{name:<42} {o_med:>7.3f} {f'({o_lo:.3f}-{o_hi:.3f})':>15}")
                continue
            sql_result, s_med, _lo, _hi = timed(sql_fn, live_runs)
            if isinstance(orm_result, dict):
                orm_cmp = {k: v for k, v in orm_result.items() if v not in (0, (0, 0))}
                sql_cmp = {k: v for k, v in sql_result.items() if v not in (0, (0, 0))}
            else:
                orm_cmp, sql_cmp = tuple(orm_result), tuple(sql_result)
            check = "EQUAL" if orm_cmp == sql_cmp else "MISMATCH"
            if check != "EQUAL":
                mismatches.append(name)
                if isinstance(orm_cmp, dict):
                    diff = {k: (orm_cmp.get(k), sql_cmp.get(k)) for k in set(orm_cmp) | set(sql_cmp) if orm_cmp.get(k) != sql_cmp.get(k)}
                    print(f"   {name}: (ORM, SQL) differ on {dict(list(diff.items())[:8])}")
                else:
                    print(f"   {name}: ORM {orm_cmp} SQL {sql_cmp}")
            total_orm += o_med
            total_sql += s_med
            print(f"{name:<42} {o_med:>7.3f} {f'({o_lo:.3f}-{o_hi:.3f})':>15} {s_med:>7.3f} {o_med / s_med if s_med else float('nan'):>6.2f}  {check}")
        print("-" * len(header2))
        print(f"{'sum of the parts':<42} {total_orm:>7.3f} {'':>15} {total_sql:>7.3f} {total_orm / total_sql if total_sql else float('nan'):>6.2f}")
        unit_classes = dashboard.unit_classes(classes, unit, d)
        board, b_med, b_lo, b_hi = timed(lambda: dashboard.build(unit, period, unit_classes), live_runs)
        print(f"{'dashboard.build (everything)':<42} {b_med:>7.3f} {f'({b_lo:.3f}-{b_hi:.3f})':>15}")
        settings.DTBD_DASHBOARD_SUMMARIES = False
        _r, p_med, p_lo, p_hi = timed(page_of(unit), live_runs)
        with CaptureQueriesContext(connection) as queries:
            page_of(unit)()
        settings.DTBD_DASHBOARD_SUMMARIES = True
        print(f"{'full page, live (no summaries, no cache)':<42} {p_med:>7.3f} {f'({p_lo:.3f}-{p_hi:.3f})':>15}   "
              f"{len(queries.captured_queries)} SQL queries")
        # every figure read from the summaries equals the live one (unit and department)
        for label, u in (("unit", unit), ("department", department)):
            live = board if u == unit else dashboard.build(u, period, dashboard.unit_classes(classes, u, d))
            summed = summaries.figures_of(summary_boards[label])
            live_figures = summaries.figures_of(live)
            if summed == live_figures:
                print(f"summary-based figures of {u.code} = live figures: EQUAL")
            else:
                mismatches.append(f"summary {u.code}")
                diff = [k for k in summed if summed[k] != live_figures[k]]
                print(f"summary-based figures of {u.code} differ from the live ones in {diff}: MISMATCH")
                for k in diff:
                    print(f"   {k}: summary {summed[k]}\n   {k}: live    {live_figures[k]}")

    # -- 3. reports ---------------------------------------------------------------------------------------------
    if not args.skip_reports:
        from dtbd.reports.registry import all_reports

        print(f"\n3. registered reports of {unit.code} (screen page and .xlsx download)")
        print(f"{'report':<30} {'screen s':>9} {'(min-max)':>17} {'xlsx s':>9} {'(min-max)':>17}")
        for report in all_reports():
            query = f"unit={unit.pk}&year={args.year}&date={d:%d/%m/%Y}"

            def get(url):
                def fn():
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    return response
                return fn

            _r, r_med, r_lo, r_hi = timed(get(f"/bao-cao/{report.name}/?{query}"), live_runs)
            _r, x_med, x_lo, x_hi = timed(get(f"/bao-cao/{report.name}/tai-ve.xlsx?{query}"), live_runs)
            print(f"{report.name:<30} {r_med:>9.3f} {f'({r_lo:.3f}-{r_hi:.3f})':>17} {x_med:>9.3f} {f'({x_lo:.3f}-{x_hi:.3f})':>17}")

    # the goals: < 300 ms for a province's dashboard, < 3 s for the national one
    print()
    for label, u in (("unit", unit), ("department", department)):
        # national: a subtree holding several provinces (UBND tỉnh units)
        national = Unit.objects.filter(prefix_q("path", u.path), kind="UBND_TINH").count() > 1
        goal = 3.0 if national else 0.3
        print(f"goal < {goal:g} s ({'national' if national else 'province or below'}): page of {u.code} from the "
              f"summaries {page_times[label]:.3f} s: {'yes' if page_times[label] < goal else 'NO'}")
    if mismatches:
        print(f"\nMISMATCH: {', '.join(mismatches)}")
        sys.exit(1)
    if args.skip_live:
        print("\nsummary = live not checked (--skip-live)" + ("" if args.skip_sql else "; ORM = SQL not run either"))
    else:
        print("\nall figures EQUAL" + (" (summary = live; ORM = SQL not run: --skip-sql)" if args.skip_sql else ""))


if __name__ == "__main__":
    main()
