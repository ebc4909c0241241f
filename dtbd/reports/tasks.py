"""Background refresh of the dashboard's summary tables (django-tasks), enqueued when data behind them changes
(reports.summaries.mark_dirty)."""
from django_tasks import task


@task()
def refresh_summaries(full: bool = False) -> int:
    """Recompute the dirty units of every stored summary period; returns the number of periods recomputed."""
    from .summaries import refresh

    return len(refresh(full=full))
