"""Staff import (can-bo.xlsx): every refusal with its message and nothing written; upsert, re-import, dated changes."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from dtbd.core import importing as core_importing
from dtbd.core.importing import ImportFailed
from dtbd.core.models import Source
from dtbd.core.spreadsheet import write_sheet
from dtbd.core.text import vn_sort_key
from dtbd.people import importing
from dtbd.people import models as m
from dtbd.people.importing import HEADERS, import_staff
from dtbd.people.testing import make_person

TODAY = datetime.date(2026, 3, 15)
YESTERDAY = TODAY - datetime.timedelta(days=1)

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
    "Chức vụ": "Trưởng phòng Tổ chức",
    "Cấp chức vụ": "TP",
    "Vị trí việc làm": "Chuyên viên tổ chức",
    "Trình độ chuyên môn": "DH",
    "Chuyên ngành": "Luật",
    "Lý luận chính trị": "TC",
    "Quản lý nhà nước": "CV",
    "Bồi dưỡng lãnh đạo quản lý": "CAP_PHONG",
    "Ngoại ngữ": "Tiếng Anh B1",
    "Tin học": "CO_BAN",
    "Ngày tuyển dụng": "01/09/2008",
    "Đảng viên": "CO",
    "Ngày vào Đảng": "03/02/2012",
    "Quy hoạch": "PGD",
    "Email": "an.nv@example.vn",
    "Điện thoại": "0912345678",
}


@pytest.fixture(autouse=True, params=["one process", "two processes"])
def processes(request, monkeypatch):
    """Every test runs the way a small file is imported (one process, stored rows read by key) and the way a large
    one is (the stored tables read while calamine parses, the rows validated and planned in two processes, on
    SQLite the indexes of a table the load at least doubles rebuilt after it): the outcome must be the same."""
    if request.param == "two processes":
        monkeypatch.setattr(core_importing, "REBUILD_INDEXES_FROM", 1)
        monkeypatch.setattr(importing, "LOAD_ALL_ABOVE", 0)
        monkeypatch.setattr(importing, "TWO_PROCESSES_ABOVE", 0)
        monkeypatch.setattr(importing, "TWO_PROCESSES_REGISTERED_SHARE", 0)
    return request.param


def row(**changes):
    values = dict(BASE)
    for key, value in changes.items():
        values[key] = value
    return [values[h] for h in HEADERS]


def xlsx(tmp_path, *rows, headers=HEADERS, name="can-bo.xlsx"):
    return write_sheet(tmp_path / name, list(headers), list(rows))


def counts():
    models = (m.Person, m.UnitAssignment, m.CategoryAssignment, m.RankAssignment, m.PostAssignment, m.JobAssignment,
              m.PlannedPost, m.Qualification, m.JobPosition, LogEntry)
    return {model.__name__: model.objects.count() for model in models}


def refused(path, **kwargs):
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        import_staff(path, today=TODAY, **kwargs)
    assert counts() == before
    return [(e.row, e.column, e.value, e.message) for e in caught.value.errors]


def one_error(tmp_path, **changes):
    errors = refused(xlsx(tmp_path, row(**changes)))
    assert len(errors) == 1, errors
    return errors[0]


# ---------------------------------------------------------------- creating


def test_new_person_with_every_fact_unknown_start(tree, tmp_path):
    report = import_staff(xlsx(tmp_path, row()), today=TODAY)
    assert (report.created, report.changed, report.unchanged, report.saved) == (1, 0, 0, True)
    person = m.Person.objects.get(code="CB001")
    assert person.name_folded == "nguyen van an" and person.party_member and person.citizen_id == "001085123456"
    assert person.name_sort == vn_sort_key("Nguyễn Văn An")
    assert person.recruited_on == datetime.date(2008, 9, 1) and person.ethnicity.name == "Kinh"
    for manager in (person.unit_assignments, person.category_assignments, person.rank_assignments,
                    person.post_assignments, person.job_assignments, person.planned_posts):
        record = manager.get()
        assert (record.valid_from, record.valid_to, record.source) == (None, None, Source.IMPORTED)
    assert person.post_assignments.get().unit == tree.so_a
    quals = {(q.type, q.level, q.language, q.issued_on, q.source) for q in person.qualifications.all()}
    assert quals == {
        ("EDU", "DH", "", None, "IMPORTED"), ("LLCT", "TC", "", None, "IMPORTED"), ("QLNN", "CV", "", None, "IMPORTED"),
        ("LDQL", "CAP_PHONG", "", None, "IMPORTED"), ("LANG", "B1", "Tiếng Anh", None, "IMPORTED"),
        ("IT", "CO_BAN", "", None, "IMPORTED"),
    }
    assert person.qualifications.get(type="EDU").major == "Luật"
    assert m.JobPosition.objects.filter(name="Chuyên viên tổ chức").exists()
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE and entry.changes["code"] == ["None", "CB001"]


def test_labels_without_accents_and_language_steps(tree, tmp_path):
    import_staff(xlsx(tmp_path, row(**{"Giới tính": "nữ", "Số CCCD": "001185123456", "Loại": "cong chuc",
                                       "Ngoại ngữ": "Anh 3", "Trình độ chuyên môn": "Thạc sĩ", "Đảng viên": "Có",
                                       "Quy hoạch": "TP; pgd", "Dân tộc": "tay"})), today=TODAY)
    person = m.Person.objects.get(code="CB001")
    assert person.gender == "NU" and person.ethnicity.name == "Tày"
    assert person.category_assignments.get().category == "CC"
    assert person.qualifications.get(type="LANG").level == "B1"
    assert person.qualifications.get(type="LANG").language == "Tiếng Anh"
    assert person.qualifications.get(type="EDU").level == "THS"
    assert set(person.planned_posts.values_list("level", flat=True)) == {"TP", "PGD"}


# ---------------------------------------------------------------- re-import and changes


def test_reimport_changes_nothing(tree, tmp_path):
    path = xlsx(tmp_path, row(), row(**{"Mã cán bộ": "CB002", "Số CCCD": "", "Mã đơn vị": "XA01", "Vị trí việc làm": ""}))
    import_staff(path, today=TODAY)
    before = counts()
    report = import_staff(path, today=TODAY + datetime.timedelta(days=30))
    assert (report.created, report.changed, report.unchanged) == (0, 0, 2)
    assert counts() == before
    assert not m.UnitAssignment.objects.filter(valid_to__isnull=False).exists()


def test_changed_unit_rank_post_close_yesterday_and_open_today(tree, tmp_path):
    import_staff(xlsx(tmp_path, row()), today=TODAY - datetime.timedelta(days=400))
    person = m.Person.objects.get(code="CB001")
    report = import_staff(xlsx(tmp_path, row(**{"Mã đơn vị": "SO_B", "Mã ngạch": "01.002", "Chức vụ": "Phó Giám đốc",
                                                "Cấp chức vụ": "PGD"}), name="v2.xlsx"), today=TODAY)
    assert (report.created, report.changed, report.unchanged) == (0, 1, 0)
    for manager, new_value in ((person.unit_assignments, tree.so_b.pk), (person.rank_assignments, None),
                               (person.post_assignments, None)):
        old, new = manager.order_by("id")
        assert (old.valid_from, old.valid_to) == (None, YESTERDAY)
        assert (new.valid_from, new.valid_to, new.source) == (TODAY, None, Source.IMPORTED)
    assert person.unit_assignments.get(valid_to__isnull=True).unit == tree.so_b
    assert person.rank_assignments.get(valid_to__isnull=True).rank.code == "01.002"
    post = person.post_assignments.get(valid_to__isnull=True)
    assert (post.title, post.level, post.unit) == ("Phó Giám đốc", "PGD", tree.so_b)
    # Category and job position did not change: still one open record with an unknown start.
    assert person.category_assignments.get().valid_to is None
    assert person.job_assignments.get().valid_to is None
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes["Đơn vị"] == ["SO_A", "SO_B"] and entry.changes["Ngạch"] == ["01.003", "01.002"]


def test_change_on_the_day_it_started_replaces(tree, tmp_path):
    import_staff(xlsx(tmp_path, row()), today=TODAY - datetime.timedelta(days=10))
    import_staff(xlsx(tmp_path, row(**{"Mã đơn vị": "SO_B"}), name="2.xlsx"), today=TODAY)
    import_staff(xlsx(tmp_path, row(**{"Mã đơn vị": "XA01"}), name="3.xlsx"), today=TODAY)
    person = m.Person.objects.get(code="CB001")
    periods = list(person.unit_assignments.order_by("id").values_list("unit__code", "valid_from", "valid_to"))
    assert periods == [("SO_A", None, YESTERDAY), ("XA01", TODAY, None)]


def test_identity_fields_updated_in_place_and_qualifications_added(tree, tmp_path):
    import_staff(xlsx(tmp_path, row()), today=TODAY)
    report = import_staff(xlsx(tmp_path, row(**{"Họ và tên": "Nguyễn Văn Ân", "Điện thoại": "+84912345679",
                                                "Trình độ chuyên môn": "THS", "Ngoại ngữ": "Tiếng Anh B2",
                                                "Email": ""}), name="2.xlsx"), today=TODAY)
    assert report.changed == 1
    person = m.Person.objects.get(code="CB001")
    assert (person.full_name, person.name_folded, person.phone) == ("Nguyễn Văn Ân", "nguyen van an", "+84912345679")
    assert person.name_sort == vn_sort_key("Nguyễn Văn Ân") != vn_sort_key("Nguyễn Văn An")  # â is a letter of its own
    assert person.email == "an.nv@example.vn"  # a blank optional cell keeps the stored value
    assert sorted(person.qualifications.filter(type="EDU").values_list("level", flat=True)) == ["DH", "THS"]
    assert sorted(person.qualifications.filter(type="LANG").values_list("level", flat=True)) == ["B1", "B2"]
    assert person.unit_assignments.get().valid_to is None


def test_existing_person_without_a_history_gets_unknown_start(tree, tmp_path):
    person = make_person(tree.so_a, code="CB001", citizen_id="001085123456", rank=None)
    import_staff(xlsx(tmp_path, row()), today=TODAY)
    assert person.rank_assignments.get().valid_from is None
    assert person.job_assignments.get().valid_from is None


def test_dry_run_writes_nothing(tree, tmp_path):
    before = counts()
    report = import_staff(xlsx(tmp_path, row()), today=TODAY, dry_run=True)
    assert (report.created, report.saved) == (1, False)
    assert counts() == before


# ---------------------------------------------------------------- refusals


def test_wrong_missing_and_misordered_headers(tree, tmp_path):
    headers = list(HEADERS)
    headers[1], headers[2] = headers[2], headers[1]
    headers[4] = "dân tộc"
    errors = refused(xlsx(tmp_path, row(), headers=headers[:-1]))
    assert (1, "Họ và tên", "Ngày sinh", "Sai thứ tự cột: cột thứ 2 phải là 'Họ và tên', tệp có 'Ngày sinh'.") in errors
    assert (1, "Ngày sinh", "Họ và tên", "Sai thứ tự cột: cột thứ 3 phải là 'Ngày sinh', tệp có 'Họ và tên'.") in errors
    assert (1, "Dân tộc", "dân tộc", "Tên cột phải viết đúng là 'Dân tộc' (chữ hoa, dấu tiếng Việt).") in errors
    assert (1, "Điện thoại", "", "Thiếu cột 'Điện thoại' (cột thứ 25).") in errors
    assert len(errors) == 4


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"Ngày sinh": "1985-05-17"}, (2, "Ngày sinh", "1985-05-17", "Ngày phải là ngày Excel hoặc văn bản dạng dd/mm/yyyy.")),
        ({"Ngày sinh": "31/02/1985"}, (2, "Ngày sinh", "31/02/1985", "Ngày 31/02/1985 không tồn tại.")),
        ({"Ngày sinh": "01/01/2015", "Số CCCD": "", "Ngày tuyển dụng": "", "Đảng viên": "", "Ngày vào Đảng": ""},
         (2, "Ngày sinh", "01/01/2015", "Tuổi tính đến ngày 15/03/2026 là 11, phải từ 16 đến 75.")),
        ({"Ngày sinh": "01/01/1940", "Số CCCD": ""},
         (2, "Ngày sinh", "01/01/1940", "Tuổi tính đến ngày 15/03/2026 là 86, phải từ 16 đến 75.")),
        ({"Ngày tuyển dụng": "01/01/2000"}, (2, "Ngày tuyển dụng", "01/01/2000", "Ngày tuyển dụng trước khi đủ 16 tuổi.")),
        ({"Đảng viên": "", "Ngày vào Đảng": "03/02/2012"},
         (2, "Ngày vào Đảng", "03/02/2012", "Chỉ ghi ngày vào Đảng khi cột 'Đảng viên' là CO.")),
        ({"Mã đơn vị": "KHONG_CO"}, (2, "Mã đơn vị", "KHONG_CO", "Không có đơn vị mã KHONG_CO.")),
        ({"Mã ngạch": "99.999"},
         (2, "Mã ngạch", "99.999", "Mã ngạch 99.999 không có trong danh mục ngạch, chức danh nghề nghiệp.")),
        ({"Số CCCD": "12345"}, (2, "Số CCCD", "12345", "Số CCCD phải gồm đúng 12 chữ số.")),
        ({"Số CCCD": "001185123456"}, (2, "Số CCCD", "001185123456",
                                        "Chữ số thứ 4 của số CCCD phải là 0 (giới tính Nam, sinh năm 1985).")),
        ({"Số CCCD": "001086123456"}, (2, "Số CCCD", "001086123456",
                                        "Chữ số thứ 5–6 của số CCCD phải là 85 (năm sinh 1985).")),
        ({"Email": "an@@x"}, (2, "Email", "an@@x", "Địa chỉ email không hợp lệ.")),
        ({"Điện thoại": "12345"}, (2, "Điện thoại", "12345",
                                   "Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số.")),
        ({"Dân tộc": "Kinh Tế"}, (2, "Dân tộc", "Kinh Tế", "Dân tộc 'Kinh Tế' không có trong danh mục 54 dân tộc.")),
        ({"Loại": "XX"}, (2, "Loại", "XX", "Giá trị không hợp lệ; chọn một trong: CB, CC, VC, HD.")),
        ({"Cấp chức vụ": "SEP"}, (2, "Cấp chức vụ", "SEP", "Giá trị không hợp lệ; chọn một trong: TINH, GD, PGD, TP, PTP.")),
        ({"Giới tính": "X"}, (2, "Giới tính", "X", "Giá trị không hợp lệ; chọn một trong: NAM, NU.")),
        ({"Trình độ chuyên môn": ""}, (2, "Trình độ chuyên môn", "", "Ô bắt buộc, không được để trống.")),
        ({"Ngoại ngữ": "Tiếng Anh giỏi"}, (2, "Ngoại ngữ", "Tiếng Anh giỏi",
                                          "Ngoại ngữ ghi dạng '<ngôn ngữ> <bậc>', bậc 1–6 hoặc A1–C2 "
                                          "(ví dụ 'Tiếng Anh B1', 'Anh 3').")),
        ({"Quy hoạch": "TP;XYZ"}, (2, "Quy hoạch", "TP;XYZ", "Cấp quy hoạch 'XYZ' không hợp lệ; chọn trong: "
                                                            "TINH, GD, PGD, TP, PTP, cách nhau bằng dấu ';'.")),
        ({"Mã cán bộ": "CB 01"}, (2, "Mã cán bộ", "CB 01",
                                  "Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -, tối đa 30 ký tự.")),
    ],
)
def test_bad_cells(tree, tmp_path, changes, expected):
    assert one_error(tmp_path, **changes) == expected


def test_duplicates_within_the_file(tree, tmp_path):
    errors = refused(xlsx(tmp_path, row(), row(**{"Số CCCD": ""}), row(**{"Mã cán bộ": "CB002"})))
    assert errors == [
        (3, "Mã cán bộ", "CB001", "Mã cán bộ CB001 trùng với dòng 2."),
        (4, "Số CCCD", "001085123456", "Số CCCD trùng với dòng 2."),
    ]


def test_citizen_id_of_another_person_in_the_database(tree, tmp_path):
    make_person(tree.so_b, code="KHAC01", citizen_id="001085123456")
    assert one_error(tmp_path) == (2, "Số CCCD", "001085123456", "Số CCCD đã thuộc về cán bộ khác (mã KHAC01).")


def test_dates_are_checked_against_the_import_day(tree, tmp_path):
    # The file states the situation on the import day (TODAY here, 15/03/2026), whatever the clock says.
    assert one_error(tmp_path, **{"Ngày tuyển dụng": "01/06/2026"}) == (
        2, "Ngày tuyển dụng", "01/06/2026", "Ngày tuyển dụng ở tương lai.")


def test_every_error_is_listed(tree, tmp_path):
    errors = refused(xlsx(tmp_path, row(**{"Ngày sinh": "x"}), row(**{"Mã cán bộ": "CB002", "Số CCCD": "",
                                                                        "Mã đơn vị": "", "Email": "x"})))
    assert [(e[0], e[1]) for e in errors] == [(2, "Ngày sinh"), (3, "Mã đơn vị"), (3, "Email")]


def test_unit_officer_only_inside_their_subtree(tree, users, tmp_path):
    path = xlsx(tmp_path, row(**{"Mã đơn vị": "SO_A.P1"}), row(**{"Mã cán bộ": "CB002", "Số CCCD": "", "Mã đơn vị": "SO_B"}))
    errors = refused(path, user=users.officer)
    assert errors == [(3, "Mã đơn vị", "SO_B", "Đơn vị SO_B ngoài phạm vi quản lý của bạn.")]
    # A person currently in another department may not be pulled in by an officer.
    make_person(tree.so_b, code="CB009")
    errors = refused(xlsx(tmp_path, row(**{"Mã cán bộ": "CB009", "Số CCCD": ""}), name="2.xlsx"), user=users.officer)
    assert errors == [(2, "Mã cán bộ", "CB009", "Cán bộ CB009 đang thuộc đơn vị ngoài phạm vi quản lý của bạn.")]
    report = import_staff(xlsx(tmp_path, row(**{"Mã đơn vị": "SO_A.P1"}), name="3.xlsx"), user=users.officer, today=TODAY)
    assert report.created == 1


# ---------------------------------------------------------------- command line


def test_command_line(tree, tmp_path, capsys):
    path = xlsx(tmp_path, row())
    call_command("import-staff", str(path), "--dry-run")
    assert "1 thêm mới" in capsys.readouterr().out and not m.Person.objects.exists()
    call_command("import-staff", str(path))
    assert m.Person.objects.filter(code="CB001").exists()
    bad = xlsx(tmp_path, row(**{"Mã ngạch": "99.999"}), name="bad.xlsx")
    with pytest.raises(SystemExit) as exited:
        call_command("import-staff", str(bad))
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert ("Dòng 2, cột 'Mã ngạch': '99.999' — Mã ngạch 99.999 không có trong danh mục ngạch, chức danh nghề nghiệp."
            in err)


@pytest.mark.django_db
def test_unreadable_file_is_refused_with_one_clear_line(tree, tmp_path, capsys):
    broken = tmp_path / "can-bo.xlsx"
    broken.write_text("không phải tệp Excel")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-staff", str(broken))
    assert exit_info.value.code == 1
    first_line = capsys.readouterr().err.splitlines()[0]
    assert first_line.startswith("Không đọc được tệp Excel (.xlsx):")
    assert not m.Person.objects.exists()
