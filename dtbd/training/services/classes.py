"""Reads and writes behind the class pages: the filtered class list with its counters, the month
calendar, the enrolment counts of a class and the status change with its side effects (notices, withdrawals).

Views stay thin: they call these functions and render. Every read here runs a fixed number of queries whatever the
number of classes."""
import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.signals import rows_updated
from dtbd.core.text import fold
from dtbd.notices.models import Notice
from dtbd.notices.services import notify

from .. import extensions
from ..models import ClassSession, Enrollment, TrainingClass
from ..queries import state_counts
from ..states import ACTIVE_STATES, CLASS_TRANSITIONS, State, Status, status_label

# Vietnamese week, Monday first.
WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


# -- list -----------------------------------------------------------------------------------------------------------
def search_classes(qs, text):
    """Accent-insensitive search on the class code and name ('boi duong' finds 'bồi dưỡng'), and on the programme.
    Classes have no folded search column, so the (id, code, name) of the candidate classes are read in one query and
    folded here; the result is a `pk__in` filter (2 queries in all, whatever the number of classes)."""
    words = fold(text).split()
    if not words:
        return qs
    ids = []
    for pk, code, name, program_search in qs.values_list("pk", "code", "name", "program__search"):
        haystack = f"{fold(code)} {fold(name)} {program_search or ''}"
        if all(word in haystack for word in words):
            ids.append(pk)
    return qs.filter(pk__in=ids)




def class_rows(qs):
    """The class list's rows: programme and provider joined, waitlisted and requested counts annotated in the same
    query (REQUESTED and APPROVED both wait for a seat decision)."""
    return qs.select_related("program", "provider").annotate(
        waitlisted_count=Count("enrollments", filter=Q(enrollments__state=State.WAITLISTED)),
        requested_count=Count("enrollments", filter=Q(enrollments__state__in=[State.REQUESTED, State.APPROVED])),
    ).order_by("-starts_on", "code")


def year_choices(today=None):
    today = today or timezone.localdate()
    return list(range(today.year + 1, today.year - 6, -1))


# -- calendar -------------------------------------------------------------------------------------------------------
@dataclass
class DayEntry:
    training_class: TrainingClass
    sessions: list = field(default_factory=list)


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list = field(default_factory=list)


def parse_month(raw, today=None):
    """'YYYY-MM' → (year, month); anything else → the current month."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        datetime.date(year, month, 1)
        if not 1900 <= year <= 2200:
            raise ValueError
    except (TypeError, ValueError):
        return today.year, today.month
    return year, month


def shift_month(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_grid(qs, year, month, today=None):
    """Weeks (Monday first) of the month, each day with the classes running that day. A class with sessions appears
    on its session days (with topics and times); a class without sessions on every day from its start to its end.
    Two queries: the classes overlapping the grid, and their sessions inside it."""
    today = today or timezone.localdate()
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    classes = list(
        qs.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("program", "provider")
        .annotate(session_count=Count("sessions"))
        .order_by("starts_on", "code")
    )
    sessions = defaultdict(list)
    for s in ClassSession.objects.filter(
        training_class__in=[c.pk for c in classes], date__gte=first, date__lte=last
    ).order_by("date", "start_time", "pk"):
        sessions[(s.training_class_id, s.date)].append(s)
    weeks = []
    for week in weeks_dates:
        days = []
        for day in week:
            entry = Day(date=day, in_month=day.month == month, is_today=day == today)
            for cls in classes:
                if not cls.starts_on <= day <= cls.ends_on and not sessions.get((cls.pk, day)):
                    continue
                todays = sessions.get((cls.pk, day), [])
                if cls.session_count and not todays:
                    continue
                entry.entries.append(DayEntry(cls, todays))
            days.append(entry)
        weeks.append(days)
    return weeks


# -- detail ---------------------------------------------------------------------------------------------------------
def enrollment_counts(training_class):
    """The class's enrolments by state for its page (queries.state_counts, one aggregate query): `by_state`
    [(state, n)] in lifecycle order, `total`, `map` {state: n}."""
    counts = state_counts(Enrollment.objects.filter(training_class=training_class))
    by_state = [(State(state), counts[state]) for state in State.values]
    return {"by_state": by_state, "total": counts["total"], "map": dict(by_state)}


def _action_labels():
    """What the button moving a class to each status says (an action, not the status name)."""
    return {
        Status.PLANNED: _("Trả về dự kiến"),
        Status.OPEN: _("Mở đăng ký"),
        Status.RUNNING: _("Khai giảng"),
        Status.FINISHED: _("Kết thúc lớp"),
        Status.CLOSED: _("Đóng lớp"),
        Status.CANCELLED: _("Huỷ lớp"),
    }


@dataclass
class Transition:
    status: str
    label: str

    @property
    def value(self):
        return str(self.status)


def allowed_transitions(training_class):
    """The moves a class may make (CLASS_TRANSITIONS) in lifecycle order, with their button labels."""
    allowed = CLASS_TRANSITIONS[Status(training_class.status)]
    labels = _action_labels()
    return [Transition(s, labels[s]) for s in Status if s in allowed]


# -- status ---------------------------------------------------------------------------------------------------------
def _class_url(training_class):
    try:
        return reverse("training:class_detail", args=[training_class.pk])
    except NoReverseMatch:  # pragma: no cover — the route exists once the URLconf is loaded
        return ""


def _users_of_people(person_ids):
    """Active user accounts of a set of people, in one query."""
    if not person_ids:
        return []
    return list(get_user_model().objects.filter(person_id__in=person_ids, is_active=True))


def change_status(training_class, new_status, user=None):
    """Change the status of a class — the one way a class moves (pages, API, shell alike): the transition is checked
    and saved (_move), and its side effects applied in the same transaction:
    - RUNNING: every ENROLLED learner is told the class starts (Notice CLASS_START);
    - CANCELLED: every active enrolment (requested, approved, enrolled, waitlisted) is WITHDRAWN with the reason
      "Lớp bị huỷ", the seat counter goes back to 0 and each of those people is told (Notice CLASS_CANCELLED).
    Returns the number of people notified. Raises ValidationError (Vietnamese) when the change is refused."""
    if new_status not in Status.values:
        raise ValidationError(_("Trạng thái lớp “%(s)s” không hợp lệ.") % {"s": new_status})
    url = _class_url(training_class)
    period = f"{training_class.starts_on:%d/%m/%Y} – {training_class.ends_on:%d/%m/%Y}"
    with transaction.atomic():
        old_status = training_class.status
        _move(training_class, new_status)
        # The apps above training act on the move in the same transaction (e.g. a finished class opens its survey).
        extensions.status_changed(training_class, old_status, new_status, user)
        if new_status == Status.RUNNING:
            person_ids = list(
                Enrollment.objects.filter(training_class=training_class, state=State.ENROLLED)
                .values_list("person_id", flat=True)
            )
            notices = notify(
                _users_of_people(person_ids), Notice.Kind.CLASS_START,
                _("Lớp %(code)s khai giảng") % {"code": training_class.code},
                _("Lớp “%(name)s” (%(period)s) đã bắt đầu. Địa điểm: %(place)s.")
                % {"name": training_class.name, "period": period, "place": training_class.place or "—"},
                url,
            )
            return len(notices)
        if new_status == Status.CANCELLED:
            # The class row is locked (change_status), then its enrolments: one UPDATE, audited here and announced
            # with rows_updated (a queryset update sends no model signal).
            active = list(
                Enrollment.objects.select_for_update().select_related("person", "training_class")
                .filter(training_class=training_class, state__in=ACTIVE_STATES)
            )
            person_ids = [e.person_id for e in active]
            reason = _("Lớp bị huỷ")
            Enrollment.objects.filter(pk__in=[e.pk for e in active]).update(state=State.WITHDRAWN, reason=reason)
            _audit_updates(active, {"state": State.WITHDRAWN, "reason": reason}, user)
            rows_updated.send(sender=Enrollment, rows=active)  # the dashboard's summaries (reports.signals)
            TrainingClass.objects.filter(pk=training_class.pk).update(seats_taken=0)  # not audited (auditlog.register)
            training_class.seats_taken = 0
            notices = notify(
                _users_of_people(person_ids), Notice.Kind.CLASS_CANCELLED,
                _("Lớp %(code)s bị huỷ") % {"code": training_class.code},
                _("Lớp “%(name)s” (%(period)s) đã bị huỷ; đăng ký của bạn không còn hiệu lực.")
                % {"name": training_class.name, "period": period},
                url,
            )
            return len(notices)
    return 0


def _move(training_class, new_status):
    """Move a class to `new_status` if the transition is allowed (states.CLASS_TRANSITIONS); refuse with a Vietnamese
    message otherwise. The class row is locked and its status read again, so two concurrent changes cannot both pass; it is saved
    through the model, so django-auditlog records the change and the dashboard's summaries are marked
    (reports.signals)."""
    if new_status not in Status.values:
        raise ValidationError(_("Trạng thái lớp “%(s)s” không hợp lệ.") % {"s": new_status})
    old = training_class.status
    if new_status not in CLASS_TRANSITIONS[Status(old)]:
        raise ValidationError(
            _("Lớp %(code)s đang ở trạng thái “%(old)s”, không thể chuyển sang “%(new)s”.")
            % {"code": training_class.code, "old": status_label(old), "new": status_label(new_status)}
        )
    if new_status == Status.OPEN and training_class.registration_closes and (
        training_class.registration_closes < timezone.localdate()
    ):
        raise ValidationError(
            _("Lớp %(code)s đã hết hạn đăng ký (%(d)s), không thể mở đăng ký.")
            % {"code": training_class.code, "d": training_class.registration_closes.strftime("%d/%m/%Y")}
        )
    with transaction.atomic():
        if new_status == Status.RUNNING and training_class.min_size:
            taken = TrainingClass.objects.filter(pk=training_class.pk).values_list("seats_taken", flat=True).get()
            if taken < training_class.min_size:
                raise ValidationError(
                    _("Lớp %(code)s mới có %(n)s học viên, chưa đủ số tối thiểu %(min)s để khai giảng.")
                    % {"code": training_class.code, "n": taken, "min": training_class.min_size}
                )
        row = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
        if row.status != old:
            raise ValidationError(
                _("Trạng thái lớp %(code)s vừa được người khác thay đổi; vui lòng tải lại.") % {"code": training_class.code}
            )
        row.status = new_status
        row.save(update_fields=["status"])
    training_class.status = new_status
    return training_class


def _audit_updates(rows, values, user=None):
    """The django-auditlog entries of `rows` changed to `values` by one queryset UPDATE (which sends no signal), as
    the model's save would have written them: one UPDATE entry per row with the changed fields, by `user` (else the
    actor of the request's audit context). `rows` hold the values before the change."""
    actor = {"actor": user} if getattr(user, "is_authenticated", False) else {}
    for row in rows:
        changes = {name: [str(getattr(row, name)), str(value)] for name, value in values.items()
                   if getattr(row, name) != value}
        for name, value in values.items():
            setattr(row, name, value)
        if changes:
            LogEntry.objects.log_create(row, action=LogEntry.Action.UPDATE, changes=changes, **actor)
