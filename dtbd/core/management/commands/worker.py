"""`dtbd worker`: the background-job worker that `make run` starts beside the web server.

It first re-queues the jobs a killed worker left RUNNING (dtbd.core.jobs.sweep), keeps sweeping every
--sweep-interval seconds in a thread, enqueues the daily tasks (settings.DTBD_DAILY_TASKS, e.g. moving the
dashboard's current period to today) once a day, then serves the queue: django-tasks' database worker loop (default,
no other service), or a Celery worker when REDIS_URL is set (settings.DTBD_JOBS_CELERY) — with a django-tasks
database worker beside it in a child process, for the small tasks (notice e-mails, summary refreshes)."""
import datetime
import logging
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import import_string

from dtbd.core import jobs

logger = logging.getLogger(__name__)


def sweep_once():
    try:
        return jobs.sweep()
    except Exception:  # noqa: BLE001 — a locked or unreachable database: try again at the next pass
        logger.exception("Job sweep failed")
        return 0
    finally:
        connection.close()  # hold no connection between passes (and none for a forked Celery child to inherit)


def enqueue_daily_tasks(last_day, today=None):
    """Enqueue every task of settings.DTBD_DAILY_TASKS (dotted paths of django-tasks tasks) when the day changed
    since `last_day`; returns the day to remember."""
    today = today or datetime.date.today()
    if today == last_day:
        return last_day
    for path in getattr(settings, "DTBD_DAILY_TASKS", ()):
        try:
            import_string(path).enqueue()
        except Exception:  # noqa: BLE001 — a locked database: the next day (or the next start) tries again
            logger.exception("Daily task %s could not be enqueued", path)
    return today


class Command(BaseCommand):
    help = "Chạy công việc nền: chạy lại việc bị bỏ dở, rồi phục vụ hàng đợi (django-tasks, hoặc Celery khi có REDIS_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--sweep-interval", type=float, default=60.0,
                            help="số giây giữa hai lần tìm công việc bị bỏ dở (mặc định 60)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="số giây chờ giữa hai lần xem hàng đợi khi không có việc (mặc định 1)")
        parser.add_argument("--concurrency", type=int, default=2, help="số tiến trình Celery (chỉ khi có REDIS_URL)")

    def handle(self, *args, sweep_interval, interval, concurrency, verbosity, **options):
        requeued = sweep_once()
        if requeued and verbosity:
            self.stdout.write(f"{requeued} công việc bị bỏ dở đã được xếp hàng chạy lại.")
        stop = threading.Event()

        def sweeper():
            day = None
            while True:
                day = enqueue_daily_tasks(day)
                connection.close()
                if stop.wait(sweep_interval):
                    break
                sweep_once()

        threading.Thread(target=sweeper, name="dtbd-job-sweep", daemon=True).start()
        try:
            if getattr(settings, "DTBD_JOBS_CELERY", False):
                from dtbd.core.jobs.celery_app import app  # Celery is loaded only when configured

                tasks_worker = subprocess.Popen([sys.executable, "-m", "dtbd.manage", "db_worker", "--no-startup-delay",
                                                 "--no-reload", "--interval", str(interval), "-v", "0"])
                self._children = [tasks_worker]
                app.worker_main(["worker", "--loglevel", "WARNING" if verbosity < 2 else "INFO",
                                 "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"])
            else:
                call_command("db_worker", "--no-startup-delay", "--no-reload", "--interval", str(interval),
                             verbosity=verbosity)
        finally:
            stop.set()
            for child in getattr(self, "_children", ()):
                child.terminate()
