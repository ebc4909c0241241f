"""The notices of enrolment decisions (dtbd.notices). Every path that changes an enrolment sends its notice through
these functions, in the caller's transaction (pages, imports, shell alike); their e-mails leave after commit."""
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dtbd.notices.models import Notice
from dtbd.notices.services import notify_person, notify_unit_officers
from dtbd.people.models import UnitAssignment

from ..models import Enrollment
from ..states import State


def portal_url():
    """The learner portal (training:portal), or its planned address while that page does not exist yet."""
    try:
        return reverse("training:portal")
    except NoReverseMatch:
        return "/dao-tao/hoc-vien/"


def queue_url():
    try:
        return reverse("training:enrolment_queue")
    except NoReverseMatch:
        return "/dao-tao/dang-ky/"


def class_text(cls):
    return _("lớp %(code)s — %(name)s (%(start)s – %(end)s)") % {
        "code": cls.code, "name": cls.name,
        "start": cls.starts_on.strftime("%d/%m/%Y"), "end": cls.ends_on.strftime("%d/%m/%Y"),
    }


def _notify_person(enrollment, kind, title, body):
    return notify_person(enrollment.person, kind, title, body, portal_url())


def current_unit(person):
    """The person's current unit (open UnitAssignment, latest start), or None."""
    row = (
        UnitAssignment.objects.filter(person=person, valid_to__isnull=True)
        .select_related("unit").order_by(F("valid_from").desc(nulls_last=True)).first()
    )
    return row.unit if row else None


def requested(enrollment):
    cls, person = enrollment.training_class, enrollment.person
    return notify_unit_officers(
        current_unit(person), Notice.Kind.REQUESTED,
        _("%(name)s đăng ký học lớp %(code)s, chờ duyệt") % {"name": person.full_name, "code": cls.code},
        _("%(name)s (%(pcode)s) tự đăng ký %(cls)s. Vui lòng duyệt hoặc từ chối.")
        % {"name": person.full_name, "pcode": person.code, "cls": class_text(cls)},
        queue_url(),
    )


def decision(enrollment):
    """After approve(): APPROVED (a seat) or WAITLISTED."""
    cls = enrollment.training_class
    if enrollment.state == State.ENROLLED:
        return _notify_person(
            enrollment, Notice.Kind.APPROVED, _("Đăng ký học lớp %(code)s đã được duyệt") % {"code": cls.code},
            _("Bạn đã được xếp vào %(cls)s.") % {"cls": class_text(cls)},
        )
    return _notify_person(
        enrollment, Notice.Kind.WAITLISTED, _("Bạn ở danh sách chờ của lớp %(code)s") % {"code": cls.code},
        _("Đăng ký của bạn vào %(cls)s đã được duyệt nhưng lớp đã đủ chỗ: bạn ở danh sách chờ và sẽ được xếp lớp "
          "khi có chỗ trống.") % {"cls": class_text(cls)},
    )


def nominated(enrollment):
    cls = enrollment.training_class
    how = (_("Tỉnh phân công") if enrollment.source == Enrollment.Source.ASSIGNED else _("Đơn vị cử"))
    if enrollment.state == State.ENROLLED:
        outcome = _("Bạn đã được xếp lớp.")
    else:
        outcome = _("Lớp đã đủ chỗ: bạn ở danh sách chờ và sẽ được xếp lớp khi có chỗ trống.")
    return _notify_person(
        enrollment, Notice.Kind.NOMINATED,
        _("Bạn được cử đi học lớp %(code)s") % {"code": cls.code},
        _("%(how)s bạn tham gia %(cls)s. %(outcome)s") % {"how": how, "cls": class_text(cls), "outcome": outcome},
    )


def rejected(enrollment):
    cls = enrollment.training_class
    return _notify_person(
        enrollment, Notice.Kind.REJECTED, _("Đăng ký học lớp %(code)s bị từ chối") % {"code": cls.code},
        _("Đăng ký của bạn vào %(cls)s không được duyệt. Lý do: %(reason)s")
        % {"cls": class_text(cls), "reason": enrollment.reason},
    )


def promoted(enrollment):
    cls = enrollment.training_class
    return _notify_person(
        enrollment, Notice.Kind.PROMOTED, _("Bạn đã được xếp vào lớp %(code)s") % {"code": cls.code},
        _("Đã có chỗ trống: bạn được chuyển từ danh sách chờ vào %(cls)s.") % {"cls": class_text(cls)},
    )

