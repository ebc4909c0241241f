"""Reads and writes behind the class pages: the filtered class list with its counters, the month
calendar, the enrolment counts of a class and the status change with its side effects (notices, withdrawals).

Views stay thin: they call these functions and render. Every read here runs a fixed number of queries whatever the
number of classes."""
import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.text import fold
from dtbd.notices.models import Notice
from dtbd.notices.services import notify

from . import services
from .models import ClassSession, Enrollment, TrainingClass

Status = TrainingClass.Status
State = Enrollment.State

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


def open_now_q(today=None):
    """Classes taking self-registrations today: status OPEN and today inside the (optional) registration window."""
    today = today or timezone.localdate()
    return (
        Q(status=Status.OPEN)
        & (Q(registration_opens__isnull=True) | Q(registration_opens__lte=today))
        & (Q(registration_closes__isnull=True) | Q(registration_closes__gte=today))
    )


def is_open_now(training_class, today=None):
    """The Python twin of open_now_q() for one loaded class."""
    today = today or timezone.localdate()
    opens, closes = training_class.registration_opens, training_class.registration_closes
    return (
        training_class.status == Status.OPEN and (opens is None or opens <= today) and (closes is None or closes >= today)
    )


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
    """{state: count} for every enrolment state (zeros included), with the total, in one aggregate query."""
    aggregates = {
        state.lower(): Count("pk", filter=Q(state=state)) for state in State.values
    }
    row = Enrollment.objects.filter(training_class=training_class).aggregate(total=Count("pk"), **aggregates)
    counts = [(State(state), row[state.lower()]) for state in State.values]
    return {"by_state": counts, "total": row["total"], "map": {state: n for state, n in counts}}


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
    """The moves a class may make (services.CLASS_TRANSITIONS) in lifecycle order, with their button labels."""
    allowed = services.CLASS_TRANSITIONS[Status(training_class.status)]
    labels = _action_labels()
    return [Transition(s, labels[s]) for s in Status if s in allowed]


# -- status ---------------------------------------------------------------------------------------------------------
def _class_url(training_class):
    try:
        return reverse("training:class_detail", args=[training_class.pk])
    except NoReverseMatch:  # pragma: no cover — the route exists once urls_classes is loaded
        return ""


def _users_of_people(person_ids):
    """Active user accounts of a set of people, in one query."""
    if not person_ids:
        return []
    return list(get_user_model().objects.filter(person_id__in=person_ids, is_active=True))


def set_status(training_class, new_status, user=None):
    """Change the status of a class (services.change_status checks the transition) and apply its side effects in the
    same transaction:
    - RUNNING: every ENROLLED learner is told the class starts (Notice CLASS_START);
    - CANCELLED: every active enrolment (requested, approved, enrolled, waitlisted) is WITHDRAWN with the reason
      "Lớp bị huỷ", the seat counter goes back to 0 and each of those people is told (Notice CLASS_CANCELLED).
    Returns the number of people notified. Raises ValidationError (Vietnamese) when the change is refused."""
    if new_status not in Status.values:
        raise ValidationError(_("Trạng thái lớp “%(s)s” không hợp lệ.") % {"s": new_status})
    url = _class_url(training_class)
    period = f"{training_class.starts_on:%d/%m/%Y} – {training_class.ends_on:%d/%m/%Y}"
    with transaction.atomic():
        services.change_status(training_class, new_status, user)
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
            active = Enrollment.objects.filter(training_class=training_class, state__in=services.ACTIVE_STATES)
            person_ids = list(active.values_list("person_id", flat=True))
            active.update(state=State.WITHDRAWN, reason=_("Lớp bị huỷ"))
            TrainingClass.objects.filter(pk=training_class.pk).update(seats_taken=0)
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
