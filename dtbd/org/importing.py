"""Import of the units template (don-vi.xlsx, see shared spec staff-import.md): validate the whole file, then upsert
by code in one transaction. Units are few (hundreds to thousands), so they are saved through Unit.save(), which keeps
the materialised paths right and lets django-auditlog record each real change."""
from django.db import transaction
from django.utils.translation import gettext as _

from dtbd.accounts.scope import Scope, scope_of
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
    parse_date,
    read_first_sheet,
)
from dtbd.core.text import code_error, fold

from .models import AdminLevel, Unit, UnitKind

CODE, NAME, PARENT, KIND, LEVEL, VALID_FROM, VALID_TO = HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã đơn vị cấp trên",
    "Loại đơn vị",
    "Cấp hành chính",
    "Ngày hiệu lực",
    "Ngày hết hiệu lực",
)
FIELDS = ("name", "parent_code", "kind", "admin_level", "valid_from", "valid_to")
PREVIEW_ROWS = 20


def kind_codes():
    return Codes(UnitKind.choices, aliases={"Đơn vị sự nghiệp": "DVSN", "Trường": "TRUONG", "Sở": "SO_NGANH"})


def level_codes():
    return Codes(AdminLevel.choices, aliases={"Tỉnh": "TINH", "Huyện": "HUYEN", "Xã": "XA"})


def import_units(source, user=None, dry_run=False, scope: Scope | None = None) -> ImportReport:
    """Validate `source` (path or binary file) and, unless dry_run, save it. Raises ImportFailed with every error.
    `user` None = no particular user (command line): full scope."""
    scope = scope or (scope_of(user) if user is not None else Scope(everything=True, can_write=True))
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors, rows=count_data_rows(rows))

    existing = {
        u["code"]: u for u in Unit.objects.values("id", "code", "name", "parent__code", "kind", "admin_level", "path",
                                                   "valid_from", "valid_to")
    }
    kinds, levels = kind_codes(), level_codes()
    seen = {}  # code -> excel row
    parsed = []
    for row_no, cells in data_rows(rows, len(HEADERS)):
        texts = [cell_text(v) for v in cells[: len(HEADERS)]]
        row_errors = []

        def err(column, message, value=None, _row=row_no, _texts=texts, _errors=row_errors):
            _errors.append(RowError(_row, column, _texts[HEADERS.index(column)] if value is None else value, message))

        code, name, parent_code = texts[0], texts[1], texts[2]
        if not code:
            err(CODE, REQUIRED)
        elif message := code_error(code):
            err(CODE, message)
        elif code in seen:
            err(CODE, _("Mã đơn vị %(code)s trùng với dòng %(row)s.") % {"code": code, "row": seen[code]})
        if not name:
            err(NAME, REQUIRED)
        elif len(name) > 255:
            err(NAME, _("Tên đơn vị dài quá 255 ký tự."))
        elif len(fold(name)) > 255:  # the folded copy (search) may be longer: 'ß' -> 'ss', 'ﬃ' -> 'ffi'
            err(NAME, _("Tên đơn vị quá dài: khi bỏ dấu để tìm kiếm thành %(length)s ký tự, tối đa 255.")
                % {"length": len(fold(name))})
        if parent_code:
            if parent_code == code:
                err(PARENT, _("Đơn vị không thể là cấp trên của chính nó."))
            elif parent_code not in seen and parent_code not in existing:
                err(PARENT, _("Không có đơn vị mã %(code)s: đơn vị cấp trên phải có sẵn hoặc ở một dòng phía trên.")
                    % {"code": parent_code})
        values = {"name": name, "parent_code": parent_code or None}
        for column, codes, key, index in ((KIND, kinds, "kind", 3), (LEVEL, levels, "admin_level", 4)):
            if not texts[index]:
                err(column, REQUIRED)
                continue
            try:
                values[key] = codes.parse(texts[index])
            except CellError as exc:
                err(column, str(exc))
        for column, key, index in ((VALID_FROM, "valid_from", 5), (VALID_TO, "valid_to", 6)):
            try:
                values[key] = parse_date(cells[index])
            except CellError as exc:
                err(column, str(exc))
        if values.get("valid_from") and values.get("valid_to") and values["valid_to"] <= values["valid_from"]:
            err(
                VALID_TO,
                _("Ngày hết hiệu lực (%(to)s) phải sau ngày hiệu lực (%(from)s).") % {
                    "to": f"{values['valid_to']:%d/%m/%Y}", "from": f"{values['valid_from']:%d/%m/%Y}",
                },
            )
        old = existing.get(code)
        if values.get("admin_level") == AdminLevel.HUYEN and not values.get("valid_to") and (
            old is None or old["admin_level"] != AdminLevel.HUYEN
        ):
            err(LEVEL, _("Cấp huyện đã bãi bỏ từ 01/07/2025: chỉ nhập đơn vị cấp huyện đã hết hiệu lực "
                         "(ghi ngày hết hiệu lực)."))
        if values.get("kind") == UnitKind.UBND_HUYEN and not values.get("valid_to") and (
            old is None or old["kind"] != UnitKind.UBND_HUYEN
        ):
            err(KIND, _("UBND huyện đã bãi bỏ từ 01/07/2025: chỉ nhập đơn vị đã hết hiệu lực (ghi ngày hết hiệu lực)."))
        if code and code not in seen:
            seen[code] = row_no
        errors.extend(row_errors)
        parsed.append((row_no, code, values, not row_errors))

    errors.extend(_check_tree([p for p in parsed if p[3]], existing, scope))
    errors.sort(key=lambda e: e.row)
    report = ImportReport(kind="units", rows=len(parsed))
    if errors:
        report.errors = errors
        raise ImportFailed(errors, rows=report.rows)

    changes = []
    for row_no, code, values, _ok in parsed:
        old = existing.get(code)
        if old is None:
            report.created += 1
            diff = [f"{k}: {v}" for k, v in values.items() if v not in (None, "")]
            changes.append((row_no, code, values, "create", diff))
            continue
        diff = []
        current = {"name": old["name"], "parent_code": old["parent__code"], "kind": old["kind"],
                   "admin_level": old["admin_level"], "valid_from": old["valid_from"], "valid_to": old["valid_to"]}
        for key in FIELDS:
            if current[key] != values[key]:
                diff.append(f"{key}: {_show(current[key])} → {_show(values[key])}")
        if diff:
            report.changed += 1
            changes.append((row_no, code, values, "update", diff))
        else:
            report.unchanged += 1
    report.preview = [
        {"row": r, "code": c, "name": v["name"], "action": a, "changes": d} for r, c, v, a, d in changes[:PREVIEW_ROWS]
    ]
    if dry_run or not changes:
        report.saved = not dry_run
        return report
    _save(changes)
    report.saved = True
    return report


def _show(value):
    if value is None or value == "":
        return "∅"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _check_tree(parsed, existing, scope):
    """The final tree (database + file) must have no cycles, and every row must sit inside the user's scope."""
    errors = []
    parent_of = {code: u["parent__code"] for code, u in existing.items()}
    for _row, code, values, _ok in parsed:
        parent_of[code] = values["parent_code"]
    for row_no, code, values, _ok in parsed:
        seen, node = {code}, values["parent_code"]
        while node is not None:
            if node in seen:
                errors.append(
                    RowError(row_no, PARENT, values["parent_code"] or "",
                             _("Không thể đặt đơn vị trực thuộc chính nó hoặc một đơn vị cấp dưới của nó."))
                )
                break
            seen.add(node)
            node = parent_of.get(node)
    if scope.everything or errors:
        return errors
    # A unit officer may add or change units only below their own subtree's root, never the root itself.
    in_scope = {code for code, u in existing.items() if scope.unit_path and u["path"].startswith(scope.unit_path)}
    root_code = next((c for c, u in existing.items() if u["path"] == scope.unit_path), None)
    for row_no, code, values, _ok in parsed:
        parent = values["parent_code"]
        if code in existing and (code not in in_scope or code == root_code):
            message = _("Đơn vị %(code)s ngoài phạm vi quản lý của bạn.") % {"code": code}
            errors.append(RowError(row_no, CODE, code, message))
        elif parent is None or parent not in in_scope:
            errors.append(RowError(row_no, PARENT, parent or "", _("Đơn vị %(code)s ngoài phạm vi quản lý của bạn.")
                                   % {"code": parent or _("(gốc)")}))
        else:
            in_scope.add(code)
    return errors


@transaction.atomic
def _save(changes):
    """Create or update in file order (parents come first). Paths are re-read before each save because moving a unit
    re-roots its subtree in the database."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for _r, c, _v, _a, _d in changes])}
    for _row, code, values, _action, _diff in changes:
        unit = units.get(code) or Unit(code=code)
        if unit.pk:
            unit.path = Unit.objects.values_list("path", flat=True).get(pk=unit.pk)
        parent_code = values["parent_code"]
        unit.parent = Unit.objects.get(code=parent_code) if parent_code else None
        unit.name, unit.kind, unit.admin_level = values["name"], values["kind"], values["admin_level"]
        unit.valid_from, unit.valid_to = values["valid_from"], values["valid_to"]
        unit.save()
        units[code] = unit
