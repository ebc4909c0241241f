"""Import of the annual assessment template (danh-gia.xlsx, docs/domain.md §14.1), with the machinery and rules of the
staff import (dtbd.core.importing): headers in row 1 exactly, data from row 2 of the first sheet, the whole file
checked first and every error listed as (row, column, value, message); nothing saved if any error; the rows saved in
one transaction; re-importing the same file changes nothing (one rating per person and year: a year already recorded
is replaced by the file's values, each change recorded by django-auditlog).

People outside the uploader's scope get the same message as codes that do not exist (it never says which)."""
import datetime
import re

from django.db import transaction
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, Scope, scope_of
from dtbd.core.importing import (
    REQUIRED,
    CellError,
    Codes,
    ImportFailed,
    ImportReport,
    RowError,
    cell_text,
    check_headers,
    chunks,
    data_rows,
    parse_date,
    read_first_sheet,
)
from dtbd.core.models import Source

from .assessments import date_error, year_error
from .models import AnnualAssessment, Person, Rating

CODE, YEAR, RATING, ASSESSED_ON, NOTE = HEADERS = ("Mã cán bộ", "Năm", "Xếp loại", "Ngày đánh giá", "Ghi chú")
PREVIEW_ROWS = 20
FIELDS = ("rating", "assessed_on", "note")


def rating_codes():
    """The rating column: the code (HTXSNV…) or the Vietnamese label, compared without accents and case."""
    return Codes(Rating.choices)


def import_assessments(source, user=None, dry_run=False, scope: Scope | None = None, today=None) -> ImportReport:
    """Validate `source` (path or binary file) and, unless dry_run, save it. Raises ImportFailed with every error.
    `user` None = no particular user (command line): full scope, as the staff import."""
    scope = scope or (scope_of(user) if user is not None else Scope(everything=True, can_write=True))
    today = today or datetime.date.today()
    if not scope.can_write:
        raise ImportFailed([RowError(0, "", "", _("Bạn không có quyền nhập kết quả đánh giá, xếp loại."))])
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors)

    raw_rows = [(row_no, cells[: len(HEADERS)]) for row_no, cells in data_rows(rows, len(HEADERS))]
    codes = {cell_text(cells[0]) for _r, cells in raw_rows} - {""}
    people = {}
    for part in chunks(codes):
        people.update(scope.filter_people(Person.objects.filter(code__in=part), CHANGE).values_list("code", "pk"))
    ratings = rating_codes()

    seen = {}  # (person pk, year) -> excel row
    parsed = []
    for row_no, cells in raw_rows:
        texts = [cell_text(v) for v in cells]
        row_errors = []

        def err(column, message, _row=row_no, _texts=texts, _errors=row_errors):
            _errors.append(RowError(_row, column, _texts[HEADERS.index(column)], str(message)))

        values = {}
        if not texts[0]:
            err(CODE, REQUIRED)
        elif texts[0] not in people:
            err(CODE, _("Không có cán bộ mã %(code)s trong phạm vi quản lý của bạn.") % {"code": texts[0]})
        else:
            values["person"] = people[texts[0]]
        if not texts[1]:
            err(YEAR, REQUIRED)
        elif not re.fullmatch(r"\d{4}", texts[1]):
            err(YEAR, _("Năm phải là số có 4 chữ số, ví dụ %(year)s.") % {"year": today.year})
        elif error := year_error(int(texts[1]), today):
            err(YEAR, error)
        else:
            values["year"] = int(texts[1])
        if not texts[2]:
            err(RATING, REQUIRED)
        else:
            try:
                values["rating"] = ratings.parse(texts[2])
            except CellError as exc:
                err(RATING, exc)
        values["assessed_on"] = None
        try:
            values["assessed_on"] = parse_date(cells[3])
        except CellError as exc:
            err(ASSESSED_ON, exc)
        if values["assessed_on"] and "year" in values and (error := date_error(values["year"], values["assessed_on"])):
            err(ASSESSED_ON, error)
        values["note"] = texts[4]
        if not row_errors:
            key = (values["person"], values["year"])
            if key in seen:
                err(CODE, _("Cán bộ này đã có ở dòng %(row)s cho năm %(year)s: mỗi người chỉ một dòng mỗi năm.")
                    % {"row": seen[key], "year": values["year"]})
            else:
                seen[key] = row_no
        errors.extend(row_errors)
        parsed.append((row_no, texts, values))

    errors.sort(key=lambda e: e.row)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(kind="assessments", rows=len(parsed))
    changes = _plan(parsed, report)
    report.preview = [
        {"row": r, "code": f"{t[0]} · {v['year']}", "name": str(Rating(v["rating"]).label), "action": a, "changes": d}
        for r, t, v, a, d, _cur in changes[:PREVIEW_ROWS]
    ]
    if dry_run or not changes:
        report.saved = not dry_run
        return report
    _save(changes)
    report.saved = True
    return report


def _shown(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value if value not in (None, "") else "∅"


def _plan(parsed, report):
    """Compare each row with the rating already recorded for the person and year: create, change or unchanged."""
    keys = {(v["person"], v["year"]) for _r, _t, v in parsed}
    existing = {}
    for part in chunks(sorted({k[0] for k in keys})):
        for a in AnnualAssessment.objects.filter(person_id__in=part, year__in={k[1] for k in keys}):
            existing[(a.person_id, a.year)] = a
    changes = []
    for row_no, texts, values in parsed:
        current = existing.get((values["person"], values["year"]))
        if current is None:
            report.created += 1
            diff = [f"{f}: {_shown(values[f])}" for f in FIELDS if values[f] not in (None, "")]
            changes.append((row_no, texts, values, "create", diff, None))
            continue
        diff = [f"{f}: {_shown(getattr(current, f))} → {_shown(values[f])}" for f in FIELDS
                if getattr(current, f) != values[f]]
        if not diff:
            report.unchanged += 1
            continue
        report.changed += 1
        changes.append((row_no, texts, values, "update", diff, current))
    return changes


@transaction.atomic
def _save(changes):
    """One save per row (django-auditlog records each creation and change)."""
    for _row, _texts, values, _action, _diff, current in changes:
        current = current or AnnualAssessment(person_id=values["person"], year=values["year"])
        for f in FIELDS:
            setattr(current, f, values[f])
        current.source = Source.IMPORTED
        current.save()

