"""Completing an online course completes the enrolment through training's results service: result, certificate,
qualification with the class's tiết, notice — as for a classroom class."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dtbd.elearning.models import Choice, Course, Lesson, Quiz
from dtbd.elearning.services import progress, quizzes
from dtbd.notices.models import Notice
from dtbd.people.models import Qualification
from dtbd.training.models import Certificate, Enrollment, IssuingDecision, Result
from dtbd.training.services import certificates, results

pytestmark = pytest.mark.django_db


def see_all(enrolment, course):
    for lesson in Lesson.objects.filter(module__course=course).exclude(kind="QUIZ"):
        progress.mark_seen(enrolment, lesson)


def take(enrolment, quiz, right):
    attempt = quizzes.start(quiz, enrolment)
    for n, question_id in enumerate(attempt.questions):
        choice = Choice.objects.get(question_id=question_id, correct=n < right)
        quizzes.save_answer(attempt.pk, enrolment.person_id, question_id, choices=[choice.pk])
    return quizzes.submit(attempt)


def test_all_lessons_and_a_passed_quiz_complete_the_enrolment_with_certificate_and_tiet(online):
    course, enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    see_all(enrolment, course)
    assert take(enrolment, quiz, right=1).passed is False  # 2,5/10
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.ENROLLED
    assert take(enrolment, quiz, right=4).passed
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.COMPLETED and enrolment.completed_on
    result = Result.objects.get(enrollment=enrolment, is_current=True)
    assert result.completed and result.submitted_at and result.final_score == 10 and result.grade == "XS"
    # as for a classroom class: the learner waits on the class's draft issuing decision (docs/domain.md §11.2)
    assert not Certificate.objects.filter(enrollment=enrolment).exists()
    assert list(certificates.pending_enrollments(enrolment.training_class)) == [enrolment]
    draft = IssuingDecision.objects.get(training_class=enrolment.training_class, status=IssuingDecision.Status.DRAFT)
    certificates.confirm_decision(draft, "3", timezone.localdate(), "Phạm Văn Ký", "Hiệu trưởng")
    certificate = Certificate.objects.get(enrollment=enrolment)
    qualification = Qualification.objects.get(pk=certificate.qualification_id)
    assert qualification.hours == 8  # the class's two sessions of 4 tiết, as for a classroom class
    assert Notice.objects.filter(user__person=enrolment.person, kind=Notice.Kind.RESULTS).exists()


def test_lessons_not_seen_keep_the_enrolment_open(online):
    course, enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    take(enrolment, quiz, right=4)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.ENROLLED


def test_the_weighted_rule(online):
    course, enrolment = online
    course.completion_rule, course.pass_mark = Course.Rule.WEIGHTED, 5
    course.save()
    quiz = Quiz.objects.get(lesson__module__course=course)
    quiz.pass_mark = 9  # the quiz itself is not passed at 5, but the course's weighted mean is enough
    quiz.save()
    see_all(enrolment, course)
    take(enrolment, quiz, right=2)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.COMPLETED
    assert Result.objects.get(enrollment=enrolment, is_current=True).final_score == 5


def test_a_class_with_locked_results_is_left_to_its_staff(online):
    course, enrolment = online
    cls = course.training_class
    cls.results_submitted_at = timezone.now()
    cls.save()
    with pytest.raises(ValidationError):
        results.complete_learner(enrolment)
    see_all(enrolment, course)
    take(enrolment, Quiz.objects.get(lesson__module__course=course), right=4)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.ENROLLED


def test_the_portal_lists_the_course_with_progress_and_resumes(client, users, online):
    course, enrolment = online
    text, video = Lesson.objects.filter(module__course=course).order_by("order")[:2]
    progress.mark_seen(enrolment, text)
    client.force_login(users.learner)
    page = client.get(reverse("training:portal")).content.decode()
    assert "Khoá học trực tuyến của tôi" in page and reverse("elearning:course", args=[course.pk]) in page
    assert "1/4 bài (25%)" in page
    client.get(reverse("elearning:lesson", args=[video.pk]))
    client.post(reverse("elearning:lesson_heartbeat", args=[video.pk]), {"seconds": 30, "position": 12, "duration": 100})
    page = client.get(reverse("elearning:course", args=[course.pk])).content.decode()
    assert f'href="{reverse("elearning:lesson", args=[video.pk])}">Học tiếp' in page
    lesson_page = client.get(reverse("elearning:lesson", args=[video.pk])).content.decode()
    assert 'data-start="12"' in lesson_page
    # playing to the end marks the video seen
    client.post(reverse("elearning:lesson_heartbeat", args=[video.pk]), {"seconds": 30, "position": 100, "duration": 100})
    assert enrolment.lesson_progress.get(lesson=video).completed_at is not None
    assert enrolment.lesson_progress.get(lesson=video).seconds_spent == 60


def test_the_portal_works_on_a_phone_width_page(client, users, online):
    client.force_login(users.learner)
    page = client.get(reverse("training:portal")).content.decode()
    assert 'name="viewport" content="width=device-width' in page
