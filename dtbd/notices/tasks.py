"""Background delivery of notice e-mails (django-tasks). A failure is recorded on the notice, never raised into the
request that created it."""
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from .models import Notice


@task()
def send_notice_emails(notice_ids: list[int]) -> int:
    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related("user"):
        address = notice.user.email
        if not address:
            continue
        body = notice.body
        if notice.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notice.url}"
        try:
            send_mail(f"[dtbd] {notice.title}", body, None, [address])
        except Exception as exc:  # noqa: BLE001 — recorded and left for a retry, never raised
            Notice.objects.filter(pk=notice.pk).update(email_error=str(exc)[:255])
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now(), email_error="")
        sent += 1
    return sent
