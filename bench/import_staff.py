"""Benchmark: import of a 100k-row can-bo.xlsx against the time python-calamine alone takes to read that file.

    .venv/bin/python bench/import_staff.py [--staff 100000] [--runs 3]

Uses a fresh SQLite database under bench/out/ (DTBD_VAR_DIR) unless DATABASE_URL is set. Builds a province tree
through the units import, writes a deterministic staff file, then times (median of --runs):
  - read:    python-calamine reading the first sheet alone;
  - dry run: read + validate the whole file (nothing written);
  - import:  read + validate + save into a database holding the units but no staff (restored before each run);
  - reimport: the same file again (everything unchanged).
Each run takes the four in turn, so that every ratio compares timings taken close together. Goals: import ≤ 3 × read
on SQLite, ≤ 4 × on PostgreSQL; re-import ≤ 2 × read.
"""
import argparse
import datetime
import os
import random
import shutil
import statistics
import time
from pathlib import Path

from common import OUT, database_folder, setup

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Minh", "Kim"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn", "Việt"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Yến"]
ETHNIC = ["Kinh"] * 85 + ["Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai", "Ê Đê",
                          "Ba Na", "Sán Dìu", "Chăm", "Cơ Ho", "Xơ Đăng"]
RANKS = ["01.003"] * 6 + ["01.002", "01.004", "01.005", "V.07.05.15", "V.07.03.29", "V.08.01.03", "06.031", ""]
JOBS = ["Chuyên viên tổ chức cán bộ", "Kế toán", "Văn thư", "Chuyên viên tổng hợp", "Giáo viên", "Bác sĩ",
        "Chuyên viên pháp chế", "Thanh tra viên", "Chuyên viên công nghệ thông tin", ""]


def build_units_file(path, rng):
    from dtbd.core.spreadsheet import write_sheet
    from dtbd.org.importing import HEADERS

    rows = [["T99", "UBND tỉnh Thử nghiệm", "", "UBND_TINH", "TINH", "", ""]]
    codes = []
    for d in range(1, 31):
        rows.append([f"S{d:02d}", f"Sở thứ {d}", "T99", "SO_NGANH", "TINH", "", ""])
        codes.append(f"S{d:02d}")
        for p in range(1, 9):
            rows.append([f"S{d:02d}.P{p}", f"Phòng {p} Sở {d}", f"S{d:02d}", "PHONG", "TINH", "", ""])
            codes.append(f"S{d:02d}.P{p}")
        for s in range(1, 4):
            rows.append([f"S{d:02d}.DV{s}", f"Đơn vị sự nghiệp {s} Sở {d}", f"S{d:02d}", "DVSN", "TINH", "", ""])
            codes.append(f"S{d:02d}.DV{s}")
    for x in range(1, 101):
        rows.append([f"X{x:03d}", f"UBND xã {x}", "T99", "UBND_XA", "XA", "01/07/2025", ""])
        codes.append(f"X{x:03d}")
    write_sheet(path, list(HEADERS), rows)
    return codes


def build_staff_file(path, n, unit_codes, rng):
    from dtbd.core.spreadsheet import write_sheet
    from dtbd.people.importing import HEADERS

    today = datetime.date.today()
    rows = []
    for i in range(n):
        female = rng.random() < 0.52
        year = rng.randint(today.year - 62, today.year - 22)
        birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} {rng.choice(GIVEN_F if female else GIVEN_M)}"
        century = 0 if year < 2000 else 2
        cid = f"{rng.randint(1, 96):03d}{century + female}{year % 100:02d}{i:06d}"
        category = rng.choices(["CC", "VC", "CB", "HD"], [45, 45, 5, 5])[0]
        level = rng.choices(["", "PTP", "TP", "PGD", "GD"], [86, 6, 5, 2, 1])[0]
        title = {"": "", "PTP": "Phó Trưởng phòng", "TP": "Trưởng phòng", "PGD": "Phó Giám đốc", "GD": "Giám đốc"}[level]
        edu = rng.choices(["TS", "THS", "DH", "CD", "TC"], [1, 12, 70, 9, 8])[0]
        party = rng.random() < 0.45
        recruited = datetime.date(min(year + rng.randint(22, 30), today.year - 1), rng.randint(1, 12), 1)
        rows.append([
            f"CB{i + 1:06d}", name, birth, "NU" if female else "NAM", rng.choice(ETHNIC), cid, rng.choice(unit_codes),
            category, rng.choice(RANKS), title, level, rng.choice(JOBS), edu, "Quản lý công" if edu != "TC" else "",
            rng.choices(["", "SC", "TC", "CC"], [40, 20, 30, 10])[0], rng.choices(["", "CV", "CVC"], [40, 50, 10])[0],
            "CAP_PHONG" if level in ("PTP", "TP") else ("CAP_SO" if level in ("PGD", "GD") else ""),
            rng.choice(["", "Tiếng Anh B1", "Anh 3", "Tiếng Anh B2", "Tiếng Pháp A2"]),
            rng.choice(["", "CO_BAN", "NANG_CAO"]), recruited.strftime("%d/%m/%Y"), "CO" if party else "",
            datetime.date(year + 25, 5, 19).strftime("%d/%m/%Y") if party and year + 25 < today.year else "",
            "TP" if level == "PTP" and rng.random() < 0.3 else "", f"cb{i + 1}@example.vn", f"09{i:08d}",
        ])
    write_sheet(path, list(HEADERS), rows)


def timed(fn, runs, before=None):
    times = []
    result = None
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    sqlite = not os.environ.get("DATABASE_URL")
    database_folder("var", fresh=True)  # a new SQLite database each run (DATABASE_URL: that database)
    setup()
    import django
    from django.core.management import call_command
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from dtbd.org.importing import import_units
    from dtbd.people.importing import import_staff

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    units_path, staff_path = OUT / "don-vi.xlsx", OUT / f"can-bo-{args.staff}.xlsx"
    unit_codes = build_units_file(units_path, rng)
    print(import_units(units_path).summary())
    start = time.perf_counter()
    build_staff_file(staff_path, args.staff, unit_codes, rng)
    print(f"Generated {staff_path.name} ({staff_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")

    people_tables = ["people_qualification", "people_unitassignment", "people_categoryassignment",
                     "people_rankassignment", "people_postassignment", "people_jobassignment", "people_plannedpost",
                     "auditlog_logentry", "people_person", "people_jobposition"]
    template = None
    if sqlite:
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        template = OUT / "units-only.sqlite3"
        with django.db.connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        shutil.copy(db, template)

    def reset():
        if sqlite:
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            shutil.copy(template, db)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(people_tables)} RESTART IDENTITY CASCADE")

    def read():
        return CalamineWorkbook.from_path(str(staff_path)).get_sheet_by_index(0).to_python(skip_empty_area=False)

    # Interleaved: every run reads the file alone, then dry-runs, imports into the units-only database and
    # re-imports, so that each ratio compares timings taken close together (the machine is shared and its load drifts).
    runs = {"read": [], "dry": [], "import": [], "again": []}
    cpu = {step: [] for step in runs}  # CPU time of this process (SQLite works inside it) and of its server process

    def server_cpu():
        """CPU seconds of this connection's PostgreSQL backend so far (a local server: /proc), 0 on SQLite."""
        if sqlite:
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    summaries = {}
    for _ in range(args.runs):
        for step, fn, before in (
            ("read", read, None),
            ("dry", lambda: import_staff(staff_path, dry_run=True), reset),
            ("import", lambda: import_staff(staff_path), reset),
            ("again", lambda: import_staff(staff_path), None),
        ):
            if before:
                before()
            started, server = time.process_time(), server_cpu()
            _s, (elapsed,), result = timed(fn, 1)
            cpu[step].append(time.process_time() - started + server_cpu() - server)
            runs[step].append(elapsed)
            summaries[step] = result if step == "read" else result.summary()
    median = {step: statistics.median(times) for step, times in runs.items()}
    labels = {"read": "calamine read     ", "dry": "import --dry-run  ", "import": "import (new staff)",
              "again": "re-import (same)  "}
    for step, label in labels.items():
        times = ", ".join(f"{t:.2f}" for t in runs[step])
        extra = f"{len(summaries['read']) - 1} rows" if step == "read" else summaries[step]
        print(f"{label}: {median[step]:6.2f} s  (runs {times}; {extra})")
    per_run = {step: [t / r for t, r in zip(runs[step], runs["read"])] for step in ("dry", "import", "again")}
    print("ratio to the read of the same run, per run: "
          + "; ".join(f"{step} " + ", ".join(f"{x:.2f}" for x in values) for step, values in per_run.items()))
    print(f"ratio of medians: dry-run/read = {median['dry'] / median['read']:.2f}, import/read = "
          f"{median['import'] / median['read']:.2f} (goal ≤ 3 SQLite, ≤ 4 PostgreSQL), re-import/read = "
          f"{median['again'] / median['read']:.2f} (goal ≤ 2); database: {connection.vendor}")
    cpu_median = {step: statistics.median(times) for step, times in cpu.items()}
    print("CPU time of this process and its database server process, median: " + ", ".join(f"{step} {t:.2f} s" for step, t in cpu_median.items())
          + f"; ratios import/read = {cpu_median['import'] / cpu_median['read']:.2f}, re-import/read = "
          f"{cpu_median['again'] / cpu_median['read']:.2f}")

if __name__ == "__main__":
    main()
