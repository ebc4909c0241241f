"""Build a national PostgreSQL database: a small demo province replicated in SQL to ~100 provinces (2M staff).

    .venv/bin/python bench/national_pg.py --fresh            # 20.000-staff demo × 100 provinces = 2M staff (export)
    .venv/bin/python bench/national_pg.py --fresh --staff 100000 --provinces 20 --enrolments 15000000  # dashboard
    .venv/bin/python bench/national_pg.py --measure [--unit TQ] [--year 2025] [--runs 3]

Database: --database-url (default postgres://postgres@127.0.0.1:5432/dtbd_national; never a database you care about:
--fresh drops it). Steps, each timed and recorded in the table bench_national (a step already done is skipped, so an
interrupted build resumes where it stopped):

1. migrate;
2. demo: `dtbd demo --seed 1 --staff 20000` (--staff; the province Tuyên Quang, ids 1..max of every table) — the only
   step that goes through Django, so it is kept small;
3. replicate: set-based INSERT … SELECT, one per copy k = 1 … provinces − 1 (rows land in province order), of every
   table holding units, people, their dated history, qualifications, annual ratings and the demo's training rows
   (classes, sessions, assessments, enrolments, attendance, results, scores, certificates). Copy k shifts every id and
   every foreign key to a copied table by k × (the table's largest id in the demo), renames the codes (unit and person
   codes take the copy's province code instead of TQ; class codes, certificate numbers and verification codes get a
   suffix; certificate serials shift), gives new citizen ids (12 digits, unique: the 3-digit place-of-birth prefix
   becomes one of 100–999 per copy and demo prefix, the rest kept), recomputes the unit paths segment by segment, and
   puts every province under a national root unit (code VN). The 34 provinces and cities of 2025 are named; copies
   beyond them are sample provinces X01, X02 … The source rows are read through the primary key (the copies already
   written are not rescanned). The logins `tinh` and `lanhdao` (province manager and leader of the demo) get the
   national root as their scope, so they see every province. Secondary indexes and unique constraints of these
   tables are dropped first (definitions kept in bench_national) and foreign-key triggers are off for the session
   (session_replication_role = replica). Rows of other tables (plans, funding, surveys, e-learning) stay with the
   demo province only;
4. top-up (only when --enrolments exceeds the replicated register; default 0 = none): classes of the seeded
   programmes and enrolments until the register holds --enrolments rows, in the same
   shape as bench/dashboard.py's SQLite top-up (6 years before today, 4/9/19/59-day classes, 3 % abroad, 2 %
   cancelled, 60/30/10 % in person/online/blended, 200 people a class drawn without repetition from the active
   people — here of one province per class —, 88 % completed when the class is over, 5 % failed, 7 % withdrawn),
   one INSERT … SELECT for the classes and one for the enrolments, pseudo-random values from hashint8extended
   (deterministic for a --seed);
5. indexes: the dropped indexes and constraints recreated; foreign keys checked (orphans counted, exit 1 if any);
6. VACUUM ANALYZE.

--measure (after the build, or alone on a built database) times, live, what the dashboard computes for --unit (default
the national root) and the calendar --year, as the median of --runs after a warm-up: every part of
reports.dashboard.build (by its own functions), the whole build (all classes, not the unit's drill-down) and each
registered unit report of dtbd/reports/registry.py. The comparison with hand-written SQL, the summary tables and the
pages are bench/dashboard.py's: `DATABASE_URL=… bench/dashboard.py --existing --unit VN`. The national export is
bench/export_fostering.py's: `DATABASE_URL=… bench/export_fostering.py --unit VN` (docs/benchmarks.md).

PostgreSQL's default work_mem (4 MB) makes the standards engine's grouped counts quadratic at this size (IN-lists of
~2M ids are no longer hashed): run the measurements with PGOPTIONS='-c work_mem=64MB' (see docs/benchmarks.md).
"""
import argparse
import datetime
import os
import time

from common import recreate_postgres_database, setup, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dtbd_national"

# The 34 provinces and cities after the 2025 merger (Tuyên Quang, the demo's, first): code, name, e-mail slug.
PROVINCES = [
    ("TQ", "Tuyên Quang", "tuyenquang"), ("HN", "Hà Nội", "hanoi"), ("HCM", "Hồ Chí Minh", "hochiminh"),
    ("HPG", "Hải Phòng", "haiphong"), ("DNG", "Đà Nẵng", "danang"), ("CTO", "Cần Thơ", "cantho"), ("HUE", "Huế", "hue"),
    ("LCU", "Lai Châu", "laichau"), ("DBN", "Điện Biên", "dienbien"), ("SLA", "Sơn La", "sonla"),
    ("LSN", "Lạng Sơn", "langson"), ("QNH", "Quảng Ninh", "quangninh"), ("THA", "Thanh Hoá", "thanhhoa"),
    ("NAN", "Nghệ An", "nghean"), ("HTH", "Hà Tĩnh", "hatinh"), ("CBG", "Cao Bằng", "caobang"),
    ("LCI", "Lào Cai", "laocai"), ("TNN", "Thái Nguyên", "thainguyen"), ("PTO", "Phú Thọ", "phutho"),
    ("BNH", "Bắc Ninh", "bacninh"), ("HYN", "Hưng Yên", "hungyen"), ("NBH", "Ninh Bình", "ninhbinh"),
    ("QTI", "Quảng Trị", "quangtri"), ("QNI", "Quảng Ngãi", "quangngai"), ("GLI", "Gia Lai", "gialai"),
    ("KHA", "Khánh Hoà", "khanhhoa"), ("LDG", "Lâm Đồng", "lamdong"), ("DLK", "Đắk Lắk", "daklak"),
    ("DNI", "Đồng Nai", "dongnai"), ("TNH", "Tây Ninh", "tayninh"), ("VLG", "Vĩnh Long", "vinhlong"),
    ("DTP", "Đồng Tháp", "dongthap"), ("CMU", "Cà Mau", "camau"), ("AGG", "An Giang", "angiang"),
]

CITIES = {"HN", "HCM", "HPG", "DNG", "CTO", "HUE"}
MAX_PROVINCES = len(PROVINCES) + 99  # then sample provinces X01 … X99 (codes of 3 characters, like the real ones)


def province(k):
    """(code, name, e-mail slug) of the copy k (0 = the demo's Tuyên Quang)."""
    if k < len(PROVINCES):
        return PROVINCES[k]
    i = k - len(PROVINCES) + 1
    return f"X{i:02d}", f"Mẫu {i:02d}", f"mau{i:02d}"

# Tables copied per province, parents before children (a foreign key to one of them shifts with it).
TABLES = [
    "org_unit", "people_person", "people_unitassignment", "people_categoryassignment", "people_rankassignment",
    "people_postassignment", "people_jobassignment", "people_plannedpost", "people_qualification",
    "people_annualassessment",
    "standards_appointment", "training_trainingclass", "training_classsession", "training_assessment",
    "training_enrollment", "training_attendance", "training_result", "training_score", "training_certificate",
]

# Per-table expressions replacing a column in the copy k (p = the province row of the copy, o_<table> = offsets).
OVERRIDES = {
    "org_unit": {
        # TQ… takes the copy's code; the demo's other codes (former Hà Giang's HG… units) get it as a prefix.
        "code": "CASE WHEN t.code LIKE 'TQ%%' THEN regexp_replace(t.code, '^TQ', p.code) ELSE p.code || '.' || t.code END",
        "name": "replace(replace(t.name, 'tỉnh Tuyên Quang', p.title), 'Tuyên Quang', p.name)",
        "name_folded": "replace(replace(t.name_folded, 'tinh tuyen quang', p.title_folded), 'tuyen quang', p.name_folded)",
        "parent_id": "COALESCE(t.parent_id + {k} * {o_org_unit}, {root_id})",
        "path": "{root_seg} || (SELECT string_agg(lpad((s::bigint + {k} * {o_org_unit})::text, 9, '0'), '/' ORDER BY n) "
                "FROM unnest(string_to_array(rtrim(t.path, '/'), '/')) WITH ORDINALITY AS x(s, n)) || '/'",
        "depth": "t.depth + 1",
    },
    "people_person": {
        "code": "CASE WHEN t.code LIKE 'TQ%%' THEN regexp_replace(t.code, '^TQ', p.code) ELSE p.code || '.' || t.code END",
        # 12 digits, unique: the place-of-birth prefix (3 digits) becomes 100 + (k - 1) × prefixes + its rank.
        "citizen_id": "(SELECT lpad((100 + ({k} - 1) * {n_prefixes} + c.idx)::text, 3, '0') FROM cid_prefix c "
                      "WHERE c.prefix = left(t.citizen_id, 3)) || substr(t.citizen_id, 4)",
        "email": "replace(t.email, '@tuyenquang.', '@' || p.slug || '.')",
    },
    "training_trainingclass": {"code": "t.code || '-' || p.code"},
    "training_certificate": {
        "number": "p.code || '-' || t.number",
        "code": "t.code || lpad({k}::text, 2, '0')",
        "serial": "t.serial + {k} * {max_serial}",
    },
}

CLASS_COLUMNS = ("program_id, provider_id, code, name, form, abroad, country, place, capacity, min_size, "
                 "registration_opens, registration_closes, starts_on, ends_on, cost_estimate, funding_source, status, "
                 "seats_taken, min_attendance_pct, pass_score, results_submitted_at, results_submitted_by_id, created_at")
ENROLMENT_COLUMNS = ("training_class_id, person_id, source, state, reason, requested_at, requested_by_id, decided_at, "
                     "decided_by_id, completed_on")


def _others(model, columns):
    named = {c.strip() for c in columns.split(",")}
    return [f for f in model._meta.concrete_fields if f.column not in named and f.column != "id"]


def other_columns(model, columns):
    """Columns of `model` the top-up does not name (added since it was written): filled with the field's default."""
    fields = _others(model, columns)
    return "".join(f', "{f.column}"' for f in fields), "".join(f", %(x_{f.column})s" for f in fields)


def extra_params(model, columns):
    from django.db import connection

    return {f"x_{f.column}": f.get_db_prep_save(f.get_default(), connection) for f in _others(model, columns)}


FORMS = ["IN_PERSON"] * 6 + ["ONLINE"] * 3 + ["BLENDED"]
PER_CLASS = 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--provinces", type=int, default=100,
                        help=f"number of provinces, 1–{MAX_PROVINCES} (the {len(PROVINCES)} named, then samples)")
    parser.add_argument("--staff", type=int, default=20_000, help="active staff of the demo province")
    parser.add_argument("--enrolments", type=int, default=0,
                        help="top the enrolment register up to this many rows (0: the replicated demo's only)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--measure", action="store_true", help="time the dashboard parts and reports afterwards")
    parser.add_argument("--unit", default=None, help="unit code to measure (default: the national root)")
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


class Builder:
    def __init__(self, args):
        from django.db import connection

        self.args = args
        self.connection = connection
        self.cursor = connection.cursor()
        self.run("CREATE TABLE IF NOT EXISTS bench_national (key text PRIMARY KEY, value text, seconds float8, "
                 "done_at timestamptz DEFAULT now())")

    def run(self, sql, params=None):
        self.cursor.execute(sql, params)
        return self.cursor

    def one(self, sql, params=None):
        return self.run(sql, params).fetchone()[0]

    def meta(self, key):
        row = self.run("SELECT value FROM bench_national WHERE key = %s", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key, value, seconds=None):
        self.run("INSERT INTO bench_national (key, value, seconds) VALUES (%s, %s, %s) ON CONFLICT (key) DO UPDATE "
                 "SET value = EXCLUDED.value, seconds = EXCLUDED.seconds, done_at = now()", [key, str(value), seconds])

    def step(self, name, fn, atomic=True):
        from django.db import transaction

        if self.meta(f"step:{name}") is not None:
            seconds = self.one("SELECT seconds FROM bench_national WHERE key = %s", [f"step:{name}"])
            print(f"{name:<10} done before ({seconds:.1f} s), skipped", flush=True)
            return
        print(f"{name:<10} …", flush=True)
        start = time.perf_counter()
        if atomic:
            with transaction.atomic():
                self.session()
                detail = fn()
                self.set_meta(f"step:{name}", detail or "", time.perf_counter() - start)
        else:
            self.session()
            detail = fn()
            self.set_meta(f"step:{name}", detail or "", time.perf_counter() - start)
        print(f"{name:<10} {time.perf_counter() - start:8.1f} s  {detail or ''}", flush=True)

    def session(self):
        self.run("SET synchronous_commit = off")
        self.run("SET maintenance_work_mem = '1GB'")
        self.run("SET work_mem = '256MB'")
        self.run("SET session_replication_role = replica")  # no foreign-key triggers (checked in step 5)

    # -- steps ------------------------------------------------------------------------------------------------------
    def demo(self):
        from django.core.management import call_command

        from dtbd.people.models import Person

        if not Person.objects.exists():
            self.run("SET session_replication_role = origin")
            call_command("demo", seed=self.args.seed, staff=self.args.staff)
        for table in TABLES:
            self.set_meta(f"base:{table}", self.one(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
        self.set_meta("base:citizen_id", self.one("SELECT MAX(citizen_id::bigint) FROM people_person"))
        self.set_meta("base:serial", self.one("SELECT COALESCE(MAX(serial), 0) FROM training_certificate"))
        return f"{self.one('SELECT COUNT(*) FROM people_person')} people"

    def drop_indexes(self, tables):
        """Drop every index but the primary key of `tables`, keeping how to recreate it."""
        rows = self.run("""
            SELECT c.relname, i.relname, con.conname, con.contype,
                   pg_get_indexdef(i.oid), pg_get_constraintdef(con.oid)
            FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
            LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = c.oid
            WHERE c.relname = ANY(%s) AND NOT x.indisprimary""", [tables]).fetchall()
        for table, index, conname, contype, indexdef, condef in rows:
            if conname:
                restore = f'ALTER TABLE {table} ADD CONSTRAINT "{conname}" {condef}'
                self.run(f'ALTER TABLE {table} DROP CONSTRAINT "{conname}"')
            else:
                restore = indexdef
                self.run(f'DROP INDEX "{index}"')
            self.set_meta(f"index:{table}:{index}", restore)
        return len(rows)

    def replicate(self):
        n = self.args.provinces
        base = {t: int(self.meta(f"base:{t}")) for t in TABLES}
        dropped = self.drop_indexes(TABLES)
        self.run("CREATE TEMP TABLE prov (k int PRIMARY KEY, code text, name text, name_folded text, slug text, "
                 "title text, title_folded text) "
                 "ON COMMIT DROP")
        from dtbd.core.text import fold

        rows = []
        for k in range(n):
            code, name, slug = province(k)
            title = ("thành phố " if code in CITIES else "tỉnh ") + name
            rows.append((k, code, name, fold(name), slug, title, fold(title)))
        self.cursor.executemany("INSERT INTO prov VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        # Citizen ids: the demo's place-of-birth prefixes, ranked (copy k gets 100 + (k - 1) × prefixes + rank).
        self.run("CREATE TEMP TABLE cid_prefix ON COMMIT DROP AS SELECT prefix, (row_number() OVER (ORDER BY prefix) "
                 "- 1)::int AS idx FROM (SELECT DISTINCT left(citizen_id, 3) AS prefix FROM people_person "
                 "WHERE citizen_id <> '' AND id <= %s) x", [base["people_person"]])
        self.run("ALTER TABLE cid_prefix ADD PRIMARY KEY (prefix)")
        n_prefixes = self.one("SELECT COUNT(*) FROM cid_prefix")
        if (n - 1) * n_prefixes > 900 or self.one(
                "SELECT COUNT(*) FROM people_person WHERE id <= %s AND citizen_id <> '' AND citizen_id !~ '^[0-9]{12}$'", [base["people_person"]]):
            raise SystemExit(f"{n} provinces × {n_prefixes} citizen-id prefixes do not fit 3 digits (or ids not of 12 digits)")
        # The source rows (id <= the demo's largest) through the primary key: a sequential scan would reread every
        # copy already written (the statistics still say the table is the demo's alone).
        self.run("SET LOCAL enable_seqscan = off")
        root_id = n * base["org_unit"] + 1
        root_seg = f"'{root_id:09d}/'"
        fks = {}  # (table, column) -> referenced table, for the tables copied
        for table, column, target in self.run("""
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""", [TABLES]).fetchall():
            if target in base:
                fks[(table, column)] = target
        counts = []
        for table in TABLES:
            if not base[table]:
                continue
            columns = [r[0] for r in self.run(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
                "ORDER BY ordinal_position", [table]).fetchall()]
            exprs = []
            for column in columns:
                if column in OVERRIDES.get(table, {}):
                    expr = OVERRIDES[table][column]
                elif column == "id":
                    expr = f"t.id + {{k}} * {base[table]}"
                elif (table, column) in fks:
                    expr = f"t.{column} + {{k}} * {base[fks[(table, column)]]}"
                else:
                    expr = f't."{column}"'
                exprs.append(expr.format(k="p.k", root_id=root_id, root_seg=root_seg, n_prefixes=n_prefixes,
                                         max_serial=self.meta("base:serial"), **{f"o_{t}": base[t] for t in TABLES}))
            quoted = ", ".join(f'"{c}"' for c in columns)
            start = time.perf_counter()
            added = 0
            for k in range(1, n):  # one copy at a time: rows land in province order, no sort
                self.run(f"INSERT INTO {table} ({quoted}) SELECT {', '.join(exprs)} "
                         f"FROM {table} t CROSS JOIN prov p WHERE p.k = {k} AND t.id <= {base[table]}")
                added += self.cursor.rowcount
            counts.append(f"{table} +{added}")
            print(f"   {table:<28} +{added:>10} rows {time.perf_counter() - start:7.1f} s", flush=True)
        # The demo province under the national root.
        self.run(f"UPDATE org_unit SET path = {root_seg} || path, depth = depth + 1, "
                 f"parent_id = COALESCE(parent_id, {root_id}) WHERE id <= {base['org_unit']}")
        self.run("INSERT INTO org_unit (id, code, name, name_folded, kind, admin_level, parent_id, path, depth, "
                 "valid_from, valid_to) VALUES (%s, 'VN', 'Toàn quốc', 'toan quoc', 'KHAC', 'TINH', NULL, %s, 0, NULL, NULL)",
                 [root_id, f"{root_id:09d}/"])
        self.run("UPDATE accounts_user SET scope_unit_id = %s WHERE username IN ('tinh', 'lanhdao')", [root_id])
        self.run("SET LOCAL enable_seqscan = on")
        self.reset_sequences()
        return f"{n} provinces, {dropped} indexes dropped"

    def reset_sequences(self):
        for table in TABLES:
            self.run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT GREATEST(MAX(id), 1) FROM {table}))")

    def top_up(self):
        args = self.args
        have = self.one("SELECT COUNT(*) FROM training_enrollment")
        wanted = args.enrolments - have
        if wanted <= 0:
            return f"{have} enrolments already"
        n_classes = (wanted + PER_CLASS - 1) // PER_CLASS
        n_prov = self.one("SELECT COUNT(*) FROM org_unit WHERE parent_id = (SELECT id FROM org_unit WHERE code = 'VN')")
        person_base = int(self.meta("base:people_person"))
        seed = args.seed * 1_000_003

        def u(expr, salt):  # a deterministic uniform [0, 1) from a bigint expression
            return f"((hashint8extended(({expr})::bigint, {seed + salt}) & 2147483647)::float8 / 2147483648.0)"

        today = datetime.date.today()
        now = datetime.datetime.now(datetime.timezone.utc)
        start = time.perf_counter()
        # Active people of each province in a pseudo-random order: rn 0..n-1.
        self.run(f"""CREATE TEMP TABLE active ON COMMIT DROP AS
            SELECT ((id - 1) / {person_base})::int AS prov, id AS person_id,
                   (row_number() OVER (PARTITION BY (id - 1) / {person_base} ORDER BY hashint8extended(id, {seed}), id) - 1)::int AS rn
            FROM people_person WHERE left_on IS NULL""")
        self.run("ALTER TABLE active ADD PRIMARY KEY (prov, rn)")
        self.run("CREATE TEMP TABLE prov_n ON COMMIT DROP AS SELECT prov, COUNT(*)::int AS n FROM active GROUP BY prov")
        print(f"   active people by province {time.perf_counter() - start:7.1f} s", flush=True)
        start = time.perf_counter()
        programs = [r[0] for r in self.run("SELECT id FROM training_program ORDER BY id").fetchall()]
        providers = [r[0] for r in self.run("SELECT id FROM training_provider ORDER BY id").fetchall()]
        from dtbd.training.models import Enrollment, TrainingClass

        class_extra, class_values = other_columns(TrainingClass, CLASS_COLUMNS)
        enrol_extra, enrol_values = other_columns(Enrollment, ENROLMENT_COLUMNS)
        self.run(f"""
            INSERT INTO training_trainingclass ({CLASS_COLUMNS}{class_extra})
            SELECT (%(programs)s::bigint[])[1 + floor({u('i', 1)} * %(np)s)::int],
                   (%(providers)s::bigint[])[1 + floor({u('i', 2)} * %(nv)s)::int],
                   'BENCHN' || lpad(i::text, 6, '0'), 'Lớp bench ' || i,
                   (%(forms)s::text[])[1 + floor({u('i', 3)} * 10)::int], abroad, CASE WHEN abroad THEN 'SG' ELSE 'VN' END, '',
                   250, NULL, NULL, NULL, starts, ends, (20 + floor({u('i', 4)} * 880)) * 1000000, 'NSTINH',
                   CASE WHEN {u('i', 5)} < 0.02 THEN 'CANCELLED' WHEN ends < %(today)s THEN 'CLOSED'
                        WHEN {u('i', 6)} < 0.5 THEN 'RUNNING' ELSE 'OPEN' END,
                   0, 80, 5, NULL, NULL, %(now)s{class_values}
            FROM (SELECT i, starts, starts + (ARRAY[4, 9, 19, 59])[1 + floor({u('i', 7)} * 4)::int] AS ends,
                         {u('i', 8)} < 0.03 AS abroad
                  FROM (SELECT i, %(today)s::date - floor({u('i', 9)} * {6 * 365})::int AS starts
                        FROM generate_series(0, %(n)s - 1) i) s) c
            ORDER BY i""", {"programs": programs, "providers": providers, "np": len(programs), "nv": len(providers),
                            "forms": FORMS, "today": today, "now": now, "n": n_classes, **extra_params(TrainingClass, CLASS_COLUMNS)})
        print(f"   {n_classes} classes {time.perf_counter() - start:7.1f} s", flush=True)
        start = time.perf_counter()
        # Class i: province i mod n_prov, people rn = (r + j * s) mod n for j < 200: distinct since 199 * s < n.
        self.run(f"""
            INSERT INTO training_enrollment ({ENROLMENT_COLUMNS}{enrol_extra})
            SELECT c.id, a.person_id, 'NOMINATED', st.state, '', %(now)s, NULL, %(now)s, NULL,
                   CASE WHEN st.state = 'COMPLETED' THEN c.ends_on END{enrol_values}
            FROM (SELECT id, ends_on, status, substr(code, 7)::int AS i FROM training_trainingclass
                  WHERE code LIKE 'BENCHN%%') c
            JOIN prov_n pn ON pn.prov = c.i %% {n_prov}
            CROSS JOIN LATERAL generate_series(0, LEAST({PER_CLASS}, %(wanted)s - {PER_CLASS} * c.i) - 1) j
            JOIN active a ON a.prov = pn.prov
                AND a.rn = (floor({u('c.i', 10)} * pn.n)::bigint
                            + j * (1 + floor({u('c.i', 11)} * ((pn.n - 1) / {PER_CLASS} - 1))::bigint)) %% pn.n
            CROSS JOIN LATERAL (SELECT CASE WHEN c.status = 'CANCELLED' THEN 'WITHDRAWN'
                                            WHEN c.status <> 'CLOSED' THEN 'ENROLLED'
                                            WHEN {u('c.i::bigint * 1000 + j', 12)} < 0.88 THEN 'COMPLETED'
                                            WHEN {u('c.i::bigint * 1000 + j', 12)} < 0.93 THEN 'FAILED'
                                            ELSE 'WITHDRAWN' END AS state) st""", {"now": now, "wanted": wanted, **extra_params(Enrollment, ENROLMENT_COLUMNS)})
        added = self.cursor.rowcount
        print(f"   {added} enrolments {time.perf_counter() - start:7.1f} s", flush=True)
        return f"{n_classes} classes, {added} enrolments"

    def indexes(self):
        rows = self.run("SELECT key, value FROM bench_national WHERE key LIKE 'index:%%' ORDER BY key").fetchall()
        self.run("SET max_parallel_maintenance_workers = 2")
        for key, restore in rows:
            start = time.perf_counter()
            self.run(restore)
            self.run("DELETE FROM bench_national WHERE key = %s", [key])
            print(f"   {key[6:]:<70} {time.perf_counter() - start:7.1f} s", flush=True)
        # Foreign keys were not checked while loading: count orphans of every constraint of the copied tables.
        orphans = []
        for table, column, target in self.run("""
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) ORDER BY 1, 2""", [TABLES]).fetchall():
            start = time.perf_counter()
            n = self.one(f"SELECT COUNT(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "
                         f"(SELECT 1 FROM {target} r WHERE r.id = t.{column})")
            print(f"   FK {table}.{column} -> {target}: {n} orphans {time.perf_counter() - start:5.1f} s", flush=True)
            if n:
                orphans.append(f"{table}.{column}")
        if orphans:
            raise SystemExit(f"orphan rows in {', '.join(orphans)}")
        return f"{len(rows)} indexes and constraints recreated, foreign keys checked"

    def analyze(self):
        self.run("SET session_replication_role = origin")
        self.run("VACUUM ANALYZE")
        return ""


def row_counts(cursor):
    print("\nrows:")
    for table in TABLES + ["accounts_user"]:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        print(f"   {table:<28} {cursor.fetchone()[0]:>12,}")
    cursor.execute("SELECT COUNT(*) FROM people_person WHERE left_on IS NULL")
    print(f"   {'active people':<28} {cursor.fetchone()[0]:>12,}")
    cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    print(f"   {'database size':<28} {cursor.fetchone()[0]:>12}")


def measure(args):
    """Live server time of the dashboard's parts, the whole build and every registered unit report (no cache, no
    summary tables). The comparison with hand-written SQL is bench/dashboard.py's (run it with DATABASE_URL)."""
    from dtbd.org.models import Unit
    from dtbd.reports import dashboard, registry, targets
    from dtbd.standards import engine
    from dtbd.training.models import TrainingClass

    unit = Unit.objects.get(code=args.unit or "VN")
    period = dashboard.Period.for_year(args.year)
    d = period.as_of
    classes = TrainingClass.objects.all()
    hours_date = dashboard.annual_hours_date(period)
    parts = [
        ("structures (EDU, LLCT, QLNN)", lambda: [dashboard._education_structure(unit, d), *dashboard._other_structures(unit, d)]),
        ("person-times (lượt)", lambda: dashboard.person_times(unit, period)),
        ("classes + cost estimates", lambda: dashboard.classes_summary(classes, period)),
        ("compliance per requirement", lambda: engine.requirement_counts(unit, d)),
        ("annual hours", lambda: engine.annual_hours_summary(unit, period.date_to.year, hours_date)),
        ("targets", lambda: targets.evaluate(targets.active_indicators(), unit, d)),
        ("dashboard.build (everything)", lambda: dashboard.build(unit, period, classes)),
    ]
    parts += [(f"report {r.name}", (lambda r=r: r.rows(unit, d, args.year))) for r in registry.all_reports()]
    print(f"\nlive figures of {unit.code} ({unit.name}), year {args.year}, as of {d:%d/%m/%Y}; median of {args.runs} "
          f"after a warm-up")
    for name, fn in parts:
        _r, med, lo, hi = timed(fn, args.runs)
        print(f"   {name:<40} {med:8.3f} s  ({lo:.3f}–{hi:.3f})", flush=True)


def main():
    args = parse_args()
    if not 1 <= args.provinces <= MAX_PROVINCES:
        raise SystemExit(f"--provinces must be 1–{MAX_PROVINCES}")
    os.environ["DATABASE_URL"] = args.database_url
    if args.fresh:
        recreate_postgres_database(args.database_url)
    setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{'migrate':<10} {time.perf_counter() - start:8.1f} s", flush=True)
    builder = Builder(args)
    builder.step("demo", builder.demo)
    builder.step("replicate", builder.replicate)
    builder.step("top-up", builder.top_up)
    builder.step("indexes", builder.indexes)
    builder.step("analyze", builder.analyze, atomic=False)
    row_counts(builder.cursor)
    if args.measure:
        measure(args)


if __name__ == "__main__":
    main()
