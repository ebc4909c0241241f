"""The annual assessment template (danh-gia.xlsx, docs/domain.md §14.1): a bad file is refused whole with (row,
column, value, message), a good file imports, re-importing changes nothing, a changed rating replaces the old one
(audited), people outside the uploader's scope are refused without being named, the imports pages offer it."""
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
from dtbd.people.assessment_import import HEADERS, import_assessments
from dtbd.people.models import AnnualAssessment
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

THIS_YEAR = datetime.date.today().year
YEAR = THIS_YEAR - 1


@pytest.fixture
def staff(tree):
    make_person(tree.phong_a, code="CB_A1")
    make_person(tree.so_a, code="CB_A2")
    make_person(tree.phong_b, code="CB_B1", full_name="Hồ Thị Ngoàiphạmvi")


def xlsx(tmp_path, *rows, headers=HEADERS, name="danh-gia.xlsx"):
    return write_sheet(tmp_path / name, list(headers), [list(r) + [""] * (len(HEADERS) - len(r)) for r in rows])


GOOD = [
    ("CB_A1", YEAR, "HTXSNV", datetime.date(YEAR, 12, 15), "Chiến sĩ thi đua cơ sở"),
    ("CB_A2", YEAR, "hoàn thành tốt nhiệm vụ", f"01/10/{YEAR}", ""),
    ("CB_A2", YEAR - 1, "Hoan thanh nhiem vu", "", ""),
]


def snapshot():
    return (list(AnnualAssessment.objects.order_by("pk").values_list("person__code", "year", "rating", "assessed_on",
                                                                     "note", "source")),
            LogEntry.objects.count())


def refused(path, **kwargs):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_assessments(path, **kwargs)
    assert snapshot() == before
    return [(e.row, e.column, e.value, e.message) for e in caught.value.errors]


def test_a_good_file_imports_and_again_changes_nothing(staff, users, tmp_path):
    path = xlsx(tmp_path, *GOOD)
    preview = import_assessments(path, user=users.officer, dry_run=True)
    assert (preview.rows, preview.created, preview.saved) == (3, 3, False) and not AnnualAssessment.objects.exists()
    report = import_assessments(path, user=users.officer)
    assert (report.created, report.changed, report.unchanged, report.saved) == (3, 0, 0, True)
    assert snapshot()[0] == [
        ("CB_A1", YEAR, "HTXSNV", datetime.date(YEAR, 12, 15), "Chiến sĩ thi đua cơ sở", "IMPORTED"),
        ("CB_A2", YEAR, "HTTNV", datetime.date(YEAR, 10, 1), "", "IMPORTED"),
        ("CB_A2", YEAR - 1, "HTNV", None, "", "IMPORTED"),
    ]
    before = snapshot()
    again = import_assessments(path, user=users.officer)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_rating_replaces_the_old_one_and_is_audited(staff, users, tmp_path):
    import_assessments(xlsx(tmp_path, *GOOD), user=users.officer)
    changed = [GOOD[0], (GOOD[1][0], YEAR, "KHTNV", GOOD[1][3], ""), GOOD[2]]
    report = import_assessments(xlsx(tmp_path, *changed, name="lan-2.xlsx"), user=users.officer)
    assert (report.created, report.changed, report.unchanged) == (0, 1, 2)
    assert AnnualAssessment.objects.filter(person__code="CB_A2", year=YEAR).count() == 1
    row = AnnualAssessment.objects.get(person__code="CB_A2", year=YEAR)
    assert row.rating == "KHTNV"
    entry = LogEntry.objects.get_for_object(row).order_by("-pk").first()
    assert entry.action == LogEntry.Action.UPDATE and entry.changes["rating"] == ["HTTNV", "KHTNV"]


@pytest.mark.parametrize("row, column, fragment", [
    (("KHONG_CO", YEAR, "HTNV"), "Mã cán bộ", "Không có cán bộ mã KHONG_CO"),
    (("CB_B1", YEAR, "HTNV"), "Mã cán bộ", "Không có cán bộ mã CB_B1"),  # outside the officer's scope: same words
    (("CB_A1", 1999, "HTNV"), "Năm", "2000"),
    (("CB_A1", THIS_YEAR + 1, "HTNV"), "Năm", str(THIS_YEAR)),
    (("CB_A1", "năm ngoái", "HTNV"), "Năm", "4 chữ số"),
    (("CB_A1", YEAR, "Tốt"), "Xếp loại", "HTXSNV"),
    (("CB_A1", YEAR, ""), "Xếp loại", "bắt buộc"),
    (("CB_A1", YEAR, "HTNV", f"30/09/{YEAR}"), "Ngày đánh giá", f"01/10/{YEAR}"),
    (("CB_A1", YEAR, "HTNV", "31/02/2020"), "Ngày đánh giá", "không tồn tại"),
])
def test_a_bad_row_refuses_the_whole_file(staff, users, tmp_path, row, column, fragment):
    errors = refused(xlsx(tmp_path, GOOD[1], GOOD[2], row), user=users.officer)
    assert [(r, c) for r, c, _v, _m in errors] == [(4, column)]
    assert fragment in errors[0][3]
    assert "Ngoàiphạmvi" not in errors[0][3]


def test_a_person_twice_in_a_year_and_a_bad_header(staff, users, tmp_path):
    errors = refused(xlsx(tmp_path, *GOOD, ("CB_A1", YEAR, "HTNV")), user=users.officer)
    assert [(r, c) for r, c, _v, _m in errors] == [(5, "Mã cán bộ")] and "dòng 2" in errors[0][3]
    headers = ("Mã cán bộ", "Năm", "Xep loai", "Ngày đánh giá", "Ghi chú")
    errors = refused(xlsx(tmp_path, *GOOD, headers=headers, name="sai-tieu-de.xlsx"), user=users.officer)
    assert [(r, c, v) for r, c, v, _m in errors] == [(1, "Xếp loại", "Xep loai")]


def test_every_error_is_listed(staff, users, tmp_path):
    errors = refused(xlsx(tmp_path, ("KHONG_CO", 1999, "Tốt", "abc")), user=users.province)
    assert [c for _r, c, _v, _m in errors] == ["Mã cán bộ", "Năm", "Xếp loại", "Ngày đánh giá"]


def test_read_only_roles_cannot_import(staff, users, tmp_path):
    assert refused(xlsx(tmp_path, *GOOD), user=users.leader)[0][0] == 0


def test_the_command_line_import(staff, tmp_path, capsys):
    path = xlsx(tmp_path, *GOOD, ("CB_B1", YEAR, "HTTNV"))  # the command has the whole province's scope
    call_command("import-assessments", str(path), "--dry-run")
    assert not AnnualAssessment.objects.exists()
    call_command("import-assessments", str(path))
    assert AnnualAssessment.objects.count() == 4
    bad = xlsx(tmp_path, ("CB_A1", 1999, "HTNV"), name="sai.xlsx")
    with pytest.raises(SystemExit):
        call_command("import-assessments", str(bad))
    assert "Dòng 2, cột 'Năm'" in capsys.readouterr().err


def test_the_template_and_the_upload_pages(staff, users, client, tmp_path, media_root):
    client.force_login(users.officer)
    assert reverse("imports:template", args=["danh-gia"]) in client.get(reverse("imports:index")).content.decode()
    response = client.get(reverse("imports:template", args=["danh-gia"]))
    assert response.status_code == 200 and "danh-gia.xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.get_sheet_by_index(0).to_python()[0] == list(HEADERS)
    guide = [cell for row in book.get_sheet_by_name("Hướng dẫn").to_python() for cell in row]
    assert "HTXSNV" in guide and "Hoàn thành tốt nhiệm vụ" in guide
    with open(xlsx(tmp_path, *GOOD), "rb") as f:
        response = client.post(reverse("imports:upload", args=["danh-gia"]), {"assessments-file": f})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.kind == "assessments" and batch.status == "VALID" and batch.created == 3
    assert not AnnualAssessment.objects.exists()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "DONE" and AnnualAssessment.objects.count() == 3
