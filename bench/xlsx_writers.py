"""The .xlsx writers of the national-database export compared on the same rows, without a database: the rows of the
export's shape (26 columns: the person's 6 fields on every row, a record's 20; about 2,75 records a person as in the
demo, a tenth of the people without one) generated deterministically, then written by:

- `csv`: the CSV writer of the export (the reference: what the bytes cost without a spreadsheet);
- `xlsxwriter`: XlsxWriter in constant_memory mode with a typed write per cell (the export's writer until 06/12/2026);
- `xlsxwriter-fast`: XlsxWriter at its cheapest: its undecorated `_write_string`/`_write_number` (no A1-notation
  check), dates converted once to serial numbers, no per-cell type test;
- `stream-1`, `stream-6`: dtbd.core.xlsxstream (the export's writer since), zlib level 1 (its default) and 6.

    .venv/bin/python bench/xlsx_writers.py --rows 60000 [--writers csv,xlsxwriter,stream-1] [--profile stream-1]

Prints for each writer the process CPU time, the wall time and the file size (median of --runs, each in this
process). --profile WRITER prints the cProfile top 15 of one run of that writer instead."""
import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import tempfile
import time

from common import setup

PEOPLE_FIELDS = 6


def make_rows(count, seed=1):
    """`count` rows of the export's shape (as national_export.rows_of makes them)."""
    from dtbd.training.national_export import COLUMNS, RECORD_KEYS

    rng = random.Random(seed)
    groups = ["LLCT", "QPAN", "QLNN", "CMNV"]
    issuers = ["Trường Chính trị tỉnh Tuyên Quang", "Học viện Hành chính Quốc gia", "Trường Đại học Tân Trào",
               "Trường Quân sự tỉnh Tuyên Quang", "Trường Đại học Sư phạm Hà Nội"]
    rows, person = [], 0
    while len(rows) < count:
        person += 1
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 13000))
        head = [f"TQ{person:06d}", f"Nguyễn Thị Hồng {person % 97}", f"0081{rng.randint(0, 99999999):08d}",
                birth.isoformat(), rng.choice(["NAM", "NU"]), f"TQ.S{person % 23:02d}.P{person % 5}"]
        records = 0 if rng.random() < 0.1 else rng.randint(1, 5)
        if not records:
            rows.append(head + [None] * len(RECORD_KEYS))
            continue
        for _ in range(records):
            issued = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))
            if rng.random() < 0.2:  # a completed class
                start = issued - datetime.timedelta(days=rng.randint(2, 60))
                record = [rng.choice(groups), "FOSTERING", "QLNN", "CV", "Chuyên viên", "QLNN_CV",
                          "Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên", f"L{person:05d}",
                          rng.choice(issuers), "IN_PERSON", "0", None, start.isoformat(), issued.isoformat(),
                          rng.choice([8, 16, 40, 320]), "KHA", f"{person:05d}/2024/QLNN", issued.isoformat(),
                          "NSTINH", "CLASS"]
            else:
                record = [rng.choice(groups), "QUALIFICATION", "LANG", "B1", "Tiếng Anh Bậc 3 (B1)", None, None,
                          None, rng.choice(issuers), None, None, None, None, issued.isoformat(), None, None,
                          f"{rng.randint(1, 99999):05d}/{issued.year}/LANG", issued.isoformat(), None, "IMPORTED"]
            rows.append(head + record)
    assert len(rows[0]) == len(COLUMNS)
    return rows[:count]


def write_csv(path, rows, headings, date_columns):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(headings)
        writer.writerows(rows)


def write_typed_row(sheet, r, line, date_columns, date_format):
    """The old writer's per-cell work: one typed XlsxWriter call per filled cell (dates, whole numbers, text)."""
    for c, value in enumerate(line):
        if value is None or value == "":
            continue
        if c in date_columns:
            sheet.write_datetime(r, c, datetime.datetime.fromisoformat(value), date_format)
        elif isinstance(value, int):
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, str(value))


def write_xlsxwriter(path, rows, headings, date_columns):
    """The export's writer until 06/12/2026 (dtbd/training/national_export.py, write_xlsx)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Quá trình bồi dưỡng")
    sheet.freeze_panes(1, 2)
    sheet.write_row(0, 0, headings, bold)
    for r, line in enumerate(rows, start=1):
        write_typed_row(sheet, r, line, date_columns, date_format)
    book.close()


def legacy_write_xlsx(path, people, progress=None):
    """national_export.write_xlsx as it was until 06/12/2026 (XlsxWriter, a typed write per cell), for
    bench/export_fostering.py's format `xlsx-xlsxwriter`: the before of the same run."""
    import xlsxwriter
    from django.utils.translation import gettext as _

    from dtbd.training import national_export as ne

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    labels = [str(label) for _key, label in ne.PERSON_FIELDS + ne.RECORD_FIELDS]
    date_columns = {i for i, key in enumerate(ne.COLUMNS) if key in ne.DATE_KEYS}
    state = {"sheet": None, "row": 0, "sheets": 0}

    def new_sheet():
        state["sheets"] += 1
        name = _("Quá trình bồi dưỡng") if state["sheets"] == 1 else f"{_('Quá trình bồi dưỡng')} ({state['sheets']})"
        sheet = book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 2)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 26)
        sheet.set_column(2, len(ne.COLUMNS) - 1, 14)
        sheet.write_row(0, 0, labels, bold)
        state["sheet"], state["row"] = sheet, 1

    new_sheet()
    counter, rows = ne._Progress(progress), 0
    for person, records in people:
        for line in ne.csv_rows(person, records):
            if state["row"] >= ne.XLSX_MAX_ROWS:
                new_sheet()
            write_typed_row(state["sheet"], state["row"], line, date_columns, date_format)
            state["row"] += 1
            rows += 1
        counter.tick()
    book.close()
    return counter.done, rows


def write_xlsxwriter_fast(path, rows, headings, date_columns):
    """XlsxWriter at its cheapest through its undecorated writers, dates as serial numbers computed once each."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Quá trình bồi dưỡng")
    sheet.freeze_panes(1, 2)
    sheet.write_row(0, 0, headings, bold)
    epoch = datetime.date(1899, 12, 30).toordinal()
    serials = {}
    write_string, write_number = sheet._write_string, sheet._write_number
    for r, line in enumerate(rows, start=1):
        for c, value in enumerate(line):
            if value is None:
                continue
            if c in date_columns:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = datetime.date.fromisoformat(value).toordinal() - epoch
                write_number(r, c, serial, date_format)
            elif value.__class__ is int:
                write_number(r, c, value)
            else:
                write_string(r, c, value)
    book.close()


def write_stream(level):
    def write(path, rows, headings, date_columns):
        from dtbd.core.xlsxstream import StreamingWorkbook

        with StreamingWorkbook(path, headings, date_columns=date_columns, widths=[12, 26] + [14] * 24,
                               freeze=(1, 2), compresslevel=level) as book:
            book.write_rows(rows)
    return write


WRITERS = {
    "csv": (write_csv, ".csv"),
    "xlsxwriter": (write_xlsxwriter, ".xlsx"),
    "xlsxwriter-fast": (write_xlsxwriter_fast, ".xlsx"),
    "stream-1": (write_stream(1), ".xlsx"),
    "stream-6": (write_stream(6), ".xlsx"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--writers", default=",".join(WRITERS))
    parser.add_argument("--profile", help="cProfile one run of this writer")
    args = parser.parse_args()
    setup()
    from dtbd.training.fostering import PERSON_FIELDS, RECORD_FIELDS
    from dtbd.training.national_export import COLUMNS, DATE_KEYS

    headings = [str(label) for _key, label in PERSON_FIELDS + RECORD_FIELDS]
    date_columns = {i for i, key in enumerate(COLUMNS) if key in DATE_KEYS}
    rows = make_rows(args.rows)
    cells = sum(v is not None for row in rows for v in row)
    print(f"{len(rows)} rows, {cells} cells written")
    folder = tempfile.mkdtemp(prefix="xlsx-writers-")
    if args.profile:
        import cProfile
        import pstats

        write, ext = WRITERS[args.profile]
        profile = cProfile.Profile()
        profile.runcall(write, os.path.join(folder, "p" + ext), rows, headings, date_columns)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(15)
        return
    print(f"{'writer':16} {'CPU s':>7} {'wall s':>7} {'µs/cell':>8} {'MB':>7}")
    for name in args.writers.split(","):
        write, ext = WRITERS[name]
        path = os.path.join(folder, name + ext)
        cpus, walls = [], []
        for _ in range(args.runs):
            start, cpu = time.perf_counter(), time.process_time()
            write(path, rows, headings, date_columns)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        cpu = statistics.median(cpus)
        print(f"{name:16} {cpu:>7.2f} {statistics.median(walls):>7.2f} {cpu / cells * 1e6:>8.2f} "
              f"{os.path.getsize(path) / 1e6:>7.1f}", flush=True)
        os.remove(path)


if __name__ == "__main__":
    main()
