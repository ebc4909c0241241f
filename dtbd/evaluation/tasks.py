"""Background tasks of the evaluation app (django-tasks), by the dotted paths settings.DTBD_DAILY_TASKS names."""
from django_tasks import task

from . import services


@task()
def send_survey_reminders() -> int:
    """Daily: remind the learners who have not answered an open class survey (services.send_reminders; once a day
    whatever the number of runs)."""
    return services.send_reminders()
