"""The standards app's reminder kind (dtbd.notices.reminders; docs/domain.md §19), registered from
StandardsConfig.ready:

- `annual_hours_missing` (optional): in the last quarter of the year (October to December), each person still below
  an annual-hours requirement (kind ANNUAL_HOURS, by default 40 tiết in the calendar year — docs/domain.md §8) that
  applies to them on the day, as the review computes it (standards.engine: the same Catalogue and conditions). Once a
  month: the occasion day of the sent-reminder log is the first day of the month, so October, November and December
  each send one reminder to whoever is still below."""
import datetime

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.models import User
from dtbd.notices.reminders import Due, ReminderKind, register

from .engine import Catalogue, annual_hours, people_in
from .models import Requirement

LAST_QUARTER_FROM = 10  # October


def _portal():
    """The learner portal (a page of the training app, above this one: found by its name, not imported)."""
    try:
        return reverse("training:portal")
    except NoReverseMatch:
        return ""


def annual_hours_missing(day, days):
    if day.month < LAST_QUARTER_FROM:
        return
    occasion = day.replace(day=1)
    codes = sorted(set(Requirement.objects.filter(kind=Requirement.Kind.ANNUAL_HOURS).values_list("code", flat=True)))
    if not codes:
        return
    catalogue = Catalogue.on(day, codes)
    for code in codes:
        rows = catalogue.rows_by_code.get(code, [])
        if not rows:
            continue
        minimum = max(r.hours or 0 for r in rows)
        _subject, missing = catalogue.code_qs(code, staff_base=True)
        # Only people with an account can be reminded: narrowed in the database (no list of ids in the query).
        accounts = User.objects.filter(is_active=True, person__isnull=False)
        people = people_in(None, day, missing).filter(pk__in=accounts.values("person_id"))
        hours = dict(annual_hours(people, day.year).values_list("pk", "hours"))
        if not hours:
            continue
        for user_id, person_id in accounts.filter(person__in=people.values("pk")).values_list("pk", "person_id"):
            have = hours[person_id]
            yield Due(user_id, f"hours:{code}:{day.year}", occasion,
                      _("Còn thiếu số tiết bồi dưỡng năm %(year)s") % {"year": day.year},
                      _("Đến ngày %(day)s bạn có %(have)s tiết bồi dưỡng trong năm %(year)s, tối thiểu là %(min)s tiết "
                        "(còn thiếu %(gap)s tiết). Năm còn lại đến 31/12/%(year)s.") % {
                          "day": day.strftime("%d/%m/%Y"), "have": have, "year": day.year, "min": minimum,
                          "gap": max(minimum - have, 0)},
                      _portal())


def register_kinds():
    register(ReminderKind(
        "annual_hours_missing", gettext_lazy("Còn thiếu số tiết bồi dưỡng hằng năm (quý IV)"),
        gettext_lazy("Từ tháng 10 đến tháng 12, mỗi tháng một lần, cho người còn thiếu số tiết bồi dưỡng tối thiểu của năm."),
        annual_hours_missing, days=0, optional=True, audience=gettext_lazy("cán bộ, công chức, viên chức"), order=40))
