"""Background tasks of the evaluation app (django-tasks), by the dotted paths settings.DTBD_DAILY_TASKS names."""
import logging

from django_tasks import task

from . import effectiveness, services

log = logging.getLogger("dtbd.evaluation")


@task()
def send_survey_reminders() -> int:
    """Daily: remind the learners who have not answered an open class survey (services.send_reminders; once a day
    whatever the number of runs)."""
    return services.send_reminders()


@task()
def effectiveness_daily() -> list[int]:
    """Create the level-3 forms due today and send the day's reminders (effectiveness.run_daily: a repeated run of
    the day sends nothing twice)."""
    created, managers, learners = effectiveness.run_daily()
    log.info("effectiveness forms: %s created, %s manager and %s learner reminders", created, managers, learners)
    return [created, managers, learners]
