"""Business rules of classes and enrolment (issue 4 items 2–3).

Seats: `TrainingClass.seats_taken` is moved only by ONE atomic conditional UPDATE
(`… SET seats_taken = seats_taken + 1 WHERE id = … AND seats_taken < capacity`) whose row count says whether the seat
was taken; counting rows then inserting overbooks under concurrency (STACK.md, "Seat capacity"). A CHECK constraint
(seats_taken <= capacity) backs it in the database.

Enrolment states: REQUESTED → (approve) ENROLLED when a seat is free, else WAITLISTED; APPROVED is accepted as an
input of approve() too (approved by the unit, seat not yet allocated). ENROLLED → COMPLETED | FAILED (results) or
WITHDRAWN; REQUESTED/APPROVED/WAITLISTED → REJECTED (with reason) or WITHDRAWN. The waitlist is ordered by
(requested_at, id); when an enrolled person withdraws, the oldest waitlisted request is promoted in the same
transaction.
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.people.models import Qualification

from .models import Enrollment, TrainingClass

Status = TrainingClass.Status
State = Enrollment.State

CLASS_TRANSITIONS = {
    Status.PLANNED: {Status.OPEN, Status.RUNNING, Status.CANCELLED},
    Status.OPEN: {Status.PLANNED, Status.RUNNING, Status.CANCELLED},
    Status.RUNNING: {Status.FINISHED, Status.CANCELLED},
    Status.FINISHED: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}

# Class statuses in which requests may be made / approved and seats moved.
REQUEST_STATUSES = {Status.PLANNED, Status.OPEN}
SEAT_STATUSES = {Status.PLANNED, Status.OPEN, Status.RUNNING}
ACTIVE_STATES = {State.REQUESTED, State.APPROVED, State.ENROLLED, State.WAITLISTED}


def _status_label(value):
    return str(Status(value).label)


def _state_label(value):
    return str(State(value).label)


def change_status(training_class, new_status, user=None):
    """Move a class to `new_status` if the transition is allowed; refuse with a Vietnamese message otherwise.
    The update is conditional on the status read, so two concurrent changes cannot both pass."""
    if new_status not in Status.values:
        raise ValidationError(_("Trạng thái lớp “%(s)s” không hợp lệ.") % {"s": new_status})
    old = training_class.status
    if new_status not in CLASS_TRANSITIONS[Status(old)]:
        raise ValidationError(
            _("Lớp %(code)s đang ở trạng thái “%(old)s”, không thể chuyển sang “%(new)s”.")
            % {"code": training_class.code, "old": _status_label(old), "new": _status_label(new_status)}
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
        done = TrainingClass.objects.filter(pk=training_class.pk, status=old).update(status=new_status)
        if not done:
            raise ValidationError(
                _("Trạng thái lớp %(code)s vừa được người khác thay đổi; vui lòng tải lại.") % {"code": training_class.code}
            )
    training_class.status = new_status
    return training_class


def request_enrollment(training_class, person, source, by_user=None):
    """Create a REQUESTED enrolment. Self-registration needs a class open for registration and inside its window;
    nomination and assignment may also be made while the class is planned. One enrolment per person and class."""
    if source not in Enrollment.Source.values:
        raise ValidationError(_("Hình thức đăng ký “%(s)s” không hợp lệ.") % {"s": source})
    status = training_class.status
    if source == Enrollment.Source.SELF:
        if status != Status.OPEN:
            raise ValidationError(
                _("Lớp %(code)s đang “%(st)s”, chưa nhận tự đăng ký.")
                % {"code": training_class.code, "st": _status_label(status)}
            )
        today = timezone.localdate()
        if training_class.registration_opens and today < training_class.registration_opens:
            raise ValidationError(
                _("Lớp %(code)s mở đăng ký từ ngày %(d)s.")
                % {"code": training_class.code, "d": training_class.registration_opens.strftime("%d/%m/%Y")}
            )
        if training_class.registration_closes and today > training_class.registration_closes:
            raise ValidationError(
                _("Lớp %(code)s đã hết hạn đăng ký ngày %(d)s.")
                % {"code": training_class.code, "d": training_class.registration_closes.strftime("%d/%m/%Y")}
            )
    elif status not in REQUEST_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể cử thêm học viên.")
            % {"code": training_class.code, "st": _status_label(status)}
        )
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                training_class=training_class, person=person, source=source, state=State.REQUESTED,
                requested_at=timezone.now(), requested_by=by_user,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s đã có trong danh sách lớp %(code)s.") % {"name": person.full_name, "code": training_class.code}
        ) from None


def _take_seat(class_pk):
    """The atomic conditional UPDATE: True when a seat was taken."""
    return bool(
        TrainingClass.objects.filter(pk=class_pk, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1)
    )


def _release_seat(class_pk):
    TrainingClass.objects.filter(pk=class_pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _refused(enrollment, action, current=None):
    if current is None:
        current = Enrollment.objects.filter(pk=enrollment.pk).values_list("state", flat=True).first()
    return ValidationError(
        _("Không thể %(action)s: %(name)s đang ở trạng thái “%(st)s” trong lớp %(code)s.")
        % {
            "action": action, "name": enrollment.person.full_name,
            "st": _state_label(current or enrollment.state), "code": enrollment.training_class.code,
        }
    )


def _locked(enrollment, states, action):
    """Re-read the enrolment under a row lock (PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
    lock) and check its state. Changes are then saved through the model so django-auditlog records them."""
    row = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if row.state not in states:
        raise _refused(enrollment, action, current=row.state)
    return row


def _sync(enrollment, row):
    for field in ("state", "reason", "decided_at", "decided_by_id"):
        setattr(enrollment, field, getattr(row, field))
    return enrollment


def approve(enrollment, user=None):
    """Approve a request: ENROLLED if a seat is free (taken with the atomic conditional update), else WAITLISTED."""
    cls = enrollment.training_class
    if cls.status not in SEAT_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể duyệt học viên.") % {"code": cls.code, "st": _status_label(cls.status)}
        )
    with transaction.atomic():
        # The row lock on the enrolment keeps two approvals of the same request from both taking a seat.
        row = _locked(enrollment, {State.REQUESTED, State.APPROVED}, _("duyệt"))
        row.state = State.ENROLLED if _take_seat(cls.pk) else State.WAITLISTED
        row.decided_at, row.decided_by = timezone.now(), user
        row.save(update_fields=["state", "decided_at", "decided_by"])
    return _sync(enrollment, row)


def reject(enrollment, user=None, reason=""):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do từ chối.")})
    with transaction.atomic():
        row = _locked(enrollment, {State.REQUESTED, State.APPROVED, State.WAITLISTED}, _("từ chối"))
        row.state, row.reason, row.decided_at, row.decided_by = State.REJECTED, reason, timezone.now(), user
        row.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    return _sync(enrollment, row)


def promote_waitlist(training_class):
    """Give free seats to the oldest waitlisted requests (requested_at, id). Each promotion takes its seat with the
    conditional update, then locks the oldest waitlisted row and enrols it. Returns the promoted enrolments."""
    promoted = []
    if training_class.status not in SEAT_STATUSES:
        return promoted
    with transaction.atomic():
        while Enrollment.objects.filter(training_class_id=training_class.pk, state=State.WAITLISTED).exists():
            if not _take_seat(training_class.pk):
                break
            row = (
                Enrollment.objects.select_for_update()
                .filter(training_class_id=training_class.pk, state=State.WAITLISTED)
                .order_by("requested_at", "id").first()
            )
            if row is None or row.state != State.WAITLISTED:  # taken meanwhile by another promotion
                _release_seat(training_class.pk)
                continue
            row.state = State.ENROLLED
            row.save(update_fields=["state"])
            promoted.append(row)
    return promoted


def withdraw(enrollment, user=None, reason=""):
    """Withdraw a person. An enrolled person's seat is freed and the first waitlisted request promoted, in the same
    transaction. Returns the list of promoted enrolments (empty or one)."""
    with transaction.atomic():
        row = _locked(enrollment, ACTIVE_STATES, _("rút khỏi lớp"))
        old = row.state
        row.state, row.reason = State.WITHDRAWN, (reason or "").strip()
        row.save(update_fields=["state", "reason"])
        promoted = []
        if old == State.ENROLLED:
            _release_seat(row.training_class_id)
            promoted = promote_waitlist(enrollment.training_class)
    _sync(enrollment, row)
    return promoted


def record_outcome(enrollment, completed):
    """ENROLLED → COMPLETED or FAILED, once the class is running or finished."""
    cls = enrollment.training_class
    if cls.status not in {Status.RUNNING, Status.FINISHED}:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, chưa thể ghi kết quả.") % {"code": cls.code, "st": _status_label(cls.status)}
        )
    with transaction.atomic():
        row = _locked(enrollment, {State.ENROLLED}, _("ghi kết quả"))
        row.state = State.COMPLETED if completed else State.FAILED
        row.save(update_fields=["state"])
    return _sync(enrollment, row)


def waitlist(training_class):
    """The waitlist in promotion order."""
    return Enrollment.objects.filter(training_class=training_class, state=State.WAITLISTED).order_by("requested_at", "id")


def nomination_warnings(training_class, person, on=None):
    """Vietnamese warnings shown when nominating `person` for `training_class` (they do not block):
    - the person already holds (on `on`, default today) what the programme grants, at the same or a higher level;
    - the person is already ENROLLED/APPROVED in another class whose dates overlap.
    The target audience of a programme is free text (Program.target_audience), so it cannot be checked by machine;
    it is shown beside the nomination instead of producing a warning."""
    on = on or timezone.localdate()
    program = training_class.program
    warnings = []
    if program.grants_type and program.grants_level_order is not None:
        held = (
            Qualification.objects.held_on(on)
            .filter(person=person, type=program.grants_type, level_order__gte=program.grants_level_order)
            .order_by("-level_order").first()
        )
        if held:
            warnings.append(
                _("%(name)s đã có %(held)s, không thấp hơn văn bằng, chứng chỉ lớp này cấp (%(grants)s).")
                % {"name": person.full_name, "held": f"{held.get_type_display()}: {held.level_label}",
                   "grants": program.grants_label}
            )
    overlapping = (
        Enrollment.objects.filter(person=person, state__in=[State.ENROLLED, State.APPROVED])
        .exclude(training_class=training_class)
        .filter(training_class__starts_on__lte=training_class.ends_on, training_class__ends_on__gte=training_class.starts_on)
        .select_related("training_class").order_by("training_class__starts_on")
    )
    for other in overlapping:
        oc = other.training_class
        warnings.append(
            _("%(name)s đang học lớp %(code)s (%(start)s – %(end)s), trùng thời gian với lớp này.")
            % {"name": person.full_name, "code": oc.code,
               "start": oc.starts_on.strftime("%d/%m/%Y"), "end": oc.ends_on.strftime("%d/%m/%Y")}
        )
    return warnings
