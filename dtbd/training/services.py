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

Notices (dtbd.notices) are sent from here, in the same transaction, so every path sends them: self-registration →
the unit officers of the person's unit (REQUESTED); approve → the person (APPROVED or WAITLISTED); nomination and
assignment (nominate_many) → the person (NOMINATED); reject → the person (REJECTED, with the reason); waitlist
promotion → the promoted person (PROMOTED).
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import scope_of
from dtbd.core.models import valid_on_q
from dtbd.notices.models import Notice
from dtbd.notices.services import notify_person, notify_unit_officers
from dtbd.people.catalog import Category, PostLevel
from dtbd.people.models import CategoryAssignment, Person, PlannedPost, PostAssignment, Qualification, UnitAssignment
from dtbd.people.queries import unit_on
from dtbd.standards.engine import NOTHING, Catalogue, people_in
from dtbd.standards.models import Requirement

from .models import Enrollment, TrainingClass
from .permissions import is_manager, is_unit_officer, people_to_nominate

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
    The class row is locked and its status read again, so two concurrent changes cannot both pass; it is saved
    through the model, so django-auditlog records the change and the dashboard's summaries are marked
    (reports.signals)."""
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
        row = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
        if row.status != old:
            raise ValidationError(
                _("Trạng thái lớp %(code)s vừa được người khác thay đổi; vui lòng tải lại.") % {"code": training_class.code}
            )
        row.status = new_status
        row.save(update_fields=["status"])
    training_class.status = new_status
    return training_class


def request_enrollment(training_class, person, source, by_user=None):
    """Create a REQUESTED enrolment. Self-registration needs a class open for registration and inside its window;
    nomination and assignment may also be made while the class is planned. One enrolment per person and class.
    A self-registration to a first-come-first-served class is decided at once: ENROLLED while a seat is free, else
    WAITLISTED (the person is told either way; the unit officers are not asked to approve)."""
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
                _notice_decision(enrollment)
                return enrollment
            enrollment = Enrollment.objects.create(
                training_class=training_class, person=person, source=source, state=State.REQUESTED,
                requested_at=timezone.now(), requested_by=by_user,
            )
            if source == Enrollment.Source.SELF:
                _notice_requested(enrollment)
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


def _lock_class(class_pk):
    """Row-lock the class before any of its enrolments: every write that locks both (approve, withdraw, results.submit,
    record_attendance…) takes the class first, so two of them wait for each other and never deadlock."""
    TrainingClass.objects.select_for_update().filter(pk=class_pk).values_list("pk", flat=True).first()


def _sync(enrollment, row):
    for field in ("state", "reason", "decided_at", "decided_by_id"):
        setattr(enrollment, field, getattr(row, field))
    return enrollment


def approve(enrollment, user=None, notify=True):
    """Approve a request: ENROLLED if a seat is free (taken with the atomic conditional update), else WAITLISTED.
    The person is told (APPROVED or WAITLISTED notice) unless `notify` is False (nominate_many sends its own)."""
    cls = enrollment.training_class
    if cls.status not in SEAT_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể duyệt học viên.") % {"code": cls.code, "st": _status_label(cls.status)}
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
            _notice_decision(enrollment)
    return enrollment


def reject(enrollment, user=None, reason=""):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do từ chối.")})
    with transaction.atomic():
        row = _locked(enrollment, {State.REQUESTED, State.APPROVED, State.WAITLISTED}, _("từ chối"))
        row.state, row.reason, row.decided_at, row.decided_by = State.REJECTED, reason, timezone.now(), user
        row.save(update_fields=["state", "reason", "decided_at", "decided_by"])
        _sync(enrollment, row)
        _notice_rejected(enrollment)
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
            _notice_promoted(row)
            promoted.append(row)
    return promoted


def withdraw(enrollment, user=None, reason=""):
    """Withdraw a person. An enrolled person's seat is freed and the first waitlisted request promoted, in the same
    transaction. Returns the list of promoted enrolments (empty or one)."""
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


# -- notices ------------------------------------------------------------------------------------------------------
# Every path that changes an enrolment sends its notice from here (pages, imports, shell alike). Notices are rows
# written in the caller's transaction (dtbd.notices.services); their e-mails leave after commit.

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


def _class_text(cls):
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


def _notice_requested(enrollment):
    cls, person = enrollment.training_class, enrollment.person
    return notify_unit_officers(
        current_unit(person), Notice.Kind.REQUESTED,
        _("%(name)s đăng ký học lớp %(code)s, chờ duyệt") % {"name": person.full_name, "code": cls.code},
        _("%(name)s (%(pcode)s) tự đăng ký %(cls)s. Vui lòng duyệt hoặc từ chối.")
        % {"name": person.full_name, "pcode": person.code, "cls": _class_text(cls)},
        queue_url(),
    )


def _notice_decision(enrollment):
    """After approve(): APPROVED (a seat) or WAITLISTED."""
    cls = enrollment.training_class
    if enrollment.state == State.ENROLLED:
        return _notify_person(
            enrollment, Notice.Kind.APPROVED, _("Đăng ký học lớp %(code)s đã được duyệt") % {"code": cls.code},
            _("Bạn đã được xếp vào %(cls)s.") % {"cls": _class_text(cls)},
        )
    return _notify_person(
        enrollment, Notice.Kind.WAITLISTED, _("Bạn ở danh sách chờ của lớp %(code)s") % {"code": cls.code},
        _("Đăng ký của bạn vào %(cls)s đã được duyệt nhưng lớp đã đủ chỗ: bạn ở danh sách chờ và sẽ được xếp lớp "
          "khi có chỗ trống.") % {"cls": _class_text(cls)},
    )


def _notice_nominated(enrollment):
    cls = enrollment.training_class
    how = (_("Tỉnh phân công") if enrollment.source == Enrollment.Source.ASSIGNED else _("Đơn vị cử"))
    if enrollment.state == State.ENROLLED:
        outcome = _("Bạn đã được xếp lớp.")
    else:
        outcome = _("Lớp đã đủ chỗ: bạn ở danh sách chờ và sẽ được xếp lớp khi có chỗ trống.")
    return _notify_person(
        enrollment, Notice.Kind.NOMINATED,
        _("Bạn được cử đi học lớp %(code)s") % {"code": cls.code},
        _("%(how)s bạn tham gia %(cls)s. %(outcome)s") % {"how": how, "cls": _class_text(cls), "outcome": outcome},
    )


def _notice_rejected(enrollment):
    cls = enrollment.training_class
    return _notify_person(
        enrollment, Notice.Kind.REJECTED, _("Đăng ký học lớp %(code)s bị từ chối") % {"code": cls.code},
        _("Đăng ký của bạn vào %(cls)s không được duyệt. Lý do: %(reason)s")
        % {"cls": _class_text(cls), "reason": enrollment.reason},
    )


def _notice_promoted(enrollment):
    cls = enrollment.training_class
    return _notify_person(
        enrollment, Notice.Kind.PROMOTED, _("Bạn đã được xếp vào lớp %(code)s") % {"code": cls.code},
        _("Đã có chỗ trống: bạn được chuyển từ danh sách chờ vào %(cls)s.") % {"cls": _class_text(cls)},
    )


# -- nomination ---------------------------------------------------------------------------------------------------

def _codes(text):
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _label(choices, code):
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def warnings_for_many(training_class, people, on=None):
    """{person_id: [Vietnamese warnings]} for nominating `people` (Person objects or ids) to `training_class`; the
    warnings do not block:
    - the person already holds (on `on`, default today) what the programme grants, at the same or a higher level;
    - the person is already ENROLLED/APPROVED in another class whose dates overlap;
    - the person is outside the programme's audience: their current category (CategoryAssignment valid on `on`) is
      not in `audience_categories`, or neither a post level they hold nor one they are planned for (PostAssignment,
      PlannedPost valid on `on`) is in `audience_post_levels` (comma-separated codes; empty = anyone).
    A fixed number of queries whatever the number of people (at most six)."""
    on = on or timezone.localdate()
    ids = [getattr(p, "pk", p) for p in people]
    result = {pk: [] for pk in ids}
    if not ids:
        return result
    program = training_class.program
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    if program.grants_type and program.grants_level_order is not None:
        held = (
            Qualification.objects.held_on(on)
            .filter(person_id__in=ids, type=program.grants_type, level_order__gte=program.grants_level_order)
            .order_by("person_id", "-level_order", "pk")
        )
        seen = set()
        for q in held:
            if q.person_id in seen:
                continue
            seen.add(q.person_id)
            result[q.person_id].append(
                _("%(name)s đã có %(held)s, không thấp hơn văn bằng, chứng chỉ lớp này cấp (%(grants)s).")
                % {"name": names.get(q.person_id, ""), "held": f"{q.get_type_display()}: {q.level_label}",
                   "grants": program.grants_label}
            )
    overlapping = (
        Enrollment.objects.filter(person_id__in=ids, state__in=[State.ENROLLED, State.APPROVED])
        .exclude(training_class=training_class)
        .filter(training_class__starts_on__lte=training_class.ends_on, training_class__ends_on__gte=training_class.starts_on)
        .select_related("training_class").order_by("training_class__starts_on", "training_class__code")
    )
    for other in overlapping:
        oc = other.training_class
        result[other.person_id].append(
            _("%(name)s đang học lớp %(code)s (%(start)s – %(end)s), trùng thời gian với lớp này.")
            % {"name": names.get(other.person_id, ""), "code": oc.code,
               "start": oc.starts_on.strftime("%d/%m/%Y"), "end": oc.ends_on.strftime("%d/%m/%Y")}
        )
    categories = _codes(program.audience_categories)
    if categories:
        current = {}
        rows = CategoryAssignment.objects.filter(valid_on_q(on), person_id__in=ids).order_by(
            "person_id", F("valid_from").desc(nulls_last=True)
        ).values_list("person_id", "category")
        for pid, cat in rows:
            current.setdefault(pid, cat)
        wanted = ", ".join(_label(Category, c) for c in categories)
        for pid in ids:
            cat = current.get(pid)
            if cat not in categories:
                if cat:
                    text = _("%(name)s là %(cat)s, không thuộc đối tượng của chương trình (%(wanted)s).") % {
                        "name": names.get(pid, ""), "cat": _label(Category, cat), "wanted": wanted}
                else:
                    text = _("%(name)s chưa có loại cán bộ hiện hành; chương trình dành cho %(wanted)s.") % {
                        "name": names.get(pid, ""), "wanted": wanted}
                result[pid].append(text)
    levels = _codes(program.audience_post_levels)
    if levels:
        matching = set(
            PostAssignment.objects.filter(valid_on_q(on), person_id__in=ids, level__in=levels).values_list("person_id", flat=True)
        ) | set(
            PlannedPost.objects.filter(valid_on_q(on), person_id__in=ids, level__in=levels).values_list("person_id", flat=True)
        )
        wanted = ", ".join(_label(PostLevel, c) for c in levels)
        for pid in ids:
            if pid not in matching:
                result[pid].append(
                    _("%(name)s không giữ và không được quy hoạch chức vụ thuộc đối tượng của chương trình (%(wanted)s).")
                    % {"name": names.get(pid, ""), "wanted": wanted}
                )
    return result


def nomination_warnings(training_class, person, on=None):
    """Vietnamese warnings shown when nominating `person` for `training_class` (they do not block): what they
    already hold, overlapping classes and the programme's machine-checkable audience (Program.audience_categories,
    audience_post_levels). See warnings_for_many, which this calls for one person; the free-text
    Program.target_audience is only shown beside the nomination."""
    return warnings_for_many(training_class, [person], on)[person.pk]


def nominate_many(training_class, people, source, user):
    """A unit officer's nomination (source NOMINATED) or a province assignment (ASSIGNED) of several people: each is
    requested and approved at once (the nomination is its own approval), so they are ENROLLED, or WAITLISTED when the
    class is full. Each person gets a NOMINATED notice. People already in the class (whatever their state) are
    skipped with a reason.

    The scope is checked first, nothing created when it refuses: a person outside the user's view scope is not found
    (Http404, as reading them; never named), one seen but outside permissions.people_to_nominate(user) is refused
    (PermissionDenied). Then ValidationError when the class does not take nominations.
    Returns (created enrolments, skipped [(person, message)])."""
    people = list(dict((p.pk, p) for p in people).values())
    ids = [p.pk for p in people]
    allowed = set(people_to_nominate(user).filter(pk__in=ids).values_list("pk", flat=True))
    if any(pk not in allowed for pk in ids):
        seen = set(scope_of(user).filter_people(Person.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        if any(pk not in seen for pk in ids):
            raise Http404(_("Không tìm thấy cán bộ trong phạm vi của bạn."))
        raise PermissionDenied(_("Có người được chọn ngoài phạm vi cán bộ bạn được cử."))
    if source not in (Enrollment.Source.NOMINATED, Enrollment.Source.ASSIGNED):
        raise ValidationError(_("Hình thức “%(s)s” không phải cử hoặc phân công.") % {"s": source})
    if training_class.status not in REQUEST_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể cử thêm học viên.")
            % {"code": training_class.code, "st": _status_label(training_class.status)}
        )
    existing = dict(
        Enrollment.objects.filter(training_class=training_class, person_id__in=ids).values_list("person_id", "state")
    )
    created, skipped = [], []
    for person in people:
        if person.pk in existing:
            skipped.append((person, _("%(name)s đã có trong danh sách lớp (%(st)s).")
                            % {"name": person.full_name, "st": _state_label(existing[person.pk])}))
            continue
        try:
            with transaction.atomic():
                enrollment = request_enrollment(training_class, person, source, user)
                enrollment.training_class = training_class
                approve(enrollment, user, notify=False)
                _notice_nominated(enrollment)
        except ValidationError as exc:
            skipped.append((person, " ".join(exc.messages)))
            continue
        created.append(enrollment)
    return created, skipped


def approve_many(enrollments, user):
    """Approve several requests, each in its own transaction (one refusal does not undo the others).
    Returns (enrolled, waitlisted, refused [(enrollment, message)])."""
    enrolled, waitlisted, refused = [], [], []
    for enrollment in enrollments:
        try:
            approve(enrollment, user)
        except ValidationError as exc:
            refused.append((enrollment, " ".join(exc.messages)))
            continue
        (enrolled if enrollment.state == State.ENROLLED else waitlisted).append(enrollment)
    return enrolled, waitlisted, refused


# -- reads for the enrolment pages (each a fixed number of queries) -----------------------------------------------

def roster_rows(qs):
    """Enrolment rows with what the lists show in the same query: person, class, who requested / decided, the
    person's current unit name (`unit_name`) and, for WAITLISTED rows, their place on the class's waitlist
    (`waitlist_position`, 1 = next to be promoted; order requested_at, id)."""
    earlier = (
        Enrollment.objects.filter(training_class=OuterRef("training_class"), state=State.WAITLISTED)
        .filter(Q(requested_at__lt=OuterRef("requested_at")) | Q(requested_at=OuterRef("requested_at"), pk__lt=OuterRef("pk")))
        .order_by().values("training_class").annotate(n=Count("pk")).values("n")
    )
    return qs.select_related("person", "training_class", "requested_by", "decided_by").annotate(
        unit_name=unit_on(field="unit__name", person_ref="person_id"),
        waitlist_position=Case(
            When(state=State.WAITLISTED,
                 then=Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0)) + Value(1)),
            default=None, output_field=IntegerField(),
        ),
    )


def state_counts(qs):
    """{state: count} of an enrolment queryset, every state present (zero when none), plus "total"; one aggregate."""
    counts = qs.aggregate(total=Count("pk"), **{s.lower(): Count("pk", filter=Q(state=s)) for s in State.values})
    return {"total": counts["total"], **{s: counts[s.lower()] for s in State.values}}


def decidable_enrollments(user):
    """Enrolments `user` may approve / reject / withdraw (permissions.can_decide as a queryset): managers all, unit
    officers those of the people they may nominate; nobody else."""
    if is_manager(user):
        return Enrollment.objects.all()
    if is_unit_officer(user):
        return Enrollment.objects.filter(person__in=people_to_nominate(user).values("pk"))
    return Enrollment.objects.none()


def decidable_person_ids(user, person_ids):
    """The subset of `person_ids` whose enrolments `user` may decide on (one query at most)."""
    person_ids = set(person_ids)
    if is_manager(user):
        return person_ids
    if is_unit_officer(user) and person_ids:
        return set(people_to_nominate(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    return set()


OWN_WITHDRAW_STATES = {State.REQUESTED, State.WAITLISTED, State.ENROLLED}


def row_actions(row, user, decidable):
    """Set can_approve / can_reject / can_withdraw on an enrolment row for `user` (`decidable`: the person ids of
    decidable_person_ids). No query."""
    decide = row.person_id in decidable
    status = row.training_class.status
    row.can_approve = decide and row.state in (State.REQUESTED, State.APPROVED) and status in SEAT_STATUSES
    row.can_reject = decide and row.state in (State.REQUESTED, State.APPROVED, State.WAITLISTED)
    own = bool(user.person_id) and row.person_id == user.person_id and row.state in OWN_WITHDRAW_STATES
    row.can_withdraw = (decide and row.state in ACTIVE_STATES) or own
    return row


def requirement_codes_for(program, on=None):
    """[(code, name)] of the requirements valid on `on` that completing `program` satisfies: QUALIFICATION rows of
    the type the programme grants at a level not above the granted one, PROGRAMME rows naming the programme. One
    query."""
    on = on or timezone.localdate()
    q = Q(kind=Requirement.Kind.PROGRAMME, programme_code=program.code)
    if program.grants_type and program.grants_level_order is not None:
        q |= Q(kind=Requirement.Kind.QUALIFICATION, qualification_type=program.grants_type,
               min_level_order__lte=program.grants_level_order)
    # a code with several rows (one per rank tier…) is named by its highest row the programme satisfies
    rows = Requirement.objects.filter(valid_on_q(on)).filter(q).order_by(
        "code", F("min_level_order").desc(nulls_last=True), "pk"
    ).values_list("code", "name")
    result = {}
    for code, name in rows:
        result.setdefault(code, name)
    return list(result.items())


def missing_people(unit, codes, on=None):
    """People of `unit`'s subtree (staff of category CB/CC/VC placed there on `on`) missing at least one of the
    requirement `codes` on `on` — the rule of dtbd.standards.engine.people_for(missing_only=True), for several codes
    in one Person queryset (three catalogue queries, whatever the number of codes)."""
    on = on or timezone.localdate()
    codes = list(codes)
    cat = Catalogue.on(on, codes)
    q = NOTHING
    for code in codes:
        _subject, missing = cat.code_qs(code, staff_base=True)
        q |= missing
    return people_in(unit, on).filter(q)
