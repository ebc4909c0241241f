"""The funding app's reminder kinds (dtbd.notices.reminders; docs/domain.md §19), registered from
FundingConfig.ready. Both go to the unit officers of the person's current unit, who record what follows:

- `dispatch_return_due` (mandatory, 30 days): a postgraduate dispatch still open (dispatched or studying) whose planned
  end falls within the window — the outcome and the return to work are to be recorded (docs/domain.md §14.2–14.3:
  the service commitment runs from the return).
- `commitment_ending` (optional, 60 days): a service commitment (cam kết phục vụ) that ends within the window — to
  close the file; the person is told too."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.models import User
from dtbd.notices.reminders import Due, ReminderKind, register
from dtbd.notices.services import unit_officers_for
from dtbd.org.models import Unit
from dtbd.people.models import UnitAssignment

from .models import Dispatch


def _officers(person_ids):
    """{person id: [unit officer user id, …]} by each person's current unit (three queries and one per unit)."""
    units = dict(UnitAssignment.objects.filter(person_id__in=set(person_ids), valid_to__isnull=True)
                 .order_by("valid_from").values_list("person_id", "unit_id"))
    by_unit = {u.pk: [o.pk for o in unit_officers_for(u)] for u in Unit.objects.filter(pk__in=set(units.values()))}
    return {person_id: by_unit.get(unit_id, []) for person_id, unit_id in units.items()}


def _fmt(day):
    return day.strftime("%d/%m/%Y")


def dispatch_return_due(day, days):
    last = day + datetime.timedelta(days=days)
    dispatches = list(Dispatch.objects.filter(status__in=Dispatch.OPEN_STATUSES, returned_on__isnull=True,
                                              planned_end__gte=day, planned_end__lte=last)
                      .select_related("person").order_by("pk"))
    officers = _officers(d.person_id for d in dispatches)
    for d in dispatches:
        for user_id in officers.get(d.person_id, []):
            yield Due(user_id, f"dispatch:{d.pk}", d.planned_end,
                      _("%(name)s kết thúc khoá đào tạo ngày %(day)s") % {"name": d.person.full_name,
                                                                          "day": _fmt(d.planned_end)},
                      _("%(name)s (%(code)s), %(level)s %(field)s tại %(inst)s, dự kiến kết thúc ngày %(day)s: ghi nhận "
                        "kết quả và ngày trở lại công tác (thời gian cam kết phục vụ tính từ ngày trở lại).") % {
                          "name": d.person.full_name, "code": d.person.code, "level": d.get_level_display(),
                          "field": d.field, "inst": d.institution, "day": _fmt(d.planned_end)},
                      reverse("funding:dispatch_detail", args=[d.pk]))


def commitment_ending(day, days):
    last = day + datetime.timedelta(days=days)
    dispatches = list(Dispatch.objects.filter(status=Dispatch.Status.GRADUATED, commitment_ends_on__gte=day,
                                              commitment_ends_on__lte=last, person__left_on__isnull=True)
                      .select_related("person").order_by("pk"))
    officers = _officers(d.person_id for d in dispatches)
    accounts = {}
    for user_id, person_id in User.objects.filter(person_id__in={d.person_id for d in dispatches},
                                                  is_active=True).values_list("pk", "person_id"):
        accounts.setdefault(person_id, []).append(user_id)
    for d in dispatches:
        title = _("Thời gian cam kết phục vụ của %(name)s hết ngày %(day)s") % {
            "name": d.person.full_name, "day": _fmt(d.commitment_ends_on)}
        body = _("Cam kết phục vụ sau khi đào tạo %(level)s %(field)s (quyết định %(no)s) hết ngày %(day)s.") % {
            "level": d.get_level_display(), "field": d.field, "no": d.decision_no, "day": _fmt(d.commitment_ends_on)}
        for user_id in officers.get(d.person_id, []):
            yield Due(user_id, f"commitment:{d.pk}", d.commitment_ends_on, title, body,
                      reverse("funding:dispatch_detail", args=[d.pk]))
        for user_id in accounts.get(d.person_id, []):
            yield Due(user_id, f"commitment:{d.pk}", d.commitment_ends_on, title, body, "")


def register_kinds():
    register(ReminderKind(
        "dispatch_return_due", gettext_lazy("Người được cử đi đào tạo sau đại học sắp kết thúc khoá học"),
        gettext_lazy("Gửi cho cán bộ tổ chức trước ngày kết thúc dự kiến, khi chưa ghi nhận kết quả và ngày trở lại công tác."),
        dispatch_return_due, days=30, optional=False, audience=gettext_lazy("cán bộ tổ chức"), order=50))
    register(ReminderKind(
        "commitment_ending", gettext_lazy("Cam kết phục vụ sắp hết hạn"),
        gettext_lazy("Gửi cho cán bộ tổ chức và người cam kết trước ngày hết thời gian cam kết phục vụ."),
        commitment_ending, days=60, optional=True, audience=gettext_lazy("cán bộ tổ chức, người cam kết"), order=60))
