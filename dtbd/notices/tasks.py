"""Background delivery of notice e-mails (django-tasks). A failure is recorded on the notice, never raised into the
request that created it, and tried again later by a task run after a growing delay (RETRY_DELAYS), EMAIL_ATTEMPTS
times in all; then the failure is final: Notice.objects.email_failed(), listed in the Django admin (filter "Thư")."""
import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .models import Notice

EMAIL_ATTEMPTS = 5
# Seconds before the 2nd, 3rd… attempt: 1 min, 10 min, 1 h, 6 h (a mail server down for a few hours is covered).
RETRY_DELAYS = (60, 600, 3600, 6 * 3600)

log = logging.getLogger("dtbd.notices")


@task()
def send_notice_emails(notice_ids: list[int]) -> int:
    sent, failed = 0, {}
    for notice in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related("user"):
        address = notice.user.email
        if not address:
            continue
        body = notice.body
        if notice.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notice.url}"
        attempt = notice.email_attempts + 1
        try:
            send_mail(f"[dtbd] {notice.title}", body, None, [address])
        except Exception as exc:  # noqa: BLE001 — recorded and tried again later, never raised
            Notice.objects.filter(pk=notice.pk).update(email_error=str(exc)[:255], email_attempts=attempt,
                                                       email_retry_at=None)
            if attempt < EMAIL_ATTEMPTS:
                failed.setdefault(attempt, []).append(notice.pk)
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now(), email_error="",
                                                   email_attempts=F("email_attempts") + 1, email_retry_at=None)
        sent += 1
    for attempt, ids in failed.items():
        _retry(ids, attempt)
    return sent


def _retry(ids, attempt):
    """Queue the next attempt of these notices' e-mails after the delay of `attempt` failures. A backend that cannot
    run a task later (the immediate backend) gets no retry: the failure is final at once, not a tight loop."""
    backend = send_notice_emails.get_backend()
    if not backend.supports_defer:
        return
    run_after = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
    try:
        send_notice_emails.using(run_after=run_after).enqueue(ids)
    except Exception:  # noqa: BLE001 — left as a final failure, visible to admins
        log.exception("could not queue the retry of notice e-mails %s", ids)
        return
    Notice.objects.filter(pk__in=ids).update(email_retry_at=run_after)

