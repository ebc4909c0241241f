"""The training app's reminder kinds (dtbd.notices.reminders; docs/domain.md §19), registered from
TrainingConfig.ready:

- `registration_closing` (mandatory, 3 days): a class open for registration whose deadline (registration_closes) is
  within the window still has registrations waiting for a decision (REQUESTED: asked, not yet confirmed by the unit).
  The unit officers of each waiting person's unit get one reminder per class; the person, one for their request.
- `class_starting` (optional, 7 days): a class starting within the window — its enrolled learners.
- `certificate_expiring` (optional, 60 days): a foreign-language, IT or defence-and-security certificate whose
  validity (`Qualification.valid_until`, set from the programme's `validity_years` when a class grants it, or entered
  with an imported certificate) ends within the window — its holder. A certificate without a validity never expires.

The occasion day of each (the key of the sent-reminder log) is the deadline, the start, the expiry: sent once, on the
first daily run inside the window."""
import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.models import User
from dtbd.notices.reminders import Due, ReminderKind, register
from dtbd.notices.services import unit_officers_for
from dtbd.org.models import Unit
from dtbd.people.catalog import QualificationType, level_label
from dtbd.people.models import Qualification, UnitAssignment

from .models import Enrollment, TrainingClass
from .services.notices import class_text, portal_url, queue_url
from .states import State

EXPIRING_TYPES = (QualificationType.LANGUAGE, QualificationType.IT, QualificationType.DEFENCE)


def _accounts(person_ids):
    """{person id: [active user id, …]} (one query)."""
    accounts = {}
    for user_id, person_id in User.objects.filter(person_id__in=set(person_ids), is_active=True).values_list(
            "pk", "person_id"):
        accounts.setdefault(person_id, []).append(user_id)
    return accounts


def _fmt(day):
    return day.strftime("%d/%m/%Y")


def registration_closing(day, days):
    last = day + datetime.timedelta(days=days)
    waiting = list(
        Enrollment.objects.filter(state=State.REQUESTED, training_class__status=TrainingClass.Status.OPEN,
                                  training_class__registration_closes__gte=day,
                                  training_class__registration_closes__lte=last)
        .select_related("training_class", "person").order_by("training_class_id", "pk")
    )
    if not waiting:
        return
    accounts = _accounts(e.person_id for e in waiting)
    units = dict(UnitAssignment.objects.filter(person_id__in={e.person_id for e in waiting}, valid_to__isnull=True)
                 .order_by("valid_from").values_list("person_id", "unit_id"))
    officers_by_unit = {unit.pk: [u.pk for u in unit_officers_for(unit)]
                        for unit in Unit.objects.filter(pk__in=set(units.values()))}
    per_officer = {}
    for enrolment in waiting:
        cls = enrolment.training_class
        closes = cls.registration_closes
        for user_id in accounts.get(enrolment.person_id, []):
            yield Due(user_id, f"enrollment:{enrolment.pk}", closes,
                      _("Lớp %(code)s hết hạn đăng ký ngày %(day)s, đăng ký của bạn chưa được duyệt") % {
                          "code": cls.code, "day": _fmt(closes)},
                      _("Đăng ký của bạn vào %(cls)s đang chờ đơn vị duyệt; hạn đăng ký là %(day)s.") % {
                          "cls": class_text(cls), "day": _fmt(closes)}, portal_url())
        for officer in officers_by_unit.get(units.get(enrolment.person_id), []):
            per_officer.setdefault((officer, cls.pk), (cls, []))[1].append(enrolment.person.full_name)
    for (officer, _cls_pk), (cls, names) in per_officer.items():
        closes = cls.registration_closes
        yield Due(officer, f"class:{cls.pk}", closes,
                  _("Lớp %(code)s hết hạn đăng ký ngày %(day)s: %(count)s đăng ký chờ duyệt") % {
                      "code": cls.code, "day": _fmt(closes), "count": len(names)},
                  _("Các đăng ký vào %(cls)s chưa được duyệt: %(names)s. Vui lòng duyệt hoặc từ chối trước hạn.") % {
                      "cls": class_text(cls), "names": ", ".join(names)}, queue_url())


def class_starting(day, days):
    first, last = day + datetime.timedelta(days=1), day + datetime.timedelta(days=days)
    enrolled = list(
        Enrollment.objects.filter(state=State.ENROLLED, training_class__starts_on__gte=first,
                                  training_class__starts_on__lte=last,
                                  training_class__status__in=(TrainingClass.Status.PLANNED, TrainingClass.Status.OPEN))
        .select_related("training_class").order_by("pk")
    )
    accounts = _accounts(e.person_id for e in enrolled)
    for enrolment in enrolled:
        cls = enrolment.training_class
        left = (cls.starts_on - day).days
        for user_id in accounts.get(enrolment.person_id, []):
            yield Due(user_id, f"enrollment:{enrolment.pk}", cls.starts_on,
                      _("Lớp %(code)s khai giảng ngày %(day)s (còn %(left)s ngày)") % {
                          "code": cls.code, "day": _fmt(cls.starts_on), "left": left},
                      _("Bạn đã được xếp vào %(cls)s. Địa điểm: %(place)s.") % {
                          "cls": class_text(cls), "place": cls.place or "—"}, portal_url())


def certificate_expiring(day, days):
    last = day + datetime.timedelta(days=days)
    rows = list(
        Qualification.objects.filter(type__in=EXPIRING_TYPES, valid_until__gte=day, valid_until__lte=last)
        .order_by("pk").values_list("pk", "person_id", "type", "level", "language", "valid_until", "certificate_no")
    )
    accounts = _accounts(r[1] for r in rows)
    for pk, person_id, qtype, level, language, valid_until, number in rows:
        label = " ".join(str(part) for part in (QualificationType(qtype).label, language, level_label(qtype, level))
                         if part)
        for user_id in accounts.get(person_id, []):
            yield Due(user_id, f"qualification:{pk}", valid_until,
                      _("Chứng chỉ %(label)s hết hiệu lực ngày %(day)s") % {"label": label, "day": _fmt(valid_until)},
                      _("Chứng chỉ %(label)s%(number)s của bạn hết hiệu lực ngày %(day)s; hãy đăng ký học hoặc thi "
                        "lại nếu vị trí của bạn còn yêu cầu.") % {
                          "label": label, "number": f" (số {number})" if number else "", "day": _fmt(valid_until)},
                      portal_url())


def register_kinds():
    register(ReminderKind(
        "registration_closing", gettext_lazy("Sắp hết hạn đăng ký lớp, còn đăng ký chưa duyệt"),
        gettext_lazy("Gửi trước hạn đăng ký của lớp khi còn đăng ký chưa được đơn vị duyệt: cho cán bộ tổ chức của đơn vị "
              "(mỗi lớp một lần) và cho người đăng ký."),
        registration_closing, days=3, optional=False, audience=gettext_lazy("cán bộ tổ chức, học viên"), order=10))
    register(ReminderKind(
        "class_starting", gettext_lazy("Lớp sắp khai giảng"),
        gettext_lazy("Gửi cho học viên đã được xếp lớp, một lần, trước ngày khai giảng."),
        class_starting, days=7, optional=True, audience=gettext_lazy("học viên"), order=20))
    register(ReminderKind(
        "certificate_expiring", gettext_lazy("Chứng chỉ sắp hết hiệu lực"),
        gettext_lazy("Chứng chỉ ngoại ngữ, tin học, quốc phòng và an ninh có thời hạn hiệu lực: gửi cho người có chứng chỉ "
              "trước ngày hết hiệu lực."),
        certificate_expiring, days=60, optional=True, audience=gettext_lazy("cán bộ có chứng chỉ"), order=30))
