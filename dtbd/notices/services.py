"""Creating notices. Callers pass users, a person (their user account, if any) or a unit (the unit officers whose
scope covers it). Notices are rows written in the caller's transaction; e-mails are handed to the task queue after
commit, so sending never blocks or breaks the request."""
from django.contrib.auth import get_user_model
from django.db import transaction

from dtbd.accounts.models import Role

from .models import Notice
from .tasks import send_notice_emails


def notify(users, kind, title, body="", url=""):
    """Create one notice per user (duplicates removed) and queue their e-mails. Returns the notices."""
    seen, notices = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notices.append(Notice(user=user, kind=kind, title=str(title)[:255], body=str(body), url=url))
    if not notices:
        return []
    Notice.objects.bulk_create(notices)
    ids = [n.pk for n in notices if n.pk is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return notices


def notify_rows(rows):
    """One notice per row (user id, kind, title, body, url) — several to one user if they are about different things
    (the reminders) — and queue their e-mails after commit. Returns a list aligned with `rows`: the notice, or None for
    a user who is not active."""
    rows = list(rows)
    User = get_user_model()
    active = set(User.objects.filter(pk__in={r[0] for r in rows}, is_active=True).values_list("pk", flat=True))
    aligned = [Notice(user_id=uid, kind=kind, title=str(title)[:255], body=str(body), url=url or "")
               if uid in active else None for uid, kind, title, body, url in rows]
    notices = [n for n in aligned if n is not None]
    if notices:
        Notice.objects.bulk_create(notices)
        ids = [n.pk for n in notices if n.pk is not None]
        if ids:
            transaction.on_commit(lambda: _enqueue(ids))
    return aligned


def _enqueue(ids):
    try:
        send_notice_emails.enqueue(ids)
    except Exception:  # noqa: BLE001 — the notices are in the database; only the e-mail is lost
        import logging

        logging.getLogger("dtbd.notices").exception("could not queue notice e-mails %s", ids)


def users_of_person(person):
    known = getattr(person, "_active_accounts", None)  # read with the person by person_with_accounts()
    if known is not None:
        return list(known)
    User = get_user_model()
    return list(User.objects.filter(person=person, is_active=True))


def person_of_account(user):
    """The person of a logged-in account, told to notify_person that this account is their recipient: a person has at
    most one account (User.person is one-to-one), so the accounts are not read again inside the caller's
    transaction."""
    person = user.person
    person._active_accounts = [user] if user.is_active else []
    return person


def unit_officers_for(unit):
    """Active unit officers whose scope unit is `unit` or one of its ancestors."""
    User = get_user_model()
    # The unit's path lists its ancestors' ids: /0000001/0000007/… → the unit and every ancestor.
    ids = [int(seg) for seg in unit.path.strip("/").split("/") if seg] or [unit.pk]
    return list(User.objects.filter(scope_unit_id__in=ids, role=Role.UNIT_OFFICER, is_active=True))


def notify_person(person, kind, title, body="", url=""):
    return notify(users_of_person(person), kind, title, body, url)


def notify_unit_officers(unit, kind, title, body="", url=""):
    if unit is None:
        return []
    return notify(unit_officers_for(unit), kind, title, body, url)


def unread_count(user):
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
