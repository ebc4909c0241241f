"""Background refresh of the dashboard's summary tables (django-tasks), enqueued when data behind them changes
(reports.summaries.mark_dirty)."""
from django_tasks import task

REFRESH_QUEUED = "dtbd:summary-refresh-queued"  # cache flag: a refresh is waiting in the queue


@task()
def refresh_summaries(full: bool = False) -> int:
    """Recompute the dirty units of every stored summary period; returns the number of periods recomputed."""
    from django.core.cache import cache

    from .summaries import refresh

    cache.delete(REFRESH_QUEUED)  # changes from now on need another refresh: let the next one be enqueued
    return len(refresh(full=full))
