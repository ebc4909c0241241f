"""Reports after a course abroad (docs/domain.md §10.2): a learner back from a class abroad reports on it within
`report_days()` days of the return (15 by default) — the day of return being the class's last day (ngày kết thúc).
On the last day of the period the report is on time; the day after, it is late.

- `tasks_of(person, today)`: the learner's portal task, with the deadline and the report sent if any;
- `submit(enrollment, upload, user)`: the learner (or an officer who decides on the enrolment) uploads the file,
  stored through Django's storage and served only by the checked view; a new upload replaces the previous file;
- `rows(user, today, late_only)`: the officer's list, scoped by Enrollment.objects.restrict(user);
- `send_reminders(today)`: the daily run — the learner is told the deadline once the course has ended (DUE), and,
  once it has passed without a report, the learner and their unit's officers are told (LATE). One reminder of each
  kind per enrolment (OverseasReminder), so a day run twice sends nothing twice."""
import datetime
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.notices.models import Notice
from dtbd.notices.services import notify_person, notify_unit_officers

from ..models import Enrollment, OverseasReminder, OverseasReport
from ..permissions import can_decide
from ..states import State
from . import notices as training_notices

# Who went abroad: the enrolments placed in the class (not requests, not withdrawals).
WENT_STATES = (State.ENROLLED, State.COMPLETED, State.FAILED)
ALLOWED_EXTENSIONS = {"pdf", "doc", "docx", "odt"}
MAX_BYTES = 20 * 1024 * 1024


def report_days():
    """Days after the return within which the report is due (settings.DTBD_OVERSEAS_REPORT_DAYS, default 15)."""
    return int(getattr(settings, "DTBD_OVERSEAS_REPORT_DAYS", 15))


def due_on(training_class):
    """The last day to report: the class's last day + report_days()."""
    return training_class.ends_on + datetime.timedelta(days=report_days())


def is_late(training_class, today, report=None):
    """Late when the report came after the due day, or when it is missing after the due day."""
    due = due_on(training_class)
    if report is not None:
        return timezone.localdate(report.submitted_at) > due
    return today > due


def abroad_enrolments():
    return Enrollment.objects.filter(training_class__abroad=True, state__in=WENT_STATES)


def _with_report(qs):
    return qs.annotate(has_report=Exists(OverseasReport.objects.filter(enrollment=OuterRef("pk"))))


def tasks_of(person, today=None):
    """The portal tasks of `person`: their classes abroad that have ended (returned), newest first, each with `due`,
    `report` (or None), `late` and `days_left`. Two queries."""
    today = today or timezone.localdate()
    enrolments = list(
        abroad_enrolments().filter(person=person, training_class__ends_on__lte=today)
        .select_related("training_class").order_by("-training_class__ends_on", "pk")
    )
    reports = {r.enrollment_id: r for r in OverseasReport.objects.filter(enrollment__in=[e.pk for e in enrolments])}
    for enrolment in enrolments:
        cls = enrolment.training_class
        enrolment.due = due_on(cls)
        enrolment.report = reports.get(enrolment.pk)
        enrolment.late = is_late(cls, today, enrolment.report)
        enrolment.days_left = (enrolment.due - today).days
    return enrolments


def check_submitter(enrollment, user):
    """The learner themselves, or an officer who decides on the enrolment (permissions.can_decide)."""
    if user.person_id and user.person_id == enrollment.person_id:
        return
    if not can_decide(user, enrollment):
        raise PermissionDenied(_("Bạn không có quyền nộp báo cáo cho học viên này."))


def submit(enrollment, upload, user, note="", now=None):
    """Store the report file of `enrollment` (a class abroad that has ended) sent by `user` at `now` (default: now);
    replaces an earlier file. ValidationError (Vietnamese) on a class not abroad or not ended, a missing, empty, too
    large or wrongly typed file."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_submitter(enrollment, user)
    cls = enrollment.training_class
    if not cls.abroad or enrollment.state not in WENT_STATES:
        raise ValidationError(_("Lớp %(code)s không phải khoá học ở nước ngoài của học viên này.") % {"code": cls.code})
    if cls.ends_on > today:
        raise ValidationError(_("Lớp %(code)s kết thúc ngày %(d)s; nộp báo cáo sau khi về nước.")
                              % {"code": cls.code, "d": cls.ends_on.strftime("%d/%m/%Y")})
    if upload is None or not upload.size:
        raise ValidationError({"file": _("Chọn tệp báo cáo (PDF, Word hoặc ODT).")})
    ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": _("Tệp “%(name)s” không phải PDF, Word hoặc ODT.") % {"name": upload.name}})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("Tệp lớn hơn 20 MB.")})
    with transaction.atomic():
        report = OverseasReport.objects.select_for_update().filter(enrollment=enrollment).first()
        old = report.file.name if report is not None and report.file else None
        if report is None:
            report = OverseasReport(enrollment=enrollment)
        report.file_name = os.path.basename(upload.name)[:255]
        report.submitted_at, report.submitted_by, report.note = now, user, (note or "").strip()
        report.file.save(report.file_name, upload, save=False)
        report.save()
    if old and old != report.file.name:
        transaction.on_commit(lambda: report.file.storage.delete(old))
    return report


def rows(user, today=None, late_only=True):
    """The overseas reports the officer `user` sees (Enrollment.objects.restrict(user)), as enrolment rows with
    `report`, `due`, `late`: late_only — the reports missing after their due day (the list a province follows up),
    otherwise every enrolment abroad that has ended. The filter is in the database; one query for the rows, one for
    their reports."""
    today = today or timezone.localdate()
    qs = abroad_enrolments().filter(pk__in=Enrollment.objects.restrict(user).values("pk"),
                                    training_class__ends_on__lte=today)
    if late_only:
        cutoff = today - datetime.timedelta(days=report_days())
        qs = _with_report(qs).filter(training_class__ends_on__lt=cutoff, has_report=False)
    return qs.select_related("training_class", "person").order_by("training_class__ends_on", "person__name_sort", "pk")


def attach_reports(enrolments, today=None):
    today = today or timezone.localdate()
    reports = {r.enrollment_id: r for r in OverseasReport.objects.filter(enrollment__in=[e.pk for e in enrolments])}
    for enrolment in enrolments:
        enrolment.due = due_on(enrolment.training_class)
        enrolment.report = reports.get(enrolment.pk)
        enrolment.late = is_late(enrolment.training_class, today, enrolment.report)
    return enrolments


def send_reminders(today=None):
    """The daily reminders (idempotent). Returns {"due": n, "late": n} — the enrolments reminded this run."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=report_days())
    base = _with_report(abroad_enrolments()).filter(has_report=False).select_related("training_class", "person")
    sent = {"due": 0, "late": 0}
    for kind, qs in (
        (OverseasReminder.Kind.DUE, base.filter(training_class__ends_on__lte=today, training_class__ends_on__gte=cutoff)),
        (OverseasReminder.Kind.LATE, base.filter(training_class__ends_on__lt=cutoff)),
    ):
        qs = qs.exclude(pk__in=OverseasReminder.objects.filter(kind=kind).values("enrollment_id"))
        for enrolment in qs.order_by("pk"):
            with transaction.atomic():
                _, created = OverseasReminder.objects.get_or_create(enrollment=enrolment, kind=kind,
                                                                    defaults={"sent_on": today})
                if not created:  # another run got there first
                    continue
                _remind(enrolment, kind)
            sent["due" if kind == OverseasReminder.Kind.DUE else "late"] += 1
    return sent


def _remind(enrolment, kind):
    cls, person = enrolment.training_class, enrolment.person
    due = due_on(cls).strftime("%d/%m/%Y")
    url = training_notices.portal_url()
    if kind == OverseasReminder.Kind.DUE:
        notify_person(person, Notice.Kind.OTHER,
                      _("Nộp báo cáo sau khoá học ở nước ngoài trước ngày %(d)s") % {"d": due},
                      _("Bạn đã kết thúc %(cls)s. Báo cáo kết quả học tập cần nộp trong %(n)s ngày kể từ ngày về "
                        "nước, chậm nhất ngày %(d)s, trên trang Học tập của tôi.")
                      % {"cls": training_notices.class_text(cls), "n": report_days(), "d": due}, url)
        return
    notify_person(person, Notice.Kind.OTHER,
                  _("Quá hạn nộp báo cáo sau khoá học ở nước ngoài (hạn %(d)s)") % {"d": due},
                  _("Báo cáo kết quả %(cls)s chưa được nộp; hạn là ngày %(d)s.")
                  % {"cls": training_notices.class_text(cls), "d": due}, url)
    notify_unit_officers(training_notices.current_unit(person), Notice.Kind.OTHER,
                         _("%(name)s quá hạn nộp báo cáo sau khoá học ở nước ngoài") % {"name": person.full_name},
                         _("%(name)s (%(code)s) chưa nộp báo cáo kết quả %(cls)s; hạn là ngày %(d)s.")
                         % {"name": person.full_name, "code": person.code, "cls": training_notices.class_text(cls),
                            "d": due}, overseas_list_url())


def overseas_list_url():
    try:
        return reverse("training:overseas_reports")
    except NoReverseMatch:
        return "/dao-tao/bao-cao-nuoc-ngoai/"
