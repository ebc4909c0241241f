"""Units import (don-vi.xlsx): upsert by code, parents earlier or in the database, no cycles, refusals write nothing."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from dtbd.core.importing import ImportFailed
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.importing import HEADERS, import_units
from dtbd.org.models import Unit


def xlsx(tmp_path, *rows, headers=HEADERS, name="don-vi.xlsx"):
    return write_sheet(tmp_path / name, list(headers), [list(r) + [""] * (7 - len(r)) for r in rows])


def snapshot():
    return list(Unit.objects.order_by("code").values_list("code", "name", "parent__code", "path", "kind", "admin_level",
                                                          "valid_from", "valid_to")), LogEntry.objects.count()


def refused(path, **kwargs):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_units(path, **kwargs)
    assert snapshot() == before
    return [(e.row, e.column, e.value, e.message) for e in caught.value.errors]


def test_creates_tree_in_file_order_and_reimport_changes_nothing(tree, tmp_path):
    path = xlsx(
        tmp_path,
        ["SO_C", "Sở Y tế", "T01", "Sở, ban, ngành", "tinh", "01/07/2025"],
        ["SO_C.P1", "Phòng Nghiệp vụ", "SO_C", "PHONG", "TINH"],
        ["XA02", "UBND xã Mới", "T01", "UBND_XA", "XA", datetime.date(2025, 7, 1)],
    )
    report = import_units(path)
    assert (report.created, report.changed, report.unchanged) == (3, 0, 0)
    office = Unit.objects.get(code="SO_C.P1")
    assert office.parent.code == "SO_C" and office.path.startswith(tree.root.path) and office.depth == 2
    assert Unit.objects.get(code="SO_C").kind == "SO_NGANH"
    assert Unit.objects.get(code="XA02").valid_from == datetime.date(2025, 7, 1)
    before = snapshot()
    report = import_units(path)
    assert (report.created, report.changed, report.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_moves_and_renames_existing_units(tree, tmp_path):
    report = import_units(xlsx(tmp_path, ["SO_A.P1", "Phòng Tổ chức cán bộ", "SO_B", "PHONG", "TINH"]))
    assert report.changed == 1
    office = Unit.objects.get(code="SO_A.P1")
    assert office.name == "Phòng Tổ chức cán bộ" and office.path.startswith(Unit.objects.get(code="SO_B").path)


def test_wrong_headers(tree, tmp_path):
    headers = list(HEADERS)
    headers[3], headers[4] = headers[4], headers[3]
    errors = refused(xlsx(tmp_path, ["X"], headers=headers + ["Ghi chú"]))
    assert errors == [
        (1, "Loại đơn vị", "Cấp hành chính", "Sai thứ tự cột: cột thứ 4 phải là 'Loại đơn vị', tệp có 'Cấp hành chính'."),
        (1, "Cấp hành chính", "Loại đơn vị", "Sai thứ tự cột: cột thứ 5 phải là 'Cấp hành chính', tệp có 'Loại đơn vị'."),
        (1, "Ghi chú", "Ghi chú", "Cột thừa (cột thứ 8): mẫu chỉ có 7 cột."),
    ]


def test_every_row_error(tree, tmp_path):
    errors = refused(
        xlsx(
            tmp_path,
            ["SO_C", "Sở Y tế", "T01", "SO_NGANH", "TINH"],
            ["SO_C", "Trùng", "T01", "SO_NGANH", "TINH"],
            ["SO_D", "Sở D", "SO_E", "SO_NGANH", "TINH"],
            ["SO_E", "Sở E", "T01", "SO", "TINH", "01/01/2025", "01/01/2024"],
            ["SO_F", "", "T01", "BAN", "QUAN"],
            ["SO F", "Sở F", "", "SO_NGANH", "TINH", "32/01/2025"],
            ["H01", "UBND huyện Cũ", "T01", "UBND_HUYEN", "HUYEN"],
        )
    )
    assert errors == [
        (3, "Mã đơn vị", "SO_C", "Mã đơn vị SO_C trùng với dòng 2."),
        (4, "Mã đơn vị cấp trên", "SO_E",
         "Không có đơn vị mã SO_E: đơn vị cấp trên phải có sẵn hoặc ở một dòng phía trên."),
        (5, "Ngày hết hiệu lực", "01/01/2024", "Ngày hết hiệu lực (01/01/2024) phải sau ngày hiệu lực (01/01/2025)."),
        (6, "Tên đơn vị", "", "Ô bắt buộc, không được để trống."),
        (6, "Loại đơn vị", "BAN", "Giá trị không hợp lệ; chọn một trong: UBND_TINH, SO_NGANH, PHONG, CHI_CUC, "
                                   "UBND_HUYEN, UBND_XA, DVSN, TRUONG, KHAC."),
        (6, "Cấp hành chính", "QUAN", "Giá trị không hợp lệ; chọn một trong: TINH, HUYEN, XA."),
        (7, "Mã đơn vị", "SO F", "Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -, tối đa 30 ký tự."),
        (7, "Ngày hiệu lực", "32/01/2025", "Ngày 32/01/2025 không tồn tại."),
        (8, "Cấp hành chính", "HUYEN",
         "Cấp huyện đã bãi bỏ từ 01/07/2025: chỉ nhập đơn vị cấp huyện đã hết hiệu lực (ghi ngày hết hiệu lực)."),
        (8, "Loại đơn vị", "UBND_HUYEN",
         "UBND huyện đã bãi bỏ từ 01/07/2025: chỉ nhập đơn vị đã hết hiệu lực (ghi ngày hết hiệu lực)."),
    ]


def test_historical_district_with_end_date_is_accepted(tree, tmp_path):
    import_units(xlsx(tmp_path, ["H01", "UBND huyện Cũ", "T01", "UBND_HUYEN", "HUYEN", "", "30/06/2025"]))
    assert Unit.objects.get(code="H01").valid_to == datetime.date(2025, 6, 30)


def test_cycles_are_impossible(tree, tmp_path):
    errors = refused(xlsx(tmp_path, ["SO_A", "Sở Nội vụ", "SO_A.P1", "SO_NGANH", "TINH"]))
    assert errors == [(2, "Mã đơn vị cấp trên", "SO_A.P1",
                       "Không thể đặt đơn vị trực thuộc chính nó hoặc một đơn vị cấp dưới của nó.")]
    errors = refused(xlsx(tmp_path, ["SO_A", "Sở Nội vụ", "SO_A", "SO_NGANH", "TINH"], name="self.xlsx"))
    assert errors == [(2, "Mã đơn vị cấp trên", "SO_A", "Đơn vị không thể là cấp trên của chính nó.")]


def test_unit_officer_only_below_their_unit(tree, users, tmp_path):
    errors = refused(
        xlsx(tmp_path, ["SO_A.P2", "Phòng mới", "SO_A", "PHONG", "TINH"], ["SO_B.P2", "Phòng khác", "SO_B", "PHONG", "TINH"],
             ["SO_A", "Sở Nội vụ (đổi tên)", "T01", "SO_NGANH", "TINH"]),
        user=users.officer,
    )
    assert errors == [
        (3, "Mã đơn vị cấp trên", "SO_B", "Đơn vị SO_B ngoài phạm vi quản lý của bạn."),
        (4, "Mã đơn vị", "SO_A", "Đơn vị SO_A ngoài phạm vi quản lý của bạn."),
    ]
    import_units(xlsx(tmp_path, ["SO_A.P2", "Phòng mới", "SO_A", "PHONG", "TINH"], name="ok.xlsx"), user=users.officer)
    assert Unit.objects.get(code="SO_A.P2").parent == tree.so_a


def test_command_line(tree, tmp_path, capsys):
    call_command("import-units", str(xlsx(tmp_path, ["SO_C", "Sở Y tế", "T01", "SO_NGANH", "TINH"])), "--dry-run")
    assert "1 thêm mới" in capsys.readouterr().out and not Unit.objects.filter(code="SO_C").exists()
    bad = xlsx(tmp_path, ["SO_C", "Sở Y tế", "ZZ", "SO_NGANH", "TINH"], name="bad.xlsx")
    with pytest.raises(SystemExit) as exited:
        call_command("import-units", str(bad))
    assert exited.value.code == 1
    assert ("Dòng 2, cột 'Mã đơn vị cấp trên': 'ZZ' — Không có đơn vị mã ZZ: đơn vị cấp trên phải có sẵn hoặc ở một "
            "dòng phía trên.") in capsys.readouterr().err
