"""Import pages: upload → preview (counts, every error) → confirm → result; who may import."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.core.models import ImportBatch
from dtbd.core.spreadsheet import write_sheet
from dtbd.people import importing as staff
from dtbd.people.models import Person


pytestmark = pytest.mark.usefixtures("media_root")


def staff_file(tmp_path, *rows):
    path = write_sheet(tmp_path / "can-bo.xlsx", list(staff.HEADERS), [list(r) for r in rows])
    return SimpleUploadedFile("can-bo.xlsx", path.read_bytes())


def staff_row(code="CB100", unit="SO_A.P1", rank="01.003"):
    values = {h: "" for h in staff.HEADERS}
    values.update({"Mã cán bộ": code, "Họ và tên": "Lê Thị Bình", "Ngày sinh": datetime.date(1990, 1, 2),
                   "Giới tính": "NU", "Dân tộc": "Kinh", "Mã đơn vị": unit, "Loại": "CC", "Mã ngạch": rank,
                   "Trình độ chuyên môn": "DH"})
    return [values[h] for h in staff.HEADERS]


def test_upload_preview_confirm_result(client, users, tmp_path):
    client.force_login(users.officer)
    page = client.get(reverse("imports:index"))
    assert page.status_code == 200 and reverse("imports:template", args=["can-bo"]) in page.content.decode()
    response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": staff_file(tmp_path, staff_row())})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:batch", args=[batch.pk])
    assert batch.status == "VALID" and batch.created == 1 and batch.file.name.startswith("imports/")
    assert not Person.objects.filter(code="CB100").exists()
    page = client.get(response.url).content.decode()
    assert "Xác nhận nhập dữ liệu" in page and "CB100" in page
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "DONE" and batch.finished_at is not None
    assert Person.objects.filter(code="CB100").exists()
    assert "Đã nhập xong" in client.get(reverse("imports:batch", args=[batch.pk])).content.decode()


def test_errors_are_listed_and_nothing_is_saved(client, users, tmp_path):
    client.force_login(users.officer)
    upload = staff_file(tmp_path, staff_row(), staff_row(code="CB101", unit="SO_B", rank="99.999"))
    response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "INVALID" and batch.error_count == 2
    page = client.get(response.url).content.decode()
    assert "Đơn vị SO_B ngoài phạm vi quản lý của bạn." in page
    assert "Mã ngạch 99.999 không có trong danh mục ngạch" in page
    assert "Xác nhận nhập dữ liệu" not in page
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert not Person.objects.filter(code__in=["CB100", "CB101"]).exists()


def test_not_an_xlsx_file(client, users):
    client.force_login(users.province)
    response = client.post(reverse("imports:upload", args=["don-vi"]),
                           {"units-file": SimpleUploadedFile("a.csv", b"x,y")})
    assert response.status_code == 400 and "Chỉ nhận tệp Excel .xlsx theo mẫu." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_read_only_roles_are_refused(client, users):
    for user in (users.leader, users.institution, users.learner):
        client.force_login(user)
        assert client.get(reverse("imports:index")).status_code == 403
        assert client.get(reverse("imports:template", args=["can-bo"])).status_code == 403
        assert client.post(reverse("imports:upload", args=["can-bo"])).status_code == 403
    client.logout()
    assert client.get(reverse("imports:index")).status_code == 302


def test_someone_elses_batch_is_404(client, users, tmp_path):
    client.force_login(users.province)
    client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": staff_file(tmp_path, staff_row())})
    batch = ImportBatch.objects.get()
    client.force_login(users.officer)
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert not Person.objects.filter(code="CB100").exists()


def test_recent_imports_are_paged_with_a_fixed_number_of_queries(client, users, django_assert_num_queries):
    def add(n):
        ImportBatch.objects.bulk_create(
            ImportBatch(user=users.officer, kind=ImportBatch.Kind.STAFF, file_name=f"can-bo-{i}.xlsx",
                        status=ImportBatch.Status.DONE, rows=i)
            for i in range(n)
        )

    client.force_login(users.officer)
    add(3)
    client.get(reverse("imports:index"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("imports:index"))
    add(40)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("imports:index"))
    assert response.context["page_obj"].paginator.count == 43 and len(response.context["batches"]) == 20
    assert "?page=3" in response.content.decode()
    assert len(client.get(reverse("imports:index"), {"page": 3}).context["batches"]) == 3


def test_a_refused_file_still_tells_how_many_data_rows_it_has(client, users, tmp_path):
    client.force_login(users.officer)
    rows = [staff_row(code=f"CB1{i:02d}") for i in range(4)] + [staff_row(code="CB199", rank="99.999")]
    response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": staff_file(tmp_path, *rows)})
    batch = ImportBatch.objects.get()
    assert batch.status == "INVALID" and batch.error_count == 1
    assert batch.rows == 5 and batch.report["rows"] == 5
    page = client.get(response.url).content.decode()
    assert "<dt>Số dòng dữ liệu</dt><dd>5</dd>" in page


def test_a_file_with_wrong_headers_tells_how_many_data_rows_it_has(client, users, tmp_path):
    client.force_login(users.province)
    path = write_sheet(tmp_path / "don-vi.xlsx", ["Mã", "Tên"], [["A", "B"], ["C", "D"], ["", ""], ["E", "F"]])
    client.post(reverse("imports:upload", args=["don-vi"]),
                {"units-file": SimpleUploadedFile("don-vi.xlsx", path.read_bytes())})
    batch = ImportBatch.objects.get()
    assert batch.status == "INVALID" and batch.rows == 3


def _truncated_xlsx(tmp_path):
    data = write_sheet(tmp_path / "full.xlsx", list(staff.HEADERS), [staff_row()]).read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize("content", [
    lambda tmp_path: "Danh sách cán bộ\nCB100;Lê Thị Bình\n".encode(),  # a text file renamed .xlsx
    _truncated_xlsx,  # a zip cut in the middle (its end of central directory is missing)
    lambda tmp_path: bytes((i * 7919 + 13) % 256 for i in range(4096)),  # random bytes
])
def test_a_file_that_is_not_an_xlsx_gets_a_vietnamese_message(client, users, tmp_path, caplog, content):
    client.force_login(users.officer)
    upload = SimpleUploadedFile("can-bo.xlsx", content(tmp_path))
    with caplog.at_level("WARNING", logger="dtbd.core.importing"):
        response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "INVALID" and batch.error_count == 1
    message = batch.report["errors"][0]["message"]
    assert message.startswith("Không đọc được tệp Excel (.xlsx): ") and "không phải là tệp .xlsx hợp lệ" in message
    page = client.get(response.url).content.decode()
    assert message in page
    for technical in ("Zip", "zip", "EOCD", "calamine", "Error"):
        assert technical not in message
    assert any(record.name == "dtbd.core.importing" for record in caplog.records)  # the detail goes to the log
