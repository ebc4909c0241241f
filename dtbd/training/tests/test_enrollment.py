"""Classes and enrolment: status transitions, approval with the atomic seat update, waitlist and promotion,
nomination warnings, and the acceptance test of enrolment (concurrent registrations never exceed capacity)."""
import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.utils import timezone

from dtbd.org.testing import make_unit
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment, Program, Provider, TrainingClass

State = Enrollment.State
Status = TrainingClass.Status
SELF = Enrollment.Source.SELF
NOMINATED = Enrollment.Source.NOMINATED


def _catalogue():
    provider, _ = Provider.objects.get_or_create(code="P_TEST", defaults={"name": "Trường thử", "kind": "KHAC"})
    program = Program.objects.filter(code="QLNN_CVC").first()
    if program is None:
        program = Program.objects.create(
            code="QLNN_CVC", name="QLNN CVC", category="QLNN", kind="FOSTERING", duration_tiet=320,
            grants_type="QLNN", grants_level="CVC",
        )
    return provider, program


def make_class(code="L01", capacity=2, status=Status.OPEN, starts_on=None, ends_on=None, **extra):
    provider, program = _catalogue()
    starts_on = starts_on or timezone.localdate() + datetime.timedelta(days=30)
    return TrainingClass.objects.create(
        program=program, provider=provider, code=code, name=f"Lớp {code}", capacity=capacity, status=status,
        starts_on=starts_on, ends_on=ends_on or starts_on + datetime.timedelta(days=20), **extra,
    )


@pytest.fixture
def unit(db):
    return make_unit("S01", "Sở thử")


def _enroll(cls, person, source=SELF):
    return services.approve(services.request_enrollment(cls, person, source))


# --- class status --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_class_status_follows_the_lifecycle():
    cls = make_class(status=Status.PLANNED)
    for new in (Status.OPEN, Status.RUNNING, Status.FINISHED, Status.CLOSED):
        services.change_status(cls, new)
        cls.refresh_from_db()
        assert cls.status == new


@pytest.mark.django_db
@pytest.mark.parametrize("start,new", [
    (Status.CLOSED, Status.OPEN), (Status.CANCELLED, Status.OPEN), (Status.FINISHED, Status.RUNNING),
    (Status.PLANNED, Status.FINISHED), (Status.RUNNING, Status.OPEN),
])
def test_class_status_refuses_skips_and_going_back(start, new):
    cls = make_class(status=start)
    with pytest.raises(ValidationError, match="không thể chuyển sang"):
        services.change_status(cls, new)
    cls.refresh_from_db()
    assert cls.status == start


@pytest.mark.django_db
def test_class_cannot_start_below_minimum_size(unit):
    cls = make_class(capacity=5, min_size=2)
    _enroll(cls, make_person(unit))
    with pytest.raises(ValidationError, match="chưa đủ số tối thiểu 2"):
        services.change_status(cls, Status.RUNNING)
    _enroll(cls, make_person(unit))
    services.change_status(cls, Status.RUNNING)
    assert TrainingClass.objects.get(pk=cls.pk).status == Status.RUNNING


@pytest.mark.django_db
def test_class_clean_refuses_bad_dates_and_sizes():
    provider, program = _catalogue()
    cls = TrainingClass(
        program=program, provider=provider, code="X", name="X", capacity=5, min_size=9, abroad=True, country="VN",
        starts_on=datetime.date(2026, 5, 10), ends_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as err:
        cls.full_clean()
    assert set(err.value.message_dict) >= {"ends_on", "min_size", "country"}


# --- requests and approvals ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_approve_enrolls_until_full_then_waitlists(unit):
    cls = make_class(capacity=2)
    people = [make_person(unit) for _ in range(4)]
    states = [_enroll(cls, p).state for p in people]
    assert states == [State.ENROLLED, State.ENROLLED, State.WAITLISTED, State.WAITLISTED]
    cls.refresh_from_db()
    assert cls.seats_taken == 2
    assert [e.person for e in services.waitlist(cls)] == people[2:]


@pytest.mark.django_db
def test_request_refusals(unit):
    person = make_person(unit)
    planned = make_class("L_PLAN", status=Status.PLANNED)
    with pytest.raises(ValidationError, match="chưa nhận tự đăng ký"):
        services.request_enrollment(planned, person, SELF)
    # a unit may nominate for a planned class
    assert services.request_enrollment(planned, person, NOMINATED).state == State.REQUESTED
    with pytest.raises(ValidationError, match="đã có trong danh sách lớp L_PLAN"):
        services.request_enrollment(planned, person, NOMINATED)

    closed_window = make_class("L_LATE", registration_closes=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="đã hết hạn đăng ký"):
        services.request_enrollment(closed_window, person, SELF)
    running = make_class("L_RUN", status=Status.RUNNING)
    with pytest.raises(ValidationError, match="không thể cử thêm"):
        services.request_enrollment(running, person, NOMINATED)
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.request_enrollment(make_class("L_OK"), person, "WHATEVER")


@pytest.mark.django_db
def test_approve_twice_and_reject_refusals(unit):
    cls = make_class(capacity=5)
    enr = _enroll(cls, make_person(unit))
    with pytest.raises(ValidationError, match="Không thể duyệt.*Đã xếp lớp"):
        services.approve(enr)
    assert TrainingClass.objects.get(pk=cls.pk).seats_taken == 1

    other = services.request_enrollment(cls, make_person(unit), SELF)
    with pytest.raises(ValidationError, match="Cần ghi lý do"):
        services.reject(other, reason="  ")
    services.reject(other, reason="Không thuộc đối tượng")
    assert other.state == State.REJECTED and other.reason == "Không thuộc đối tượng"
    with pytest.raises(ValidationError, match="Không thể duyệt"):
        services.approve(other)
    with pytest.raises(ValidationError, match="Không thể từ chối"):
        services.reject(enr, reason="muộn")


@pytest.mark.django_db
def test_approve_refused_when_class_is_over(unit):
    cls = make_class(capacity=5)
    enr = services.request_enrollment(cls, make_person(unit), SELF)
    services.change_status(cls, Status.CANCELLED)
    with pytest.raises(ValidationError, match="không thể duyệt"):
        services.approve(enr)


# --- withdrawal and waitlist ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_withdrawal_promotes_the_oldest_waitlisted(unit):
    cls = make_class(capacity=1)
    first, second, third = (make_person(unit) for _ in range(3))
    e1 = _enroll(cls, first)
    # approved in the opposite order of request: the waitlist still follows requested_at
    r2 = services.request_enrollment(cls, second, SELF)
    r3 = services.request_enrollment(cls, third, SELF)
    services.approve(r3)
    services.approve(r2)
    assert list(services.waitlist(cls)) == [r2, r3]

    promoted = services.withdraw(e1, reason="Bận công tác")
    assert [p.pk for p in promoted] == [r2.pk]
    e1.refresh_from_db()
    r2.refresh_from_db()
    assert (e1.state, r2.state) == (State.WITHDRAWN, State.ENROLLED)
    assert TrainingClass.objects.get(pk=cls.pk).seats_taken == 1
    assert list(services.waitlist(cls)) == [r3]

    # a waitlisted person withdrawing frees no seat and promotes nobody
    assert services.withdraw(r3) == []
    assert TrainingClass.objects.get(pk=cls.pk).seats_taken == 1
    with pytest.raises(ValidationError, match="Không thể rút khỏi lớp"):
        services.withdraw(r3)


@pytest.mark.django_db
def test_withdrawal_without_waitlist_frees_the_seat(unit):
    cls = make_class(capacity=1)
    e1 = _enroll(cls, make_person(unit))
    assert services.withdraw(e1) == []
    assert TrainingClass.objects.get(pk=cls.pk).seats_taken == 0
    assert _enroll(cls, make_person(unit)).state == State.ENROLLED


@pytest.mark.django_db
def test_results_only_for_enrolled_in_running_class(unit):
    cls = make_class(capacity=2)
    enr = _enroll(cls, make_person(unit))
    with pytest.raises(ValidationError, match="chưa thể ghi kết quả"):
        services.record_outcome(enr, True)
    services.change_status(cls, Status.RUNNING)
    enr.training_class.refresh_from_db()
    services.record_outcome(enr, True)
    assert Enrollment.objects.get(pk=enr.pk).state == State.COMPLETED
    with pytest.raises(ValidationError, match="Không thể ghi kết quả"):
        services.record_outcome(enr, False)


# --- nomination warnings -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_warnings_for_held_qualification(unit):
    cls = make_class()  # grants QLNN CVC
    assert services.nomination_warnings(cls, make_person(unit)) == []
    assert services.nomination_warnings(cls, make_person(unit, qualifications=[("QLNN", "CV")])) == []
    higher = make_person(unit, full_name="Lê Thị Cao", qualifications=[("QLNN", "CVCC")])
    [warning] = services.nomination_warnings(cls, higher)
    assert "Lê Thị Cao đã có" in warning and "chuyên viên cao cấp" in warning.lower()
    # not yet issued on the date → no warning
    future = make_person(unit, qualifications=[("QLNN", "CVC", timezone.localdate() + datetime.timedelta(days=5))])
    assert services.nomination_warnings(cls, future) == []


@pytest.mark.django_db
def test_warnings_for_overlapping_class(unit):
    start = datetime.date(2026, 9, 1)
    cls = make_class("L_NEW", starts_on=start, ends_on=start + datetime.timedelta(days=10))
    overlapping = make_class("L_OVER", starts_on=start + datetime.timedelta(days=10), ends_on=start + datetime.timedelta(days=20))
    apart = make_class("L_APART", starts_on=start + datetime.timedelta(days=11), ends_on=start + datetime.timedelta(days=20))
    online = make_class("L_ONLINE", starts_on=start, ends_on=start, form="ONLINE")
    cancelled = make_class("L_CANC", starts_on=start, ends_on=start)
    person = make_person(unit, full_name="Trần Văn Bận")
    for other in (overlapping, apart, online, cancelled):  # each class of its own programme: no SAME_PROGRAMME
        other.program = Program.objects.create(code=f"P_{other.code}", name=other.code, category="KHAC",
                                               kind="BRIEFING", duration_tiet=8)
        other.save()
    for other in (overlapping, apart, online, cancelled, cls):  # online: not full-time, no conflict
        services.approve(services.request_enrollment(other, person, SELF, confirm_warnings=True))
    cancelled.status = "CANCELLED"
    cancelled.save()  # a cancelled class is no conflict; the class itself is no conflict with itself
    [warning] = services.nomination_warnings(cls, person)
    assert warning == ("Trần Văn Bận đã có trong lớp tập trung L_OVER (11/09/2026 – 21/09/2026, Đã xếp lớp), "
                       "trùng thời gian với lớp này.")


# --- acceptance: concurrent registrations --------------------------------------------------------------------------

def _shared_cache_retry(step):
    """SQLite's in-memory test database is a shared-cache database, whose table locks answer SQLITE_LOCKED at once
    instead of waiting for busy_timeout (a file database — production, or DTBD_TEST_SQLITE=path — waits and needs
    no retry). Only there, and only for that error, repeat the step: each step is one transaction, so a refused one
    left nothing behind. Every other error still fails the test; on PostgreSQL nothing is retried."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    for _attempt in range(200):
        try:
            return step()
        except OperationalError as exc:
            if not (in_memory and "table is locked" in str(exc)):
                raise
            time.sleep(0.005)
    return step()


def _at_once(action, people, workers):
    """Run `action(person)` for every person from `workers` threads released together (each thread its own
    connection); returns the errors (repr), [] when every call succeeded."""
    barrier = threading.Barrier(workers)
    errors = []

    def run(batch):
        try:
            barrier.wait(timeout=30)
            for person in batch:
                try:
                    action(person)
                except Exception as exc:  # noqa: BLE001 — every error is a failure of the test
                    errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(people[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(transactional_db):
    """Acceptance: on PostgreSQL 200 concurrent request+approve (40 threads, each with its own connection,
    released together) for 50 seats → 50 enrolled, 150 waitlisted in request order, no error. SQLite serialises
    writers (BEGIN IMMEDIATE + busy timeout): 20 threads for 5 seats."""
    if connection.vendor == "postgresql":
        # 200 registrations from 40 threads (40 connections at once: the server allows 100 for everyone)
        registrations, capacity, workers = 200, 50, 40
    else:
        registrations, capacity, workers = 20, 5, 20
    unit = make_unit("S_CONC", "Sở đồng thời")
    cls = make_class("L_CONC", capacity=capacity)
    people = [make_person(unit, education=None) for _ in range(registrations)]

    def register(person):
        enrollment = _shared_cache_retry(lambda: services.request_enrollment(cls, person, SELF))
        _shared_cache_retry(lambda: services.approve(enrollment))

    assert _at_once(register, people, workers) == []
    cls.refresh_from_db()
    assert cls.seats_taken == capacity
    enrolled = Enrollment.objects.filter(training_class=cls, state=State.ENROLLED)
    assert enrolled.count() == capacity
    waiting = list(services.waitlist(cls))
    assert len(waiting) == registrations - capacity
    assert Enrollment.objects.filter(training_class=cls).count() == registrations
    keys = [(e.requested_at, e.pk) for e in waiting]
    assert keys == sorted(keys)

    # a withdrawal promotes the first on the waitlist, and the class stays full, not over
    promoted = services.withdraw(enrolled.first())
    assert [p.pk for p in promoted] == [waiting[0].pk]
    cls.refresh_from_db()
    assert cls.seats_taken == capacity == Enrollment.objects.filter(training_class=cls, state=State.ENROLLED).count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_come_first_served_registrations(transactional_db):
    """Registration on demand (first_come_first_served): concurrent self-registrations take seats at once with the
    atomic conditional UPDATE → exactly `capacity` enrolled, the rest waitlisted, and every enrolled request is dated
    before every waitlisted one. PostgreSQL: 200 requests from 40 threads for 50 seats; SQLite: 20 threads, 5 seats."""
    if connection.vendor == "postgresql":
        registrations, capacity, workers = 200, 50, 40
    else:
        registrations, capacity, workers = 20, 5, 20
    unit = make_unit("S_FCFS", "Sở đăng ký theo nhu cầu")
    cls = make_class("L_FCFS", capacity=capacity, first_come_first_served=True)
    people = [make_person(unit, education=None) for _ in range(registrations)]
    states = []

    def register(person):
        states.append(_shared_cache_retry(lambda: services.request_enrollment(cls, person, SELF)).state)

    assert _at_once(register, people, workers) == []
    assert sorted(states).count(State.ENROLLED) == capacity and len(states) == registrations
    cls.refresh_from_db()
    assert cls.seats_taken == capacity
    enrolled = Enrollment.objects.filter(training_class=cls, state=State.ENROLLED)
    assert enrolled.count() == capacity
    assert not Enrollment.objects.filter(training_class=cls, state=State.REQUESTED).exists()
    waiting = list(services.waitlist(cls))
    assert len(waiting) == registrations - capacity
    assert max(e.requested_at for e in enrolled) <= waiting[0].requested_at
    # a withdrawal promotes the first on the waitlist; the class stays full, not over
    promoted = services.withdraw(enrolled.first())
    assert [p.pk for p in promoted] == [waiting[0].pk]
    cls.refresh_from_db()
    assert cls.seats_taken == capacity == Enrollment.objects.filter(training_class=cls, state=State.ENROLLED).count()


@pytest.mark.django_db
def test_first_come_first_served_only_for_self_registration(unit):
    """Nominations to a first-come-first-served class still go through approve(); a self-registration outside the
    registration window is refused before any seat is taken."""
    cls = make_class("L_FCFS2", capacity=1, first_come_first_served=True)
    nominated = services.request_enrollment(cls, make_person(unit), NOMINATED)
    assert nominated.state == State.REQUESTED
    cls.refresh_from_db()
    assert cls.seats_taken == 0
    closed = make_class("L_FCFS3", capacity=1, first_come_first_served=True, registration_closes=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="hết hạn đăng ký"):
        services.request_enrollment(closed, make_person(unit), SELF)
    closed.refresh_from_db()
    assert closed.seats_taken == 0 and not Enrollment.objects.filter(training_class=closed).exists()


@pytest.mark.django_db
def test_state_changes_are_audited(unit):
    from auditlog.models import LogEntry

    cls = make_class(capacity=1)
    enr = _enroll(cls, make_person(unit))
    waiting = _enroll(cls, make_person(unit))
    services.withdraw(enr)
    changes = [e.changes_dict.get("state") for e in LogEntry.objects.get_for_object(waiting).order_by("timestamp", "pk")]
    assert [c for c in changes if c] == [
        ["None", "REQUESTED"], ["REQUESTED", "WAITLISTED"], ["WAITLISTED", "ENROLLED"]
    ]
    states = [e.changes_dict.get("state") for e in LogEntry.objects.get_for_object(enr).order_by("timestamp", "pk")]
    assert [c for c in states if c][-1] == ["ENROLLED", "WITHDRAWN"]
