"""Background jobs (dtbd.core.jobs): each kind (import apply, report file, staff export) records its progress and
its result; failures are recorded in Vietnamese; a user sees only their own jobs; the sweep re-queues a job whose
worker died; Celery dispatch. The tests run jobs inline (ImmediateBackend, root conftest); the worker restart with a
real process is in test_jobs_restart.py."""
import datetime
import io
import os
import socket
import subprocess
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from dtbd.core import jobs
from dtbd.core.jobs.celery_app import app, run_job
from dtbd.core.management.commands.worker import enqueue_daily_tasks
from dtbd.core.models import ExportLog, ImportBatch, Job
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.models import Unit
from dtbd.org.testing import make_unit
from dtbd.people import exports
from dtbd.people import importing as staff
from dtbd.people.models import Person, UnitAssignment
from dtbd.people.testing import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def progress_log(monkeypatch):
    """Every progress report of the jobs run in the test: (done, total, message)."""
    calls = []
    original = jobs.Context.progress

    def spy(self, done, total=None, message=None):
        calls.append((done, total, message))
        return original(self, done, total, message)

    monkeypatch.setattr(jobs.Context, "progress", spy)
    return calls


def staff_row(code, unit="SO_A.P1"):
    values = {h: "" for h in staff.HEADERS}
    values.update({"Mã cán bộ": code, "Họ và tên": "Lê Thị Bình", "Ngày sinh": datetime.date(1990, 1, 2),
                   "Giới tính": "NU", "Dân tộc": "Kinh", "Mã đơn vị": unit, "Loại": "CC", "Mã ngạch": "01.003",
                   "Trình độ chuyên môn": "DH"})
    return [values[h] for h in staff.HEADERS]


def upload_staff(client, tmp_path, *codes):
    path = write_sheet(tmp_path / "can-bo.xlsx", list(staff.HEADERS), [staff_row(c) for c in codes])
    client.post(reverse("imports:upload", args=["can-bo"]),
                {"staff-file": SimpleUploadedFile("can-bo.xlsx", path.read_bytes())})
    return ImportBatch.objects.latest("pk")


# ---------------------------------------------------------------- import apply


def test_import_confirm_runs_a_job_with_progress_and_applies_once(client, users, tmp_path, progress_log):
    client.force_login(users.officer)
    batch = upload_staff(client, tmp_path, "CB100", "CB101")
    assert batch.status == "VALID"
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == Job.Kind.IMPORT and job.created_by == users.officer and job.parameters["batch"] == batch.pk
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.error == ""
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert [c[0] for c in progress_log] == [0, 1, 2]
    assert job.progress_message == "Đã nhập 2 dòng: 2 thêm mới, 0 thay đổi, 0 không đổi."
    assert job.link == reverse("imports:batch", args=[batch.pk]) and not job.result_file
    batch.refresh_from_db()
    assert batch.status == "DONE"
    assert Person.objects.filter(code__in=["CB100", "CB101"]).count() == 2
    page = client.get(response.url).content.decode()
    assert 'value="100"' in page and "Hoàn thành" in page and job.link in page
    assert "hx-trigger" not in page  # finished: the partial no longer polls

    # The same job run again (a re-delivery) does nothing; a new job for the applied batch applies nothing.
    assert jobs.execute(job.pk) is None
    again = Job.objects.create(kind=Job.Kind.IMPORT, created_by=users.officer, parameters={"batch": batch.pk})
    assert jobs.execute(again.pk) == Job.Status.DONE
    again.refresh_from_db()
    assert again.progress_message == "Tệp can-bo.xlsx đã được nhập trước đó; không nhập lại."
    assert Person.objects.filter(code__in=["CB100", "CB101"]).count() == 2
    assert UnitAssignment.objects.filter(person__code__in=["CB100", "CB101"]).count() == 2


def test_import_job_that_finds_new_errors_fails_in_vietnamese_and_writes_nothing(client, users, tmp_path):
    client.force_login(users.officer)
    batch = upload_staff(client, tmp_path, "CB200")
    # Between the preview and the confirm, the unit of the row leaves the officer's scope.

    Unit.objects.filter(code="SO_A.P1").update(code="SO_A.P9")
    client.post(reverse("imports:confirm", args=[batch.pk]))
    job = Job.objects.get()
    batch.refresh_from_db()
    assert job.status == Job.Status.FAILED and batch.status == "INVALID"
    assert job.error.startswith("Tệp can-bo.xlsx có 1 lỗi khi nhập (dữ liệu đã thay đổi sau bước kiểm tra): không ghi")
    assert not Person.objects.filter(code="CB200").exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "alert-error" in page and "không ghi dòng nào" in page


# ---------------------------------------------------------------- report file


@pytest.fixture
def report_staff(users, tree):
    make_person(tree.so_a, education="THS")
    make_person(tree.phong_a, education="DH")
    make_person(tree.so_b, education="TS")
    return users


def test_report_button_builds_the_xlsx_in_a_job_and_logs_the_export_once(client, report_staff, tree, progress_log):
    client.force_login(report_staff.officer)
    url = reverse("reports:download_job", args=["qualification-structure", "xlsx"])
    response = client.post(f"{url}?unit={tree.so_a.pk}&date=01/06/2026", REMOTE_ADDR="10.1.2.3")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert [c[0] for c in progress_log] == [0, 1, 2] and (job.progress_done, job.progress_total) == (3, 3)
    assert job.result_name == f"co-cau-trinh-do-chuyen-mon-theo-cap-hanh-chinh-{tree.so_a.code}-2026-06-01.xlsx"
    assert job.result_file.name.startswith(f"jobs/{job.created_at:%Y/%m}/{job.pk}/")
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download.status_code == 200 and job.result_name in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert body[:2] == b"PK"
    from python_calamine import CalamineWorkbook

    cells = [c for row in CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python() for c in row]
    assert "Cơ cấu trình độ chuyên môn theo cấp hành chính" in " ".join(str(c) for c in cells)
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.description, log.ip) == ("REPORT", report_staff.officer, job.result_name, "10.1.2.3")
    assert log.filters == {"unit": str(tree.so_a.pk), "date": "01/06/2026"}
    assert jobs.execute(job.pk) is None and ExportLog.objects.count() == 1


def test_report_job_refuses_bad_parameters_at_once_and_out_of_scope_units(client, report_staff, tree):
    client.force_login(report_staff.officer)
    url = reverse("reports:download_job", args=["qualification-structure", "xlsx"])
    assert client.post(f"{url}?unit={tree.so_b.pk}&date=01/06/2026").status_code == 404
    assert client.post(f"{url}?unit={tree.so_a.pk}&date=31/02/2026").status_code == 400
    assert client.get(f"{url}?unit={tree.so_a.pk}&date=01/06/2026").status_code == 405
    assert not Job.objects.exists()
    # A job whose unit is outside its creator's scope when it runs fails with a Vietnamese message.
    job = jobs.start(Job.Kind.REPORT, report_staff.officer, {
        "report": "qualification-structure", "subject": "unit", "fmt": "xlsx",
        "query": f"unit={tree.so_b.pk}&date=01/06/2026",
    })
    assert job.status == Job.Status.FAILED and not job.result_file
    assert job.error == (f"Đơn vị mã {tree.so_b.pk} không còn trong phạm vi quản lý của bạn: "
                         "không tạo báo cáo “Cơ cấu trình độ chuyên môn theo cấp hành chính”.")
    assert not ExportLog.objects.exists()


def test_training_history_pdf_in_a_job(client, report_staff, tree):
    person = make_person(tree.phong_a, code="HS001", full_name="Phạm Văn Sử")
    client.force_login(report_staff.officer)
    response = client.post(reverse("reports:training_history_job", args=[person.pk, "pdf"]))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.result_name.endswith(".pdf") and job.result_file.read()[:5] == b"%PDF-"
    assert ExportLog.objects.get().kind == "REPORT"
    other = make_person(tree.so_b, code="HS002")
    assert client.post(reverse("reports:training_history_job", args=[other.pk, "pdf"])).status_code == 404


# ---------------------------------------------------------------- staff export


def test_staff_export_job_counts_rows_and_writes_the_file(client, users, tree, monkeypatch, progress_log):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for i in range(4):
        make_person(tree.phong_a, code=f"XK{i:03d}")
    make_person(tree.so_b, code="XK999")  # outside the officer's scope
    client.force_login(users.officer)
    response = client.post(reverse("people:person_export_job") + "?q=XK", REMOTE_ADDR="10.9.8.7")
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert [c[:2] for c in progress_log] == [(0, 4), (2, 4), (4, 4)]
    assert (job.progress_done, job.progress_total) == (4, 4) and job.progress_message == "Đã ghi 4 cán bộ."
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(job.result_file.open("rb")).get_sheet_by_index(0).to_python()
    assert sorted(r[1] for r in rows[1:]) == ["XK000", "XK001", "XK002", "XK003"]
    log = ExportLog.objects.get()
    assert (log.kind, log.rows, log.ip, log.filters) == ("STAFF", 4, "10.9.8.7", {"q": "XK"})
    assert client.get(reverse("people:person_export_job")).status_code == 405


def test_unexpected_error_is_recorded_in_vietnamese(users, monkeypatch):
    def broken(job, context):
        context.progress(0, 2, "Đang thử")
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setitem(jobs.RUNNERS, Job.Kind.STAFF_EXPORT, f"{__name__}.BROKEN")
    monkeypatch.setattr(f"{__name__}.BROKEN", broken, raising=False)
    job = jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {}, title="Xuất danh sách cán bộ (.xlsx)")
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.error == (f"Công việc “Xuất danh sách cán bộ (.xlsx)” (mã {job.pk}) dừng vì lỗi hệ thống: "
                         "RuntimeError: ổ đĩa đầy. Hãy báo quản trị hệ thống.")
    assert jobs.execute(job.pk) is None  # a failure is final: not retried


# ---------------------------------------------------------------- pages and scoping


def test_a_user_sees_only_their_own_jobs(client, users, django_assert_max_num_queries):
    mine = [jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {}, title=f"Việc {i}") for i in range(3)]
    theirs = jobs.start(Job.Kind.STAFF_EXPORT, users.province, {}, title="Việc của người khác")
    client.force_login(users.officer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("jobs:list")).content.decode()
    assert all(job.title in page for job in mine) and theirs.title not in page
    for name in ("detail", "status", "file"):
        assert client.get(reverse(f"jobs:{name}", args=[theirs.pk])).status_code == 404
        assert client.get(reverse(f"jobs:{name}", args=[mine[0].pk])).status_code == 200
    client.force_login(users.province)
    assert client.get(reverse("jobs:file", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("jobs:detail", args=[mine[0].pk])).status_code == 404
    client.logout()
    assert client.get(reverse("jobs:detail", args=[mine[0].pk])).status_code == 302


def test_the_job_list_is_paged_with_a_fixed_number_of_queries(client, users, django_assert_num_queries):
    def add(n):
        Job.objects.bulk_create(Job(kind=Job.Kind.REPORT, created_by=users.officer, title=f"Báo cáo {i}") for i in range(n))

    client.force_login(users.officer)
    add(3)
    client.get(reverse("jobs:list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("jobs:list"))
    add(60)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("jobs:list"))
    assert response.context["page_obj"].paginator.count == 63 and len(response.context["jobs"]) == 50
    assert len(client.get(reverse("jobs:list"), {"page": 2}).context["jobs"]) == 13


def test_a_waiting_job_page_polls_its_status_partial(client, users):
    job = Job.objects.create(kind=Job.Kind.REPORT, created_by=users.officer, title="Báo cáo chờ",
                             progress_done=1, progress_total=4, progress_message="Đang tính số liệu")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    client.force_login(users.officer)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    status_url = reverse("jobs:status", args=[job.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress class="job-progress" max="100" value="25"' in page and "Đã xong 1/4" in page
    assert "<script>" not in page and "onclick" not in page
    partial = client.get(status_url).content.decode()
    assert partial.lstrip().startswith("<div id=\"job-status\"") and "Đang tính số liệu" in partial


# ---------------------------------------------------------------- sweep


def dead_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running_job(user, worker, heartbeat, attempts=1):
    job = Job.objects.create(kind=Job.Kind.STAFF_EXPORT, created_by=user, title="Xuất danh sách")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, worker=worker, heartbeat=heartbeat,
                                         attempts=attempts)
    return job


def test_sweep_requeues_jobs_of_dead_or_silent_workers_and_leaves_live_ones(users, settings):
    settings.DTBD_JOB_STALE_SECONDS = 600
    now = timezone.now()
    host = socket.gethostname()
    dead = running_job(users.officer, f"{host}:{dead_pid()}", now)
    silent = running_job(users.officer, "other-host:123", now - datetime.timedelta(seconds=601))
    live = running_job(users.officer, f"{host}:{os.getpid()}", now)
    remote = running_job(users.officer, "other-host:456", now - datetime.timedelta(seconds=30))
    assert jobs.sweep() == 2
    for job in (dead, silent):  # re-queued, then run (inline in the tests) by a new attempt
        job.refresh_from_db()
        assert job.status == Job.Status.DONE and job.attempts == 2
    for job in (live, remote):
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING and job.attempts == 1
    with pytest.raises(jobs.Busy):
        jobs.execute(live.pk)


def test_sweep_gives_up_after_max_attempts(users):
    job = running_job(users.officer, f"{socket.gethostname()}:{dead_pid()}", timezone.now(), attempts=jobs.MAX_ATTEMPTS)
    jobs.sweep()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith(f"Công việc “Xuất danh sách” (mã {job.pk}) bị dừng giữa chừng 3 lần")


def test_sweep_deletes_old_finished_jobs_and_their_files(users, settings):
    settings.DTBD_JOB_KEEP_DAYS = 7
    old = jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {})
    recent = jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {})
    path = old.result_file.path
    assert os.path.exists(path)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    jobs.sweep()
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk] and not os.path.exists(path)


def test_superseded_attempt_records_nothing(users):
    """An attempt that lost its job (re-queued and claimed again meanwhile) stops at its next progress report."""
    job = running_job(users.officer, "other-host:1", timezone.now())
    context = jobs.Context(job)
    Job.objects.filter(pk=job.pk).update(attempts=2)
    with pytest.raises(jobs.Superseded):
        context.progress(1, 2)


# ---------------------------------------------------------------- Celery


@pytest.fixture
def celery_eager():
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=True, broker_url="memory://")
    yield app
    app.conf.update(saved)


def test_with_celery_configured_jobs_go_through_the_celery_task(users, settings, monkeypatch, celery_eager):
    from types import SimpleNamespace


    settings.DTBD_JOBS_CELERY = True
    monkeypatch.setattr(jobs, "run_job_task", SimpleNamespace(enqueue=lambda *a: pytest.fail("django-tasks used")))
    assert run_job.acks_late and run_job.reject_on_worker_lost
    job = jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {})
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.result_name.endswith(".xlsx")


def test_batch_page_links_to_the_pending_import_job_instead_of_the_confirm_button(client, users, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, never run
    client.force_login(users.officer)
    batch = upload_staff(client, tmp_path, "CB300")
    first = client.post(reverse("imports:confirm", args=[batch.pk]))
    second = client.post(reverse("imports:confirm", args=[batch.pk]))
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and first.url == second.url == reverse("jobs:detail", args=[job.pk])
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in page and "Xác nhận nhập dữ liệu" not in page
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Đang chờ" in detail and 'hx-trigger="every 1s"' in detail


# --- daily tasks of `dtbd worker` ---------------------------------------------------------------------------------
from django_tasks import task  # noqa: E402

DAILY_RUNS = []


@task()
def record_daily_run():
    DAILY_RUNS.append(1)


def test_worker_enqueues_the_daily_tasks_once_a_day(settings, db):
    import datetime


    settings.DTBD_DAILY_TASKS = [f"{__name__}.record_daily_run"]
    DAILY_RUNS.clear()
    day = enqueue_daily_tasks(None, today=datetime.date(2026, 11, 29))  # the worker starts
    day = enqueue_daily_tasks(day, today=datetime.date(2026, 11, 29))  # later passes the same day
    assert (day, len(DAILY_RUNS)) == (datetime.date(2026, 11, 29), 1)
    day = enqueue_daily_tasks(day, today=datetime.date(2026, 11, 30))  # midnight passed
    assert (day, len(DAILY_RUNS)) == (datetime.date(2026, 11, 30), 2)


def test_the_daily_tasks_move_the_dashboard_period_to_today(settings, db):
    """The configured daily task exists and is a django-tasks task (a wrong path would only be logged)."""
    assert settings.DTBD_DAILY_TASKS and all(hasattr(import_string(p), "enqueue") for p in settings.DTBD_DAILY_TASKS)


LONG_RUNNER_SEEN = []


def long_transaction_runner(job, context):
    """A runner inside one long transaction (as the import is): it writes, then watches the committed heartbeat."""
    started = Job.objects.get(pk=job.pk).heartbeat
    with transaction.atomic():
        make_unit("TX_LONG", "Đơn vị trong giao dịch dài")
        deadline = time.monotonic() + (8 if connection.vendor == "postgresql" else 1)
        while time.monotonic() < deadline:
            beat = Job.objects.filter(pk=job.pk).values_list("heartbeat", flat=True).get()  # committed by others
            if beat > started:
                break
            time.sleep(0.05)
        LONG_RUNNER_SEEN.append((started, beat))
    return jobs.Outcome(message="xong")


def _run_long_transaction_job(users, settings, monkeypatch):
    """Run a job whose runner stays inside one transaction, with a fast heartbeat; returns (job, (heartbeat when the
    runner started, last heartbeat the runner saw committed))."""
    settings.DTBD_JOB_HEARTBEAT_SECONDS = 0.1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setitem(jobs.RUNNERS, Job.Kind.STAFF_EXPORT, f"{__name__}.long_transaction_runner")
    LONG_RUNNER_SEEN.clear()
    job = jobs.start(Job.Kind.STAFF_EXPORT, users.officer, {}, title="Việc dài")
    assert jobs.execute(job.pk) == Job.Status.DONE
    (seen,) = LONG_RUNNER_SEEN
    return job, seen


@pytest.mark.django_db(transaction=True)
def test_a_runner_holding_a_long_transaction_completes_once_and_its_beat_stops(transactional_db, users, settings,
                                                                               monkeypatch):
    """A job whose runner stays inside one transaction (a province import) completes once, and the heartbeat thread
    stops with the runner."""
    job, _seen = _run_long_transaction_job(users, settings, monkeypatch)
    assert not [t for t in threading.enumerate() if t.name.startswith(f"dtbd-job-{job.pk}-")]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress_message == "xong"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_a_runner_holds_a_long_transaction(transactional_db, users, settings, monkeypatch):
    """A job whose runner stays inside one transaction reports no progress other connections can see until it
    commits; its heartbeat is written meanwhile from another thread and connection, so a sweep on another machine
    does not take it for abandoned: the runner sees the beat committed from inside its own transaction. (SQLite holds
    the whole database for the runner's transaction: there is nothing to see there.)"""
    job, (started, beat) = _run_long_transaction_job(users, settings, monkeypatch)
    assert beat > started
    assert not [t for t in threading.enumerate() if t.name.startswith(f"dtbd-job-{job.pk}-")]
