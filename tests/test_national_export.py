"""The national-database fostering export of a whole unit through its three doors (docs/domain.md §18): the command
`dtbd export fostering`, the page /bao-cao/csdl-quoc-gia/ (a background job with progress and a file) and the API
(POST /api/v1/exports/fostering/, then /api/v1/jobs/{id}/). Scope: a unit officer exports their subtree only; a
refusal names nothing outside it."""
import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dtbd.api.tokens import create_token
from dtbd.core import jobs
from dtbd.core.models import ExportLog, Job
from dtbd.people.testing import make_person
from dtbd.training import national_export

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def staff(tree):
    return dict(
        a=make_person(tree.phong_a, code="A001", full_name="Lê Văn An", citizen_id="001085000111",
                      qualifications=[("QPAN", "DT3", datetime.date(2020, 3, 1))]),
        n=make_person(tree.so_a, code="A002", full_name="Ngô Thị Chưa"),
        b=make_person(tree.phong_b, code="B001", full_name="Phạm Thị Bình Ngoài"),
    )


def api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    _token, key = create_token(user, "test", 1)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_command_prints_csv(tree, staff):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "fostering", "--unit", "SO_A", "--date", "2026-06-01", "--format", "csv", stdout=out,
                 stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["code"], r["full_name"], r["group"], r["level"]) for r in rows] == [
        ("A001", "Lê Văn An", "QPAN", "DT3"), ("A002", "Ngô Thị Chưa", "", "")]
    assert rows[0]["citizen_id"] == "001085000111"
    assert "2 cán bộ, 2 dòng" in err.getvalue()


def test_command_writes_json_and_xlsx_files(tree, staff, tmp_path):
    path = tmp_path / "x.json"
    call_command("export", "fostering", "--unit", "T01", "--format", "json", "--output", str(path),
                 stderr=io.StringIO())
    assert [p["code"] for p in json.loads(path.read_text(encoding="utf-8"))] == ["A001", "A002", "B001"]
    path = tmp_path / "x.xlsx"
    call_command("export", "fostering", "--unit", "T01", "--format", "xlsx", "--output", str(path),
                 stderr=io.StringIO())
    assert path.read_bytes()[:2] == b"PK"


def test_command_refuses_bad_arguments(tree):
    with pytest.raises(CommandError, match="không tìm thấy đơn vị"):
        call_command("export", "fostering", "--unit", "KHONG_CO", stderr=io.StringIO())
    with pytest.raises(CommandError, match="ngày không hợp lệ"):
        call_command("export", "fostering", "--unit", "T01", "--date", "2026-02-30", stderr=io.StringIO())


def test_page_runs_a_job_with_progress_and_a_file(client, users, tree, staff):
    client.force_login(users.officer)
    page = client.get(reverse("reports:national_export"))
    assert page.status_code == 200 and "SO_A" in page.content.decode() and "SO_B" not in page.content.decode()
    response = client.post(reverse("reports:national_export"),
                           {"unit": tree.so_a.pk, "date": "01/06/2026", "format": "csv"}, REMOTE_ADDR="10.1.2.3")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == Job.Kind.FOSTERING_EXPORT and job.status == Job.Status.DONE, job.error
    assert (job.progress_done, job.progress_total) == (3, 3)  # A001, A002 and the learner HV001
    assert job.result_name == "csdl-quoc-gia-boi-duong-SO_A-20260601.csv"
    body = b"".join(client.get(reverse("jobs:file", args=[job.pk])).streaming_content).decode()
    assert [r["code"] for r in csv.DictReader(io.StringIO(body))] == ["A001", "A002", "HV001"]
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.rows, log.ip) == ("NATIONAL", users.officer, 3, "10.1.2.3")
    assert log.filters == {"unit": "SO_A", "date": "2026-06-01", "format": "csv", "via": "web"}


def test_page_refuses_a_unit_outside_the_officers_subtree(client, users, tree, staff):
    client.force_login(users.officer)
    response = client.post(reverse("reports:national_export"), {"unit": tree.so_b.pk, "format": "csv"})
    assert response.status_code == 200 and not Job.objects.exists()
    body = response.content.decode()
    assert "errorlist" in body and "Sở Tài chính" not in body and "Phạm Thị Bình Ngoài" not in body


def test_page_refused_to_roles_without_units(client, users):
    for user in (users.institution, users.learner):
        client.force_login(user)
        assert client.get(reverse("reports:national_export")).status_code == 403
        assert client.post(reverse("reports:national_export"), {"unit": 1, "format": "csv"}).status_code == 403
    assert not Job.objects.exists()


def test_job_refuses_a_unit_that_left_the_scope(users, tree, staff):
    job = jobs.start(Job.Kind.FOSTERING_EXPORT, users.officer,
                     {"unit": tree.so_b.pk, "date": "2026-06-01", "fmt": "csv"})
    assert job.status == Job.Status.FAILED and not job.result_file
    assert job.error == f"Đơn vị mã {tree.so_b.pk} không còn trong phạm vi quản lý của bạn: không xuất dữ liệu."
    assert not ExportLog.objects.exists()


def test_leader_gets_masked_citizen_ids(users, tree, staff):
    job = jobs.start(Job.Kind.FOSTERING_EXPORT, users.leader, {"unit": tree.so_a.pk, "date": "2026-06-01", "fmt": "json"})
    data = json.loads(job.result_file.read().decode("utf-8"))
    assert data[0]["citizen_id"] == "********0111"


def test_api_starts_the_job_and_serves_the_file(users, tree, staff):
    client = api(users.officer)
    response = client.post("/api/v1/exports/fostering/", {"unit": "SO_A", "date": "2026-06-01", "format": "json"},
                           format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "DONE" and job["kind"] == "fostering_export" and job["percent"] == 100
    assert job["file"].endswith(f"/api/v1/jobs/{job['id']}/file/")
    assert client.get(f"/api/v1/jobs/{job['id']}/").json()["status"] == "DONE"
    file = client.get(f"/api/v1/jobs/{job['id']}/file/")
    data = json.loads(b"".join(file.streaming_content))
    assert [p["code"] for p in data] == ["A001", "A002", "HV001"]
    assert ExportLog.objects.get().filters["via"] == "api"


def test_api_refusals(users, tree, staff):
    client = api(users.officer)
    response = client.post("/api/v1/exports/fostering/", {"unit": "SO_B", "format": "csv"}, format="json")
    assert response.status_code == 400 and "SO_B" not in response.content.decode().replace('"unit"', "")
    assert "Sở Tài chính" not in response.content.decode()
    assert client.post("/api/v1/exports/fostering/", {"unit": "SO_A", "format": "pdf"}, format="json").status_code == 400
    assert api(users.institution).post("/api/v1/exports/fostering/", {"unit": "SO_B", "format": "csv"},
                                       format="json").status_code == 403
    assert not Job.objects.exists()
    # Another user's job answers 404 (its file too).
    other = jobs.start(Job.Kind.FOSTERING_EXPORT, users.province, {"unit": tree.so_b.pk, "date": "2026-06-01", "fmt": "csv"})
    assert client.get(f"/api/v1/jobs/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{other.pk}/file/").status_code == 404
    assert client.get("/api/v1/jobs/").json()["count"] == 0


def test_file_names_and_formats_are_the_documented_ones():
    assert national_export.FORMATS == ("csv", "xlsx", "json")
