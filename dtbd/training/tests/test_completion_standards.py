"""Completion reaches the standards review (across training and standards): the PROGRAMME requirement kind, and the
acceptance test "Completing a class updates the standards review and annual hours for that person"."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.people.models import Person, Qualification
from dtbd.people.testing import make_person
from dtbd.standards.engine import annual_hours, person_status, requirement_counts
from dtbd.standards.models import Requirement
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.queries import completed_programme_people
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program

pytestmark = pytest.mark.django_db

D = datetime.date


def finish(cls, people, passed=True):
    """Enrol `people`, run the class and record the outcome (what the results submit does, before issuing)."""
    enrolments = [enroll(cls, p) for p in people]
    TrainingClass.objects.filter(pk=cls.pk).update(status=TrainingClass.Status.RUNNING)
    cls.refresh_from_db()
    for enr in enrolments:
        enr.training_class = cls
        services.record_outcome(enr, passed)
    return enrolments


def status_of(person, date):
    return {row["code"]: row["missing"] for row in person_status(person, date)}


def hours_of(person, year):
    return annual_hours(Person.objects.filter(pk=person.pk), year).get().hours


# -- acceptance ---------------------------------------------------------------------------------------------------
def test_completing_a_class_updates_the_standards_review_and_annual_hours(tree):
    today = timezone.localdate()
    person = make_person(tree.so_a, code="CVC1", full_name="Đỗ Thị Chính", category="CC", rank="01.002")
    before = status_of(person, today)
    assert before["RANK_QLNN"] is True and before["ANNUAL_HOURS"] is True
    assert hours_of(person, today.year) == 0
    assert {c.code: (c.applicable, c.met) for c in requirement_counts(tree.root, today)}["RANK_QLNN"] == (1, 0)

    start = today - datetime.timedelta(days=20)
    cls = make_class("QLNN_CVC_01", capacity=10, program=make_program("QLNN_CVC"), sessions=10, starts_on=start,
                     ends_on=today - datetime.timedelta(days=1))
    (enr,) = finish(cls, [person])
    enr.refresh_from_db()
    assert enr.state == Enrollment.State.COMPLETED
    cert = certificates.issue(enr, today)

    after = status_of(person, today)
    assert after["RANK_QLNN"] is False  # the QLNN CVC certificate is on the staff record
    assert after["ANNUAL_HOURS"] is False  # 10 sessions × 4 tiết = 40 ≥ the 40 required
    assert hours_of(person, today.year) == 40
    counts = {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(tree.root, today)}
    assert counts["RANK_QLNN"] == (1, 1, 0) and counts["ANNUAL_HOURS"] == (1, 1, 0)
    evidence = next(r for r in person_status(person, today) if r["code"] == "RANK_QLNN")["evidence_id"]
    assert evidence == cert.qualification_id

    # Revoking the certificate removes the credit.
    certificates.revoke(cert, "Kết quả được điều chỉnh", None)
    assert status_of(person, today) == before
    assert hours_of(person, today.year) == 0
    assert not Qualification.objects.filter(person=person, type="QLNN").exists()


def test_a_briefing_without_a_granted_qualification_credits_tiet(tree):
    today = timezone.localdate()
    person = make_person(tree.so_a, code="VC1", category="VC")
    briefing = make_program("SO_AI_THU", name="Kỹ năng số", category="SO_AI", kind="BRIEFING", duration_tiet=16,
                            grants_type="", grants_level="")
    cls = make_class("BD_01", capacity=5, program=briefing, sessions=3, starts_on=today - datetime.timedelta(days=5),
                     ends_on=today)
    (enr,) = finish(cls, [person])
    cert = certificates.issue(enr, today)
    q = cert.qualification
    assert (q.type, q.level, q.hours, q.major) == ("BD", "GCN", 12, "Kỹ năng số")
    assert hours_of(person, today.year) == 12
    assert status_of(person, today)["ANNUAL_HOURS"] is True  # 12 < 40: still below the minimum
    # Credited to the year of issue, not another one.
    assert hours_of(person, today.year - 1) == 0


def test_a_failed_enrolment_credits_nothing(tree):
    today = timezone.localdate()
    person = make_person(tree.so_a, code="F1", category="CC", rank="01.002")
    cls = make_class("QLNN_CVC_02", capacity=5, program=make_program("QLNN_CVC"), sessions=10,
                     starts_on=today - datetime.timedelta(days=20), ends_on=today)
    finish(cls, [person], passed=False)
    assert status_of(person, today)["RANK_QLNN"] is True
    assert hours_of(person, today.year) == 0


# -- the PROGRAMME requirement kind -------------------------------------------------------------------------------------
@pytest.fixture
def programme_rule(db):
    return Requirement.objects.create(
        code="X_PROG", name="Hoàn thành bồi dưỡng kỹ năng số trong 2 năm", categories="CC", kind="PROGRAMME",
        programme_code="SO_AI_THU", within_years=2,
    )


@pytest.fixture
def briefing(db):
    return make_program("SO_AI_THU", name="Kỹ năng số", category="SO_AI", kind="BRIEFING", duration_tiet=16,
                        grants_type="", grants_level="")


def test_programme_requirement_met_by_a_completed_class_within_the_years(tree, programme_rule, briefing):
    person = make_person(tree.so_a, code="P1", category="CC")
    other = make_person(tree.so_a, code="P2", category="CC")
    cls = make_class("SOAI_01", capacity=5, program=briefing, starts_on=D(2024, 3, 1), ends_on=D(2024, 3, 10))
    done, failed = finish(cls, [person, other])
    Enrollment.objects.filter(pk=failed.pk).update(state=Enrollment.State.FAILED)
    Enrollment.objects.filter(pk=done.pk).update(completed_on=D(2024, 3, 8))

    assert status_of(person, D(2024, 3, 7))["X_PROG"] is True  # not yet completed
    assert status_of(person, D(2024, 3, 8))["X_PROG"] is False
    assert status_of(person, D(2026, 3, 8))["X_PROG"] is False  # exactly two years later: still within
    assert status_of(person, D(2026, 3, 9))["X_PROG"] is True  # too old
    assert status_of(other, D(2024, 6, 1))["X_PROG"] is True  # failed
    counts = {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(tree.root, D(2025, 1, 1))}
    assert counts["X_PROG"] == (2, 1, 1)
    assert set(completed_programme_people("SO_AI_THU", D(2025, 1, 1), 2).values_list("person_id", flat=True)) == {person.pk}
    assert not completed_programme_people("OTHER_CODE", D(2025, 1, 1), None).exists()


def test_programme_without_within_years_and_without_completion_date(tree, programme_rule, briefing):
    Requirement.objects.filter(pk=programme_rule.pk).update(within_years=None)
    person = make_person(tree.so_a, code="P1", category="CC")
    cls = make_class("SOAI_02", capacity=5, program=briefing, starts_on=D(2015, 3, 1), ends_on=D(2015, 3, 10))
    finish(cls, [person])  # completed_on not recorded: the class's end date counts
    assert status_of(person, D(2015, 3, 9))["X_PROG"] is True
    assert status_of(person, D(2015, 3, 10))["X_PROG"] is False
    assert status_of(person, D(2026, 1, 1))["X_PROG"] is False


def test_the_hours_review_links_the_tiet_credited_to_their_class(client, users, tree):
    today = timezone.localdate()
    person = make_person(tree.so_a, code="CC1", full_name="Đỗ Văn Giờ", category="CC")
    cls = make_class("BD_GIO_01", capacity=10, program=make_program("BD_GIO"), sessions=10,
                     starts_on=today - datetime.timedelta(days=20), ends_on=today - datetime.timedelta(days=1))
    (enr,) = finish(cls, [person])
    certificates.issue(enr, today)
    client.force_login(users.officer)
    page = client.get(reverse("standards:review_code", args=["ANNUAL_HOURS"]),
                      {"date": today.strftime("%d/%m/%Y"), "unit": tree.so_a.pk})
    html = page.content.decode()
    assert f'href="{reverse("training:class_detail", args=[cls.pk])}"' in html
    assert "40/40 tiết" in html
