"""The streaming .xlsx writer (dtbd.core.xlsxstream, docs/decisions/0004-streaming-xlsx-writer.md): what python-calamine
and LibreOffice read back — text with XML's special and forbidden characters, blanks kept, numbers, dates shown
dd/mm/yyyy, empty cells, the heading, the frozen panes — and the next sheet past the row limit."""
import csv
import datetime
import zipfile
from xml.etree import ElementTree

import pytest
from django.utils.safestring import SafeString
from python_calamine import CalamineWorkbook

from dtbd.core.testing import convert_with_libreoffice
from dtbd.core.xlsxstream import StreamingWorkbook, column_letters, date_serial, text_xml

HEADINGS = ["Mã", "Họ và tên", "Ngày sinh", "Số tiết", "Ghi chú & <khác>"]
ROWS = [
    ["TQ000001", "Nguyễn Thị Hồng Nhung", "1994-09-02", 40, "=1+1"],
    ["TQ000002", "  Lê Văn Bình ", datetime.date(1985, 5, 17), 2.5, 'a < b & c > "d"'],
    ["TQ000003", "Có\x01điều\rkhiển", None, None, "_x0041_ giữ nguyên"],
    ["TQ000004", "", datetime.date(1900, 3, 1), 0, None],
]


def write(path, rows=ROWS, **options):
    options.setdefault("date_columns", {2})
    with StreamingWorkbook(path, HEADINGS, widths=[12, 26, 12], freeze=(1, 2), **options) as book:
        book.write_rows(rows)
    return book


def test_calamine_reads_back_text_numbers_dates_and_empty_cells(tmp_path):
    path = tmp_path / "t.xlsx"
    book = write(path, sheet_name=lambda n: "Quá trình bồi dưỡng")
    assert book.rows_written == 4
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["Quá trình bồi dưỡng"]
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert sheet[0] == HEADINGS
    day = lambda *d: (datetime.date(*d), datetime.datetime(*d))  # noqa: E731 — calamine may give either
    first, second, third, fourth = sheet[1:]
    assert first[:2] == ["TQ000001", "Nguyễn Thị Hồng Nhung"] and first[2] in day(1994, 9, 2)
    assert first[3] == 40 and first[4] == "=1+1"  # text, never a formula
    assert second[1] == "  Lê Văn Bình " and second[2] in day(1985, 5, 17) and second[3] == 2.5
    assert second[4] == 'a < b & c > "d"'
    assert third[1] == "Có\x01điều\rkhiển" and third[2:4] == ["", ""] and third[4] == "_x0041_ giữ nguyên"
    assert fourth[1] == "" and fourth[2] in day(1900, 3, 1) and fourth[3] == 0 and fourth[4] == ""


def test_every_part_is_well_formed_xml_and_the_sheet_is_frozen_with_styled_dates(tmp_path):
    path = tmp_path / "t.xlsx"
    write(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert names == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/styles.xml", "xl/worksheets/sheet1.xml"}
        parts = {name: ElementTree.fromstring(archive.read(name)) for name in names}
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    pane = parts["xl/worksheets/sheet1.xml"].find(".//m:pane", ns)
    assert (pane.get("xSplit"), pane.get("ySplit"), pane.get("state")) == ("2", "1", "frozen")
    assert '<c r="C2" s="1"><v>34579</v></c>' in sheet  # 02/09/1994 as a serial day, date style
    assert '<c r="A1" s="2" t="inlineStr">' in sheet  # the heading's style
    assert "_x0001_" in sheet and "_x000D_" in sheet and "_x005F_x0041_" in sheet
    assert '<t xml:space="preserve">  Lê Văn Bình </t>' in sheet
    formats = parts["xl/styles.xml"].find("m:numFmts/m:numFmt", ns)
    assert formats.get("formatCode") == "dd/mm/yyyy"


def test_past_the_row_limit_the_table_goes_on_in_a_new_sheet_under_the_heading(tmp_path):
    path = tmp_path / "t.xlsx"
    book = write(path, max_rows=3, sheet_name=lambda n: "Dữ liệu" if n == 1 else f"Dữ liệu ({n})")
    assert book.rows_written == 4
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["Dữ liệu", "Dữ liệu (2)"]
    first = workbook.get_sheet_by_index(0).to_python()
    second = workbook.get_sheet_by_index(1).to_python()
    assert [r[0] for r in first] == ["Mã", "TQ000001", "TQ000002"]
    assert [r[0] for r in second] == ["Mã", "TQ000003", "TQ000004"]


def test_an_empty_table_is_its_heading(tmp_path):
    path = tmp_path / "t.xlsx"
    assert write(path, rows=[]).rows_written == 0
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python() == [HEADINGS]


def test_a_subclass_of_str_is_text(tmp_path):
    path = tmp_path / "t.xlsx"
    write(path, rows=[[SafeString("TQ000009"), SafeString(" a & b")]])
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1][:2] == ["TQ000009", " a & b"]


def test_refuses_values_it_cannot_write_faithfully(tmp_path):
    with pytest.raises(TypeError):
        write(tmp_path / "a.xlsx", rows=[["x", True]])
    with pytest.raises(ValueError):
        write(tmp_path / "b.xlsx", rows=[["x", float("nan")]])
    with pytest.raises(TypeError):
        write(tmp_path / "c.xlsx", rows=[["x", object()]])


def test_helpers():
    assert [column_letters(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert date_serial(datetime.date(1899, 12, 31)) == 1 and date_serial("1900-03-01") == 61
    assert date_serial(datetime.datetime(2025, 7, 1, 13, 5)) == date_serial("2025-07-01") == 45839
    assert text_xml("a&b<c>") == "a&amp;b&lt;c&gt;" and text_xml("x" * 40000) == "x" * 32767


def test_libreoffice_opens_it_and_shows_the_dates_dd_mm_yyyy(tmp_path):
    source = tmp_path / "src" / "bang.xlsx"
    source.parent.mkdir()
    write(source, sheet_name=lambda n: "Quá trình bồi dưỡng")
    out = tmp_path / "out"
    done = convert_with_libreoffice([source], out, fmt="csv:Text - txt - csv (StarCalc):44,34,76,1")
    assert done.returncode == 0, done.stderr
    converted = out / "bang.csv"
    assert converted.exists(), f"LibreOffice did not open the .xlsx ({done.stdout} {done.stderr})"
    with open(converted, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADINGS
    assert rows[1] == ["TQ000001", "Nguyễn Thị Hồng Nhung", "02/09/1994", "40", "=1+1"]
    assert rows[2][:4] == ["TQ000002", "  Lê Văn Bình ", "17/05/1985", "2.5"] and rows[2][4] == 'a < b & c > "d"'
    assert rows[4][2] == "01/03/1900"
