"""Scheduled reminders (nhắc việc; docs/domain.md §19): in-app notices and their e-mails, sent by the job worker's
daily run (settings.DTBD_DAILY_TASKS → notices.reminders.send_reminders; by hand `dtbd send-reminders [--date D]`).

The kinds live in the apps that know the facts and register here from their AppConfig.ready (a lower app never
imports an upper one: docs/decisions/0002-app-layers.md): training (registration closing, class starting,
certificates expiring), standards (annual hours missing in the last quarter), funding (return from postgraduate
study due, service commitments ending). Each kind is a `ReminderKind` whose `collect(day, days)` yields `Due` items:
a recipient (user id), the object the reminder is about (`object_key`, e.g. "class:12"), the occasion day (the
deadline, start or expiry it announces) and the text.

Idempotent: a reminder is logged in SentReminder under (kind, object, recipient, occasion day) in the transaction
that writes its notice, and never sent again — a day run twice sends nothing twice, the next days of the window send
nothing again, a moved date (a class postponed) is a new occasion. Optional kinds can be switched off by each user
(ReminderPreference; page /thong-bao/nhac-viec/); mandatory ones (a deadline the user must act on) cannot."""
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django_tasks import task

from .models import Notice, ReminderPreference, SentReminder
from .services import notify_rows

log = logging.getLogger("dtbd.notices")


@dataclass(frozen=True)
class Due:
    user_id: int
    object_key: str
    day: datetime.date
    title: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    description: str
    collect: object  # f(day, days) -> iterable of Due
    days: int = 0  # how many days ahead (the window), overridable in settings.DTBD_REMINDER_DAYS[code]
    optional: bool = True
    audience: str = ""  # who receives it, for the preferences page
    order: int = field(default=100, compare=False)

    def window(self):
        return int(getattr(settings, "DTBD_REMINDER_DAYS", {}).get(self.code, self.days))


_KINDS: dict[str, ReminderKind] = {}
SLICE = 2000


def register(kind: ReminderKind):
    """Add a kind (from an AppConfig.ready; registering the same code again replaces it)."""
    _KINDS[kind.code] = kind
    return kind


def kinds():
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def get(code):
    return _KINDS.get(code)


def enabled_for(user, kind):
    if not kind.optional:
        return True
    return not ReminderPreference.objects.filter(user=user, kind=kind.code, enabled=False).exists()


def preferences(user):
    """[(kind, enabled)] of every registered kind for `user` (one query)."""
    off = set(ReminderPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return [(k, not (k.optional and k.code in off)) for k in kinds()]


def save_preferences(user, enabled_codes):
    """Switch each optional kind on (in `enabled_codes`) or off for `user`; mandatory kinds stay on."""
    enabled_codes = set(enabled_codes)
    with transaction.atomic():
        for kind in kinds():
            if not kind.optional:
                continue
            on = kind.code in enabled_codes
            pref = ReminderPreference.objects.filter(user=user, kind=kind.code).first()
            if pref is None:
                if not on:
                    ReminderPreference.objects.create(user=user, kind=kind.code, enabled=False)
            elif pref.enabled != on:
                pref.enabled = on
                pref.save(update_fields=["enabled", "updated_at"])


def _send(kind, dues):
    """Write the notices and log rows of `dues` not yet sent (one transaction); returns how many were sent."""
    if not dues:
        return 0
    if kind.optional:
        off = set(ReminderPreference.objects.filter(kind=kind.code, enabled=False,
                                                    user_id__in={d.user_id for d in dues})
                  .values_list("user_id", flat=True))
        dues = [d for d in dues if d.user_id not in off]
    sent = set(SentReminder.objects.filter(kind=kind.code, day__in={d.day for d in dues},
                                           user_id__in={d.user_id for d in dues})
               .values_list("object_key", "user_id", "day"))
    fresh = [d for d in dues if (d.object_key, d.user_id, d.day) not in sent]
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            notices = notify_rows([(d.user_id, Notice.Kind.REMINDER, d.title, d.body, d.url) for d in fresh])
            by_user_position = {id(d): n for d, n in zip(fresh, notices)}
            SentReminder.objects.bulk_create([
                SentReminder(kind=kind.code, object_key=d.object_key[:60], user_id=d.user_id, day=d.day,
                             notice=by_user_position.get(id(d)))
                for d in fresh
            ])
    except IntegrityError:
        # Another run of the same day got there first: it sent these (the log's unique constraint); nothing here.
        log.info("reminders %s: already sent by a concurrent run", kind.code)
        return 0
    return len(fresh)


def run(day=None):
    """Send every kind's reminders due on `day` (default today); returns {kind code: reminders sent}."""
    day = day or datetime.date.today()
    result = {}
    for kind in kinds():
        try:
            unique, seen = [], set()
            for due in kind.collect(day, kind.window()):
                key = (due.object_key, due.user_id, due.day)
                if key not in seen:
                    seen.add(key)
                    unique.append(due)
            # In slices: each is one transaction with bounded lookups (a quarter's reminder may reach everyone).
            result[kind.code] = sum(_send(kind, unique[i:i + SLICE]) for i in range(0, len(unique), SLICE))
        except Exception:  # noqa: BLE001 — one kind failing does not stop the others; logged for the admins
            log.exception("reminders %s failed on %s", kind.code, day)
            result[kind.code] = 0
    return result


@task()
def send_reminders() -> dict:
    """The daily run, enqueued once a day by `dtbd worker` (settings.DTBD_DAILY_TASKS)."""
    return run()
