"""The fostering-history export of a whole unit for the national CBCCVC database (Decree 27/2026; docs/domain.md,
docs/national-export.md): every person in the unit's subtree on a date — placed there on that date, of category CB,
CC or VC and not yet left, as in the reports (people.queries.staff_placements) — with their fostering records
(training.fostering, the same mapping as the export of one person).

Streams, in constant memory whatever the size: one query over the placements ordered by staff code, read through a
server-side cursor (PostgreSQL; chunked reads on SQLite), and for each batch of BATCH people three queries for their
records (training.fostering.records_by_person); each batch is written out before the next is read.

- CSV: one row per record, the person's fields on each row; a person without a record has one row with empty
  record fields.
- JSON: an array with one object per person, their records in a list (`records`), written object by object.
- .xlsx: the CSV's rows under Vietnamese headings (dates as dd/mm/yyyy dates, tiết as numbers), streamed into the
  file by dtbd.core.xlsxstream (docs/decisions/0004-streaming-xlsx-writer.md); past a sheet's 1.048.576 rows the
  export goes on in a new sheet."""
import csv
import json
import operator

from django.db.models import F
from django.utils.translation import gettext as _

from dtbd.core.xlsxstream import StreamingWorkbook
from dtbd.people.masking import mask_citizen_id
from dtbd.people.queries import staff_placements

from .fostering import FORMAT, PERSON_FIELDS, RECORD_FIELDS, records_by_person

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BATCH = 2000
PERSON_KEYS = [key for key, _label in PERSON_FIELDS]
RECORD_KEYS = [key for key, _label in RECORD_FIELDS]
COLUMNS = PERSON_KEYS + RECORD_KEYS
DATE_KEYS = {"birth_date", "from_date", "to_date", "certificate_date"}
XLSX_MAX_ROWS = 1_048_576


def people_count(unit, date):
    """How many people the export of `unit` on `date` lists (one query)."""
    return staff_placements(unit, date).values("person_id").distinct().count()


def _placements(unit, date):
    """(person id, code, name, citizen ID, birth date, gender, unit code) of each placement in the subtree on
    `date`, ordered by staff code; a person with two overlapping placements comes twice in a row (skipped)."""
    rows = (
        staff_placements(unit, date)
        .order_by("person__code", F("valid_from").desc(nulls_last=True), "pk")
        .values_list("person_id", "person__code", "person__full_name", "person__citizen_id", "person__birth_date",
                     "person__gender", "unit__code")
    )
    last = None
    for row in rows.iterator(chunk_size=BATCH):
        if row[0] == last:
            continue
        last = row[0]
        yield row


def stream(unit, date, *, show_citizen_id=True, batch=BATCH):
    """Yield (person, records) for every person of the export, in staff-code order: `person` a dict of
    PERSON_FIELDS (the citizen ID masked unless `show_citizen_id`), `records` their records (possibly empty)."""
    pending = []

    def flush():
        records = records_by_person([row[0] for row in pending])
        for person_id, code, name, citizen_id, birth_date, gender, unit_code in pending:
            if citizen_id and not show_citizen_id:
                citizen_id = mask_citizen_id(citizen_id)
            person = {"code": code, "full_name": name, "citizen_id": citizen_id or None,
                      "birth_date": birth_date.isoformat() if birth_date else None, "gender": gender,
                      "unit_code": unit_code}
            yield person, records.get(person_id, [])
        pending.clear()

    for row in _placements(unit, date):
        pending.append(row)
        if len(pending) >= batch:
            yield from flush()
    if pending:
        yield from flush()


_PERSON_VALUES = operator.itemgetter(*PERSON_KEYS)
_RECORD_VALUES = operator.itemgetter(*RECORD_KEYS)
_ABROAD = len(PERSON_KEYS) + RECORD_KEYS.index("abroad")
_EMPTY_RECORD = (None,) * len(RECORD_KEYS)


def rows_of(person, records):
    """The rows (lists of COLUMNS values: None for empty, `abroad` as "1"/"0") of one person: one per record, or one
    with empty record fields."""
    head = _PERSON_VALUES(person)
    if not records:
        return [list(head + _EMPTY_RECORD)]
    rows = []
    for record in records:
        row = list(head + _RECORD_VALUES(record))
        abroad = row[_ABROAD]
        if abroad is not None:
            row[_ABROAD] = "1" if abroad else "0"
        rows.append(row)
    return rows


def csv_rows(person, records):
    """The CSV rows of one person (the csv module writes None as an empty field)."""
    return rows_of(person, records)


class _Progress:
    """Calls `progress(people_done)` every `every` people (and never in between: a job's progress is a write)."""

    def __init__(self, progress, every=BATCH):
        self.progress, self.every, self.done = progress, every, 0

    def tick(self):
        self.done += 1
        if self.progress is not None and self.done % self.every == 0:
            self.progress(self.done)


def write_csv(handle, people, progress=None):
    """Write the CSV of `people` (stream()) to the text `handle`; returns (people, rows)."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    counter, rows = _Progress(progress), 0
    for person, records in people:
        lines = csv_rows(person, records)
        writer.writerows(lines)
        rows += len(lines)
        counter.tick()
    return counter.done, rows


def write_json(handle, people, progress=None):
    """Write the JSON array of `people` to the text `handle`, one object per person; returns (people, records)."""
    counter, rows = _Progress(progress), 0
    handle.write("[")
    for person, records in people:
        handle.write(",\n" if counter.done else "\n")
        handle.write(json.dumps({**person, "records": records}, ensure_ascii=False))
        rows += len(records)
        counter.tick()
    handle.write("\n]\n" if counter.done else "]\n")
    return counter.done, rows


def _sheet_name(number):
    name = _("Quá trình bồi dưỡng")
    return name if number == 1 else f"{name} ({number})"


XLSX_WIDTHS = [12, 26] + [14] * (len(COLUMNS) - 2)


def write_xlsx(path, people, progress=None):
    """Write the .xlsx of `people` to the file `path` (constant memory; dtbd.core.xlsxstream); returns (people,
    rows)."""
    headings = [str(label) for _key, label in PERSON_FIELDS + RECORD_FIELDS]
    date_columns = {i for i, key in enumerate(COLUMNS) if key in DATE_KEYS}
    counter = _Progress(progress)
    with StreamingWorkbook(path, headings, date_columns=date_columns, widths=XLSX_WIDTHS, freeze=(1, 2),
                           sheet_name=_sheet_name, max_rows=XLSX_MAX_ROWS) as book:
        for person, records in people:
            book.write_rows(rows_of(person, records))
            counter.tick()
    return counter.done, book.rows_written


def export(unit, date, fmt, path, *, show_citizen_id=True, progress=None):
    """Write the export of `unit` on `date` in `fmt` (FORMATS) to the file `path`; returns (people, rows).
    `progress(people_done)` is called every BATCH people."""
    people = stream(unit, date, show_citizen_id=show_citizen_id)
    if fmt == "xlsx":
        return write_xlsx(path, people, progress)
    writer = write_csv if fmt == "csv" else write_json
    with open(path, "w", encoding="utf-8", newline="") as handle:
        return writer(handle, people, progress)


def file_name(unit, date, fmt):
    return f"csdl-quoc-gia-boi-duong-{unit.code}-{date:%Y%m%d}.{fmt}"


__all__ = ["FORMAT", "FORMATS", "COLUMNS", "export", "stream", "people_count", "write_csv", "write_json", "write_xlsx"]
