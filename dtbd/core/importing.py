"""Shared machinery of the Excel imports (units, staff): read the first sheet, check the header row exactly,
parse cells, collect every error as (row, column, value, message) and write rows in bulk.

An importer validates the whole file before anything is written; `ImportFailed` carries the full error list.
"""
import concurrent.futures
import contextlib
import datetime
import itertools
import logging
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .spreadsheet import SheetRefused, check_xlsx
from .text import fold, fold_code

# Lazy: translated into the language active when a message is built (RowError stores plain text).
REQUIRED = gettext_lazy("Ô bắt buộc, không được để trống.")
DATE_FORMAT = gettext_lazy("Ngày phải là ngày Excel hoặc văn bản dạng dd/mm/yyyy.")
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
logger = logging.getLogger(__name__)


def not_an_xlsx(detail) -> "ImportFailed":
    """The refusal of a file the reader cannot open (not a zip, truncated, corrupt): a Vietnamese message for the
    user; the reader's own (English, technical) explanation goes to the log only."""
    logger.warning("unreadable .xlsx upload: %s", detail)
    return ImportFailed([RowError(0, "", "", _(
        "Không đọc được tệp Excel (.xlsx): tệp không phải là tệp .xlsx hợp lệ hoặc đã bị hỏng. Hãy mở tệp bằng "
        "Excel, lưu lại dưới dạng “Excel Workbook (.xlsx)” rồi tải lên lại."))])


@dataclass(frozen=True)
class RowError:
    """One problem in the file: Excel row number (1 = header), column header, the cell as written, message (in the
    language active when the error was found; Vietnamese by default)."""

    row: int
    column: str
    value: str
    message: str

    def __post_init__(self):
        # A lazy message (REQUIRED, DATE_FORMAT) becomes plain text now: reports are stored as JSON.
        object.__setattr__(self, "message", str(self.message))

    def __str__(self):
        if not self.row:  # the file as a whole (unreadable, empty sheet)
            return self.message
        if not self.column:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)s, cột '%(column)s': '%(value)s' — %(message)s") % {
            "row": self.row, "column": self.column, "value": self.value, "message": self.message,
        }

    def as_dict(self):
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class ImportFailed(Exception):
    """Every error of a refused file; `rows`: how many data rows the file has (shown with the errors)."""

    def __init__(self, errors, rows=0):
        self.errors = list(errors)
        self.rows = rows
        super().__init__(_("%(count)s lỗi") % {"count": len(self.errors)})


class CellError(ValueError):
    """Raised by a cell parser; the importer turns it into a RowError with the row and column."""


@dataclass
class ImportReport:
    """What an import found (and, unless a dry run, did)."""

    kind: str
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)  # [{"row", "code", "name", "action", "changes": [..]}]
    saved: bool = False

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        text = _("%(rows)s dòng: %(created)s thêm mới, %(changed)s thay đổi, %(unchanged)s không đổi") % {
            "rows": self.rows, "created": self.created, "changed": self.changed, "unchanged": self.unchanged,
        }
        return text if self.saved else text + _(" (chưa ghi vào cơ sở dữ liệu)")

    def as_dict(self):
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "preview": self.preview,
            "saved": self.saved,
        }


# ---------------------------------------------------------------- reading


def read_first_sheet(source):
    """All rows of the first sheet as lists of Python values ('' for empty cells). `source`: a path or a binary file.

    Before calamine opens it, `guard_workbook` refuses a file whose sheet would not fit in memory (calamine allocates
    every cell from A1 to the last used one) or whose zip parts inflate past the limit."""
    return read_first_sheet_meanwhile(source, None)[0]


def read_first_sheet_meanwhile(source, meanwhile):
    """read_first_sheet(source), and `meanwhile(rows)` called in this thread while calamine parses the sheet in
    another one: (sheet rows, what meanwhile returned). `rows` is the sheet's row count the guard found (None when it
    could not tell). calamine's parse (Rust) runs without the GIL, so work that does not need the file — reading
    what the database holds — is done on a second core at no cost in time. meanwhile=None: no thread."""
    from python_calamine import CalamineWorkbook

    if hasattr(source, "read") and not (hasattr(source, "seekable") and source.seekable()):
        import io

        source = io.BytesIO(source.read())
    extent = guard_workbook(source)

    def parse():
        try:
            if hasattr(source, "read"):
                workbook = CalamineWorkbook.from_filelike(source)
            else:
                workbook = CalamineWorkbook.from_path(str(source))
            return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except BaseException as exc:
            # calamine raises its own error types for every kind of unreadable file; a panic inside it (Rust)
            # arrives as pyo3's PanicException, a BaseException: an unreadable file too. Interrupts and exits pass.
            if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                raise
            raise not_an_xlsx(f"{type(exc).__name__}: {exc}") from exc

    if meanwhile is None:
        return parse(), None
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine") as pool:
        # to_python() holds the GIL while it builds the lists: it runs in that thread after the parse, so this
        # thread's work and it only share the GIL at the end.
        parsing = pool.submit(parse)
        try:
            result = meanwhile(extent[0] if extent else None)
        finally:
            concurrent.futures.wait([parsing])  # never leave calamine reading a file the caller may close
        return parsing.result(), result


def import_limits():
    """(max cells of the first sheet's grid counted from A1, max decompressed bytes of one zip part): settings
    DTBD_IMPORT_MAX_CELLS and DTBD_IMPORT_MAX_XML_BYTES (environment variables of the same names)."""
    return (int(getattr(settings, "DTBD_IMPORT_MAX_CELLS", 20_000_000)),
            int(getattr(settings, "DTBD_IMPORT_MAX_XML_BYTES", 1 << 30)))


def guard_workbook(source, sheet=None):
    """Raise ImportFailed (one file-level error, in Vietnamese) when the workbook may not be handed to calamine:
    first sheet larger than DTBD_IMPORT_MAX_CELLS cells (rows × columns from A1), a zip part inflating past
    DTBD_IMPORT_MAX_XML_BYTES, or a format other than .xlsx (.xls, .ods, .xlsb). `sheet`: guard that sheet (by
    name) instead of the first one, when the workbook has it. Returns (rows, columns) for an
    .xlsx, None for content calamine will refuse by itself. A file-like `source` is left where it was."""
    max_cells, max_bytes = import_limits()
    try:
        return check_xlsx(source, max_cells, max_bytes, sheet)
    except SheetRefused as refused:
        d = refused.details

        def n(value):
            return number_format(value, force_grouping=True)

        if refused.reason == "extent" and d.get("cells"):
            message = _("Tệp có quá nhiều ô: hơn %(cells)s ô trong trang tính (tối đa %(limit)s ô).") % {
                "cells": n(d["cells"]), "limit": n(d["limit"])}
        elif refused.reason == "extent":
            message = _("Tệp có vùng dữ liệu quá lớn: %(rows)s dòng × %(columns)s cột (tối đa %(limit)s ô). "
                        "Hãy xoá các ô thừa ở xa vùng dữ liệu rồi tải lên lại.") % {
                "rows": n(d["rows"]), "columns": n(d["columns"]), "limit": n(d["limit"])}
        elif refused.reason == "bytes":
            message = _("Tệp có phần “%(part)s” quá lớn khi giải nén (hơn %(limit)s MB).") % {
                "part": d["part"], "limit": n(d["limit"] // (1 << 20))}
        elif refused.reason == "format":
            kinds = {"xls": _("tệp .xls (Excel 97-2003)"), "ods": _("tệp OpenDocument (.ods)"),
                     "xlsb": _("tệp Excel nhị phân (.xlsb)")}
            kind = kinds.get(d["kind"])
            if kind:
                message = _("Không đọc được tệp Excel (.xlsx): đây là %(kind)s. Hãy mở bằng Excel và lưu lại "
                            "dưới dạng .xlsx.") % {"kind": kind}
            else:
                message = _("Không đọc được tệp Excel (.xlsx): tệp nén không chứa bảng tính .xlsx.")
        else:
            raise not_an_xlsx(d.get("detail", "")) from refused
        raise ImportFailed([RowError(0, "", "", message)]) from refused


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\n\r]")


def clean_text(text) -> str:
    """Text of a cell without control characters (they are invisible in Excel and cannot be stored in PostgreSQL
    text, NUL in particular): tabs and line breaks (Alt+Enter) become spaces, the others are dropped; NFC, trimmed."""
    if not text.isprintable():
        text = _CONTROL.sub("", _BREAKS.sub(" ", text))
    return unicodedata.normalize("NFC", text).strip()


def cell_text(value) -> str:
    """A cell as trimmed text without control characters; whole numbers lose their '.0'."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


def check_headers(header_row, expected) -> list:
    """The header row must be exactly `expected` (case and accents included), in order."""
    actual = [cell_text(v) for v in header_row]
    while actual and actual[-1] == "":
        actual.pop()
    errors = []
    expected_set = set(expected)
    for i, name in enumerate(expected):
        got = actual[i] if i < len(actual) else ""
        if got == name:
            continue
        # Header names are the file format: never translated, only quoted.
        if got == "":
            message = _("Thiếu cột '%(name)s' (cột thứ %(position)s).") % {"name": name, "position": i + 1}
        elif got in expected_set:
            message = _("Sai thứ tự cột: cột thứ %(position)s phải là '%(name)s', tệp có '%(got)s'.") % {
                "position": i + 1, "name": name, "got": got,
            }
        elif fold(got) == fold(name):
            message = _("Tên cột phải viết đúng là '%(name)s' (chữ hoa, dấu tiếng Việt).") % {"name": name}
        else:
            message = _("Cột thứ %(position)s phải là '%(name)s'.") % {"position": i + 1, "name": name}
        errors.append(RowError(1, name, got, message))
    for i in range(len(expected), len(actual)):
        if actual[i]:
            message = _("Cột thừa (cột thứ %(position)s): mẫu chỉ có %(count)s cột.") % {
                "position": i + 1, "count": len(expected),
            }
            errors.append(RowError(1, actual[i], actual[i], message))
    return errors


def data_rows(rows, width):
    """(excel_row_number, cells padded to width) for every non-empty row after the header."""
    for index in range(1, len(rows)):
        cells = rows[index]
        # Empty cells are "" (falsy); a row of only 0 / FALSE cells is not empty.
        if not any(cells) and all(cell is None or cell == "" for cell in cells):
            continue
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        yield index + 1, cells


def count_data_rows(rows) -> int:
    """How many data rows (non-empty rows after the header) `data_rows` reads, whether they are valid or not."""
    return sum(1 for _row in data_rows(rows, 0))


# ---------------------------------------------------------------- cell parsers


def parse_date(value):
    """A real Excel date, or text dd/mm/yyyy. Empty -> None. Raises CellError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE_TEXT.match(str(value))
    if not match:
        raise CellError(str(DATE_FORMAT))
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("Ngày %(date)s không tồn tại.") % {"date": f"{day:02d}/{month:02d}/{year}"}) from None


class Codes:
    """A coded column: accepts the code or its Vietnamese label, compared without accents, case, spaces or '_'."""

    def __init__(self, choices, aliases=None):
        with translation.override("vi"):
            pairs = [(str(code), str(label)) for code, label in choices]
        self.codes = [code for code, _label in pairs]
        self._lookup = {}
        for code, label in pairs:
            self._lookup[fold_code(label)] = code
        for alias, code in (aliases or {}).items():
            self._lookup[fold_code(alias)] = code
        for code in self.codes:
            self._lookup[fold_code(code)] = code
        # Text -> code of every text parsed so far: a caller parsing many cells may look a text up here first (a hit
        # is what parse() returns) and call parse() on a miss.
        self.known = {}

    def message(self):
        return _("Giá trị không hợp lệ; chọn một trong: %(codes)s.") % {"codes": ", ".join(self.codes)}

    def parse(self, text):
        """Text -> code; '' -> ''. Raises CellError."""
        if not text:
            return ""
        try:
            return self.known[text]
        except KeyError:
            pass
        code = self._lookup.get(fold_code(text))
        if code is None:
            raise CellError(self.message())
        self.known[text] = code
        return code


# ---------------------------------------------------------------- bulk writes


# Sent by insert_rows before it writes rows (bulk writes send no model signals), sender = the model: the dashboard's
# summary tables (reports.signals) mark their figures out of date in the same transaction.
rows_inserted = Signal()


def insert_rows(model, fields, rows, batch_size=5000, constants=None):
    """INSERT many rows of `model` (field names, tuples of values already in Python form) without model instances or
    model signals (`rows_inserted` is sent). `constants`: {field name: value} the same for every row, given once
    instead of in each tuple (fields with a default that are neither given nor constant get their default that way).
    PostgreSQL: COPY. SQLite: multi-row INSERTs (as many rows per statement as its parameter limit allows, the
    constants bound once per statement; the build's own parameter limit, not Django's 999), several times fewer
    statement steps than one INSERT per row. Dates and
    datetimes go through the driver's adapters."""
    if not rows:
        return
    rows_inserted.send(sender=model)
    opts = model._meta
    constants = dict(constants or {})
    given = {opts.get_field(name).attname for name in (*fields, *constants)}
    for f in opts.concrete_fields:
        if (not f.primary_key and f.attname not in given and not f.null and (f.has_default() or f.empty_strings_allowed)
                and not getattr(f, "auto_now_add", False) and not getattr(f, "auto_now", False)):
            constants[f.name] = f.get_default()
    names = tuple(fields) + tuple(constants)
    tail = tuple(constants.values())
    columns = ", ".join(connection.ops.quote_name(opts.get_field(name).column) for name in names)
    table = connection.ops.quote_name(opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT batches on PostgreSQL (psycopg 3 adapts each value).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                write = copy.write_row
                if tail:
                    for row in rows:
                        write(row + tail)
                else:
                    for row in rows:
                        write(row)
            _pause_for_crash_test(len(rows))
            return
        width = len(fields)
        one = "(" + ", ".join(["?"] * width) + ")"

        def statement(count):
            values = ", ".join([one] * count)
            if tail:
                return (f"INSERT INTO {table} ({columns}) SELECT *, {', '.join(['?'] * len(tail))} "
                        f"FROM (VALUES {values})")
            return f"INSERT INTO {table} ({columns}) VALUES {values}"

        # The statements are written with sqlite3's own placeholders and given to its cursor directly (its errors
        # still raised as Django's): Django's wrapper would rewrite every "%s" of a statement of thousands of them
        # on each call, a tenth of the time.
        raw = cursor.cursor

        def executemany(sql, params):
            with connection.wrap_database_errors:
                sqlite3.Cursor.executemany(raw, sql, params)

        def execute(sql, params):
            with connection.wrap_database_errors:
                sqlite3.Cursor.execute(raw, sql, params)

        # The SQLite build's own limit on parameters (32.766 since SQLite 3.32; Django assumes 999).
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(500, (limit - len(tail)) // width))
        full = statement(per)
        head = list(tail)
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            flat = list(itertools.chain.from_iterable(batch))
            step = per * width
            whole = len(batch) // per * step
            if whole:
                executemany(full, [head + flat[i : i + step] for i in range(0, whole, step)])
            if whole < len(flat):
                execute(statement(len(batch) % per), head + flat[whole:])
            _pause_for_crash_test(len(batch))


# A table's indexes are rebuilt after a load (below) when the load brings at least this many rows and at least as many
# as the table holds: under that the per-row index updates cost less than a rebuild's scan and sort. The environment
# variable DTBD_IMPORT_REBUILD_INDEXES_FROM overrides it (the crash-safety test kills an import after the drop).
REBUILD_INDEXES_FROM = 20_000


@contextlib.contextmanager
def indexes_rebuilt_after(adding):
    """Around a large load on SQLite, inside its transaction: `adding` maps each model to the number of rows the block
    is about to insert. The secondary indexes of every table that the load will at least double are dropped here and
    created again, from their own SQL, when the block ends: one sort per index instead of one B-tree descent per row
    and index (a 100.000-row first staff import writes in ≈ 4,0 s instead of ≈ 4,5 s, docs/benchmarks.md).

    Nothing changes for anyone else, because it is all the one transaction: another connection keeps its snapshot,
    indexes included, until the commit (WAL), and writers wait for the write lock anyway; a unique index the new rows
    would break fails when it is created again, and the whole load rolls back with it; an exception inside the block
    rolls the drop back with the rest (no rebuild is attempted). The planner's statistics of the dropped indexes
    (sqlite_stat1) are put back. Elsewhere, and outside a transaction, it does nothing: on PostgreSQL DROP INDEX
    would lock the table against every reader until the commit."""
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    quote = connection.ops.quote_name
    least = int(os.environ.get("DTBD_IMPORT_REBUILD_INDEXES_FROM") or REBUILD_INDEXES_FROM)
    saved, stats = [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        has_stats = cursor.fetchone() is not None
        for model, count in adding.items():
            table = model._meta.db_table
            if not count or count < least:
                continue
            cursor.execute(f"SELECT coalesce(max(rowid) - min(rowid) + 1, 0) FROM {quote(table)}")  # ≥ its rows
            if cursor.fetchone()[0] > count:
                continue
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                           [table])
            indexes = cursor.fetchall()
            if has_stats and indexes:
                cursor.execute(f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = %s AND idx IN "
                               f"({', '.join(['%s'] * len(indexes))})", [table, *(name for name, _sql in indexes)])
                stats += cursor.fetchall()
            for name, sql in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
                saved.append(sql)
    yield
    if not saved:
        return
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)
        if stats:
            cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", stats)


_rows_written = 0


def _pause_for_crash_test(count):
    """Test hook of the crash-safety test (dtbd/people/tests/test_import_crash.py): with DTBD_IMPORT_PAUSE_AFTER_ROWS=N
    in the environment, once N rows have been written by this process the import creates the file
    DTBD_IMPORT_PAUSE_FILE and waits there, inside its open transaction, to be killed. Unset: does nothing."""
    global _rows_written
    limit = os.environ.get("DTBD_IMPORT_PAUSE_AFTER_ROWS")
    if not limit:
        return
    _rows_written += count
    if _rows_written >= int(limit):
        import time

        Path(os.environ["DTBD_IMPORT_PAUSE_FILE"]).write_text(str(_rows_written))
        time.sleep(120)


def db_now():
    """The current time in the form the database stores (for auto_now fields written by insert_rows)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def chunks(items, size=900):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportCommandMixin:
    """`dtbd import-units|import-staff FILE.xlsx [--dry-run]`: exit 0 with a summary, or 1 with every error on stderr.
    A command sets `importer`: f(source, user=None, dry_run=False) -> ImportReport."""
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp .xlsx theo mẫu"))
        parser.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không ghi vào cơ sở dữ liệu"))

    def handle(self, *args, **options):
        import sys
        from pathlib import Path

        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(_("Không tìm thấy tệp %(path)s.") % {"path": path})
            sys.exit(1)
        try:
            report = self.importer(path, user=None, dry_run=options["dry_run"])
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            self.stderr.write(_("%(count)s lỗi: không ghi dữ liệu nào.") % {"count": len(failed.errors)})
            sys.exit(1)
        prefix = _("Kiểm tra (không ghi): ") if options["dry_run"] else _("Đã nhập: ")
        self.stdout.write(prefix + report.summary())
