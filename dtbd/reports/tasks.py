"""Background tasks of the reports app (django-tasks), by the dotted paths the queue and settings.DTBD_DAILY_TASKS
name: the refresh of the dashboard's summary tables, defined with them (reports.summaries)."""
from .summaries import REFRESH_QUEUED, refresh_summaries

__all__ = ["REFRESH_QUEUED", "refresh_summaries"]
