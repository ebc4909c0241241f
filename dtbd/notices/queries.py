"""Reading and marking a user's own notices. Every function takes the user: a notice of another user is never seen."""
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Notice


def notices_of(user, unread_only=False):
    qs = Notice.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def own_notice(user, pk):
    """The user's notice `pk`; 404 when it does not exist or belongs to someone else."""
    return get_object_or_404(Notice, pk=pk, user=user)


def mark_read(notice):
    """Mark one notice read (once: the first reading time is kept)."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(user):
    """Mark every unread notice of the user read; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def safe_url(url):
    """Only site-relative links are followed after reading (never an absolute address to another site)."""
    return url if url and url.startswith("/") and not url.startswith("//") else ""
