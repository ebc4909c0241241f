"""The demo's classes: every status around today, consistent enrolments, seats, attendance, results, certificates and
the qualifications they put on the staff record; what the demo logins find."""
import datetime
import re
from collections import Counter

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from dtbd.accounts.models import User
from dtbd.demo import generate
from dtbd.demo.classes import generate_classes
from dtbd.notices.models import Notice
from dtbd.people.models import Person, Qualification
from dtbd.plans.models import ClassLine
from dtbd.standards.engine import annual_hours
from dtbd.training import permissions
from dtbd.training.models import (
    Attendance,
    Certificate,
    ClassSession,
    Enrollment,
    Provider,
    Result,
    Score,
    TrainingClass,
)
from dtbd.training.seed import PROGRAMS
from dtbd.training.services.certificates import class_tiet

from .conftest import SMALL

SEATED = ("ENROLLED", "COMPLETED", "FAILED")
Status = TrainingClass.Status


def test_classes_cover_every_status_in_the_previous_and_current_year(demo):
    today = timezone.localdate()
    classes = list(TrainingClass.objects.select_related("program", "provider"))
    statuses = Counter(c.status for c in classes)
    assert all(statuses[s] >= 1 for s in Status.values), statuses
    assert statuses[Status.CANCELLED] >= 1
    years = {c.starts_on.year for c in classes if c.status in (Status.CLOSED, Status.FINISHED)}
    assert today.year - 1 in years and (today.year in years or today.month == 1)
    assert {c.program.code for c in classes} <= {p[0] for p in PROGRAMS}
    for c in classes:
        if c.status == Status.OPEN:  # the registration window includes today, the class starts after it
            assert c.registration_opens <= today <= c.registration_closes < c.starts_on
        elif c.status == Status.RUNNING:
            assert c.starts_on <= today <= c.ends_on
        elif c.status in (Status.FINISHED, Status.CLOSED):
            assert c.ends_on < today
        elif c.status == Status.PLANNED:
            assert c.starts_on > today
    submitted = [c for c in classes if c.results_submitted_at]
    assert {c.status for c in submitted} == {Status.FINISHED, Status.CLOSED}
    assert all(c.status == Status.FINISHED for c in classes if c.status in (Status.FINISHED, Status.CLOSED)
               and not c.results_submitted_at)  # a finished class still waiting for its results
    assert not TrainingClass.objects.filter(status=Status.CLOSED, results_submitted_at__isnull=True).exists()


def test_the_school_provider_is_linked_to_the_truong_unit_and_runs_classes(demo):
    truong = User.objects.get(username="truong")
    school = Provider.objects.get(unit=truong.scope_unit)
    run = TrainingClass.objects.filter(permissions.run_classes_q(truong))
    assert run.filter(provider=school).count() >= 5
    assert run.filter(status=Status.FINISHED, results_submitted_at__isnull=True).exists()
    assert TrainingClass.objects.exclude(provider=school).exists()  # other providers too
    assert all(permissions.can_run_class(truong, c) for c in run.select_related("provider__unit")[:5])


def test_seats_enrolment_states_and_sessions_are_consistent(demo):
    classes = TrainingClass.objects.annotate(
        seated=Count("enrollments", filter=Q(enrollments__state__in=SEATED), distinct=True),
        n_sessions=Count("sessions", distinct=True),
    )
    for c in classes:
        assert c.seats_taken == c.seated <= c.capacity, c.code
        states = set(c.enrollments.values_list("state", flat=True))
        if c.status in (Status.CLOSED,) or c.results_submitted_at:
            assert states <= {"COMPLETED", "FAILED", "WITHDRAWN", "REJECTED"} and "COMPLETED" in states, c.code
        elif c.status in (Status.RUNNING, Status.FINISHED):
            assert states <= {"ENROLLED", "WITHDRAWN", "REJECTED"} and "ENROLLED" in states, c.code
        elif c.status in (Status.OPEN, Status.PLANNED):
            assert states <= {"ENROLLED", "REQUESTED", "WITHDRAWN", "REJECTED"}, c.code
            # A class just opened from a line of the year's plan (dtbd/demo/plans.py) has no registration yet.
            assert "REQUESTED" in states or (
                c.status == Status.PLANNED and not states and ClassLine.objects.filter(training_class=c).exists()
            ), c.code
        else:  # cancelled
            assert c.seats_taken == 0 and states <= {"WITHDRAWN", "REJECTED"}
        if c.status not in (Status.PLANNED, Status.CANCELLED):
            assert c.n_sessions >= 2, c.code
    assert not Enrollment.objects.filter(state="COMPLETED", completed_on__isnull=True).exists()
    assert not Enrollment.objects.exclude(state="COMPLETED").filter(completed_on__isnull=False).exists()
    assert not Enrollment.objects.filter(state="REQUESTED", decided_at__isnull=False).exists()
    assert not Enrollment.objects.filter(decided_at__lt=models_f("requested_at")).exists()
    # Sessions carry tiết, topics and lecturers.

    assert not ClassSession.objects.filter(Q(topic="") | Q(lecturer__isnull=True) | Q(tiet=0)).exists()


def models_f(name):
    return F(name)


def test_results_attendance_and_completion_rule_agree(demo):
    results = Result.objects.select_related("enrollment__training_class").prefetch_related("scores")
    assert results.exists()
    for r in results:
        cls, enr = r.enrollment.training_class, r.enrollment
        assert r.is_current and r.submitted_at and r.version == 1
        assert r.completed == (enr.state == "COMPLETED")
        marks = Counter(Attendance.objects.filter(enrollment=enr).values_list("status", flat=True))
        held = sum(marks.values())
        assert held == cls.sessions.filter(date__lt=timezone.localdate()).count()
        pct = 100 * (marks["PRESENT"] + marks["EXCUSED"]) / held
        assert float(r.attendance_pct) == pytest.approx(pct, abs=0.01)
        scores = [s.value for s in r.scores.all()]
        assert len(scores) == cls.assessments.count()
        ok = pct >= cls.min_attendance_pct and all(v >= cls.pass_score for v in scores)
        assert ok == r.completed, enr.pk
        assert (r.grade == "KD") == (not r.completed)
    # Every learner of a finished class is in the attendance; nobody else.
    assert not Attendance.objects.exclude(enrollment__state__in=SEATED).exists()
    assert Score.objects.count() > 0


def test_certificates_and_their_qualifications(demo):
    certs = list(Certificate.objects.select_related(
        "qualification", "provider", "enrollment__training_class__program", "enrollment__person", "decision"))
    completed = Enrollment.objects.filter(state="COMPLETED")
    assert len(certs) == completed.count() > 0
    assert {c.enrollment_id for c in certs} == set(completed.values_list("pk", flat=True))
    assert len({c.code for c in certs}) == len(certs) and all(len(c.code) >= 12 for c in certs)
    by_key = Counter((c.provider_id, c.year) for c in certs)
    for c in certs:
        program = c.enrollment.training_class.program
        assert re.fullmatch(rf"{c.provider.code}-{c.year}-\d{{5}}", c.number)
        assert c.number == f"{c.provider.code}-{c.year}-{c.serial:05d}" and 1 <= c.serial <= by_key[(c.provider_id, c.year)]
        assert c.issued_on == c.enrollment.completed_on and c.year == c.issued_on.year
        # issued by a confirmed decision of the class, dated the day of the certificate
        decision = c.decision
        assert decision.status == "CONFIRMED" and decision.training_class_id == c.enrollment.training_class_id
        assert decision.decided_on == c.issued_on and decision.number and decision.signer_name
        q = c.qualification
        assert q.person_id == c.enrollment.person_id and q.source == "CLASS" and q.certificate_no == c.number
        assert q.issued_on == c.issued_on and q.issuer == c.provider.name
        expected = (program.grants_type, program.grants_level) if program.grants_type else ("BD", "GCN")
        assert (q.type, q.level) == expected
        if program.kind != "DEGREE":
            assert q.hours == class_tiet(c.enrollment.training_class)
    # the annual hours of the current or previous year are no longer zero for everyone
    year = max(c.year for c in certs)
    assert annual_hours(Person.objects.all(), year).filter(hours__gte=40).exists()


def test_the_learner_has_done_is_doing_and_can_register(demo):
    hocvien = User.objects.get(username="hocvien")
    mine = Enrollment.objects.filter(person=hocvien.person_id).select_related("training_class")
    done = [e for e in mine if e.state == "COMPLETED"]
    assert done and Certificate.objects.filter(enrollment__in=done).exists()
    assert any(e.state == "ENROLLED" and e.training_class.status in (Status.RUNNING, Status.PLANNED, Status.OPEN)
               for e in mine)
    today = timezone.localdate()
    open_not_mine = TrainingClass.objects.filter(
        status=Status.OPEN, registration_opens__lte=today, registration_closes__gte=today
    ).exclude(enrollments__person=hocvien.person_id)
    assert any(c.seats_taken < c.capacity for c in open_not_mine)
    assert Notice.objects.filter(user=hocvien).exists()
    assert Notice.objects.filter(user__username="donvi", kind="REQUESTED").exists() or Enrollment.objects.filter(
        state="REQUESTED", person__in=permissions.people_to_nominate(User.objects.get(username="donvi"))).exists()


def test_donvi_has_requests_of_their_people_to_decide(demo):
    donvi = User.objects.get(username="donvi")
    pending = Enrollment.objects.filter(state="REQUESTED", person__in=permissions.people_to_nominate(donvi))
    assert pending.exists()


def test_same_seed_and_day_give_the_same_classes():
    province = generate(5, SMALL)
    day = datetime.date(2026, 6, 15)
    first, second = generate_classes(province, day), generate_classes(province, day)
    assert first.classes == second.classes and first.enrollments == second.enrollments
    assert first.certificates == second.certificates


@pytest.mark.parametrize("day", [datetime.date(2026, 1, 5), datetime.date(2026, 6, 15), datetime.date(2027, 12, 30)])
def test_generated_classes_fit_any_day_of_the_year(day):
    c = generate_classes(generate(2, SMALL), day)
    statuses = Counter(r[15] for r in c.classes)
    assert all(statuses[s] for s in ("PLANNED", "OPEN", "RUNNING", "FINISHED", "CLOSED", "CANCELLED")), statuses
    seated = Counter(e[1] for e in c.enrollments if e[4] in SEATED)
    capacity = {r[0]: r[7] for r in c.classes}
    assert all(c.seats[cid] == seated[cid] <= capacity[cid] for cid in capacity)
    pairs = [(e[1], e[2]) for e in c.enrollments]
    assert len(pairs) == len(set(pairs))
    numbers = [x[4] for x in c.certificates]
    assert len(numbers) == len(set(numbers))


def test_the_classes_split_at_the_reorganisations_day_keep_their_rows_together():
    day = datetime.date(2025, 7, 1)
    whole = generate_classes(generate(2, SMALL), datetime.date(2025, 9, 15))
    before, after = whole.split(day)
    assert before.classes and after.classes
    assert all(r[11] < day for r in before.classes) and all(r[11] >= day for r in after.classes)
    for name in ("classes", "sessions", "assessments", "enrollments", "attendance", "results", "scores",
                 "certificates", "qualifications", "notices"):
        rows = getattr(before, name) + getattr(after, name)
        assert sorted(map(repr, rows)) == sorted(map(repr, getattr(whole, name)))
    for half in (before, after):
        ids = {r[0] for r in half.classes}
        assert {e[1] for e in half.enrollments} <= ids and set(half.seats) == ids
        assert all(n[4][1] in ids for n in half.notices if len(n[4]) > 1)


def test_the_classes_before_the_reorganisations_are_written_before_them(demo):
    day = datetime.date(2025, 7, 1)
    first = TrainingClass.objects.filter(starts_on__lt=day).values_list("pk", flat=True)
    then = TrainingClass.objects.filter(starts_on__gte=day).values_list("pk", flat=True)
    assert first and then and max(first) < min(then)
