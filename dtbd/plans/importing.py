"""Import of the needs template (nhu-cau.xlsx, docs/domain.md §13.1): the units' requests for a year, one row per
(year, unit, programme), with the same machinery and rules as the staff import (dtbd.core.importing): the whole file
is checked first and every error listed with its row and column; nothing is saved if any error is found; the rows are
saved in one transaction; re-importing the same file changes nothing.

A row creates the unit's request for the programme, or updates it while it is a draft; the request is then sent
(SUBMITTED, source UPLOAD) and its named people become needs (services.needs.link_request_people). A request already
sent is not changed: the same values are "unchanged", different ones an error. Units and people outside the
uploader's scope are refused with the same message as codes that do not exist (the message never says which)."""
import re

from django.db import transaction
from django.utils import timezone
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
    count_data_rows,
    data_rows,
    read_first_sheet,
)
from dtbd.org.models import Unit
from dtbd.people.models import Person
from dtbd.training.models import Program

from .models import NeedRequest, Priority
from .services.needs import link_request_people

YEAR, UNIT, PROGRAMME, COUNT, PRIORITY, QUARTER, JUSTIFICATION, PEOPLE = HEADERS = (
    "Năm",
    "Mã đơn vị",
    "Mã chương trình",
    "Số người",
    "Mức ưu tiên",
    "Quý",
    "Lý do, căn cứ",
    "Mã cán bộ",
)
PREVIEW_ROWS = 20
MIN_YEAR, MAX_YEAR = 2000, 2100
_SEPARATORS = re.compile(r"[,;\s]+")


def priority_codes():
    return Codes(Priority.choices, aliases={"Trung binh": Priority.NORMAL, "TB": Priority.NORMAL})


def _whole_number(text, low=None, high=None):
    """A whole number written as digits (Excel's 5.0 arrives as '5'). Raises CellError."""
    if not re.fullmatch(r"\d{1,6}", text):
        raise CellError(_("Phải là một số nguyên dương."))
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        raise CellError(_("Phải từ %(low)s đến %(high)s.") % {"low": low, "high": high})
    return value


def import_needs(source, user=None, dry_run=False, scope: Scope | None = None) -> ImportReport:
    """Validate `source` (path or binary file) and, unless dry_run, save it. Raises ImportFailed with every error.
    `user` None = no particular user (command line): full scope."""
    scope = scope or (scope_of(user) if user is not None else Scope(everything=True, can_write=True))
    if not scope.can_write:
        raise ImportFailed([RowError(0, "", "", _("Bạn không có quyền nhập đề nghị đào tạo, bồi dưỡng."))])
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors, rows=count_data_rows(rows))

    texts_by_row = [(row_no, [cell_text(v) for v in cells[: len(HEADERS)]]) for row_no, cells in data_rows(rows, len(HEADERS))]
    unit_codes = {t[1] for _r, t in texts_by_row if t[1]}
    programme_codes = {t[2] for _r, t in texts_by_row if t[2]}
    person_codes = {c for _r, t in texts_by_row for c in _SEPARATORS.split(t[7]) if c}
    units = {u.code: u for u in scope.filter_units(Unit.objects.filter(code__in=unit_codes), CHANGE)}
    programmes = {p.code: p for p in Program.objects.filter(code__in=programme_codes, active=True)}
    people = dict(scope.filter_people(Person.objects.filter(code__in=person_codes), CHANGE).values_list("code", "pk"))
    priorities = priority_codes()

    seen = {}  # (year, unit, programme) -> excel row
    parsed = []
    for row_no, texts in texts_by_row:
        row_errors = []

        def err(column, message, value=None, _row=row_no, _texts=texts, _errors=row_errors):
            _errors.append(RowError(_row, column, _texts[HEADERS.index(column)] if value is None else value, message))

        values = {}
        for column, index, key, low, high in ((YEAR, 0, "year", MIN_YEAR, MAX_YEAR), (COUNT, 3, "people_count", 1, None)):
            if not texts[index]:
                err(column, REQUIRED)
                continue
            try:
                values[key] = _whole_number(texts[index], low, high if high is not None else 999_999)
            except CellError as exc:
                err(column, str(exc))
        if not texts[1]:
            err(UNIT, REQUIRED)
        elif texts[1] not in units:
            err(UNIT, _("Không có đơn vị mã %(code)s trong phạm vi quản lý của bạn.") % {"code": texts[1]})
        else:
            values["unit"] = units[texts[1]]
        if not texts[2]:
            err(PROGRAMME, REQUIRED)
        elif texts[2] not in programmes:
            err(PROGRAMME, _("Không có chương trình đang áp dụng mã %(code)s.") % {"code": texts[2]})
        else:
            values["program"] = programmes[texts[2]]
        if not texts[4]:
            values["priority"] = Priority.NORMAL
        else:
            try:
                values["priority"] = int(priorities.parse(texts[4]))
            except CellError:
                err(PRIORITY, _("Mức ưu tiên phải là Cao, Trung bình hoặc Thấp."))
        values["quarter"] = None
        if texts[5]:
            try:
                values["quarter"] = _whole_number(texts[5], 1, 4)
            except CellError:
                err(QUARTER, _("Quý phải là 1, 2, 3 hoặc 4 (để trống nếu không yêu cầu)."))
        values["justification"] = texts[6]
        named = []
        for code in _SEPARATORS.split(texts[7]):
            if not code:
                continue
            if code not in people:
                err(PEOPLE, _("Không có cán bộ mã %(code)s trong phạm vi quản lý của bạn.") % {"code": code})
            elif people[code] not in named:
                named.append(people[code])
        values["people"] = named
        if values.get("people_count") and len(named) > values["people_count"]:
            err(COUNT, _("Số người (%(count)s) ít hơn số cán bộ được nêu tên (%(named)s).")
                % {"count": values["people_count"], "named": len(named)})
        key = (values.get("year"), texts[1], texts[2])
        if all(key) and not row_errors:
            if key in seen:
                err(PROGRAMME, _("Trùng năm, đơn vị và chương trình với dòng %(row)s.") % {"row": seen[key]})
            else:
                seen[key] = row_no
        errors.extend(row_errors)
        parsed.append((row_no, texts, values, not row_errors))

    report = ImportReport(kind="needs", rows=len(parsed))
    changes = []
    if not errors:
        changes = _plan(parsed, errors, report)
    errors.sort(key=lambda e: e.row)
    if errors:
        report.errors = errors
        raise ImportFailed(errors, rows=report.rows)
    report.preview = [
        {"row": r, "code": f"{v['year']} · {t[1]} · {t[2]}", "name": v["program"].name, "action": a, "changes": d}
        for r, t, v, a, d, _req in changes[:PREVIEW_ROWS]
    ]
    if dry_run or not changes:
        report.saved = not dry_run
        return report
    _save(changes, user)
    report.saved = True
    return report


FIELDS = ("people_count", "priority", "quarter", "justification")


def _plan(parsed, errors, report):
    """Compare each row with the request already registered: create, update a draft, or unchanged; a sent request
    with other values is an error."""
    existing = {}
    keys = [(v["year"], v["unit"].pk, v["program"].pk) for _r, _t, v, _ok in parsed]
    if keys:
        years = {k[0] for k in keys}
        qs = NeedRequest.objects.filter(year__in=years, unit_id__in={k[1] for k in keys},
                                        program_id__in={k[2] for k in keys}).prefetch_related("people")
        existing = {(r.year, r.unit_id, r.program_id): r for r in qs}
    changes = []
    for row_no, texts, values, _ok in parsed:
        req = existing.get((values["year"], values["unit"].pk, values["program"].pk))
        if req is None:
            report.created += 1
            diff = [f"{f}: {values[f]}" for f in FIELDS if values[f] not in (None, "")]
            changes.append((row_no, texts, values, "create", diff, None))
            continue
        diff = [f"{f}: {getattr(req, f) if getattr(req, f) not in (None, '') else '∅'} → "
                f"{values[f] if values[f] not in (None, '') else '∅'}" for f in FIELDS if getattr(req, f) != values[f]]
        if {p.pk for p in req.people.all()} != set(values["people"]):
            diff.append(_("cán bộ được nêu tên"))
        if req.status == NeedRequest.Status.SUBMITTED:
            if diff:
                sent = timezone.localtime(req.submitted_at).strftime("%d/%m/%Y") if req.submitted_at else ""
                errors.append(RowError(row_no, PROGRAMME, texts[2], _(
                    "Đề nghị của đơn vị cho chương trình này năm %(year)s đã gửi ngày %(date)s: không sửa được "
                    "(%(fields)s khác).") % {"year": values["year"], "date": sent, "fields": "; ".join(diff)}))
            else:
                report.unchanged += 1
            continue
        report.changed += 1
        changes.append((row_no, texts, values, "update", diff, req))
    return changes


@transaction.atomic
def _save(changes, user):
    now = timezone.now()
    actor = user if user is not None and user.is_authenticated else None
    for _row, _texts, values, _action, _diff, req in changes:
        req = req or NeedRequest(year=values["year"], unit=values["unit"], program=values["program"],
                                 created_by=actor)
        for f in FIELDS:
            setattr(req, f, values[f])
        req.status, req.submitted_at, req.source = NeedRequest.Status.SUBMITTED, now, NeedRequest.Source.UPLOAD
        req.save()
        req.people.set(values["people"])
        link_request_people(req, values["people"], actor)
