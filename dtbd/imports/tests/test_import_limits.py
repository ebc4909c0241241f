"""The import reader refuses, before python-calamine opens it, a workbook whose first sheet would not fit in memory
(calamine and to_python allocate every cell from A1 to the last used one), a zip part that inflates past the limit
(zip bomb) and formats other than .xlsx — with one clean file-level error in Vietnamese."""
import io
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from django.test import override_settings

from dtbd.core.importing import ImportFailed, read_first_sheet, read_first_sheet_meanwhile
from dtbd.core.spreadsheet import SheetRefused, check_xlsx, sheet_extent, write_sheet
from dtbd.people.importing import HEADERS

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'officeDocument" Target="xl/workbook.xml"/></Relationships>')


def xlsx(sheet_data, dimension="", first="sheet1.xml", extra=None):
    """A minimal .xlsx whose first sheet (the one named 'Đầu', pointing at xl/worksheets/<first>) holds
    `sheet_data`; a harmless second sheet comes first in the zip to check the sheet is resolved, not guessed."""
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{NS}" xmlns:x="{NS}">{dimension}'
             f'<sheetData>{sheet_data}</sheetData></worksheet>')
    small = f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CT)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/worksheets/other.xml", small)
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><sheets><sheet name="Đầu" sheetId="1" r:id="rId7"/>'
            '<sheet name="Hai" sheetId="2" r:id="rId2"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/other.xml"/>'
            '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="/xl/worksheets/{first}"/></Relationships>'))
        archive.writestr(f"xl/worksheets/{first}", sheet)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def cell(ref, value="x"):
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


FAR = xlsx(f'<row r="1">{cell("A1")}</row><row r="200000">{cell("BXX200000")}</row>')  # BXX = column 2.000


def refusal(source):
    with pytest.raises(ImportFailed) as caught:
        read_first_sheet(source)
    assert [e.row for e in caught.value.errors] == [0]
    return caught.value.errors[0].message


def test_far_cell_is_refused_quickly_without_allocating_the_grid(tmp_path):
    """In a child process limited to 1 GB of address space: without the guard calamine would need ~12 GB and
    the child dies (MemoryError or killed) instead of printing the refusal."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(FAR)
    assert len(FAR) < 5000
    script = textwrap.dedent(f"""
        import resource, django
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        django.setup()
        from dtbd.core.importing import ImportFailed, read_first_sheet
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read_first_sheet({str(path)!r})
        except ImportFailed as failed:
            print(failed.errors[0].message)
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dtbd.settings")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    message, growth_kb = result.stdout.strip().splitlines()
    assert message == ("Tệp có vùng dữ liệu quá lớn: 200.000 dòng × 2.000 cột (tối đa 20.000.000 ô). "
                       "Hãy xoá các ô thừa ở xa vùng dữ liệu rồi tải lên lại.")
    assert int(growth_kb) < 100_000  # peak memory grew by less than 100 MB while reading (the grid: ~12 GB)


def test_far_cell_alone_is_refused_too_since_the_rows_are_padded_from_a1():
    assert "200.000 dòng × 2.000 cột" in refusal(io.BytesIO(xlsx(f'<row r="200000">{cell("BXX200000")}</row>')))


def test_a_dimension_that_lies_is_ignored_both_ways():
    small_claim = xlsx(f'<row r="1">{cell("A1")}</row><row r="9">{cell("XFD1048576")}</row>',
                       dimension='<dimension ref="A1:B2"/>')
    assert "1.048.576 dòng × 16.384 cột" in refusal(io.BytesIO(small_claim))
    big_claim = xlsx(f'<row r="1">{cell("A1")}{cell("B1", "y")}</row>', dimension='<dimension ref="A1:XFD1048576"/>')
    assert read_first_sheet(io.BytesIO(big_claim)) == [["x", "y"]]


def test_a_real_template_file_still_reads(tmp_path):
    path = tmp_path / "can-bo.xlsx"
    row = ["CB001", "Nguyễn Văn An"] + [""] * (len(HEADERS) - 3) + ["0912345678"]
    write_sheet(path, list(HEADERS), [row] * 3)
    assert check_xlsx(path, 20_000_000, 1 << 30) == (4, len(HEADERS))
    rows = read_first_sheet(path)
    assert rows[0] == list(HEADERS) and rows[3][:2] == ["CB001", "Nguyễn Văn An"]
    with open(path, "rb") as handle:  # a file object is left where it was for calamine
        assert read_first_sheet(handle)[3][-1] == "0912345678"


def test_work_done_while_calamine_parses(tmp_path):
    path = tmp_path / "can-bo.xlsx"
    write_sheet(path, list(HEADERS), [["CB001"]] * 3)
    seen = []
    rows, result = read_first_sheet_meanwhile(path, lambda count: seen.append(count) or "stored")
    assert (seen, result, len(rows), rows[3][0]) == ([4], "stored", 4, "CB001")

    def fails(count):
        raise LookupError("the database said no")

    with pytest.raises(LookupError):  # what the work raised, not "not an .xlsx"
        read_first_sheet_meanwhile(path, fails)
    # The guard still comes first (nothing runs for a refused file); an unreadable sheet is the usual error.
    with override_settings(DTBD_IMPORT_MAX_CELLS=3):
        with pytest.raises(ImportFailed):
            read_first_sheet_meanwhile(path, fails)
    broken = io.BytesIO()  # passes the guard (no worksheet to measure), calamine refuses it in its thread
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    with pytest.raises(ImportFailed) as caught:
        read_first_sheet_meanwhile(broken, lambda count: None)
    assert caught.value.errors[0].message.startswith("Không đọc được tệp Excel")


def test_the_limit_is_a_setting(tmp_path):
    path = tmp_path / "can-bo.xlsx"
    write_sheet(path, list(HEADERS), [["CB001"]] * 3)
    with override_settings(DTBD_IMPORT_MAX_CELLS=4 * len(HEADERS) - 1):
        assert refusal(path).startswith(f"Tệp có vùng dữ liệu quá lớn: 4 dòng × {len(HEADERS)} cột (tối đa")
    with override_settings(DTBD_IMPORT_MAX_CELLS=4 * len(HEADERS)):
        assert len(read_first_sheet(path)) == 4


def test_a_zip_bomb_sheet_is_refused_while_inflating():
    bomb = xlsx(" " * (8 << 20) + f'<row r="1">{cell("A1")}</row>')  # 8 MB of blanks: a few KB compressed
    assert len(bomb) < 100_000
    with override_settings(DTBD_IMPORT_MAX_XML_BYTES=1 << 20):
        assert refusal(io.BytesIO(bomb)) == "Tệp có phần “xl/worksheets/sheet1.xml” quá lớn khi giải nén (hơn 1 MB)."
    shared = xlsx(f'<row r="1">{cell("A1")}</row>', extra={"xl/sharedStrings.xml": "<sst>" + " " * (2 << 20)})
    with override_settings(DTBD_IMPORT_MAX_XML_BYTES=1 << 20):
        assert "xl/sharedStrings.xml" in refusal(io.BytesIO(shared))


def test_a_zip_whose_header_understates_the_size_is_refused():
    data = bytearray(xlsx(f'<row r="1">{cell("A1")}</row>'))
    name = b"xl/worksheets/sheet1.xml"
    central = data.rindex(name) - 46  # central directory entry of the sheet: declared size at +24
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    assert refusal(io.BytesIO(bytes(data))).startswith("Không đọc được tệp Excel (.xlsx): ")


@pytest.mark.parametrize("rows_xml, extent", [
    ('<row r="3"><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>', (3, 3)),  # cells without r follow each other
    ('<row><c><v>1</v></c></row><row><c><v>1</v></c><c><v>1</v></c></row>', (2, 2)),  # rows without r too
    ('<row r="2"><c r="E2"><v>1</v></c><c><v>1</v></c></row>', (2, 6)),
    ('<row r="2"><c t="n" r="D9"><v>1</v></c></row>', (9, 4)),  # r not first: the cell's r wins over the row's
    ('<x:row r="2"><x:c r="d9"><x:v>1</x:v></x:c></x:row>', (9, 4)),  # prefixed, lower case
    ("<row r='2'><c r = 'D9' foo='>'><v>1</v></c></row>", (9, 4)),  # quotes, spaces, '>' in a value
])
def test_cells_in_unusual_forms_are_placed_as_calamine_places_them(rows_xml, extent):
    from python_calamine import CalamineWorkbook

    data = xlsx(rows_xml)
    assert check_xlsx(io.BytesIO(data), 100, 1 << 20) == extent
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert (len(rows), max(len(r) for r in rows)) == extent  # the same extent calamine gives


def test_many_cells_without_reference_in_one_far_row_are_refused():
    row = '<row r="300000">' + "<c><v>1</v></c>" * 100 + "</row>"
    assert "300.000 dòng × 100 cột" in refusal(io.BytesIO(xlsx(row)))


def chunks(*parts):
    yield from parts


def test_a_reference_split_across_chunks_is_still_seen():
    xml = f'<worksheet xmlns="{NS}"><sheetData><row r="1">{cell("A1")}{cell("XFD5")}</row></sheetData></worksheet>'
    data = xml.encode()
    for cut in range(1, len(data)):
        assert sheet_extent(lambda cut=cut: chunks(data[:cut], data[cut:]), 10**9) == (5, 16384), cut
    odd = data.replace(b'<c r="XFD5"', b'<c s="1" r="XFD5"')
    for cut in range(1, len(odd), 7):
        assert sheet_extent(lambda cut=cut: chunks(odd[:cut], odd[cut:]), 10**9) == (5, 16384), cut


def test_doctype_in_an_unusual_sheet_is_refused():
    data = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "A">]><worksheet xmlns="{NS}"><sheetData>'
            '<row><c><v>1</v></c></row></sheetData></worksheet>').encode()
    with pytest.raises(SheetRefused):
        sheet_extent(lambda: chunks(data), 100)


def test_other_formats_are_refused_with_a_clear_message():
    xls = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert refusal(xls) == ("Không đọc được tệp Excel (.xlsx): đây là tệp .xls (Excel 97-2003). "
                            "Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    ods.seek(0)
    assert "tệp OpenDocument (.ods)" in refusal(ods)


def test_cells_out_of_order_and_tiny_chunks_give_the_true_extent():
    rows = (f'<row r="1">{cell("A1")}{cell("C900000")}</row><row r="2">{cell("B2")}</row>'
            f'<row r="3">{cell("AA3")}{cell("A3")}</row>')
    xml = f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    assert sheet_extent(lambda: chunks(xml), 10**9) == (900000, 27)
    assert sheet_extent(lambda: chunks(*(xml[i:i + 1] for i in range(len(xml)))), 10**9) == (900000, 27)
    assert sheet_extent(lambda: chunks(*(xml[i:i + 5] for i in range(0, len(xml), 5))), 10**9) == (900000, 27)
    with pytest.raises(SheetRefused):
        sheet_extent(lambda: chunks(xml), 900000 * 27 - 1)


def test_when_the_first_sheet_is_not_a_worksheet_every_worksheet_is_checked():
    data = xlsx(f'<row r="1">{cell("A1")}</row>')
    far = f'<worksheet xmlns="{NS}"><sheetData><row r="1">{cell("A1")}{cell("XFD1048576")}</row></sheetData></worksheet>'
    def change(name, content):
        if name == "xl/_rels/workbook.xml.rels":  # the first sheet (rId7) becomes a chartsheet
            return content.replace(b'/worksheet" Target="/xl', b'/chartsheet" Target="/xl')
        return far.encode() if name == "xl/worksheets/other.xml" else content

    chart = rezip(data, change)
    assert b"chartsheet" in zipfile.ZipFile(io.BytesIO(chart)).read("xl/_rels/workbook.xml.rels")
    assert "1.048.576 dòng × 16.384 cột" in refusal(io.BytesIO(chart))


def rezip(data, change):
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    buffer.seek(0)
    return buffer.getvalue()
