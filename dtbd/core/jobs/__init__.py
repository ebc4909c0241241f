"""Background jobs: imports, report files and the staff export run outside the request, with a progress
bar on the job page (dtbd.core.job_views).

- `start(kind, user, parameters)` records a `core.Job` (QUEUED) and dispatches it: by default to django-tasks' database
  backend, served by `dtbd worker` on the same machine (no other service); with REDIS_URL set (settings.DTBD_JOBS_CELERY)
  to Celery (dtbd.core.jobs.celery_app, acks_late + reject_on_worker_lost: a killed worker's message is delivered again).
- `execute(job_id)` is what a worker runs. It *claims* the job in a transaction (QUEUED → RUNNING, attempts + 1,
  worker id, heartbeat); a job already finished is skipped, a job RUNNING on a live worker raises `Busy`. The runner
  of the kind (RUNNERS) reports progress through the `Context` and returns an `Outcome` (a `Heartbeat` thread writes
  the heartbeat meanwhile, also while the runner is inside one long transaction); the result is recorded only if this attempt still owns the job, so a job completes exactly once.
- `sweep()` (run by `dtbd worker` when it starts and then periodically) re-queues the jobs whose worker died: RUNNING
  with a dead process on this machine, or a heartbeat older than DTBD_JOB_STALE_SECONDS. After MAX_ATTEMPTS it gives
  up and records the failure.

Runners are idempotent: the import runner applies the batch in one transaction that also marks the ImportBatch DONE (a
re-run of a done batch does nothing); the export runners only write a new file, and the export log row is written in
the same transaction that marks the job done.

Result files go through Django's default storage under MEDIA_ROOT (jobs/yyyy/mm/<job id>/<name>), not into the
database: a staff export can be tens of MB, which would bloat the database and its backups; the files are served only
to the job's owner by the job views, and `sweep()` deletes jobs and files older than DTBD_JOB_KEEP_DAYS.
"""
import datetime
import logging
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import Job

logger = logging.getLogger(__name__)

# The runner of each kind: f(job, context) -> Outcome. Dotted paths, imported when a job runs (in the worker).
RUNNERS = {
    Job.Kind.IMPORT: "dtbd.imports.jobs.apply_import",
    Job.Kind.REPORT: "dtbd.reports.jobs.export_report",
    Job.Kind.STAFF_EXPORT: "dtbd.people.jobs.export_staff",
    Job.Kind.PLAN_OPTIMISE: "dtbd.plans.jobs.optimise_plan",
    Job.Kind.REORGANISE: "dtbd.reorganisation.jobs.apply_operation",
    Job.Kind.FOSTERING_EXPORT: "dtbd.reports.national.export_fostering",
}
MAX_ATTEMPTS = 3
PAUSE_ENV = "DTBD_JOBS_TEST_PAUSE"  # test hook: "<kind>:<checkpoint>" makes the runner stop there (see checkpoint)
PAUSE_MARKER_ENV = "DTBD_JOBS_TEST_MARKER"  # file written when the runner reaches the pause


class JobError(Exception):
    """A failure to show the user (Vietnamese, saying what and where). Recorded on the job; never retried."""


class Busy(Exception):
    """The job is RUNNING on a worker that is still alive: leave it alone (Celery retries later)."""


class Superseded(Exception):
    """This attempt lost the job (it was re-queued and claimed again): stop quietly, record nothing."""


@dataclass
class Outcome:
    """What a runner produced: a file (bytes in `content`, or a temporary file at `path`, removed afterwards) named
    `name`, a page to link to, a closing message, and `on_done(job)` run in the transaction that marks the job done
    (e.g. the export log row: written exactly once)."""

    content: bytes | None = None
    path: str | None = None
    name: str = ""
    link: str = ""
    message: str = ""
    on_done: object = None
    cleanup: list = field(default_factory=list)


def worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_seconds():
    return int(getattr(settings, "DTBD_JOB_STALE_SECONDS", 900))


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped by its parent is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def is_abandoned(job, now=None):
    """A RUNNING job whose worker is gone: its process on this machine no longer exists, or (any machine) its
    heartbeat is older than DTBD_JOB_STALE_SECONDS."""
    now = now or timezone.now()
    if job.heartbeat is None or job.heartbeat < now - datetime.timedelta(seconds=stale_seconds()):
        return True
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    return False


# ---------------------------------------------------------------- starting and dispatching


def start(kind, user, parameters=None, *, title="", link=""):
    """Record a job for `user` and hand it to the workers. Call it outside a transaction (views run in autocommit):
    the worker must see the row."""
    parameters = dict(parameters or {})
    parameters.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    job = Job.objects.create(
        kind=kind, created_by=user, parameters=parameters, title=str(title)[:255], link=link,
        progress_message=_("Đang chờ máy chạy nền nhận việc"), heartbeat=timezone.now(),
    )
    dispatch(job)
    job.refresh_from_db()
    return job


# The Celery task, named by its dotted path like the runners: Celery is loaded only when it is configured, and the
# task module imports this one.
CELERY_TASK = "dtbd.core.jobs.celery_app.run_job"


def dispatch(job):
    if getattr(settings, "DTBD_JOBS_CELERY", False):
        import_string(CELERY_TASK).apply_async(args=[job.pk])
    else:
        run_job_task.enqueue(job.pk)


@task()
def run_job_task(job_id: int) -> str:
    """The django-tasks entry point (database backend in `dtbd worker`; inline in the tests)."""
    try:
        return execute(job_id) or ""
    except Busy:
        return "busy"  # running elsewhere; if that worker dies, the sweep re-queues it


# ---------------------------------------------------------------- running


class Context:
    """Given to a runner: progress reports (which beat the heartbeat) and the test pause hook."""

    def __init__(self, job):
        self.job = job
        self.attempt = job.attempts

    def progress(self, done, total=None, message=None):
        values = {"progress_done": max(int(done), 0), "heartbeat": timezone.now()}
        if total is not None:
            values["progress_total"] = max(int(total), 0)
        if message is not None:
            values["progress_message"] = str(message)[:255]
        updated = Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING, attempts=self.attempt).update(**values)
        if not updated:
            raise Superseded
        for key, value in values.items():
            setattr(self.job, key, value)

    def checkpoint(self, name):
        """Test hook: with DTBD_JOBS_TEST_PAUSE=<kind>:<name> the runner stops here for good (the restart test
        kills the worker meanwhile), after writing the file named by DTBD_JOBS_TEST_MARKER."""
        if os.environ.get(PAUSE_ENV) != f"{self.job.kind}:{name}":
            return
        marker = os.environ.get(PAUSE_MARKER_ENV)
        if marker:
            with open(marker, "w") as handle:
                handle.write(f"{self.job.pk} {os.getpid()}\n")
        while True:
            time.sleep(3600)


def heartbeat_seconds():
    """settings.DTBD_JOB_HEARTBEAT_SECONDS (default 60): how often a running job's heartbeat is written."""
    return float(getattr(settings, "DTBD_JOB_HEARTBEAT_SECONDS", 60))


class Heartbeat(threading.Thread):
    """Writes the heartbeat of a running job every heartbeat_seconds(), from its own thread and database connection,
    while the runner works. A runner inside one long transaction (an import of a whole province) reports no progress
    that another connection can see until it commits; without this beat a sweep on another machine would take a job
    longer than DTBD_JOB_STALE_SECONDS for abandoned and run it again. Only this attempt's RUNNING job is touched. On
    SQLite the runner's write transaction may hold the database: the beat is skipped (one machine: the sweep checks
    the worker's process instead)."""

    def __init__(self, job_id, attempt):
        super().__init__(name=f"dtbd-job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING, attempts=self.attempt).update(
                        heartbeat=timezone.now())
                except DatabaseError:  # SQLite locked by the runner's transaction: try again at the next beat
                    logger.debug("heartbeat of job %s skipped", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=30)


def _claim(job_id):
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        if job.status == Job.Status.RUNNING and not is_abandoned(job, now):
            raise Busy
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.worker = worker_id()[:120]
        job.heartbeat = now
        job.started_at = job.started_at or now
        job.error = ""
        job.progress_message = _("Đang bắt đầu")
        job.save(update_fields=["status", "attempts", "worker", "heartbeat", "started_at", "error", "progress_message"])
        return job


def execute(job_id):
    """Run job `job_id` once in this process (what a worker calls). Returns the final status, None if nothing ran."""
    job = _claim(job_id)
    if job is None:
        return None
    context = Context(job)
    with translation.override(job.parameters.get("language") or settings.LANGUAGE_CODE):
        beat = Heartbeat(job.pk, context.attempt)
        beat.start()
        try:
            try:
                outcome = import_string(RUNNERS[job.kind])(job, context)
            finally:
                beat.stop()
        except Superseded:
            return None
        except JobError as error:
            return _fail(job, context.attempt, str(error))
        except Exception as error:  # noqa: BLE001 — recorded on the job for the user, logged for the admins
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            message = _("Công việc “%(title)s” (mã %(id)s) dừng vì lỗi hệ thống: %(error)s. Hãy báo quản trị hệ thống.") % {
                "title": job.title or job.get_kind_display(), "id": job.pk, "error": f"{type(error).__name__}: {error}",
            }
            return _fail(job, context.attempt, message)
        try:
            return _finish(job, context.attempt, outcome)
        finally:
            for path in [outcome.path, *outcome.cleanup]:
                if path:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass


def _finish(job, attempt, outcome):
    with transaction.atomic():
        current = Job.objects.select_for_update().filter(pk=job.pk).first()
        if current is None or current.status != Job.Status.RUNNING or current.attempts != attempt:
            return None  # superseded: another attempt owns the job
        if outcome.content is not None:
            current.result_file.save(outcome.name, ContentFile(outcome.content), save=False)
        elif outcome.path:
            with open(outcome.path, "rb") as handle:
                current.result_file.save(outcome.name, File(handle), save=False)
        current.result_name = outcome.name[:255]
        if outcome.link:
            current.link = outcome.link[:255]
        current.status = Job.Status.DONE
        current.finished_at = current.heartbeat = timezone.now()
        current.progress_total = current.progress_total or 1
        current.progress_done = current.progress_total
        current.progress_message = str(outcome.message or _("Hoàn thành"))[:255]
        current.save()
        if outcome.on_done is not None:
            outcome.on_done(current)
    return current.status


def _fail(job, attempt, message):
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt).update(
        status=Job.Status.FAILED, error=message, finished_at=now, heartbeat=now, progress_message=_("Lỗi")
    )
    return Job.Status.FAILED if updated else None


# ---------------------------------------------------------------- sweeping


def sweep(now=None):
    """Re-queue the jobs abandoned by a dead worker (or give up after MAX_ATTEMPTS), re-dispatch queued jobs whose
    message was lost, and delete old finished jobs with their files. Returns the number of jobs re-queued."""
    now = now or timezone.now()
    requeued = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).only("pk", "kind", "title", "attempts", "worker", "heartbeat"):
        if not is_abandoned(job, now):
            continue
        same = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts, worker=job.worker)
        if job.attempts >= MAX_ATTEMPTS:
            with translation.override(settings.LANGUAGE_CODE):
                message = _(
                    "Công việc “%(title)s” (mã %(id)s) bị dừng giữa chừng %(count)s lần (máy chạy nền khởi động lại "
                    "hoặc bị tắt); hệ thống không thử lại nữa. Hãy chạy lại hoặc báo quản trị hệ thống."
                ) % {"title": job.title or job.get_kind_display(), "id": job.pk, "count": job.attempts}
            same.update(status=Job.Status.FAILED, error=message, finished_at=now, heartbeat=now)
            continue
        with translation.override(settings.LANGUAGE_CODE):
            waiting = _("Máy chạy nền đã dừng giữa chừng; công việc được xếp hàng chạy lại")
        if same.update(status=Job.Status.QUEUED, worker="", heartbeat=now, progress_message=waiting):
            dispatch(job)
            requeued += 1
    lost = now - datetime.timedelta(seconds=stale_seconds())
    for job in Job.objects.filter(status=Job.Status.QUEUED, heartbeat__lt=lost).only("pk"):
        if Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED, heartbeat__lt=lost).update(heartbeat=now):
            dispatch(job)
    keep_days = int(getattr(settings, "DTBD_JOB_KEEP_DAYS", 7))
    old = Job.objects.filter(finished_at__lt=now - datetime.timedelta(days=keep_days))
    for job in old.exclude(result_file="").only("pk", "result_file"):
        job.result_file.delete(save=False)
    old.delete()
    return requeued


def temporary_path(suffix):
    """A temporary file path for a runner's output (Outcome.path; removed after the job is recorded)."""
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="dtbd-job-")
    os.close(handle)
    return path
