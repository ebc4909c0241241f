"""The standards app's reminder kind (dtbd.notices.reminders; docs/domain.md §19), registered from
StandardsConfig.ready:

- `annual_hours_missing` (optional): in the last three months of a person's own hours period (October to December
  for the calendar year, June to August for teachers' school year; every month for a rolling period), each person
  still below the hours row that governs them on the day (docs/domain.md §8: engine.hours_standing, as the review
  computes it). Once a month: the occasion day of the sent-reminder log is the first day of the month, so each month
  of the last quarter sends one reminder to whoever is still below."""
import datetime

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.models import User
from dtbd.notices.reminders import Due, ReminderKind, register

from .engine import hours_standing, people_in
from .models import Requirement

LAST_QUARTER_FROM = 10  # October


def _portal():
    """The learner portal (a page of the training app, above this one: found by its name, not imported)."""
    try:
        return reverse("training:portal")
    except NoReverseMatch:
        return ""


def _last_quarter_start(end):
    """The first day of the last three months of a period ending on `end` (01/10 for a calendar year, 01/06 for a
    school year ending on 31/08; a rolling period ends on the day itself, so it is always in its last quarter)."""
    month, year = end.month - 2, end.year
    if month <= 0:
        month, year = month + 12, year - 1
    return datetime.date(year, month, 1)


def annual_hours_missing(day, days):
    """Each person with an account still below the hours row that governs them on `day` (engine.hours_standing: their
    own period — calendar year, school year or rolling years — and its minimum), in the last three months of that
    period; once a month (the occasion day is the first of the month)."""
    occasion = day.replace(day=1)
    codes = sorted(set(Requirement.objects.filter(kind=Requirement.Kind.ANNUAL_HOURS).values_list("code", flat=True)))
    accounts = User.objects.filter(is_active=True, person__isnull=False)
    for code in codes:
        # Only people with an account who work on the day (placed, not left) can be reminded.
        people = people_in(None, day).filter(pk__in=accounts.values("person_id"))
        standings = {pid: s for pid, s in hours_standing(people.values("pk"), day, code).items()
                     if s.missing and day >= _last_quarter_start(s.end)}
        if not standings:
            continue
        for user_id, person_id in accounts.filter(person_id__in=list(standings)).values_list("pk", "person_id"):
            standing = standings[person_id]
            start, end = standing.start.strftime("%d/%m/%Y"), standing.end.strftime("%d/%m/%Y")
            yield Due(user_id, f"hours:{code}:{standing.end.isoformat()}", occasion,
                      _("Còn thiếu số tiết bồi dưỡng năm %(year)s") % {"year": standing.end.year},
                      _("Đến ngày %(day)s bạn có %(have)s tiết bồi dưỡng trong kỳ tính từ %(start)s đến %(end)s, tối thiểu "
                        "là %(min)s tiết (còn thiếu %(gap)s tiết).") % {
                          "day": day.strftime("%d/%m/%Y"), "have": standing.total, "start": start, "end": end,
                          "min": standing.required, "gap": max(standing.required - standing.total, 0)},
                      _portal())


def register_kinds():
    register(ReminderKind(
        "annual_hours_missing", gettext_lazy("Còn thiếu số tiết bồi dưỡng hằng năm (quý IV)"),
        gettext_lazy("Từ tháng 10 đến tháng 12, mỗi tháng một lần, cho người còn thiếu số tiết bồi dưỡng tối thiểu của năm."),
        annual_hours_missing, days=0, optional=True, audience=gettext_lazy("cán bộ, công chức, viên chức"), order=40))
