"""The dated history import (lich-su.xlsx, `dtbd import-history`, docs/domain.md §15.6): past placements, ranks,
posts, qualifications and courses with their dates; a good file imports and the figures of a past year change
accordingly; a bad file is refused whole with (row, column, value, message); --dry-run writes nothing; a unit
officer imports only for their subtree; importing twice changes nothing."""
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.importing import ImportFailed
from dtbd.core.models import ImportBatch
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.testing import make_unit
from dtbd.people.models import PostAssignment, Qualification, RankAssignment, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.reorganisation.history_import import HEADERS, import_history
from dtbd.standards.engine import annual_hours_summary
from dtbd.training.models import Certificate, Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program, make_provider

pytestmark = pytest.mark.django_db

D = datetime.date
PAST = D.today().year - 2


@pytest.fixture
def world(tree):
    old = make_unit("HUYEN_CU", "UBND huyện Cũ", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN",
                    valid_to=D(2025, 6, 30))
    person = make_person(tree.phong_a, code="CB_A1", rank="01.003", post_level="TP", post_title="Trưởng phòng",
                         qualifications=[("LLCT", "TC")])
    outsider = make_person(tree.phong_b, code="CB_B1", full_name="Hồ Thị Ngoàiphạmvi")
    make_program("BD_VTVL", name="Bồi dưỡng theo vị trí việc làm", category="VTVL", kind="FOSTERING",
                 duration_tiet=40, grants_type="", grants_level="")
    make_provider("TRUONG_CT", "Trường Chính trị tỉnh")
    return person, outsider, old


def xlsx(tmp_path, *rows, name="lich-su.xlsx"):
    return write_sheet(tmp_path / name, list(HEADERS), [list(r) + [""] * (len(HEADERS) - len(r)) for r in rows])


def row(code, kind, start, end="", **cells):
    """A data row: the named columns (by header) filled, the others empty."""
    values = dict.fromkeys(HEADERS, "")
    values.update({"Mã cán bộ": code, "Loại": kind, "Từ ngày": start, "Đến ngày": end})
    names = {"unit": "Mã đơn vị", "rank": "Mã ngạch", "post": "Chức vụ", "level": "Cấp chức vụ",
             "qtype": "Loại văn bằng", "qlevel": "Trình độ", "program": "Mã chương trình",
             "provider": "Mã cơ sở đào tạo", "tiet": "Số tiết", "cert": "Số chứng chỉ", "class_code": "Mã lớp"}
    for key, value in cells.items():
        values[names[key]] = value
    return [values[h] for h in HEADERS]


def good_rows():
    return [
        row("CB_A1", "DON_VI", "01/03/2020", unit="HUYEN_CU"),  # until the day before the next row: 30/06/2025
        row("CB_A1", "DON_VI", "01/07/2025", unit="SO_A.P1"),
        row("CB_A1", "NGACH", "01/01/2019", rank="01.003"),
        row("CB_A1", "CHUC_VU", "15/05/2021", post="Trưởng phòng", level="TP", unit="SO_A.P1"),
        row("CB_A1", "VAN_BANG", "20/11/2018", qtype="LLCT", qlevel="TC"),
        row("CB_A1", "BOI_DUONG", f"10/03/{PAST}", f"14/03/{PAST}", program="BD_VTVL", provider="TRUONG_CT",
            tiet=40, cert="TCT-LS-0001"),
    ]


def snapshot():
    return (UnitAssignment.objects.count(), RankAssignment.objects.count(), PostAssignment.objects.count(),
            sorted(Qualification.objects.values_list("pk", "issued_on", "hours")), Enrollment.objects.count(),
            Certificate.objects.count(), TrainingClass.objects.count(), LogEntry.objects.count())


def refused(path, **kwargs):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_history(path, **kwargs)
    assert snapshot() == before
    return [(e.row, e.column, e.value, e.message) for e in caught.value.errors]


def test_a_good_file_imports_the_dated_history_and_the_past_year_counts_it(world, tree, tmp_path):
    person, _outsider, old = world
    # Both people (CC) are subject to the annual hours; neither has tiết in that year; CB_A1 reads as placed in
    # Phòng Tổ chức (open record, start unknown).
    assert annual_hours_summary(tree.root, PAST) == (2, 0, 2)
    assert annual_hours_summary(tree.so_a, PAST) == (1, 0, 1)
    path = xlsx(tmp_path, *good_rows())
    preview = import_history(path, dry_run=True)
    assert (preview.rows, preview.created, preview.saved) == (6, 6, False)
    assert annual_hours_summary(tree.root, PAST) == (2, 0, 2)
    report = import_history(path)
    assert report.saved and report.created == 6

    units = list(UnitAssignment.objects.filter(person=person).order_by("valid_from").values_list(
        "unit__code", "valid_from", "valid_to"))
    assert units == [("HUYEN_CU", D(2020, 3, 1), D(2025, 6, 30)), ("SO_A.P1", D(2025, 7, 1), None)]
    assert list(RankAssignment.objects.filter(person=person).values_list("rank__code", "valid_from", "valid_to")) == [
        ("01.003", D(2019, 1, 1), None)]
    assert list(PostAssignment.objects.filter(person=person).values_list("title", "valid_from", "valid_to")) == [
        ("Trưởng phòng", D(2021, 5, 15), None)]
    assert Qualification.objects.get(person=person, type="LLCT").issued_on == D(2018, 11, 20)  # dated, not doubled
    enrolment = Enrollment.objects.select_related("training_class").get(person=person)
    assert enrolment.state == "COMPLETED" and enrolment.completed_on == D(PAST, 3, 14)
    assert enrolment.training_class.imported_history and enrolment.training_class.status == "CLOSED"
    certificate = Certificate.objects.get(number="TCT-LS-0001")
    assert certificate.enrollment == enrolment and certificate.issued_on == D(PAST, 3, 14)
    assert certificate.qualification.hours == 40 and certificate.qualification.source == "IMPORTED"

    # The past year's annual hours count the course; the staff of the old district on a day before the merger too.
    # (annual_hours_summary is what the annual-hours report prints for a year.)
    # In that year CB_A1 was in the old district (until 30/06/2025), no longer counted under Sở Nội vụ.
    assert annual_hours_summary(tree.root, PAST) == (2, 1, 1)
    assert annual_hours_summary(old, PAST) == (1, 1, 0) and annual_hours_summary(tree.so_a, PAST) == (0, 0, 0)
    assert UnitAssignment.objects.valid_on(D(2024, 1, 1)).filter(unit=old).count() == 1

    before = snapshot()
    again = import_history(path)
    assert (again.created, again.unchanged) == (0, 6) and again.saved
    assert snapshot() == before


def test_a_bad_file_is_refused_whole_with_row_and_column(world, tmp_path):
    rows = good_rows() + [
        row("KHONG_CO", "DON_VI", "01/01/2020", unit="SO_A"),  # 8
        row("CB_A1", "DI_HOC", "01/01/2020"),  # 9
        row("CB_A1", "NGACH", "31/02/2020", rank="01.003"),  # 10
        row("CB_A1", "BOI_DUONG", "01/01/2020", program="KHONG_CO", provider="TRUONG_CT"),  # 11
        row("CB_A1", "VAN_BANG", "01/01/2020", qtype="LLCT", qlevel="Tiến sĩ"),  # 12
        row("CB_A1", "DON_VI", "01/01/2020", unit="KHONG_CO"),  # 13
        row("CB_A1", "NGACH", f"01/01/{D.today().year + 1}", rank="01.003"),  # 14
    ]
    errors = refused(xlsx(tmp_path, *rows))
    assert [(r, c) for r, c, _v, _m in errors] == [
        (8, "Mã cán bộ"), (9, "Loại"), (10, "Từ ngày"), (11, "Đến ngày"), (11, "Mã chương trình"),
        (12, "Trình độ"), (13, "Mã đơn vị"), (14, "Từ ngày")]
    assert errors[0][2] == "KHONG_CO" and "Không có cán bộ mã KHONG_CO" in errors[0][3]
    assert "không tồn tại" in errors[2][3]


def test_a_unit_not_valid_on_the_placement_and_overlapping_periods_are_refused(world, tmp_path):
    errors = refused(xlsx(tmp_path,
                          row("CB_A1", "DON_VI", "01/03/2020", unit="HUYEN_CU"),  # until now: the unit ended
                          row("CB_A1", "NGACH", "01/01/2019", "31/12/2020", rank="01.002"),
                          row("CB_A1", "NGACH", "01/06/2020", rank="01.003")))
    assert [(r, c) for r, c, _v, _m in errors] == [(2, "Từ ngày"), (3, "Đến ngày")]
    assert "HUYEN_CU hết hiệu lực từ ngày 01/07/2025" in errors[0][3]
    assert "dòng tiếp theo" in errors[1][3]


def test_the_latest_value_must_match_the_record(world, tmp_path):
    """The open placement has an unknown start: a different value until now cannot be placed on the time line."""
    errors = refused(xlsx(tmp_path, row("CB_A1", "DON_VI", "01/03/2020", unit="SO_A")))
    assert [(r, c) for r, c, _v, _m in errors] == [(2, "Mã đơn vị")]


def test_a_unit_officer_imports_only_in_their_subtree(world, users, tmp_path):
    errors = refused(xlsx(tmp_path, row("CB_B1", "NGACH", "01/01/2019", rank="01.003"),
                          row("CB_A1", "DON_VI", "01/01/2019", "31/12/2019", unit="SO_B.P1"),
                          row("CB_A1", "DON_VI", "01/01/2020", unit="SO_A.P1")), user=users.officer)
    assert [(r, c) for r, c, _v, _m in errors] == [(2, "Mã cán bộ"), (3, "Mã đơn vị")]
    assert "Ngoàiphạmvi" not in " ".join(m for *_x, m in errors)
    assert refused(xlsx(tmp_path, *good_rows(), name="b.xlsx"), user=users.leader)[0][0] == 0
    report = import_history(xlsx(tmp_path, *good_rows()[1:], name="c.xlsx"), user=users.officer)
    assert report.saved and Enrollment.objects.filter(person__code="CB_A1").exists()


def test_the_command_line_and_dry_run(world, tmp_path, capsys):
    path = xlsx(tmp_path, *good_rows())
    before = snapshot()
    call_command("import-history", str(path), "--dry-run")
    assert snapshot() == before
    call_command("import-history", str(path))
    assert Certificate.objects.filter(number="TCT-LS-0001").exists()
    bad = xlsx(tmp_path, row("CB_A1", "NGACH", "", rank="01.003"), name="sai.xlsx")
    with pytest.raises(SystemExit) as exited:
        call_command("import-history", str(bad))
    assert exited.value.code == 1
    assert "Dòng 2, cột 'Từ ngày'" in capsys.readouterr().err


def test_the_template_and_the_upload_pages(world, users, client, tmp_path, media_root):
    client.force_login(users.province)
    assert reverse("imports:template", args=["lich-su"]) in client.get(reverse("imports:index")).content.decode()
    response = client.get(reverse("imports:template", args=["lich-su"]))
    assert response.status_code == 200 and "lich-su.xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.get_sheet_by_index(0).to_python()[0] == list(HEADERS)
    guide = [cell for r in book.get_sheet_by_name("Hướng dẫn").to_python() for cell in r]
    assert "BOI_DUONG" in guide and "TRUONG_CT" in guide
    with open(xlsx(tmp_path, *good_rows()), "rb") as f:
        response = client.post(reverse("imports:upload", args=["lich-su"]), {"history-file": f})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.kind == "history" and batch.status == "VALID"
    assert not Enrollment.objects.exists()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "DONE" and Enrollment.objects.filter(person__code="CB_A1").count() == 1


def test_a_class_of_the_system_a_taken_certificate_and_overlong_text_are_refused(world, tmp_path):
    make_class("L_THAT", status="FINISHED", starts_on=D(PAST, 3, 10), ends_on=D(PAST, 3, 14))
    import_history(xlsx(tmp_path, good_rows()[-1], name="a.xlsx"))  # TCT-LS-0001 now belongs to CB_A1's course
    errors = refused(xlsx(tmp_path,
                          row("CB_A1", "BOI_DUONG", f"10/03/{PAST}", f"14/03/{PAST}", program="BD_VTVL",
                              provider="TRUONG_CT", class_code="L_THAT"),
                          row("CB_B1", "BOI_DUONG", f"10/03/{PAST}", f"14/03/{PAST}", program="BD_VTVL",
                              provider="TRUONG_CT", cert="TCT-LS-0001"),
                          row("CB_A1", "CHUC_VU", "01/01/2019", "31/12/2019", post="x" * 201, level="TP"),
                          row("CB_A1", "BOI_DUONG", f"10/03/{PAST}", f"14/03/{PAST}", program="BD_VTVL",
                              provider="TRUONG_CT", tiet="1e999")))
    assert [(r, c) for r, c, _v, _m in errors] == [(2, "Mã lớp"), (3, "Số chứng chỉ"), (4, "Chức vụ"), (5, "Số tiết")]
    assert "không phải lớp nhập từ lịch sử" in errors[0][3]
