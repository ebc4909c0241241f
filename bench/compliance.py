"""Benchmark: the full standards review (rà soát) of the root unit on the 100k demo province, against hand-written SQL.

    .venv/bin/python bench/compliance.py [--staff 100000] [--runs 5] [--name compliance] [--fresh] [--date YYYY-MM-DD]

Uses its own SQLite database under bench/out/<name>/ (DTBD_VAR_DIR; DATABASE_URL, when set, wins), migrates it
and loads `dtbd demo --staff N` once (reused by later runs; --fresh rebuilds). Then, for the root unit and the date
(default today), it times `engine.requirement_counts` (median of --runs after one warm-up) and, in the same run,
the same figures computed by hand-written SQL — one query per requirement code, written from the meaning of the
seeded rules (docs/domain.md §7–8), not from the engine. Per code it prints applicable/met/missing of both
and checks they are equal: any difference prints MISMATCH and the script exits 1. It also times
`engine.unit_counts` and `engine.people_for` for one code (checking the latter against the former's totals).
Goals: < 5 s for 100k on SQLite, ≤ 2 × the hand-written SQL.

The hand-written SQL encodes the seeded catalogue (ANNUAL_HOURS with the sector hours of teachers and health
workers, RANK_QLNN, TITLE_CDNN, POST_DEGREE, POST_LLCT, POST_LDQL, PLAN_LLCT and the three seeded equivalences);
requirements added or edited in the database are not in it.
"""
import datetime
import sys

from common import database_folder, demo_database, demo_parser, root_unit, setup, timed

DRILL_CODE = "POST_LLCT"

# -- hand-written SQL -------------------------------------------------------------------------------------------------
# Every query binds :d (the review date), :lo / :hi (the subtree's path range; on PostgreSQL :lo is a LIKE pattern).
# A record is valid on :d when valid_from is NULL or <= :d, and valid_to is NULL or >= :d (last valid day).
VALID = "({a}.valid_from IS NULL OR {a}.valid_from <= %(d)s) AND ({a}.valid_to IS NULL OR {a}.valid_to >= %(d)s)"

# The people reviewed: placed in the subtree on :d, not left before :d, of category CB, CC or VC on :d.
POPULATION = """
pop AS (
    SELECT DISTINCT ua.person_id
    FROM people_unitassignment ua
    JOIN org_unit u ON u.id = ua.unit_id
    JOIN people_person p ON p.id = ua.person_id
    WHERE {in_subtree} AND {valid_ua} AND (p.left_on IS NULL OR p.left_on >= %(d)s)
      AND EXISTS (SELECT 1 FROM people_categoryassignment c
                  WHERE c.person_id = ua.person_id AND c.category IN ('CB', 'CC', 'VC') AND {valid_c})
)"""

# Qualifications held on :d: issued on or before :d (or undated), not expired before :d.
HELD = "(q.issued_on IS NULL OR q.issued_on <= %(d)s) AND (q.valid_until IS NULL OR q.valid_until >= %(d)s)"

# Each requirement: `req` = (person_id, required level order) for every record that makes a person subject to it
# (several posts → several rows; the person must reach the highest), `best` = (person_id, best effective level order
# held on :d of the required kind, equivalences included). applicable = people in req; met = those whose best ≥ the
# highest required order.
MET_BY_LEVEL = """
WITH {population},
req AS (
    SELECT r.person_id, MAX({required}) AS need
    FROM {records}
    WHERE r.person_id IN (SELECT person_id FROM pop) AND {valid_r} {subject}
    GROUP BY r.person_id
),
best AS (
    SELECT q.person_id, MAX({effective}) AS level
    FROM people_qualification q
    WHERE {held} AND ({evidence})
    GROUP BY q.person_id
)
SELECT COUNT(*), COALESCE(SUM(CASE WHEN COALESCE(b.level, 0) >= req.need THEN 1 ELSE 0 END), 0)
FROM req LEFT JOIN best b ON b.person_id = req.person_id
"""

# Level orders (people/catalog.py LEVELS): EDU DH=5, THS=6; LLCT TC=3, CC=4, CN=5; QLNN CV=2, CVC=3, CVCC=4;
# LDQL CAP_PHONG=1, CAP_SO=2.
# The equivalence "cử nhân (CN, 5) counts as cao cấp (CC, 4)" adds nothing on this scale: CN's own order is above CC.
LLCT_EFFECTIVE = "q.level_order"
LLCT_BY_POST = "CASE WHEN r.level IN ('TINH', 'GD') THEN 4 ELSE 3 END"  # CC or CN for TINH/GD, TC or higher below


TEACHER_TITLES = "('V.07.02', 'V.07.03', 'V.07.04', 'V.07.05')"  # families of the teachers' 120 tiết a school year
# TITLE_CDNN, in force 20/03/2021 – 31/12/2025: the teachers' titles and the grade order of the certificate they need.
TITLE_GRADES = {
    "V.07.02.24": 4, "V.07.02.25": 3, "V.07.02.26": 2, "V.07.03.27": 4, "V.07.03.28": 3, "V.07.03.29": 2,
    "V.07.04.30": 4, "V.07.04.31": 3, "V.07.04.32": 2, "V.07.05.13": 4, "V.07.05.14": 3, "V.07.05.15": 2,
}
TITLE_FROM, TITLE_TO = datetime.date(2021, 3, 20), datetime.date(2025, 12, 31)


def hours_params(d):
    """The bounds of the hours periods for a review on `d`: the calendar year, the school year (01/9 – 31/8) and the
    two years ending on `d` (docs/domain.md §8), and whether the teachers' title certificates are in force."""
    school = datetime.date(d.year if d.month >= 9 else d.year - 1, 9, 1)
    try:
        before = d.replace(year=d.year - 2)
    except ValueError:
        before = d.replace(year=d.year - 2, day=28)
    return {
        "d": d, "year_start": datetime.date(d.year, 1, 1), "year_end": datetime.date(d.year, 12, 31),
        "school_start": school, "school_end": datetime.date(school.year + 1, 8, 31),
        "rolling_start": before + datetime.timedelta(days=1), "title_on": int(TITLE_FROM <= d <= TITLE_TO),
    }


def rules(major_like):
    """{code: (description, SQL template returning (applicable, met))} of the seeded requirements."""
    # A master's or doctorate (EDU ≥ THS) in public administration / public management counts as QLNN CVC (3).
    qlnn_equiv = f"q.type = 'EDU' AND q.level_order >= 6 AND (q.major {major_like} '%%hành chính%%' OR q.major {major_like} '%%quản lý công%%')"
    return {
        # CC and VC on :d must earn 40 tiết a year, counted from the tiết of certificates issued in the year (the
        # demo records none: everybody has 0 tiết, so nobody meets it); the query still counts who it applies to.
        # CC and VC on :d. A VC holding a teacher's title (V.07.02–V.07.05) on :d: 120 tiết in the school year of :d;
        # a VC holding a health title (V.08): 48 tiết in the two years ending on :d; everyone else: 40 tiết in the
        # calendar year of :d. Tiết = the certificates' tiết by day of issue.
        "ANNUAL_HOURS": (
            "CC/VC on the date: 40 tiết in the year; VC teachers 120 in the school year; VC health 48 in 2 years to the date",
            """
            WITH {population},
            subj AS (
                SELECT pop.person_id,
                       CASE WHEN NOT EXISTS (SELECT 1 FROM people_categoryassignment c
                                             WHERE c.person_id = pop.person_id AND c.category = 'VC' AND {valid_c})
                            THEN 'G'
                            WHEN EXISTS (SELECT 1 FROM people_rankassignment r JOIN people_rank k ON k.id = r.rank_id
                                         WHERE r.person_id = pop.person_id AND {valid_r}
                                           AND substr(k.code, 1, 7) IN """ + TEACHER_TITLES + """) THEN 'T'
                            WHEN EXISTS (SELECT 1 FROM people_rankassignment r JOIN people_rank k ON k.id = r.rank_id
                                         WHERE r.person_id = pop.person_id AND {valid_r}
                                           AND substr(k.code, 1, 4) = 'V.08') THEN 'H'
                            ELSE 'G' END AS sector
                FROM pop
                WHERE EXISTS (SELECT 1 FROM people_categoryassignment c
                              WHERE c.person_id = pop.person_id AND c.category IN ('CC', 'VC') AND {valid_c})
            )
            SELECT COUNT(*), COUNT(*) FILTER (WHERE (
                SELECT COALESCE(SUM(q.hours), 0) FROM people_qualification q
                WHERE q.person_id = subj.person_id AND q.hours > 0
                  AND q.issued_on >= CASE subj.sector WHEN 'T' THEN %(school_start)s WHEN 'H' THEN %(rolling_start)s
                                                      ELSE %(year_start)s END
                  AND q.issued_on <= CASE subj.sector WHEN 'T' THEN %(school_end)s WHEN 'H' THEN %(d)s
                                                      ELSE %(year_end)s END
                ) >= CASE subj.sector WHEN 'T' THEN 120 WHEN 'H' THEN 48 ELSE 40 END)
            FROM subj
            """,
        ),
        # VC holding one of the teachers' titles on :d, while the rows are in force: the CDNN certificate of its grade.
        "TITLE_CDNN": (
            "VC with a teacher's title (20/03/2021 – 31/12/2025); CDNN certificate ≥ the title's grade",
            MET_BY_LEVEL.replace("{records}", "people_rankassignment r JOIN people_rank k ON k.id = r.rank_id")
            .replace("{required}", "CASE k.code " + " ".join(f"WHEN '{c}' THEN {o}" for c, o in TITLE_GRADES.items()) + " END")
            .replace("{subject}", "AND %(title_on)s = 1 AND k.code IN (" + ", ".join(f"'{c}'" for c in TITLE_GRADES) + ") "
                     "AND EXISTS (SELECT 1 FROM people_categoryassignment c WHERE c.person_id = r.person_id "
                     "AND c.category = 'VC' AND {valid_c})")
            .replace("{effective}", "q.level_order")
            .replace("{evidence}", "q.type = 'CDNN'"),
        ),
        "RANK_QLNN": (
            "civil servants' rank (ngạch, not a title) of tier CVCC/CVC/CV on the date; QLNN ≥ that tier (EDU ThS+ hành chính/quản lý công = CVC)",
            MET_BY_LEVEL.replace("{records}", "people_rankassignment r JOIN people_rank k ON k.id = r.rank_id")
            .replace("{required}", "CASE k.tier WHEN 'CVCC' THEN 4 WHEN 'CVC' THEN 3 ELSE 2 END")
            .replace("{subject}", "AND k.tier IN ('CVCC', 'CVC', 'CV') AND k.kind = 'NGACH'")
            .replace("{effective}", "CASE WHEN q.type = 'QLNN' THEN q.level_order ELSE 3 END")
            .replace("{evidence}", f"q.type = 'QLNN' OR ({qlnn_equiv})"),
        ),
        "POST_DEGREE": (
            "post level TINH/GD/PGD/TP/PTP on the date; EDU ≥ ĐH",
            MET_BY_LEVEL.replace("{records}", "people_postassignment r")
            .replace("{required}", "5")
            .replace("{subject}", "AND r.level IN ('TINH', 'GD', 'PGD', 'TP', 'PTP')")
            .replace("{effective}", "q.level_order")
            .replace("{evidence}", "q.type = 'EDU'"),
        ),
        "POST_LLCT": (
            "post TINH/GD: LLCT ≥ CC (CN ≡ CC); post PGD/TP/PTP: LLCT ≥ TC",
            MET_BY_LEVEL.replace("{records}", "people_postassignment r")
            .replace("{required}", LLCT_BY_POST)
            .replace("{subject}", "AND r.level IN ('TINH', 'GD', 'PGD', 'TP', 'PTP')")
            .replace("{effective}", LLCT_EFFECTIVE)
            .replace("{evidence}", "q.type = 'LLCT'"),
        ),
        "POST_LDQL": (
            "post GD/PGD: LĐQL ≥ cấp sở; post TP/PTP: ≥ cấp phòng (TINH: none)",
            MET_BY_LEVEL.replace("{records}", "people_postassignment r")
            .replace("{required}", "CASE WHEN r.level IN ('GD', 'PGD') THEN 2 ELSE 1 END")
            .replace("{subject}", "AND r.level IN ('GD', 'PGD', 'TP', 'PTP')")
            .replace("{effective}", "q.level_order")
            .replace("{evidence}", "q.type = 'LDQL'"),
        ),
        "PLAN_LLCT": (
            "planned to a level on the date, not holding a post of that level then; LLCT as POST_LLCT",
            MET_BY_LEVEL.replace("{records}", "people_plannedpost r")
            .replace("{required}", LLCT_BY_POST)
            .replace(
                "{subject}",
                "AND r.level IN ('TINH', 'GD', 'PGD', 'TP', 'PTP') AND NOT EXISTS (SELECT 1 FROM people_postassignment h "
                "WHERE h.person_id = r.person_id AND h.level = r.level AND " + VALID.format(a="h") + ")",
            )
            .replace("{effective}", LLCT_EFFECTIVE)
            .replace("{evidence}", "q.type = 'LLCT'"),
        ),
    }


def parse_args():
    parser = demo_parser(__doc__, "compliance", runs=5)
    parser.add_argument("--date", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--unit", default=None, help="unit code (default: the root of the province)")
    return parser.parse_args()


def main():
    args = parse_args()
    database_folder(args.name, args.fresh)
    setup()
    from django.db import connection

    from dtbd.people.models import Person
    from dtbd.standards import engine

    demo_database(args.staff, args.seed)
    unit = root_unit(args.unit)
    date = args.date
    sqlite = connection.vendor == "sqlite"
    if sqlite:  # range on the binary collation (uses the path index), as dtbd.core.db.prefix_q
        in_subtree, params = "u.path >= %(lo)s AND u.path < %(hi)s", {"lo": unit.path, "hi": unit.path + "~"}
    else:
        in_subtree, params = "u.path LIKE %(lo)s", {"lo": unit.path + "%"}
    params.update(hours_params(date))
    population = POPULATION.format(
        in_subtree=in_subtree, valid_ua=VALID.format(a="ua"), valid_c=VALID.format(a="c")
    )
    queries = {}
    for code, (meaning, template) in rules("LIKE" if sqlite else "ILIKE").items():
        sql = (
            template.replace("{population}", population)
            .replace("{valid_r}", VALID.format(a="r"))
            .replace("{valid_c}", VALID.format(a="c"))
            .replace("{held}", HELD)
        )
        queries[code] = (meaning, sql)

    def run_sql(code):
        with connection.cursor() as cursor:
            cursor.execute(queries[code][1], params)
            applicable, met = cursor.fetchone()
        return applicable, int(met)

    def all_sql():
        return {code: run_sql(code) for code in queries}

    active = Person.objects.filter(left_on__isnull=True).count()
    print(f"\nreview of {unit.code} ({unit.name}) on {date:%d/%m/%Y}, {connection.vendor}, {active} active people; "
          f"median of {args.runs} runs after a warm-up")

    # The full review: the engine (one aggregate for all codes) against the six hand-written queries in a row.
    engine_counts, eng_med, eng_lo, eng_hi = timed(lambda: engine.requirement_counts(unit, date), args.runs)
    sql_counts, sql_med, sql_lo, sql_hi = timed(all_sql, args.runs)
    # Each code alone: the engine restricted to it (codes=[code]) against its hand-written query.
    per_code = {}
    for code in queries:
        _r, e_med, _l, _h = timed(lambda code=code: engine.requirement_counts(unit, date, codes=[code]), args.runs)
        _r, s_med, _l, _h = timed(lambda code=code: run_sql(code), args.runs)
        per_code[code] = (e_med, s_med)

    by_code = {c.code: (c.applicable, c.met, c.missing) for c in engine_counts}
    codes = list(queries) + sorted(set(by_code) - set(queries))
    mismatches = []
    header = (f"{'requirement':<13} {'engine: applicable':>18} {'met':>7} {'missing':>7}   {'SQL: applicable':>15} "
              f"{'met':>7} {'missing':>7}  {'check':<8} {'engine s':>8} {'SQL s':>7} {'ratio':>5}")
    print()
    print(header)
    print("-" * len(header))
    for code in codes:
        eng = by_code.get(code, (0, 0, 0))  # the engine leaves out codes nobody is subject to
        if code in sql_counts:
            applicable, met = sql_counts[code]
            hand = (applicable, met, applicable - met)
            check = "EQUAL" if hand == eng else "MISMATCH"
        else:
            hand, check = None, "MISMATCH"  # a code in the database that the hand-written SQL does not know
        if check != "EQUAL":
            mismatches.append(code)
        e_med, s_med = per_code.get(code, (float("nan"), float("nan")))
        hand_txt = f"{hand[0]:>15} {hand[1]:>7} {hand[2]:>7}" if hand else f"{'(no query)':>31}"
        print(f"{code:<13} {eng[0]:>18} {eng[1]:>7} {eng[2]:>7}   {hand_txt}  {check:<8} {e_med:>8.3f} {s_med:>7.3f} "
              f"{e_med / s_med if s_med else float('nan'):>5.1f}")
    print("-" * len(header))
    print(f"{'full review':<13} engine requirement_counts {eng_med:.3f} s (min {eng_lo:.3f}, max {eng_hi:.3f}); "
          f"hand-written SQL, {len(queries)} queries {sql_med:.3f} s (min {sql_lo:.3f}, max {sql_hi:.3f}); "
          f"ratio {eng_med / sql_med:.2f}")
    print(f"goals: < 5 s on 100k SQLite: {'yes' if eng_med < 5 else 'NO'}; ≤ 2 × hand-written: "
          f"{'yes' if eng_med <= 2 * sql_med else 'NO'}")

    # Per-unit figures and the drill-down of one code.
    units, uc_med, uc_lo, uc_hi = timed(lambda: engine.unit_counts(unit, date), args.runs)
    unit_totals = {}
    for counts in units.values():
        for c in counts:
            a, m = unit_totals.get(c.code, (0, 0))
            unit_totals[c.code] = (a + c.applicable, m + c.missing)
    print(f"\nengine.unit_counts: {uc_med:.3f} s (min {uc_lo:.3f}, max {uc_hi:.3f}), {len(units)} units; "
          f"{DRILL_CODE} summed over units: applicable {unit_totals.get(DRILL_CODE, (0, 0))[0]}, "
          f"missing {unit_totals.get(DRILL_CODE, (0, 0))[1]}")

    def drill():
        return list(engine.people_for(unit, date, DRILL_CODE).values_list("pk", "is_missing", "evidence_id"))

    rows, pf_med, pf_lo, pf_hi = timed(drill, args.runs)
    missing_rows = sum(1 for _pk, is_missing, _e in rows if is_missing)
    without_evidence = sum(1 for _pk, is_missing, e in rows if not is_missing and e is None)
    expected = by_code.get(DRILL_CODE, (0, 0, 0))
    ok = len(rows) == expected[0] and missing_rows == expected[2] and without_evidence == 0
    print(f"engine.people_for({DRILL_CODE}), all rows with is_missing and evidence_id: {pf_med:.3f} s "
          f"(min {pf_lo:.3f}, max {pf_hi:.3f}); {len(rows)} people, {missing_rows} missing, "
          f"{without_evidence} met without evidence — {'EQUAL to requirement_counts' if ok else 'MISMATCH'}")
    page, pg_med, _lo, _hi = timed(
        lambda: list(engine.people_for(unit, date, DRILL_CODE, missing_only=True).order_by("name_sort", "code")[:50]
                     .values_list("pk", "is_missing", "evidence_id")),
        args.runs,
    )
    print(f"engine.people_for({DRILL_CODE}, missing_only=True), first page of 50 by name: {pg_med:.3f} s")
    if not ok:
        mismatches.append(f"people_for({DRILL_CODE})")

    if mismatches:
        print(f"\nMISMATCH: {', '.join(mismatches)}")
        sys.exit(1)
    print("\nall figures EQUAL")


if __name__ == "__main__":
    main()
