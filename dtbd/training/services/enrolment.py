"""Business rules of classes and enrolment (docs/domain.md §10).

Seats: `TrainingClass.seats_taken` is moved only by ONE atomic conditional UPDATE
(`… SET seats_taken = seats_taken + 1 WHERE id = … AND seats_taken < capacity`) whose row count says whether the seat
was taken; counting rows then inserting overbooks under concurrency (docs/benchmarks.md). A CHECK constraint
(seats_taken <= capacity) backs it in the database.

Enrolment states: REQUESTED → (approve) ENROLLED when a seat is free, else WAITLISTED; APPROVED is accepted as an
input of approve() too (approved by the unit, seat not yet allocated). ENROLLED → COMPLETED | FAILED (results) or
WITHDRAWN; REQUESTED/APPROVED/WAITLISTED → REJECTED (with reason) or WITHDRAWN. The waitlist is ordered by
(requested_at, id); when an enrolled person withdraws, the oldest waitlisted request is promoted in the same
transaction.

Notices (dtbd.notices) are sent from here (the wording: services.notices), in the same transaction, so every path sends them: self-registration →
the unit officers of the person's unit (REQUESTED); approve → the person (APPROVED or WAITLISTED); nomination and
assignment (nominate_many) → the person (NOMINATED); reject → the person (REJECTED, with the reason); waitlist
promotion → the promoted person (PROMOTED).
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Enrollment, TrainingClass
from ..permissions import can_decide
from ..states import (
    ACTIVE_STATES,
    OWN_WITHDRAW_STATES,
    REQUEST_STATUSES,
    SEAT_STATUSES,
    State,
    Status,
    state_label,
    status_label,
)
from . import eligibility, notices


def request_enrollment(training_class, person, source, by_user=None, confirm_warnings=False):
    """Create a REQUESTED enrolment. Self-registration needs a class open for registration and inside its window;
    nomination and assignment may also be made while the class is planned. One enrolment per person and class.
    A self-registration to a first-come-first-served class is decided at once: ENROLLED while a seat is free, else
    WAITLISTED (the person is told either way; the unit officers are not asked to approve).

    A self-registration goes through the eligibility check (services.eligibility): refused outright on a hard
    conflict, and refused with the warnings listed (WarningsNotConfirmed) unless the learner confirms them
    (`confirm_warnings`). Nominations and assignments are checked by nominate_many, for the whole batch."""
    if source not in Enrollment.Source.values:
        raise ValidationError(_("Hình thức đăng ký “%(s)s” không hợp lệ.") % {"s": source})
    status = training_class.status
    if source == Enrollment.Source.SELF:
        if status != Status.OPEN:
            raise ValidationError(
                _("Lớp %(code)s đang “%(st)s”, chưa nhận tự đăng ký.")
                % {"code": training_class.code, "st": status_label(status)}
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
            % {"code": training_class.code, "st": status_label(status)}
        )
    if source == Enrollment.Source.SELF:
        found = eligibility.check(training_class, person)
        eligibility.require_confirmed({person.pk: found}, confirm_warnings, self_service=True)
    direct = source == Enrollment.Source.SELF and training_class.first_come_first_served
    try:
        with transaction.atomic():
            if direct:
                # Registration on demand: the seat is taken by the atomic conditional UPDATE right away; over
                # capacity → waitlist. The request time is read after the UPDATE: while seats are left the class
                # row lock orders the requests, so every enrolled request is dated before every waitlisted one.
                state = State.ENROLLED if _take_seat(training_class.pk) else State.WAITLISTED
                now = timezone.now()
                enrollment = Enrollment.objects.create(
                    training_class=training_class, person=person, source=source, state=state,
                    requested_at=now, requested_by=by_user, decided_at=now,
                )
                notices.decision(enrollment)
                return enrollment
            enrollment = Enrollment.objects.create(
                training_class=training_class, person=person, source=source, state=State.REQUESTED,
                requested_at=timezone.now(), requested_by=by_user,
            )
            if source == Enrollment.Source.SELF:
                notices.requested(enrollment)
            return enrollment
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
            "st": state_label(current or enrollment.state), "code": enrollment.training_class.code,
        }
    )


def _locked(enrollment, states, action):
    """Re-read the enrolment under a row lock (PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
    lock) and check its state. Changes are then saved through the model so django-auditlog records them."""
    row = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if row.state not in states:
        raise _refused(enrollment, action, current=row.state)
    return row


def _lock_class(class_pk):
    """Row-lock the class before any of its enrolments: every write that locks both (approve, withdraw, results.submit,
    record_attendance…) takes the class first, so two of them wait for each other and never deadlock."""
    TrainingClass.objects.select_for_update().filter(pk=class_pk).values_list("pk", flat=True).first()


def _sync(enrollment, row):
    for field in ("state", "reason", "decided_at", "decided_by_id"):
        setattr(enrollment, field, getattr(row, field))
    return enrollment


def check_decide(enrollment, user, refusal):
    """Approve and reject are for those who decide on the enrolment (permissions.can_decide: managers, the person's
    unit officer); PermissionDenied with `refusal` otherwise. Nothing for `user` None (the system, a script)."""
    if user is not None and not can_decide(user, enrollment):
        raise PermissionDenied(refusal)


def approve(enrollment, user=None, notify=True, confirm_warnings=False):
    """`user` approves a request (check_decide): ENROLLED if a seat is free (taken with the atomic conditional update),
    else WAITLISTED. The person is told (APPROVED or WAITLISTED notice) unless `notify` is False (nominate_many sends
    its own). The eligibility warnings of the person for the class must be confirmed (`confirm_warnings`), otherwise
    WarningsNotConfirmed lists them; the system (`user` None, e.g. a script) is not asked."""
    check_decide(enrollment, user, _("Bạn không có quyền duyệt đăng ký này."))
    if user is not None:
        found = eligibility.check(enrollment.training_class, enrollment.person)
        eligibility.require_confirmed({enrollment.person_id: found}, confirm_warnings)
    return approve_decided(enrollment, user, notify)


def approve_decided(enrollment, user=None, notify=True):
    """approve() for a caller that has checked `user` may decide on a whole batch at once (nominate_many,
    approve_many): one check for the batch instead of one query per enrolment."""
    cls = enrollment.training_class
    if cls.status not in SEAT_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể duyệt học viên.") % {"code": cls.code, "st": status_label(cls.status)}
        )
    with transaction.atomic():
        _lock_class(cls.pk)
        # The row lock on the enrolment keeps two approvals of the same request from both taking a seat.
        row = _locked(enrollment, {State.REQUESTED, State.APPROVED}, _("duyệt"))
        row.state = State.ENROLLED if _take_seat(cls.pk) else State.WAITLISTED
        row.decided_at, row.decided_by = timezone.now(), user
        row.save(update_fields=["state", "decided_at", "decided_by"])
        _sync(enrollment, row)
        if notify:
            notices.decision(enrollment)
    return enrollment


def reject(enrollment, user=None, reason=""):
    """`user` refuses a request, with the reason the person is told (check_decide)."""
    check_decide(enrollment, user, _("Bạn không có quyền từ chối đăng ký này."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do từ chối.")})
    with transaction.atomic():
        row = _locked(enrollment, {State.REQUESTED, State.APPROVED, State.WAITLISTED}, _("từ chối"))
        row.state, row.reason, row.decided_at, row.decided_by = State.REJECTED, reason, timezone.now(), user
        row.save(update_fields=["state", "reason", "decided_at", "decided_by"])
        _sync(enrollment, row)
        notices.rejected(enrollment)
    return enrollment


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
            row.training_class = training_class
            notices.promoted(row)
            promoted.append(row)
    return promoted


def check_withdraw(enrollment, user):
    """Who may withdraw an enrolment: those who decide on it (managers, the person's unit officer), and the person
    themselves while it is requested, waitlisted or enrolled (OWN_WITHDRAW_STATES). PermissionDenied (403) or
    ValidationError (Vietnamese, the state) otherwise; nothing for `user` None (the system, a script)."""
    if user is None:
        return
    own = bool(user.person_id) and enrollment.person_id == user.person_id
    if own and enrollment.state in OWN_WITHDRAW_STATES:
        return  # the person themselves, in a state they may leave (asked before can_decide: no query)
    decide = can_decide(user, enrollment)
    if not (decide or own):
        raise PermissionDenied(_("Bạn không có quyền rút đăng ký này."))
    if not decide and enrollment.state not in OWN_WITHDRAW_STATES:
        raise ValidationError(_("Không thể rút: đăng ký đang ở trạng thái “%(st)s”.") % {"st": enrollment.get_state_display()})


def may_withdraw(enrollment, user) -> bool:
    """Whether `user` may withdraw `enrollment` now (the pages show a withdraw button when it is so; `withdraw` checks
    again): an active enrolment (ACTIVE_STATES, as `withdraw` requires) that `check_withdraw` allows."""
    if enrollment.state not in ACTIVE_STATES:
        return False
    try:
        check_withdraw(enrollment, user)
    except (PermissionDenied, ValidationError):
        return False
    return True


def withdraw(enrollment, user=None, reason=""):
    """`user` withdraws a person (check_withdraw says who may). An enrolled person's seat is freed and the first
    waitlisted request promoted, in the same transaction. Returns the list of promoted enrolments (empty or one)."""
    check_withdraw(enrollment, user)
    with transaction.atomic():
        _lock_class(enrollment.training_class_id)
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
            _("Lớp %(code)s đang “%(st)s”, chưa thể ghi kết quả.") % {"code": cls.code, "st": status_label(cls.status)}
        )
    with transaction.atomic():
        row = _locked(enrollment, {State.ENROLLED}, _("ghi kết quả"))
        row.state = State.COMPLETED if completed else State.FAILED
        row.save(update_fields=["state"])
    return _sync(enrollment, row)


def waitlist(training_class):
    """The waitlist in promotion order."""
    return Enrollment.objects.filter(training_class=training_class, state=State.WAITLISTED).order_by("requested_at", "id")
