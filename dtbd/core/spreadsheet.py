"""Shared spreadsheet machinery: one cell writer and one formula-injection guard for every export, and the size
guard every upload passes before python-calamine reads it."""
import datetime
import posixpath
import re
import zipfile
from operator import itemgetter

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (formula injection)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def write_cell(sheet, row, col, value, date_format, guard=True):
    """Write `value` with its proper type: dates as real Excel dates (dd/mm/yyyy), numbers as numbers, text as text
    (guarded against formula injection unless guard=False). Empty values leave the cell blank."""
    if value is None or value == "":
        return
    if isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime(value.year, value.month, value.day), date_format)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(safe_text(value) if guard else value))


# ---------------------------------------------------------------- reading guard
#
# python-calamine allocates a dense grid for the sheet it reads — from A1 to the last used cell, ~30 bytes a cell in
# Rust and again ~40 in the Python lists of to_python(skip_empty_area=False), which pads from A1 even when the first
# used cell is far away — so a 5 KB .xlsx with one cell at row 200.000, column 2.000 costs ~12 GB. `check_xlsx` finds
# the extent of the sheet calamine will read without building anything: it streams the sheet's XML out of the zip in
# chunks and looks at every cell reference (never at <dimension>, which can lie either way).

CHUNK = 1 << 20
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
# A cell element (local name "c") not in the form every writer uses (Excel, LibreOffice, openpyxl, xlsxwriter: r
# first, double quotes, upper-case letters): prefixed, without r, r not first... Look-alikes in text match too
# (harmless: that file goes through the exact, slower scan).
# (Kept apart from the prefixed form: a pattern with a literal prefix is searched several times faster.)
_ODD_CELL = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Z]{1,3}[0-9]{1,7}"))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_CANON = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_REF = re.compile(r"^\s*([A-Za-z]+)([0-9]+)\s*$")
_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_REL_TAG = re.compile(r"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


class SheetRefused(Exception):
    """Why a workbook may not be opened. `reason`: "extent" (rows, columns, limit), "bytes" (part, limit), "format"
    (kind: "xls", "ods", "xlsb", "zip"), "unreadable" (detail)."""

    def __init__(self, reason, **details):
        self.reason = reason
        self.details = details
        super().__init__(reason, details)


def column_number(letters):
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27 (any case)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _attrs(text):
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(text)}


def _read_small(archive, name, max_bytes):
    return b"".join(_stream(archive, name, max_bytes)).decode("utf-8", "replace")


def _stream(archive, name, max_bytes):
    """The decompressed bytes of a zip member in chunks; refuses past max_bytes whatever the header declares
    (zipfile stops at the declared size and checks the CRC, so a lying header ends in BadZipFile)."""
    info = archive.getinfo(name)
    if info.file_size > max_bytes:
        raise SheetRefused("bytes", part=name, size=info.file_size, limit=max_bytes)
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise SheetRefused("bytes", part=name, size=total, limit=max_bytes)
            yield chunk


def first_sheet_part(archive, sheet_name=None):
    """The zip member of the first sheet (or of the sheet named `sheet_name`), as calamine picks it: the <sheet> of
    xl/workbook.xml, through its relationship in xl/_rels/workbook.xml.rels. None when that cannot be resolved."""
    import html

    names = set(archive.namelist())
    try:
        workbook = _read_small(archive, "xl/workbook.xml", 64 << 20)
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels", 64 << 20)
    except KeyError:
        return None
    sheets = [_attrs(m.group(1)) for m in _SHEET_TAG.finditer(workbook)]
    if sheet_name is not None:
        sheets = [attrs for attrs in sheets if html.unescape(attrs.get("name", "")) == sheet_name] or sheets
    if not sheets:
        return None
    sheet = sheets[0]
    rel_id = next((v for k, v in sheet.items() if k.rpartition(":")[2] == "id" and ":" in k), None)
    for rel in _REL_TAG.finditer(rels):
        attrs = _attrs(rel.group(1))
        if attrs.get("Id") == rel_id and attrs.get("Target") and attrs.get("Type", "").endswith("/worksheet"):
            path = _target(attrs["Target"])
            return path if path in names else None
    return None  # missing, or not a worksheet (chartsheet...): which sheet calamine reads is not certain


def worksheet_parts(archive):
    """Every zip member a worksheet relationship of xl/_rels/workbook.xml.rels or the xl/worksheets/ folder holds."""
    names = set(archive.namelist())
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _REL_TAG.finditer(_read_small(archive, "xl/_rels/workbook.xml.rels", 64 << 20)):
            attrs = _attrs(rel.group(1))
            if attrs.get("Target") and attrs.get("Type", "").endswith("/worksheet"):
                parts.add(_target(attrs["Target"]))
    return sorted(parts & names)


def _target(target):
    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))


def sheet_extent(open_chunks, max_cells):
    """(rows, columns) of a worksheet's XML counted from A1 (what calamine allocates); `open_chunks()` yields the XML
    in bytes chunks (called again for the exact scan). Raises SheetRefused("extent") as soon as rows × columns passes
    max_cells. Cells without a value count too (calamine skips them): an upper bound, never an underestimate."""
    rows = cols = 0
    carry = b""
    chunks = open_chunks()
    while True:
        chunk = next(chunks, None)
        buffer = carry + (chunk or b"")
        if chunk is None:
            segment, carry = buffer, b""
        else:
            # Every pattern starts with '<' or ':' and holds neither after its first byte: cutting at the last of
            # them (near the end) never splits a match; the rest is carried into the next chunk.
            start = max(0, len(buffer) - 64)
            cut = max(buffer.rfind(b"<", start), buffer.rfind(b":", start))
            if cut < 0:
                cut = len(buffer)
            segment, carry = buffer[:cut], buffer[cut:]
        if _PREFIXED_CELL.search(segment):  # a prefixed cell: exact scan from the start
            chunks.close()
            return _exact_extent(open_chunks(), max_cells)
        # Rows come in order in real files: guess the extent from the segment's last cell, then one search finds any
        # cell in another form or beyond the guess (no Python object per cell unless the guess was wrong).
        last = _CANON.match(segment, max(0, segment.rfind(b'<c r="')))
        guess_rows = max(rows, int(last.group(2))) if last else rows
        found = _beyond(guess_rows, cols).search(segment)
        if found and _ODD_CELL.match(segment, found.start()):  # a cell in another form: exact scan from the start
            chunks.close()
            return _exact_extent(open_chunks(), max_cells)
        if found:
            refs = _CANON.findall(segment)
            if _ODD_CELL.search(segment, found.start()):
                chunks.close()
                return _exact_extent(open_chunks(), max_cells)
            cols = max(cols, max(column_number(c.decode()) for c in set(map(itemgetter(0), refs))))
            rows = max(guess_rows, max(int(r) for r in set(map(itemgetter(1), refs))))
        else:
            rows = guess_rows
        _check(rows, cols, max_cells)
        if chunk is None:
            return rows, cols


def _not_greater(value, alphabet, first):
    """Regex (text) of the strings over `alphabet` (its characters in order) that do not pass `value`: shorter ones,
    or as long and not greater; their first character from `first` on (digits: no leading zero; letters: any). An
    empty `value`: none. Rows with a leading zero are thus left out: they go to the exact count (never missed)."""
    if not value:
        return "(?!)"
    low, high = alphabet[0], alphabet[-1]
    parts = []  # as long as value first (the cells near the extent guessed are most of them), then shorter
    for i, char in enumerate(value):
        start = first if i == 0 else low
        if char > start:  # a smaller character here, any after it
            rest = len(value) - i - 1
            parts.append(value[:i] + f"[{start}-{alphabet[alphabet.index(char) - 1]}]"
                         + (f"[{low}-{high}]{{{rest}}}" if rest else ""))
    parts.append(value)
    if len(value) > 1:  # possessive: no backtracking into it when a longer string follows
        parts.append(f"[{first}-{high}][{low}-{high}]{{0,{len(value) - 2}}}+")
    return "|".join(parts)


_DIGITS, _LETTERS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_beyond_cache = {}


def _beyond(rows, cols):
    """A cell start not in the canonical form, or a canonical cell past `rows` or `cols`: '<c' followed by a space,
    a tab, a line break, '/' or '>' and not by ' r="<column up to cols><row up to rows>"' — one look-ahead per cell,
    which fails fast on the cells within the extent (most of them)."""
    key = (rows, cols)
    if key not in _beyond_cache:
        if len(_beyond_cache) > 64:
            _beyond_cache.clear()
        cols_ok = _not_greater(_column_letters(cols), _LETTERS, "A") if cols else "(?!)"
        rows_ok = _not_greater(str(rows), _DIGITS, "1") if rows else "(?!)"
        _beyond_cache[key] = re.compile(
            (r'<c(?! r="(?:' + cols_ok + r')(?:' + rows_ok + r')")(?=[\t\n\r />])').encode())
    return _beyond_cache[key]


def _column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check(rows, cols, max_cells):
    if rows * cols > max_cells:
        raise SheetRefused("extent", rows=rows, columns=cols, limit=max_cells)


def _exact_extent(chunks, max_cells):
    """Cell positions as calamine works them out, with a real XML parser: a cell's r wins; a cell without r follows
    the previous cell of its row; a row without r follows the previous row. DTDs (entity tricks) are refused."""
    import xml.parsers.expat

    state = {"row": -1, "col": -1, "rows": 0, "cols": 0, "cells": 0}

    def start(name, attrs):
        local = name.rpartition(":")[2]
        if local == "row":
            number = attrs.get("r", "")
            state["row"] = int(number) - 1 if number.strip().isdigit() else state["row"] + 1
            state["col"] = -1
        elif local == "c":
            state["cells"] += 1
            match = _REF.match(attrs.get("r", ""))
            if match:
                row, col = int(match.group(2)) - 1, column_number(match.group(1)) - 1
            else:
                row, col = state["row"], state["col"] + 1
            state["col"] = col
            state["rows"] = max(state["rows"], row + 1)
            state["cols"] = max(state["cols"], col + 1)

    def refuse_dtd(*args):
        raise SheetRefused("unreadable", detail="DTD")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            _check(state["rows"], state["cols"], max_cells)
            if state["cells"] > max_cells:  # more cells than the largest allowed grid holds (bounds the scan's time)
                raise SheetRefused("extent", rows=state["rows"], columns=state["cols"], cells=state["cells"],
                                   limit=max_cells)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise SheetRefused("unreadable", detail=str(exc)) from exc
    finally:
        chunks.close()
    _check(state["rows"], state["cols"], max_cells)
    return state["rows"], state["cols"]


def check_xlsx(source, max_cells, max_bytes, sheet_name=None):
    """Refuse (SheetRefused) a workbook calamine would choke on, before it opens it: returns (rows, columns) of the
    first sheet (or of the sheet `sheet_name`, when the workbook has it) of an .xlsx. `source`: a path or a seekable binary file (left at its starting position). Non-zip,
    non-OLE content is left to calamine (it refuses it). .xls (OLE2) and other zips (.ods, .xlsb) are refused: their
    extent cannot be read as cheaply and the imports take .xlsx only."""
    if hasattr(source, "read"):
        position = source.tell()
        head = source.read(8)
        source.seek(position)
    else:
        with open(source, "rb") as handle:
            head = handle.read(8)
    if head.startswith(OLE2_MAGIC):
        raise SheetRefused("format", kind="xls")
    if not head.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            if len(names) != len(set(names)):  # which copy would calamine read? refuse
                raise SheetRefused("unreadable", detail="duplicate zip entries")
            if "xl/workbook.xml" not in names:
                kind = "ods" if "content.xml" in names else "xlsb" if "xl/workbook.bin" in names else "zip"
                raise SheetRefused("format", kind=kind)
            part = first_sheet_part(archive, sheet_name)
            parts = [part] if part else worksheet_parts(archive)  # unsure which one: every worksheet
            # Shared strings (and styles) are loaded whole by calamine: only their size matters.
            for name in ("xl/sharedStrings.xml", "xl/styles.xml"):
                if name in names:
                    for _chunk in _stream(archive, name, max_bytes):
                        pass
            extent = (0, 0)
            for name in parts:
                extent = max(extent, sheet_extent(lambda name=name: _stream(archive, name, max_bytes), max_cells))
            return extent
    except SheetRefused:
        raise
    except Exception as exc:  # noqa: BLE001 — a broken zip (bad CRC, zlib error, truncated, encrypted...)
        raise SheetRefused("unreadable", detail=str(exc) or type(exc).__name__) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(position)


def write_sheet(path, headers, rows):
    """Write a plain import file (header row + rows; date values become real Excel dates). For tests and benchmarks."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            write_cell(sheet, r, c, value, date, guard=False)
    book.close()
    return path
