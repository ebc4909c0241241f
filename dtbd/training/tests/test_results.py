"""Attendance and results services: the completion rule (docs/domain.md §11.1), submitting (the lock), certificates and
qualifications, corrections as new versions, and the refusals after the lock."""
import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from dtbd.accounts.testing import make_user
from dtbd.core.models import Source
from dtbd.notices.models import Notice
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.training.models import (
    Assessment, Attendance, Certificate, Enrollment, IssuingDecision, Result, TrainingClass,
)
from dtbd.training.services import certificates, results
from dtbd.training.testing import enroll, make_class

State = Enrollment.State
P, E, A = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT


@pytest.fixture
def setup(tree):
    """A running class of 5 sessions with two assessments and two learners (one has a user account)."""
    start = timezone.localdate() - datetime.timedelta(days=10)
    cls = make_class("KQ01", capacity=10, status=TrainingClass.Status.OPEN, starts_on=start,
                     ends_on=start + datetime.timedelta(days=5), sessions=5)
    a1 = Assessment.objects.create(training_class=cls, name="Bài kiểm tra 1", order=1)
    a2 = Assessment.objects.create(training_class=cls, name="Bài thu hoạch", kind="ESSAY", order=2)
    p1 = make_person(tree.phong_a, code="CB001", full_name="Nguyễn Văn An")
    p2 = make_person(tree.phong_b, code="CB002", full_name="Lê Thị Bình")
    user1 = make_user("cb001", "LEARNER", person=p1)
    e1, e2 = enroll(cls, p1), enroll(cls, p2)
    cls.status = TrainingClass.Status.RUNNING
    cls.save(update_fields=["status"])
    sessions = list(cls.sessions.order_by("date"))
    return cls, sessions, (a1, a2), (e1, e2), user1


def _mark_all(cls, sessions, enrollment, status=P, overrides=None):
    marks = {(s.pk, enrollment.pk): status for s in sessions}
    for index, value in (overrides or {}).items():
        marks[(sessions[index].pk, enrollment.pk)] = value
    results.record_attendance(cls, marks)


def _outcome(cls, enrollment):
    return next(o for o in results.compute(cls) if o.enrollment.pk == enrollment.pk)


@pytest.mark.django_db
def test_full_attendance_and_passing_scores_complete(setup):
    cls, sessions, (a1, a2), (e1, _e2), _ = setup
    _mark_all(cls, sessions, e1)
    results.save_draft_scores(cls, {(e1.pk, a1.pk): "8,5", (e1.pk, a2.pk): 9})
    outcome = _outcome(cls, e1)
    assert outcome.completed and outcome.reasons == []
    assert outcome.attendance_pct == Decimal("100.00")
    assert outcome.final_score == Decimal("8.75")
    assert outcome.grade == Result.Grade.GOOD


@pytest.mark.django_db
def test_default_rule_is_100_percent_excused_counts_absent_does_not(setup):
    cls, sessions, (a1, a2), (e1, e2), _ = setup
    _mark_all(cls, sessions, e1, overrides={1: E, 2: E})
    _mark_all(cls, sessions, e2, overrides={1: A, 3: A})
    results.save_draft_scores(cls, {(e.pk, a.pk): 7 for e in (e1, e2) for a in (a1, a2)})
    o1, o2 = _outcome(cls, e1), _outcome(cls, e2)
    assert o1.completed and o1.attendance_pct == Decimal("100.00") and o1.grade == Result.Grade.FAIR
    assert not o2.completed and o2.grade == Result.Grade.FAIL
    assert o2.attendance_pct == Decimal("60.00")
    assert o2.reasons == ["vắng 2/5 buổi không phép"]


@pytest.mark.django_db
def test_unrecorded_session_is_not_attendance(setup):
    cls, sessions, (a1, a2), (e1, _e2), _ = setup
    _mark_all(cls, sessions, e1, overrides={4: ""})
    results.save_draft_scores(cls, {(e1.pk, a1.pk): 7, (e1.pk, a2.pk): 7})
    outcome = _outcome(cls, e1)
    assert not outcome.completed and outcome.reasons == ["chưa điểm danh 1/5 buổi"]


@pytest.mark.django_db
def test_custom_80_percent(setup):
    cls, sessions, (a1, a2), (e1, e2), _ = setup
    cls.min_attendance_pct = 80
    cls.save(update_fields=["min_attendance_pct"])
    _mark_all(cls, sessions, e1, overrides={0: A})            # 4/5 = 80 % → enough
    _mark_all(cls, sessions, e2, overrides={0: A, 1: A})      # 3/5 = 60 % → not enough
    results.save_draft_scores(cls, {(e.pk, a.pk): 6 for e in (e1, e2) for a in (a1, a2)})
    o1, o2 = _outcome(cls, e1), _outcome(cls, e2)
    assert o1.completed and o1.attendance_pct == Decimal("80.00")
    assert not o2.completed
    assert o2.reasons == ["vắng 2/5 buổi không phép", "chuyên cần 60% < 80%"]


@pytest.mark.django_db
def test_a_score_of_4_9_fails_and_a_missing_score_fails(setup):
    cls, sessions, (a1, a2), (e1, e2), _ = setup
    _mark_all(cls, sessions, e1)
    _mark_all(cls, sessions, e2)
    results.save_draft_scores(cls, {(e1.pk, a1.pk): "9", (e1.pk, a2.pk): "4,9", (e2.pk, a1.pk): "10"})
    o1, o2 = _outcome(cls, e1), _outcome(cls, e2)
    assert not o1.completed and o1.reasons == ["Bài thu hoạch: 4,9 < 5"]
    assert o1.final_score == Decimal("6.95") and o1.grade == Result.Grade.FAIL
    assert not o2.completed and o2.reasons == ["Bài thu hoạch: chưa có điểm"]
    assert o2.final_score is None


@pytest.mark.django_db
def test_no_assessments_completes_on_attendance_alone(setup):
    cls, sessions, (a1, a2), (e1, e2), _ = setup
    Assessment.objects.filter(training_class=cls).delete()
    _mark_all(cls, sessions, e1)
    _mark_all(cls, sessions, e2, overrides={0: A})
    o1, o2 = _outcome(cls, e1), _outcome(cls, e2)
    assert o1.completed and o1.final_score is None
    assert not o2.completed


@pytest.mark.django_db
def test_grades():
    assert results.grade_for(Decimal("9"), True) == Result.Grade.EXCELLENT
    assert results.grade_for(Decimal("8.99"), True) == Result.Grade.GOOD
    assert results.grade_for(Decimal("6.5"), True) == Result.Grade.FAIR
    assert results.grade_for(Decimal("6.49"), True) == Result.Grade.AVERAGE
    assert results.grade_for(Decimal("5"), True) == Result.Grade.AVERAGE
    assert results.grade_for(Decimal("9.5"), False) == Result.Grade.FAIL


@pytest.mark.django_db
def test_draft_scores_are_checked(setup):
    cls, _sessions, (a1, _a2), (e1, _e2), _ = setup
    for bad in ("11", "-1", "abc", "7.333"):
        with pytest.raises(ValidationError):
            results.save_draft_scores(cls, {(e1.pk, a1.pk): bad})
    assert not Result.objects.exists()
    results.save_draft_scores(cls, {(e1.pk, a1.pk): "7.5"})
    draft = Result.objects.get(enrollment=e1)
    assert draft.submitted_at is None and draft.scores.get().value == Decimal("7.5")
    results.save_draft_scores(cls, {(e1.pk, a1.pk): None})
    assert not draft.scores.exists()


@pytest.mark.django_db
def test_submit_completes_fails_opens_the_issuing_decision_and_notifies(setup):
    cls, sessions, (a1, a2), (e1, e2), user1 = setup
    _mark_all(cls, sessions, e1)
    _mark_all(cls, sessions, e2, overrides={2: A})
    results.save_draft_scores(cls, {(e.pk, a.pk): 9 for e in (e1, e2) for a in (a1, a2)})
    manager = make_user("mgr", "PROVINCE")
    results.submit(cls, manager)

    cls.refresh_from_db()
    assert cls.results_locked and cls.results_submitted_by == manager
    e1.refresh_from_db(), e2.refresh_from_db()
    assert e1.state == State.COMPLETED and e1.completed_on == cls.ends_on
    assert e2.state == State.FAILED and e2.completed_on is None
    r1 = Result.objects.get(enrollment=e1)
    assert r1.is_current and r1.submitted_at and r1.completed and r1.grade == Result.Grade.EXCELLENT
    assert r1.final_score == Decimal("9.00") and r1.scores.count() == 2
    r2 = Result.objects.get(enrollment=e2)
    assert not r2.completed and r2.grade == Result.Grade.FAIL and r2.attendance_pct == Decimal("80.00")

    # No certificate yet: a draft issuing decision lists the completed learner (docs/domain.md §11.2).
    assert not Certificate.objects.exists() and not Qualification.objects.filter(source=Source.CLASS).exists()
    draft = IssuingDecision.objects.get(training_class=cls)
    assert draft.status == IssuingDecision.Status.DRAFT and draft.created_by == manager
    assert list(certificates.pending_enrollments(cls)) == [e1]
    notice = Notice.objects.get(user=user1, kind=Notice.Kind.RESULTS)
    assert "hoàn thành" in notice.body and "theo quyết định" in notice.body and notice.url == "/dao-tao/hoc-vien/"
    assert LogEntry.objects.get_for_model(Result).exists()

    # Confirming the decision issues the certificate dated on it, with the decision and its signer.
    day = timezone.localdate()
    issued = certificates.confirm_decision(draft, "12", day, "Phạm Văn Ký", "Hiệu trưởng", user=manager)
    cert = Certificate.objects.get(enrollment=e1)
    assert issued == [cert] and cert.issued_on == day and cert.decision == draft and cert.revoked_at is None
    qual = Qualification.objects.get(person=e1.person, source=Source.CLASS)
    assert cert.qualification == qual and qual.hours == 20 and qual.issued_on == day
    assert not Certificate.objects.filter(enrollment=e2).exists()
    draft.refresh_from_db()
    assert draft.status == IssuingDecision.Status.CONFIRMED and draft.number == "12" and draft.confirmed_by == manager
    assert Notice.objects.filter(user=user1, kind=Notice.Kind.RESULTS, title__startswith="Đã cấp chứng chỉ").exists()
    assert LogEntry.objects.get_for_model(IssuingDecision).filter(object_pk=str(draft.pk)).exists()
    with pytest.raises(ValidationError, match="đã được ban hành"):
        certificates.confirm_decision(draft, "13", day, "Phạm Văn Ký", "Hiệu trưởng", user=manager)


@pytest.mark.django_db
def test_an_issuing_decision_needs_its_number_date_and_signer(setup):
    cls, sessions, (a1, a2), (e1, _e2), _ = setup
    _mark_all(cls, sessions, e1)
    results.save_draft_scores(cls, {(e1.pk, a.pk): 9 for a in (a1, a2)})
    results.submit(cls)
    draft = IssuingDecision.objects.get(training_class=cls)
    with pytest.raises(ValidationError) as refused:
        certificates.confirm_decision(draft, " ", None, "", "")
    assert set(refused.value.message_dict) == {"number", "decided_on", "signer_name", "signer_position"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="không được sau hôm nay"):
        certificates.confirm_decision(draft, "1", tomorrow, "A", "B")
    before = cls.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="không được trước ngày khai giảng"):
        certificates.confirm_decision(draft, "1", before, "A", "B")
    # the start day itself is allowed
    assert len(certificates.confirm_decision(draft, "1", cls.starts_on, "A", "B")) == 1
    assert not Certificate.objects.filter(decision__isnull=True).exists()





@pytest.mark.django_db
def test_submit_creates_results_without_drafts_and_completed_on_is_today_when_class_ends_later(setup):
    cls, sessions, _assessments, (e1, _e2), _ = setup
    cls.ends_on = timezone.localdate() + datetime.timedelta(days=3)
    cls.save(update_fields=["ends_on"])
    Assessment.objects.filter(training_class=cls).delete()
    _mark_all(cls, sessions, e1)
    results.submit(cls)
    e1.refresh_from_db()
    assert e1.state == State.COMPLETED and e1.completed_on == timezone.localdate()
    assert Result.objects.filter(is_current=True).count() == 2


@pytest.mark.django_db
def test_submit_refusals(setup, tree):
    cls, _sessions, _assessments, _enrolments, _ = setup
    cls.status = TrainingClass.Status.OPEN
    cls.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="đang học hoặc đã kết thúc"):
        results.submit(cls)
    empty = make_class("KQ02", status=TrainingClass.Status.RUNNING)
    with pytest.raises(ValidationError, match="không có học viên"):
        results.submit(empty)
    cls.status = TrainingClass.Status.FINISHED
    cls.save(update_fields=["status"])
    results.submit(cls)
    with pytest.raises(ValidationError, match="đã được chốt"):
        results.submit(cls)


@pytest.mark.django_db
def test_lock_refuses_attendance_and_draft_edits(setup):
    cls, sessions, (a1, _a2), (e1, _e2), _ = setup
    results.submit(cls)
    with pytest.raises(ValidationError, match="đã chốt"):
        results.record_attendance(cls, {(sessions[0].pk, e1.pk): P})
    with pytest.raises(ValidationError, match="đã chốt"):
        results.save_draft_scores(cls, {(e1.pk, a1.pk): 8})
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_correction_creates_version_2_and_flips_failed_to_completed(setup):
    cls, sessions, (a1, a2), (e1, _e2), user1 = setup
    _mark_all(cls, sessions, e1)
    results.save_draft_scores(cls, {(e1.pk, a1.pk): 8, (e1.pk, a2.pk): "4,5"})
    results.submit(cls)
    e1.refresh_from_db()
    assert e1.state == State.FAILED and not Certificate.objects.filter(enrollment=e1).exists()

    with pytest.raises(ValidationError):
        results.correct(e1, {a1.pk: 8, a2.pk: 6}, None, "", None)  # reason required
    result = results.correct(e1, {a1.pk: 8, a2.pk: 6}, None, "Chấm phúc khảo bài thu hoạch", None)
    assert result.version == 2 and result.is_current and result.completed
    assert result.final_score == Decimal("7.00") and result.grade == Result.Grade.FAIR
    v1 = Result.objects.get(enrollment=e1, version=1)
    assert not v1.is_current and not v1.completed and v1.scores.get(assessment=a2).value == Decimal("4.5")
    e1.refresh_from_db()
    assert e1.state == State.COMPLETED
    # the learner joins the class's draft issuing decision; the certificate comes with its confirmation
    assert not Certificate.objects.filter(enrollment=e1).exists()
    draft = IssuingDecision.objects.get(training_class=cls, status=IssuingDecision.Status.DRAFT)
    assert list(certificates.pending_enrollments(cls)) == [e1]
    certificates.confirm_decision(draft, "7", timezone.localdate(), "Phạm Văn Ký", "Hiệu trưởng")
    cert = Certificate.objects.get(enrollment=e1, revoked_at__isnull=True)
    assert cert.qualification.source == Source.CLASS and cert.decision == draft
    assert Notice.objects.filter(user=user1, title__contains="điều chỉnh").exists()


@pytest.mark.django_db
def test_correction_flip_completed_to_failed_revokes(setup):
    cls, sessions, (a1, a2), (e1, _e2), _ = setup
    _mark_all(cls, sessions, e1)
    results.save_draft_scores(cls, {(e1.pk, a1.pk): 8, (e1.pk, a2.pk): 8})
    results.submit(cls)
    certificates.confirm_decision(IssuingDecision.objects.get(training_class=cls), "7", timezone.localdate(), "A", "B")
    cert = Certificate.objects.get(enrollment=e1)
    result = results.correct(e1, {a1.pk: 8, a2.pk: 8}, "60", "Phát hiện vắng 2 buổi không phép", None)
    assert not result.completed and result.attendance_pct == Decimal("60.00") and result.version == 2
    cert.refresh_from_db()
    assert cert.revoked_at and cert.revoked_reason == "Phát hiện vắng 2 buổi không phép" and cert.qualification is None
    assert not Qualification.objects.filter(person=e1.person, source=Source.CLASS).exists()
    e1.refresh_from_db()
    assert e1.state == State.FAILED
    # Version 3 keeps the corrected attendance when none is given; both older versions stay.
    result = results.correct(e1, {a1.pk: 9, a2.pk: 9}, None, "Sửa điểm", None)
    assert result.version == 3 and result.attendance_pct == Decimal("60.00") and not result.completed
    assert Result.objects.filter(enrollment=e1).count() == 3
    assert Result.objects.filter(enrollment=e1, is_current=True).get().version == 3


@pytest.mark.django_db
def test_correction_only_after_the_lock_and_checks_values(setup):
    cls, _sessions, (a1, _a2), (e1, _e2), _ = setup
    with pytest.raises(ValidationError, match="chưa chốt"):
        results.correct(e1, {a1.pk: 8}, None, "Lý do", None)
    results.submit(cls)
    e1.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        results.correct(e1, {a1.pk: 11}, "120", "Lý do", None)
    assert set(info.value.message_dict) == {f"score_{a1.pk}", "attendance_pct"}
    assert Result.objects.filter(enrollment=e1).count() == 1
