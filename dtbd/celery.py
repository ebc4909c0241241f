"""`celery -A dtbd worker` finds the Celery application here; it lives with the job framework (dtbd.core.jobs)."""
from dtbd.core.jobs.celery_app import app, run_job, sweep_jobs

__all__ = ["app", "run_job", "sweep_jobs"]
