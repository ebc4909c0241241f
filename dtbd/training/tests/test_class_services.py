"""dtbd.training.services.classes: search, filters, month grid, enrolment counts, and change_status with its side effects
(notices on start and cancellation, withdrawals on cancellation) in few queries."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dtbd.accounts.testing import make_user
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.filters import ClassFilterSet
from dtbd.training.models import ClassSession, Enrollment, TrainingClass
from dtbd.training.services import classes as class_services
from dtbd.training.testing import enroll, make_class, school_provider

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
State = Enrollment.State
TODAY = timezone.localdate()


def test_search_is_accent_insensitive_on_code_name_and_programme():
    make_class("BD01")
    make_class("XX02")
    TrainingClass.objects.filter(code="BD01").update(name="Lớp bồi dưỡng kỹ năng số")
    TrainingClass.objects.filter(code="XX02").update(name="Tin học văn phòng")
    qs = TrainingClass.objects.all()
    assert list(class_services.search_classes(qs, "boi DUONG ky nang").values_list("code", flat=True)) == ["BD01"]
    assert list(class_services.search_classes(qs, "xx02").values_list("code", flat=True)) == ["XX02"]
    # the programme's name ("… ngạch chuyên viên chính") matches both
    assert class_services.search_classes(qs, "chuyen vien chinh").count() == 2
    assert class_services.search_classes(qs, "   ").count() == 2
    assert class_services.search_classes(qs, "khong co").count() == 0


def test_open_now_respects_status_and_window():
    inside = make_class("W1", status=Status.OPEN, registration_opens=TODAY, registration_closes=TODAY)
    make_class("W2", status=Status.OPEN, registration_opens=TODAY + datetime.timedelta(days=1))
    make_class("W3", status=Status.OPEN, registration_closes=TODAY - datetime.timedelta(days=1))
    make_class("W4", status=Status.PLANNED)
    no_window = make_class("W5", status=Status.OPEN)
    found = set(TrainingClass.objects.open_for_registration(TODAY).values_list("code", flat=True))
    assert found == {"W1", "W5"}
    for cls in TrainingClass.objects.all():
        assert cls.is_open_for_registration(TODAY) == (cls.pk in {inside.pk, no_window.pk})


def test_filter_mine_uses_run_classes(tree, users):
    make_class("M1", provider=school_provider(tree))
    make_class("M2")
    qs = ClassFilterSet({"mine": "on"}, TrainingClass.objects.all(), user=users.institution).qs
    assert list(qs.values_list("code", flat=True)) == ["M1"]
    # the filter exists for institution staff only: for anyone else the parameter is ignored
    qs = ClassFilterSet({"mine": "on"}, TrainingClass.objects.all(), user=users.province).qs
    assert qs.count() == 2


def test_month_grid_and_month_helpers():
    assert class_services.parse_month("2026-02") == (2026, 2)
    assert class_services.parse_month("abc", datetime.date(2025, 7, 9)) == (2025, 7)
    assert class_services.parse_month("2026-00", datetime.date(2025, 7, 9)) == (2025, 7)
    assert class_services.shift_month(2026, 1, -1) == (2025, 12)
    assert class_services.shift_month(2026, 12, 1) == (2027, 1)
    cls = make_class("G1", starts_on=datetime.date(2026, 1, 30), ends_on=datetime.date(2026, 2, 3))
    ClassSession.objects.create(training_class=cls, date=datetime.date(2026, 2, 2), tiet=4, topic="Buổi 2")
    weeks = class_services.month_grid(TrainingClass.objects.all(), 2026, 2, today=datetime.date(2026, 2, 2))
    # February 2026 starts on a Sunday: the grid starts on Monday 26/01
    assert weeks[0][0].date == datetime.date(2026, 1, 26) and not weeks[0][0].in_month
    days = {day.date: day for week in weeks for day in week}
    assert [e.sessions[0].topic for e in days[datetime.date(2026, 2, 2)].entries] == ["Buổi 2"]
    assert days[datetime.date(2026, 2, 2)].is_today
    assert days[datetime.date(2026, 2, 1)].entries == []  # the class has sessions: only session days


def test_enrollment_counts_in_one_query(tree, django_assert_num_queries):
    cls = make_class("EC1", capacity=1)
    enroll(cls, make_person(tree.phong_a))
    enroll(cls, make_person(tree.phong_a))
    services.request_enrollment(cls, make_person(tree.phong_a), Enrollment.Source.NOMINATED)
    with django_assert_num_queries(1):
        counts = class_services.enrollment_counts(cls)
    assert counts["total"] == 3
    assert counts["map"] == {
        State.REQUESTED: 1, State.APPROVED: 0, State.ENROLLED: 1, State.WAITLISTED: 1, State.COMPLETED: 0,
        State.FAILED: 0, State.WITHDRAWN: 0, State.REJECTED: 0,
    }


def test_allowed_transitions_follow_the_service():
    cls = make_class("AT1", status=Status.RUNNING)
    moves = class_services.allowed_transitions(cls)
    assert [(m.value, m.label) for m in moves] == [("FINISHED", "Kết thúc lớp"), ("CANCELLED", "Huỷ lớp")]
    cls.status = Status.CLOSED
    assert class_services.allowed_transitions(cls) == []


def _learners(tree, n, prefix):
    people = [make_person(tree.phong_a, code=f"{prefix}{i:03d}") for i in range(n)]
    for i, person in enumerate(people):
        make_user(f"{prefix.lower()}{i}", "LEARNER", person=person)
    return people


def test_start_notifies_enrolled_learners_with_a_fixed_number_of_queries(tree, users, django_assert_max_num_queries):
    small = make_class("S1", capacity=5)
    big = make_class("S2", capacity=40)
    for person in _learners(tree, 2, "A"):
        enroll(small, person)
    for person in _learners(tree, 30, "B"):
        enroll(big, person)
    with django_assert_max_num_queries(12) as ctx:
        assert class_services.change_status(small, Status.RUNNING, users.province) == 2
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert class_services.change_status(big, Status.RUNNING, users.province) == 30
    notices = Notice.objects.filter(kind=Notice.Kind.CLASS_START)
    assert notices.count() == 32
    assert notices.filter(title__contains="S2").count() == 30
    assert all(n.url.endswith(f"/dao-tao/lop/{big.pk}/") for n in notices.filter(title__contains="S2"))


def test_start_does_not_tell_people_without_a_seat(tree, users):
    cls = make_class("S3", capacity=1)
    first, second = _learners(tree, 2, "C")
    enroll(cls, first)
    enroll(cls, second)  # waitlisted
    class_services.change_status(cls, Status.RUNNING, users.province)
    told = set(Notice.objects.filter(kind=Notice.Kind.CLASS_START).values_list("user__person_id", flat=True))
    assert told == {first.pk}


def test_cancel_withdraws_every_active_enrolment_and_frees_the_seats(tree, users):
    cls = make_class("X1", capacity=2)
    people = _learners(tree, 5, "D")
    enroll(cls, people[0])
    enroll(cls, people[1])
    enroll(cls, people[2])  # waitlisted
    services.request_enrollment(cls, people[3], Enrollment.Source.NOMINATED)  # requested
    rejected = services.request_enrollment(cls, people[4], Enrollment.Source.NOMINATED)
    services.reject(rejected, reason="Không thuộc đối tượng")
    assert class_services.change_status(cls, Status.CANCELLED, users.province) == 4
    cls.refresh_from_db()
    assert cls.status == Status.CANCELLED and cls.seats_taken == 0
    states = dict(cls.enrollments.values_list("person_id", "state"))
    assert [states[p.pk] for p in people] == [State.WITHDRAWN] * 4 + [State.REJECTED]
    assert set(cls.enrollments.filter(state=State.WITHDRAWN).values_list("reason", flat=True)) == {"Lớp bị huỷ"}
    told = set(Notice.objects.filter(kind=Notice.Kind.CLASS_CANCELLED).values_list("user__person_id", flat=True))
    assert told == {p.pk for p in people[:4]}


def test_refused_change_leaves_everything_untouched(tree, users):
    cls = make_class("R1", capacity=3, status=Status.OPEN, min_size=2)
    person = _learners(tree, 1, "E")[0]
    enroll(cls, person)
    with pytest.raises(ValidationError) as err:
        class_services.change_status(cls, Status.RUNNING, users.province)  # fewer than min_size
    assert "chưa đủ số tối thiểu" in err.value.messages[0]
    with pytest.raises(ValidationError):
        class_services.change_status(cls, Status.CLOSED, users.province)
    with pytest.raises(ValidationError):
        class_services.change_status(cls, "NOPE", users.province)
    cls.refresh_from_db()
    assert cls.status == Status.OPEN and cls.seats_taken == 1
    assert not Notice.objects.filter(kind__in=[Notice.Kind.CLASS_START, Notice.Kind.CLASS_CANCELLED]).exists()
    cls.status = Status.CANCELLED
    cls.save()
    with pytest.raises(ValidationError):
        class_services.change_status(cls, Status.OPEN, users.province)





