"""Celery application, used only when REDIS_URL is set (settings.DTBD_JOBS_CELERY): background jobs
(dtbd.core.jobs) then run on Celery workers (`dtbd worker`, or `celery -A dtbd worker`: dtbd/celery.py points here)
instead of django-tasks' database worker. Messages are acknowledged after the job ran (acks_late) and given back to the broker when the worker
process dies (reject_on_worker_lost), so a killed worker's job is delivered again; the job's claim makes the
re-delivery harmless (a job completes once)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtbd.settings")

app = Celery("dtbd")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="dtbd.run_job", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def run_job(self, job_id):
    # Imported here, not at the top: `celery -A dtbd` imports this module before Django is set up, and the job
    # framework loads models.
    from dtbd.core.jobs import Busy, execute, stale_seconds

    try:
        return execute(job_id)
    except Busy:
        # Running on a worker that looks alive (e.g. a re-delivery while the first worker still works): look again
        # later; if that worker died meanwhile, its heartbeat goes stale and this delivery takes over.
        raise self.retry(countdown=min(60, stale_seconds())) from None


@app.task(name="dtbd.sweep_jobs", ignore_result=True)
def sweep_jobs():
    from dtbd.core.jobs import sweep  # after Django is set up (see run_job)

    return sweep()
