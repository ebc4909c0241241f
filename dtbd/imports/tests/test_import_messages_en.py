"""Import and validator messages follow the active language: English under "en", the Vietnamese text unchanged
under "vi" (the default, used by the command line). Column headers are the file format and never translated."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from dtbd.core.importing import ImportFailed
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.importing import HEADERS as UNIT_HEADERS
from dtbd.org.importing import import_units
from dtbd.people.importing import HEADERS, import_staff

TODAY = datetime.date(2026, 3, 15)

BASE = {
    "Mã cán bộ": "CB001",
    "Họ và tên": "Nguyễn Văn An",
    "Ngày sinh": datetime.date(1985, 5, 17),
    "Giới tính": "NAM",
    "Dân tộc": "Kinh",
    "Số CCCD": "001085123456",
    "Mã đơn vị": "SO_A",
    "Loại": "CC",
    "Mã ngạch": "01.003",
    "Chức vụ": "",
    "Cấp chức vụ": "",
    "Vị trí việc làm": "",
    "Trình độ chuyên môn": "DH",
    "Chuyên ngành": "Luật",
    "Lý luận chính trị": "",
    "Quản lý nhà nước": "",
    "Bồi dưỡng lãnh đạo quản lý": "",
    "Ngoại ngữ": "",
    "Tin học": "",
    "Ngày tuyển dụng": "",
    "Đảng viên": "",
    "Ngày vào Đảng": "",
    "Quy hoạch": "",
    "Email": "",
    "Điện thoại": "",
}


def bad_file(tmp_path):
    """Row 2: a date in the wrong form and an unknown unit; row 3: a date that does not exist."""
    rows = [
        {**BASE, "Ngày sinh": "1985-05-17", "Mã đơn vị": "KHONG_CO"},
        {**BASE, "Mã cán bộ": "CB002", "Số CCCD": "", "Ngày tuyển dụng": "31/02/2008"},
    ]
    return write_sheet(tmp_path / "can-bo.xlsx", list(HEADERS), [[r[h] for h in HEADERS] for r in rows])


def failed_import(path):
    with pytest.raises(ImportFailed) as caught:
        import_staff(path, today=TODAY)
    return caught.value.errors


def test_english_messages(tree, tmp_path):
    path = bad_file(tmp_path)
    with translation.override("en"):
        errors = failed_import(path)
        assert [(e.row, e.column, e.value, e.message) for e in errors] == [
            (2, "Ngày sinh", "1985-05-17", "The date must be an Excel date or text in the form dd/mm/yyyy."),
            (2, "Mã đơn vị", "KHONG_CO", "There is no unit with code KHONG_CO."),
            (3, "Ngày tuyển dụng", "31/02/2008", "The date 31/02/2008 does not exist."),
        ]
        assert str(errors[1]) == "Row 2, column 'Mã đơn vị': 'KHONG_CO' — There is no unit with code KHONG_CO."
        # Header checks: the expected header stays Vietnamese inside the English sentence.
        units = write_sheet(tmp_path / "don-vi.xlsx", list(UNIT_HEADERS[:-1]), [])
        with pytest.raises(ImportFailed) as caught:
            import_units(units)
        assert [str(e) for e in caught.value.errors] == [
            "Row 1, column 'Ngày hết hiệu lực': '' — Column 'Ngày hết hiệu lực' is missing (column 7)."
        ]
    # The message was fixed when the error was found (the import's report is stored as JSON).
    assert errors[0].message == "The date must be an Excel date or text in the form dd/mm/yyyy."


def test_vietnamese_messages_unchanged(tree, tmp_path, capsys):
    path = bad_file(tmp_path)
    with translation.override("vi"):
        errors = failed_import(path)
        assert [(e.row, e.column, e.value, e.message) for e in errors] == [
            (2, "Ngày sinh", "1985-05-17", "Ngày phải là ngày Excel hoặc văn bản dạng dd/mm/yyyy."),
            (2, "Mã đơn vị", "KHONG_CO", "Không có đơn vị mã KHONG_CO."),
            (3, "Ngày tuyển dụng", "31/02/2008", "Ngày 31/02/2008 không tồn tại."),
        ]
        assert str(errors[1]) == "Dòng 2, cột 'Mã đơn vị': 'KHONG_CO' — Không có đơn vị mã KHONG_CO."
    # The command line runs in LANGUAGE_CODE (vi).
    with pytest.raises(SystemExit) as exited:
        call_command("import-staff", str(path))
    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "Dòng 2, cột 'Ngày sinh': '1985-05-17' — Ngày phải là ngày Excel hoặc văn bản dạng dd/mm/yyyy.",
        "Dòng 2, cột 'Mã đơn vị': 'KHONG_CO' — Không có đơn vị mã KHONG_CO.",
        "Dòng 3, cột 'Ngày tuyển dụng': '31/02/2008' — Ngày 31/02/2008 không tồn tại.",
        "3 lỗi: không ghi dữ liệu nào.",
    ]
