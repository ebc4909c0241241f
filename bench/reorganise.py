"""Benchmark: abolishing the district level of a 100.000-person province with `dtbd reorganise` (docs/domain.md §15).

    .venv/bin/python bench/reorganise.py [--staff 100000] [--runs 3] [--fresh]

Uses a SQLite database under bench/out/reorganise/ (DTBD_VAR_DIR) unless DATABASE_URL is set (then the database is
built once per run: --runs 1 is advised). Builds, with bulk inserts, a province of 30 departments (8 offices each), 12
districts (12 offices and 20 communes each: 384 district-level and commune units) and the 120 new communes of
01/07/2025; `--staff` people (two thirds of them in the district subtrees), each with a placement and a category, and
one enrolment each for half of them (completed classes of 2024 and open classes of 2026). The mapping file lists every
district and every old commune (offices go with their district). Times, median of --runs on a copy of the database
built once:
  - check:   read and check the file, and the preview's counts (`--dry-run`);
  - apply:   the whole operation (`dtbd reorganise`), one transaction.
Goal: apply < 60 s on SQLite.
"""
import datetime
import os
import random
import shutil
import statistics
import sys
import time

from common import database_folder, demo_parser, setup

DAY = datetime.date(2025, 7, 1)


def build(staff, rng):
    from django.core.management import call_command
    from django.utils import timezone

    from dtbd.core.importing import db_now, insert_rows
    from dtbd.core.text import fold, vn_sort_key
    from dtbd.org.models import Unit
    from dtbd.people.models import CategoryAssignment, Ethnicity, Person, UnitAssignment
    from dtbd.training.models import Enrollment, Program, Provider, TrainingClass

    call_command("migrate", verbosity=0)
    root = Unit.objects.create(code="T99", name="UBND tỉnh Thử nghiệm", kind="UBND_TINH", admin_level="TINH")
    province_units, district_units, communes = [], [], []
    for d in range(1, 31):
        so = Unit.objects.create(code=f"S{d:02d}", name=f"Sở {d}", parent=root, kind="SO_NGANH", admin_level="TINH")
        province_units.append(so)
        province_units += [Unit.objects.create(code=f"S{d:02d}.P{p}", name=f"Phòng {p} Sở {d}", parent=so,
                                               kind="PHONG", admin_level="TINH") for p in range(1, 9)]
    for h in range(1, 13):
        district = Unit.objects.create(code=f"H{h:02d}", name=f"UBND huyện {h}", parent=root, kind="UBND_HUYEN",
                                       admin_level="HUYEN")
        district_units.append(district)
        district_units += [Unit.objects.create(code=f"H{h:02d}.P{p}", name=f"Phòng {p} huyện {h}", parent=district,
                                               kind="PHONG", admin_level="HUYEN") for p in range(1, 13)]
        for x in range(1, 21):
            commune = Unit.objects.create(code=f"H{h:02d}.X{x:02d}", name=f"UBND xã {x} huyện {h}", parent=district,
                                          kind="UBND_XA", admin_level="XA")
            district_units.append(commune)
            communes.append(commune)
    new = [Unit.objects.create(code=f"XM{n:03d}", name=f"UBND xã mới {n}", parent=root, kind="UBND_XA",
                               admin_level="XA", valid_from=DAY) for n in range(1, 121)]
    kinh = Ethnicity.objects.get(name="Kinh").pk
    now = db_now()
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Dung", "Hoàng Đức Hải", "Vũ Thị Lan"]
    rows = []
    for i in range(staff):
        name = f"{names[i % len(names)]} {i}"
        rows.append((f"CB{i:06d}", name, fold(name), vn_sort_key(name),
                     datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), ("NAM", "NU")[i % 2], kinh))
    insert_rows(Person, ("code", "full_name", "name_folded", "name_sort", "birth_date", "gender", "ethnicity"), rows,
                constants={"created_at": now, "updated_at": now})
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    in_districts = len(ids) * 2 // 3
    placements = [(pid, (district_units if n < in_districts else province_units)[rng.randrange(
        len(district_units) if n < in_districts else len(province_units))].pk, datetime.date(2015 + n % 10, 1, 1))
        for n, pid in enumerate(ids)]
    insert_rows(UnitAssignment, ("person", "unit", "valid_from"), placements,
                constants={"valid_to": None, "source": "IMPORTED", "decision_no": "", "created_at": now})
    insert_rows(CategoryAssignment, ("person", "category"), [(pid, ("CB", "CC", "VC")[pid % 3]) for pid in ids],
                constants={"valid_from": None, "valid_to": None, "source": "IMPORTED", "decision_no": "",
                           "created_at": now})
    program, provider = Program.objects.order_by("pk").first(), Provider.objects.order_by("pk").first()
    classes = []
    for c in range(200):
        past = c < 100
        start = datetime.date(2024, 3, 1) + datetime.timedelta(days=c) if past else datetime.date(2026, 3, 1)
        classes.append(TrainingClass.objects.create(
            program=program, provider=provider, code=f"BENCH{c:03d}", name=f"Lớp {c}", capacity=10_000,
            status=TrainingClass.Status.FINISHED if past else TrainingClass.Status.OPEN,
            starts_on=start, ends_on=start + datetime.timedelta(days=5)))
    enrolments = []
    for n, pid in enumerate(ids[::2]):
        cls = classes[n % 200]
        done = cls.status == TrainingClass.Status.FINISHED
        enrolments.append((cls.pk, pid, "COMPLETED" if done else "ENROLLED", cls.ends_on if done else None))
    insert_rows(Enrollment, ("training_class", "person", "state", "completed_on"), enrolments,
                constants={"source": "NOMINATED", "reason": "", "requested_at": timezone.now()})
    mapping = [(d.code, new[i % 12].code, "") for i, d in enumerate(u for u in district_units if u.kind == "UBND_HUYEN")]
    mapping += [(c.code, new[12 + i % 108].code, "") for i, c in enumerate(communes)]
    return mapping, len(district_units), len(enrolments)


def main():
    parser = demo_parser(__doc__, "reorganise", runs=3)
    args = parser.parse_args()
    folder = database_folder(args.name, args.fresh)
    setup()
    from django.core.management import call_command
    from django.db import connection

    from dtbd.core.spreadsheet import write_sheet
    from dtbd.reorganisation.services import HEADERS

    base = folder / "base.sqlite3" if folder else None
    path = (folder or OUT_TMP()) / "sap-xep.xlsx"
    if base is None or not base.exists():
        start = time.perf_counter()
        mapping, units, enrolments = build(args.staff, random.Random(args.seed))
        write_sheet(path, list(HEADERS), [list(r) for r in mapping])
        print(f"built: {args.staff} people, {units} district-level and commune units, {enrolments} enrolments, "
              f"{len(mapping)} mapping rows in {time.perf_counter() - start:.1f} s")
        if base is not None:
            connection.close()
            shutil.copy(folder / "dtbd.sqlite3", base)
    checks, applies = [], []
    for run in range(args.runs):
        if base is not None:
            connection.close()
            shutil.copy(base, folder / "dtbd.sqlite3")
        start = time.perf_counter()
        call_command("reorganise", str(path), "--date", DAY.isoformat(), "--abolish-level", "HUYEN", "--dry-run")
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        call_command("reorganise", str(path), "--date", DAY.isoformat(), "--abolish-level", "HUYEN")
        applies.append(time.perf_counter() - start)
        print(f"run {run + 1}: check {checks[-1]:.1f} s, apply {applies[-1]:.1f} s")
        if base is None and run + 1 < args.runs:
            print("PostgreSQL: one run only (the database is not restored)")
            break
    print(f"check: median {statistics.median(checks):.1f} s; apply: median {statistics.median(applies):.1f} s "
          f"(min {min(applies):.1f}, max {max(applies):.1f}); goal < 60 s")


def OUT_TMP():
    from common import OUT

    folder = OUT / "reorganise-pg"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


if __name__ == "__main__":
    os.environ.setdefault("DTBD_DEMO_QUIET", "1")
    sys.exit(main())
