"""Background tasks of the training app (django-tasks), by the dotted paths settings.DTBD_DAILY_TASKS names."""
from django.utils import timezone
from django_tasks import task

from .services import overseas


@task()
def overseas_report_reminders() -> dict:
    """The daily reminders of the reports due after a course abroad (services.overseas.send_reminders): enqueued
    daily by `dtbd worker`; running it twice on a day sends nothing twice."""
    return overseas.send_reminders(timezone.localdate())
