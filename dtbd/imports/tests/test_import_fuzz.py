"""Fuzzing of the import path (read + validate + apply) with Hypothesis: whatever the file holds — any cell type
(text with any Unicode including control characters, huge numbers, NaN/inf, booleans, dates, times), wrong headers,
random bytes, text in random encodings, truncated or corrupted .xlsx zips, a workbook with no sheet — an import either
succeeds or raises the project's ImportFailed with readable row errors, and a refused import writes nothing.

Runs derandomized (the same examples on every run, on SQLite and PostgreSQL), each example in a rolled-back savepoint.
"""
import datetime
import io
import json
import math
import re
import zipfile
from unittest import mock

import pytest
import xlsxwriter
from auditlog.models import LogEntry
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dtbd.core.importing import ImportFailed, ImportReport, RowError
from dtbd.org import importing as unit_importing
from dtbd.org.models import Unit
from dtbd.people import importing as staff_importing
from dtbd.people import models as m
from dtbd.people.testing import make_person

TODAY = datetime.date(2026, 3, 15)

FUZZ = settings(
    max_examples=int(__import__("os").environ.get("DTBD_FUZZ_EXAMPLES", "100")),
    deadline=None,
    derandomize=not __import__("os").environ.get("DTBD_FUZZ_RANDOM"),  # reproducible in CI; no example database
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

STAFF_VALID = {
    "Mã cán bộ": "CB001", "Họ và tên": "Nguyễn Văn An", "Ngày sinh": datetime.date(1985, 5, 17), "Giới tính": "NAM",
    "Dân tộc": "Kinh", "Số CCCD": "001085123456", "Mã đơn vị": "SO_A", "Loại": "CC", "Mã ngạch": "01.003",
    "Chức vụ": "Trưởng phòng", "Cấp chức vụ": "TP", "Vị trí việc làm": "Chuyên viên tổ chức",
    "Trình độ chuyên môn": "DH", "Chuyên ngành": "Luật", "Lý luận chính trị": "TC", "Quản lý nhà nước": "CV",
    "Bồi dưỡng lãnh đạo quản lý": "CAP_PHONG", "Ngoại ngữ": "Tiếng Anh B1", "Tin học": "CO_BAN",
    "Ngày tuyển dụng": "01/09/2008", "Đảng viên": "CO", "Ngày vào Đảng": "03/02/2012", "Quy hoạch": "PGD",
    "Email": "an.nv@example.vn", "Điện thoại": "0912345678",
}
UNIT_VALID = {
    "Mã đơn vị": "SO_MOI", "Tên đơn vị": "Sở Mới", "Mã đơn vị cấp trên": "T01", "Loại đơn vị": "SO_NGANH",
    "Cấp hành chính": "TINH", "Ngày hiệu lực": "01/07/2025", "Ngày hết hiệu lực": "",
}

# ---------------------------------------------------------------- strategies

any_text = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=40)
control_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=10)
# Text that multiplies under folding (casefold of ligatures, ß) or is long: the stored folded copies must still fit.
growing_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["ﬃ", "ß", "ǅ", "İ", "ẞ", "a"]), st.integers(1, 300))
any_cell = st.one_of(
    st.just(""),
    st.none(),
    any_text,
    control_text,
    growing_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(["01/01/0001", "31/12/9999", "29/02/2023", "00/00/0000", "١٢/٠٣/١٩٩٠", "1/1/1900", " ", "\t",
                     "=1+1", "%s %(row)s {0}", "Tiếng " + "Anh" * 30 + " B1", "x@y.z" + "w" * 300, "٠٩١٢٣٤٥٦٧٨"]),
)


word = st.text(st.characters(codec=None, exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=80)
long_word = st.one_of(word, growing_text)
digits = st.text(st.characters(categories=("Nd",)), min_size=9, max_size=13)
# Values close to what each column accepts (so that they pass the checks and reach the database writes).
NEAR_VALID = {
    "Họ và tên": long_word,
    "Tên đơn vị": long_word,
    "Chức vụ": long_word,
    "Vị trí việc làm": long_word,
    "Chuyên ngành": long_word,
    "Ngoại ngữ": st.builds(lambda name, level: f"Tiếng {name} {level}", long_word, st.sampled_from(["B1", "3", "c2"])),
    "Email": st.builds(lambda a, b: f"{a}@{b}.vn", long_word, long_word),
    "Điện thoại": st.one_of(st.builds("0{}".format, digits), st.builds("+84{}".format, digits), st.floats(0, 1e10)),
    "Số CCCD": st.one_of(digits, st.integers(0, 10**13), st.floats(0, 1e13)),
    "Ngày sinh": st.one_of(st.dates(), st.datetimes(), st.dates().map(lambda d: f"{d:%d/%m/%Y}")),
    "Ngày tuyển dụng": st.one_of(st.dates(), st.datetimes(), st.dates().map(lambda d: f"{d:%d/%m/%Y}")),
    "Ngày vào Đảng": st.one_of(st.dates(), st.dates().map(lambda d: f"{d:%d/%m/%Y}")),
    "Ngày hiệu lực": st.one_of(st.dates(), st.dates().map(lambda d: f"{d:%d/%m/%Y}")),
    "Ngày hết hiệu lực": st.one_of(st.dates(), st.dates().map(lambda d: f"{d:%d/%m/%Y}")),
    "Quy hoạch": st.lists(st.sampled_from(["TP", "PGD", "gd", "Trưởng phòng", "", " "]), max_size=6).map(";".join),
    "Mã cán bộ": st.from_regex(r"[A-Za-z0-9._-]{1,30}", fullmatch=True),
    "Mã đơn vị cấp trên": st.sampled_from(["T01", "SO_A", "SO_MOI0", "SO_MOI1", "XA01", ""]),
}


def rows_strategy(valid, headers):
    """A header row (usually right, sometimes wrong) and 1–4 rows: mostly a valid row (own code, no duplicate ID)
    with up to three cells replaced by random values, so that many examples get through validation to the writes;
    sometimes every cell random."""
    code_column = headers[0]

    def valid_row(index):
        values = dict(valid, **{code_column: f"{valid[code_column]}{index}"})
        if "Số CCCD" in values and index:
            values["Số CCCD"] = ""
        return values

    def build(overrides_list):
        return [[{**valid_row(i), **overrides}[h] for h in headers] + extra
                for i, (overrides, extra) in enumerate(overrides_list)]

    def value_for(header):
        return st.one_of(any_cell, NEAR_VALID[header]) if header in NEAR_VALID else any_cell

    overrides = st.sampled_from(headers).flatmap(lambda h: st.tuples(st.just(h), value_for(h)))
    overrides = st.lists(overrides, max_size=3).map(dict)
    random_row = st.fixed_dictionaries({h: any_cell for h in headers})
    extra = st.one_of(st.just([]), st.lists(any_cell, max_size=3))
    rows = st.lists(st.tuples(st.one_of(overrides, overrides, overrides, random_row), extra), min_size=1,
                    max_size=4).map(build)
    header = st.one_of(
        st.just(list(headers)),
        st.just(list(headers)),
        st.just(list(headers)),
        st.lists(st.one_of(any_cell, st.sampled_from(headers)), max_size=len(headers) + 3),
        st.just(list(headers) + ["Cột thừa"]),
        st.just([h.upper() for h in headers]),
    )
    return st.tuples(header, rows)


def counts():
    models = (Unit, m.Person, m.UnitAssignment, m.CategoryAssignment, m.RankAssignment, m.PostAssignment,
              m.JobAssignment, m.PlannedPost, m.Qualification, m.JobPosition, LogEntry)
    return {model.__name__: model.objects.count() for model in models}


def check_outcome(run):
    """Run one import in a savepoint rolled back afterwards: it returns a report or raises ImportFailed with readable
    errors and, then, writes nothing. Any other exception fails the test."""
    with transaction.atomic():
        before = counts()
        try:
            report = run()
        except ImportFailed as failed:
            assert failed.errors
            for error in failed.errors:
                assert isinstance(error, RowError)
                assert isinstance(error.message, str) and error.message.strip()
                assert isinstance(error.value, str) and "\x00" not in error.value
                str(error)  # prints
            json.dumps([e.as_dict() for e in failed.errors])  # storable (import job reports)
            assert counts() == before
        else:
            event("imported")
            assert isinstance(report, ImportReport)
            json.dumps(report.as_dict())
        transaction.set_rollback(True)


def _rows_reader(rows):
    return _staff_reader(rows), mock.patch.object(unit_importing, "read_first_sheet", return_value=rows)


def _staff_reader(rows):
    """The staff import's reader giving `rows`, and nothing read from the database meanwhile."""
    return mock.patch.object(staff_importing, "read_first_sheet_meanwhile", return_value=(rows, None))


@pytest.fixture
def existing(tree):
    make_person(tree.so_a, code="CB001", full_name="Nguyễn Văn An", citizen_id="001085123456")
    return tree


# ---------------------------------------------------------------- rows as the reader returns them


@FUZZ
@given(data=rows_strategy(STAFF_VALID, staff_importing.HEADERS))
def test_staff_import_of_any_cells_succeeds_or_fails_cleanly(existing, data):
    header, rows = data
    with _staff_reader([header, *rows]):
        check_outcome(lambda: staff_importing.import_staff(io.BytesIO(b""), today=TODAY))


@FUZZ
@given(data=rows_strategy(UNIT_VALID, unit_importing.HEADERS))
def test_unit_import_of_any_cells_succeeds_or_fails_cleanly(existing, data):
    header, rows = data
    with mock.patch.object(unit_importing, "read_first_sheet", return_value=[header, *rows]):
        check_outcome(lambda: unit_importing.import_units(io.BytesIO(b"")))


# ---------------------------------------------------------------- real files


def xlsx_bytes(rows, sheets=1):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for index in range(sheets):
        sheet = book.add_worksheet(f"S{index}")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)) and math.isfinite(value):
                    sheet.write_number(r, c, value)
                elif isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
                    try:
                        sheet.write_datetime(r, c, value, date)
                    except Exception:  # outside Excel's date range (before 1900): written as text
                        sheet.write_string(r, c, str(value))
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


VALID_FILE = xlsx_bytes([list(staff_importing.HEADERS), [STAFF_VALID[h] for h in staff_importing.HEADERS]])


def rezip(data, change):
    """The zip entries of an .xlsx, passed through change(name, bytes) -> bytes or None (dropped)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return buffer.getvalue()


def no_sheets(name, content):
    if name == "xl/workbook.xml":
        return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", content, flags=re.S)
    if name.startswith("xl/worksheets/"):
        return None
    return content


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1258", "latin-1", "cp1252", "shift_jis", "gb18030"]
csv_text = st.lists(st.lists(any_text, max_size=5).map(lambda cells: ",".join(cells)), max_size=5).map("\n".join)
file_bytes = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda text, enc: (",".join(staff_importing.HEADERS) + "\n" + text).encode(enc, "replace"),
              csv_text, st.sampled_from(ENCODINGS)),
    st.builds(lambda n: VALID_FILE[:n], st.integers(0, len(VALID_FILE))),
    st.builds(lambda pos, byte: VALID_FILE[:pos] + bytes([byte]) + VALID_FILE[pos + 1:],
              st.integers(0, len(VALID_FILE) - 1), st.integers(0, 255)),
    st.builds(lambda victim: rezip(VALID_FILE, lambda name, c: None if name == victim else c),
              st.sampled_from([i.filename for i in zipfile.ZipFile(io.BytesIO(VALID_FILE)).infolist()])),
    st.builds(lambda junk: rezip(VALID_FILE, lambda name, c: c[: len(c) // 2] + junk if name.startswith("xl/") else c),
              st.binary(max_size=50)),
    st.just(rezip(VALID_FILE, no_sheets)),
    st.builds(lambda data: xlsx_bytes([data[0], *data[1]]), rows_strategy(STAFF_VALID, staff_importing.HEADERS)),
)


@FUZZ
@given(data=file_bytes, kind=st.sampled_from(["staff", "units"]))
def test_any_file_bytes_import_or_fail_cleanly(existing, data, kind):
    if kind == "staff":
        check_outcome(lambda: staff_importing.import_staff(io.BytesIO(data), today=TODAY))
    else:
        check_outcome(lambda: unit_importing.import_units(io.BytesIO(data)))


# ---------------------------------------------------------------- named cases the fuzzing found


def refused(source, kind="staff"):
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        if kind == "staff":
            staff_importing.import_staff(source, today=TODAY)
        else:
            unit_importing.import_units(source)
    assert counts() == before
    return caught.value.errors


def test_workbook_without_sheets_is_refused_in_vietnamese(existing):
    errors = refused(io.BytesIO(rezip(VALID_FILE, no_sheets)))
    assert [e.row for e in errors] == [0]
    assert "Không đọc được tệp Excel" in errors[0].message


def test_csv_text_is_refused_as_not_an_excel_file(existing):
    errors = refused(io.BytesIO((",".join(staff_importing.HEADERS) + "\nCB9,Tên\n").encode("utf-16")))
    assert "Không đọc được tệp Excel" in errors[0].message


@pytest.mark.parametrize("ref", ["BXX200000", "XFD1048576", "ZZ300000", "XFD2000"])
def test_valid_file_with_one_cell_far_away_is_refused_before_reading(existing, ref):
    """One stray cell far from the data would make the reader allocate every cell from A1 to it (GBs): refused
    from the sheet's XML first (dtbd/core/tests/test_import_limits.py has the memory-bounded checks)."""
    far = f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}"><v>1</v></c></row></sheetData>'
    data = rezip(VALID_FILE, lambda name, content: content.replace(b"</sheetData>", far.encode())
                 if name.startswith("xl/worksheets/") else content)
    for kind in ("staff", "units"):
        errors = refused(io.BytesIO(data), kind)
        assert [e.row for e in errors] == [0]
        assert errors[0].message.startswith("Tệp có vùng dữ liệu quá lớn: ")


# One column of a valid row replaced by a value close to what the column accepts: the writes are reached often.
TEXT_LIMIT_COLUMNS = ["Họ và tên", "Vị trí việc làm", "Ngoại ngữ", "Email", "Chức vụ", "Chuyên ngành", "Điện thoại",
                      "Số CCCD", "Ngày sinh", "Ngày tuyển dụng", "Ngày vào Đảng", "Quy hoạch"]


@FUZZ
@given(column_value=st.sampled_from(TEXT_LIMIT_COLUMNS).flatmap(lambda h: st.tuples(st.just(h), NEAR_VALID[h])))
def test_staff_import_of_near_valid_values_succeeds_or_fails_cleanly(existing, column_value):
    column, value = column_value
    row = {**STAFF_VALID, "Mã cán bộ": "CB900", "Số CCCD": "", column: value}
    rows = [list(staff_importing.HEADERS), [row[h] for h in staff_importing.HEADERS]]
    with _staff_reader(rows):
        check_outcome(lambda: staff_importing.import_staff(io.BytesIO(b""), today=TODAY))


@FUZZ
@given(name=NEAR_VALID["Tên đơn vị"])
def test_unit_import_of_near_valid_names_succeeds_or_fails_cleanly(existing, name):
    row = {**UNIT_VALID, "Tên đơn vị": name}
    rows = [list(unit_importing.HEADERS), [row[h] for h in unit_importing.HEADERS]]
    with mock.patch.object(unit_importing, "read_first_sheet", return_value=rows):
        check_outcome(lambda: unit_importing.import_units(io.BytesIO(b"")))


LIMIT_CASES = [
    ("Ngoại ngữ", "Tiếng " + "Anh" * 30 + " B1", "Tên ngoại ngữ dài quá 60 ký tự."),
    ("Họ và tên", "ﬃ" * 100, "Họ và tên quá dài: khi bỏ dấu để tìm kiếm thành 300 ký tự, tối đa 120."),
    ("Email", "a" * 300 + "@x.vn", "Email dài quá 254 ký tự."),
    ("Vị trí việc làm", "ß" * 200, "Vị trí việc làm quá dài: khi bỏ dấu để tìm kiếm thành 400 ký tự, tối đa 255."),
]


@pytest.mark.parametrize("column, value, message", LIMIT_CASES)
def test_values_longer_than_their_columns_are_refused_not_crashing_on_postgresql(existing, column, value, message):
    """Found by the fuzzing on PostgreSQL (SQLite ignores varchar lengths): these got through validation and the COPY
    failed with 'value too long', a server error instead of an import error."""
    row = {**STAFF_VALID, "Mã cán bộ": "CB901", "Số CCCD": "", column: value}
    rows = [list(staff_importing.HEADERS), [row[h] for h in staff_importing.HEADERS]]
    with _staff_reader(rows):
        errors = refused(io.BytesIO(b""))
    assert [(e.row, e.column, e.message) for e in errors] == [(2, column, message)]


def test_unit_name_whose_folded_copy_is_too_long_is_refused(existing):
    row = {**UNIT_VALID, "Tên đơn vị": "ﬃ" * 100}
    rows = [list(unit_importing.HEADERS), [row[h] for h in unit_importing.HEADERS]]
    with mock.patch.object(unit_importing, "read_first_sheet", return_value=rows):
        errors = refused(io.BytesIO(b""), kind="units")
    assert [(e.row, e.column) for e in errors] == [(2, "Tên đơn vị")]
    assert "tối đa 255" in errors[0].message


def test_control_characters_are_dropped_and_line_breaks_become_spaces(existing):
    """Found by the fuzzing: a NUL in a cell went into the error value (not storable as PostgreSQL text/jsonb) and
    into saved names (PostgreSQL refuses NUL in text)."""
    row = {**STAFF_VALID, "Mã cán bộ": "CB902", "Số CCCD": "", "Họ và tên": "Nguyễn\x00 Văn\nBình\x07",
           "Cấp chức vụ": "\x00"}
    rows = [list(staff_importing.HEADERS), [row[h] for h in staff_importing.HEADERS]]
    with _staff_reader(rows):
        staff_importing.import_staff(io.BytesIO(b""), today=TODAY)
    assert m.Person.objects.get(code="CB902").full_name == "Nguyễn Văn Bình"


def test_a_row_of_only_zero_and_false_cells_is_checked_not_skipped(existing):
    rows = [list(staff_importing.HEADERS), [0, False] + [""] * 23]
    with _staff_reader(rows):
        errors = refused(io.BytesIO(b""))
    assert {(e.row, e.column) for e in errors} >= {(2, "Ngày sinh"), (2, "Giới tính"), (2, "Mã đơn vị")}
