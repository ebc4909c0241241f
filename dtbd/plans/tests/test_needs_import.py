"""The needs template (nhu-cau.xlsx, docs/domain.md §13.1): refused whole with row/column messages, a good file
imports, re-importing changes nothing, the scope is enforced, the imports pages offer it."""
import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.importing import ImportFailed
from dtbd.core.models import ImportBatch
from dtbd.core.spreadsheet import write_sheet
from dtbd.people.testing import make_person
from dtbd.plans.importing import HEADERS, import_needs
from dtbd.plans.models import Need, NeedRequest
from dtbd.training.models import Program
from dtbd.training.testing import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    make_program("N_LLCT", name="Trung cấp LLCT", category="LLCT", grants_type="LLCT", grants_level="TC")
    make_program("N_TT", name="Nghiệp vụ thanh tra", category="CMNV", grants_type="", grants_level="")
    make_program("N_CU", name="Chương trình cũ", category="KHAC", grants_type="", grants_level="", active=False)
    make_person(tree.phong_a, code="CB_A1")
    make_person(tree.phong_a, code="CB_A2")
    make_person(tree.phong_b, code="CB_B1", full_name="Hồ Thị Ngoàiphạmvi")


def xlsx(tmp_path, *rows, headers=HEADERS, name="nhu-cau.xlsx"):
    return write_sheet(tmp_path / name, list(headers), [list(r) + [""] * (len(HEADERS) - len(r)) for r in rows])


GOOD = [
    (2027, "SO_A.P1", "N_LLCT", 3, "Cao", 2, "Quy hoạch trưởng phòng", "CB_A1, CB_A2"),
    (2027, "SO_A", "N_TT", 5, "Trung bình", "", "Vị trí thanh tra", ""),
]


def snapshot():
    return (list(NeedRequest.objects.order_by("pk").values_list("year", "unit__code", "program__code", "people_count",
                                                                 "priority", "quarter", "status", "submitted_at")),
            list(Need.objects.order_by("pk").values_list("person__code", "program__code", "reasons", "waiting_since")),
            LogEntry.objects.count())


def refused(path, **kwargs):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_needs(path, **kwargs)
    assert snapshot() == before
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_a_good_file_imports_and_again_changes_nothing(setup, users, tmp_path):
    path = xlsx(tmp_path, *GOOD)
    preview = import_needs(path, user=users.officer, dry_run=True)
    assert (preview.created, preview.saved) == (2, False) and not NeedRequest.objects.exists()
    report = import_needs(path, user=users.officer)
    assert (report.rows, report.created, report.changed, report.unchanged, report.saved) == (2, 2, 0, 0, True)
    req = NeedRequest.objects.get(program__code="N_LLCT")
    assert (req.year, req.unit.code, req.people_count, req.priority, req.quarter) == (2027, "SO_A.P1", 3, 1, 2)
    assert req.status == "SUBMITTED" and req.source == "UPLOAD" and req.created_by == users.officer
    other = NeedRequest.objects.get(program__code="N_TT")
    assert (other.priority, other.quarter) == (2, None)
    assert set(Need.objects.values_list("person__code", "program__code", "reason", "request_id")) == {
        ("CB_A1", "N_LLCT", "REQUEST", req.pk), ("CB_A2", "N_LLCT", "REQUEST", req.pk)}
    before = snapshot()
    again = import_needs(path, user=users.officer)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_a_bad_file_is_refused_whole_with_row_and_column(setup, users, tmp_path):
    path = xlsx(
        tmp_path,
        GOOD[0],
        (2027, "SO_A", "KHONG_CO", 2, "Cao"),  # unknown programme
        (2027, "SO_A", "N_CU", 2, "Cao"),  # inactive programme
        (2027, "SO_B", "N_TT", 2, "Cao"),  # unit out of scope
        (2027, "KHONG_CO", "N_TT", 2, "Cao"),  # unit not found: the same message
        (2027, "SO_A.P1", "N_TT", "hai", "Cao"),  # count not a number
        (2027, "SO_A.P1", "N_TT", 2, "Gấp"),  # bad priority
        (2027, "SO_A", "N_LLCT", 2, "", 5),  # bad quarter
        (2027, "SO_A", "N_TT", 2, "", "", "", "CB_B1"),  # person out of scope
        (2027, "SO_A.P1", "N_LLCT", 1, "Cao", "", "", "CB_A1"),  # duplicate of row 2
        ("năm sau", "SO_A", "N_LLCT", 1),  # bad year
        (2027, "SO_A", "N_LLCT", 1, "", "", "", "CB_A1,CB_A2"),  # more named than the number
    )
    errors = refused(path, user=users.officer)
    assert [(row, column) for row, column, _m in errors] == [
        (3, "Mã chương trình"), (4, "Mã chương trình"), (5, "Mã đơn vị"), (6, "Mã đơn vị"), (7, "Số người"),
        (8, "Mức ưu tiên"), (9, "Quý"), (10, "Mã cán bộ"), (11, "Mã chương trình"), (12, "Năm"), (13, "Số người"),
    ]
    messages = dict(((row, column), message) for row, column, message in errors)
    assert messages[(5, "Mã đơn vị")] == "Không có đơn vị mã SO_B trong phạm vi quản lý của bạn."
    assert messages[(6, "Mã đơn vị")] == "Không có đơn vị mã KHONG_CO trong phạm vi quản lý của bạn."
    assert messages[(7, "Số người")] == "Phải là một số nguyên dương."
    assert messages[(8, "Mức ưu tiên")] == "Mức ưu tiên phải là Cao, Trung bình hoặc Thấp."
    assert messages[(10, "Mã cán bộ")] == "Không có cán bộ mã CB_B1 trong phạm vi quản lý của bạn."
    assert messages[(11, "Mã chương trình")] == "Trùng năm, đơn vị và chương trình với dòng 2."
    assert "Ngoàiphạmvi" not in " ".join(m for _r, _c, m in errors)
    # The same file is fine for the province (every unit and person in scope) except its own mistakes.
    province_errors = refused(path, user=users.province)
    assert (5, "Mã đơn vị") not in {(r, c) for r, c, _m in province_errors}
    assert (10, "Mã cán bộ") not in {(r, c) for r, c, _m in province_errors}


def test_headers_are_checked(setup, users, tmp_path):
    path = xlsx(tmp_path, GOOD[0], headers=("Năm", "Đơn vị", *HEADERS[2:]))
    assert refused(path, user=users.officer)[0][:2] == (1, "Mã đơn vị")


def test_a_sent_request_is_not_changed_by_another_file(setup, users, tmp_path):
    import_needs(xlsx(tmp_path, *GOOD), user=users.officer)
    changed = list(GOOD[0])
    changed[3] = 7
    errors = refused(xlsx(tmp_path, changed, name="sua.xlsx"), user=users.officer)
    assert [(r, c) for r, c, _m in errors] == [(2, "Mã chương trình")] and "đã gửi ngày" in errors[0][2]


def test_a_draft_is_updated_and_sent_by_the_file(setup, users, tree, tmp_path):
    req = NeedRequest.objects.create(year=2027, unit=tree.phong_a, program=Program.objects.get(code="N_LLCT"),
                                     people_count=1)
    report = import_needs(xlsx(tmp_path, GOOD[0]), user=users.officer)
    assert (report.created, report.changed) == (0, 1)
    req.refresh_from_db()
    assert req.people_count == 3 and req.status == "SUBMITTED" and req.people.count() == 2


def test_read_only_roles_cannot_import(setup, users, tmp_path):
    assert refused(xlsx(tmp_path, *GOOD), user=users.leader)[0][0] == 0


def test_the_template_and_the_upload_pages(setup, users, client, tmp_path, media_root):
    client.force_login(users.officer)
    assert reverse("imports:template", args=["nhu-cau"]) in client.get(reverse("imports:index")).content.decode()
    response = client.get(reverse("imports:template", args=["nhu-cau"]))
    assert response.status_code == 200 and "nhu-cau.xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.get_sheet_by_index(0).to_python()[0] == list(HEADERS)
    guide = [cell for row in book.get_sheet_by_name("Hướng dẫn").to_python() for cell in row]
    assert "N_LLCT" in guide and "N_CU" not in guide and "Trung bình" in guide
    with open(xlsx(tmp_path, *GOOD), "rb") as f:
        response = client.post(reverse("imports:upload", args=["nhu-cau"]), {"needs-file": f})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.kind == "needs" and batch.status == "VALID" and batch.created == 2
    assert not NeedRequest.objects.exists()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "DONE" and NeedRequest.objects.count() == 2


def test_the_command_line_import(setup, tmp_path, capsys):
    path = xlsx(tmp_path, *GOOD)
    call_command("import-needs", str(path), "--dry-run")
    assert not NeedRequest.objects.exists()
    call_command("import-needs", str(path))
    assert NeedRequest.objects.count() == 2
    assert "2 thêm mới" in capsys.readouterr().out


def test_a_refused_file_still_says_how_many_rows_it_has(setup, users, tmp_path):
    path = xlsx(tmp_path, GOOD[0], GOOD[1], (2027, "SO_A", "KHONG_CO", 2, "Cao"), name="mot-loi.xlsx")
    with pytest.raises(ImportFailed) as caught:
        import_needs(path, user=users.officer)
    assert caught.value.rows == 3
    bad_headers = xlsx(tmp_path, GOOD[0], GOOD[1], headers=("Năm", "Đơn vị", *HEADERS[2:]), name="sai-tieu-de.xlsx")
    with pytest.raises(ImportFailed) as caught:
        import_needs(bad_headers, user=users.officer)
    assert caught.value.rows == 2
