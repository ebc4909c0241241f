"""A job survives a worker restart: real `dtbd worker` processes against a scratch database (a SQLite file, or a
scratch PostgreSQL database when the suite runs on PostgreSQL: the test database of pytest cannot be shared with a
subprocess). The first worker stops inside the import's transaction (test hook DTBD_JOBS_TEST_PAUSE) and is killed
with SIGKILL; a new worker re-queues the job when it starts and completes it exactly once: no row is duplicated.

With REDIS_URL-style dispatch, the same happens on a real Celery worker (local Redis at 127.0.0.1:6379, a queue of
its own): its pool process is killed mid-job and the message, rejected on worker loss, is delivered again."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from dtbd.core.testing import stop_process_group
from dtbd.core.tests.scratch import SUITE_ENGINE, fresh_copy

DTBD = str(Path(sys.executable).parent / "dtbd")
WAIT = 300  # seconds: a bound against hangs on a loaded machine, not a timing assertion

SETUP = r"""
import datetime, json, os, pathlib
from django.core.files.base import ContentFile
from dtbd.accounts.models import Role
from dtbd.core import jobs
from dtbd.core.spreadsheet import write_sheet
from dtbd.imports.services import check_batch
from dtbd.core.models import ImportBatch, Job
from dtbd.accounts.testing import make_user
from dtbd.org.testing import make_unit
from dtbd.people import importing as staff

root = make_unit("T01", "UBND tỉnh Thử", kind="UBND_TINH")
so = make_unit("SO_A", "Sở Nội vụ", parent=root)
make_unit("SO_A.P1", "Phòng Tổ chức", parent=so, kind="PHONG")
user = make_user("donvi", Role.UNIT_OFFICER, scope_unit=so)
rows = []
for i in range(3):
    values = {h: "" for h in staff.HEADERS}
    values.update({"Mã cán bộ": f"RS{i:03d}", "Họ và tên": "Lê Thị Bình", "Ngày sinh": datetime.date(1990, 1, 2),
                   "Giới tính": "NU", "Dân tộc": "Kinh", "Mã đơn vị": "SO_A.P1", "Loại": "CC",
                   "Mã ngạch": "01.003", "Trình độ chuyên môn": "DH"})
    rows.append([values[h] for h in staff.HEADERS])
path = write_sheet(pathlib.Path(os.environ["MEDIA_ROOT"]) / "source.xlsx", list(staff.HEADERS), rows)
batch = ImportBatch(user=user, kind="staff", file_name="can-bo.xlsx", status="INVALID")
batch.file.save("can-bo.xlsx", ContentFile(path.read_bytes()), save=False)
check_batch(batch, user, dry_run=True)
assert batch.status == "VALID", batch.report
job = jobs.start(Job.Kind.IMPORT, user, {"batch": batch.pk}, title="Nhập cán bộ")
print(json.dumps({"job": job.pk}))
"""

STATE = r"""
import json
from auditlog.models import LogEntry
from dtbd.core.models import ImportBatch, Job
from dtbd.people.models import Person, Qualification, UnitAssignment

job = Job.objects.get()
print(json.dumps({
    "status": job.status, "attempts": job.attempts, "error": job.error, "message": job.progress_message,
    "batch": ImportBatch.objects.get().status,
    "people": Person.objects.filter(code__startswith="RS").count(),
    "units": UnitAssignment.objects.filter(person__code__startswith="RS").count(),
    "quals": Qualification.objects.filter(person__code__startswith="RS").count(),
    "audit": LogEntry.objects.filter(content_type__model="person").count(),
}))
"""


@pytest.fixture
def scratch(tmp_path, scratch_templates):
    """Environment of the subprocesses: a fresh copy of the migrated scratch template of the suite's engine
    (dtbd/core/tests/scratch.py), media and var folders under tmp_path."""
    db = fresh_copy(scratch_templates, SUITE_ENGINE, tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "REDIS_URL", "DTBD_JOBS"))}
    env.update({
        "DATABASE_URL": db.url,
        "DTBD_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DTBD_JOBS_CELERY": "0",
        "DJANGO_SETTINGS_MODULE": "dtbd.settings",
    })
    (tmp_path / "media").mkdir()
    yield env
    db.drop()


def shell(env, code):
    done = subprocess.run([DTBD, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(env, tmp_path, name, command=None, **extra):
    log = open(tmp_path / f"{name}.log", "w")
    command = command or [DTBD, "worker", "-v0", "--interval", "0.2", "--sweep-interval", "3600"]
    return subprocess.Popen(command, env={**env, **extra}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(condition, what, *logs):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    details = "\n".join(Path(log).read_text() for log in logs if Path(log).exists())
    pytest.fail(f"gave up waiting for {what}\n{details}")


def stop(process):
    stop_process_group(process, timeout=60)


def test_killed_worker_job_is_requeued_and_completes_exactly_once(scratch, tmp_path):
    env = scratch
    shell(env, SETUP)
    marker = tmp_path / "paused"
    first = start_worker(env, tmp_path, "first", DTBD_JOBS_TEST_PAUSE="import:saved", DTBD_JOBS_TEST_MARKER=str(marker))
    try:
        wait_for(marker.exists, "the first worker to reach the pause", tmp_path / "first.log")
        state = shell(env, STATE)
        # Paused inside the import transaction: rows written but not committed.
        assert (state["status"], state["attempts"], state["batch"], state["people"]) == ("RUNNING", 1, "VALID", 0)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert shell(env, STATE)["people"] == 0  # the killed transaction was rolled back

    second = start_worker(env, tmp_path, "second")
    try:
        state = wait_for(lambda: (s := shell(env, STATE))["status"] in ("DONE", "FAILED") and s,
                         "the second worker to finish the job", tmp_path / "second.log")
    finally:
        stop(second)
    assert state == {
        "status": "DONE", "attempts": 2, "error": "", "batch": "DONE",
        "message": "Đã nhập 3 dòng: 3 thêm mới, 0 thay đổi, 0 không đổi.",
        "people": 3, "units": 3, "quals": 3, "audit": 3,
    }


def _redis_available():
    import redis

    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_celery_worker_killed_mid_job_redelivers_and_completes_once(scratch, tmp_path):
    """Real Celery worker (prefork, one pool process) on the local Redis: the pool process is killed inside the
    import transaction; acks_late + reject_on_worker_lost give the message back, a new pool process claims the job
    (its former worker process is dead) and completes it once."""
    assert _redis_available(), "this test needs redis-server at 127.0.0.1:6379"
    queue = f"dtbd-test-{uuid.uuid4().hex[:12]}"
    env = {**scratch, "DTBD_JOBS_CELERY": "1", "REDIS_URL": "redis://127.0.0.1:6379/15", "CELERY_QUEUE": queue}
    shell(env, SETUP)  # queues the job on the Celery queue of this test
    marker = tmp_path / "paused"
    worker = start_worker(env, tmp_path, "celery", [DTBD, "worker", "-v0", "--concurrency", "1", "--sweep-interval", "3600"],
                          DTBD_JOBS_TEST_PAUSE="import:saved", DTBD_JOBS_TEST_MARKER=str(marker))
    try:
        wait_for(marker.exists, "the Celery pool process to reach the pause", tmp_path / "celery.log")
        job_id, pid = (int(v) for v in marker.read_text().split())
        assert pid != worker.pid  # the pool process, not the main worker process
        marker.unlink()
        os.kill(pid, signal.SIGKILL)
        # The re-delivered message runs in a new pool process, which pauses at the same point (the hook is still
        # set): the job was claimed again, by attempt 2.
        wait_for(marker.exists, "the re-delivered job to reach the pause", tmp_path / "celery.log")
        state = shell(env, STATE)
        assert (state["status"], state["attempts"], state["people"]) == ("RUNNING", 2, 0)
    finally:
        stop(worker)
    # A worker without the hook finishes it (the sweep at start re-queues it: its process is gone).
    worker = start_worker(env, tmp_path, "celery2", [DTBD, "worker", "-v0", "--concurrency", "1", "--sweep-interval", "3600"])
    try:
        state = wait_for(lambda: (s := shell(env, STATE))["status"] in ("DONE", "FAILED") and s,
                         "the Celery worker to finish the job", tmp_path / "celery2.log")
    finally:
        stop(worker)
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15").delete(queue)
    assert (state["status"], state["attempts"], state["batch"], state["people"], state["units"], state["audit"]) == (
        "DONE", 3, "DONE", 3, 3, 3)
