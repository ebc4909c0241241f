"""Quiz attempts: the server's clock, the attempts limit, answers saved one by one, resuming after a reload."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.elearning.models import Answer, Attempt, Choice, Lesson, Quiz
from dtbd.elearning.services import quizzes
from dtbd.elearning.testing import enrol_running, make_course, make_online_class
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def quiz_of(course):
    return Quiz.objects.get(lesson__module__course=course)


def start(client, quiz):
    response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson_id]))
    assert response.status_code == 302
    return Attempt.objects.filter(quiz=quiz).latest("number")


def answer(client, attempt, question_id, right=True):
    choice = Choice.objects.get(question_id=question_id, correct=right)
    return client.post(reverse("elearning:attempt_answer", args=[attempt.pk]),
                       {"question": question_id, "choice": choice.pk})


def test_an_attempt_resumes_after_a_reload_with_its_answers(client, users, online):
    course, _enrolment = online
    quiz = quiz_of(course)
    client.force_login(users.learner)
    attempt = start(client, quiz)
    first = attempt.questions[0]
    assert answer(client, attempt, first).status_code == 200
    # reload: the same attempt, the answer checked
    again = client.post(reverse("elearning:quiz_start", args=[quiz.lesson_id]))
    assert again["Location"] == reverse("elearning:attempt", args=[attempt.pk])
    page = client.get(reverse("elearning:attempt", args=[attempt.pk])).content.decode()
    chosen = Choice.objects.get(question_id=first, correct=True)
    assert f'value="{chosen.pk}" checked' in page
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    # changing one's mind overwrites the one row
    assert answer(client, attempt, first, right=False).status_code == 200
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_saving_an_answer_costs_two_queries(client, users, online, django_assert_max_num_queries):
    course, _enrolment = online
    client.force_login(users.learner)
    attempt = start(client, quiz_of(course))
    choice = Choice.objects.get(question_id=attempt.questions[0], correct=True)
    url = reverse("elearning:attempt_answer", args=[attempt.pk])
    with django_assert_max_num_queries(4):  # the session, the user, the attempt, the upsert
        response = client.post(url, {"question": attempt.questions[0], "choice": choice.pk})
    assert response.status_code == 200


def test_the_time_limit_is_enforced_by_the_server(client, tree, users):
    cls = make_online_class(tree, code="ONLT")
    course = make_course(cls, time_limit=10)
    enrolment = enrol_running(cls, users.learner.person)
    client.force_login(users.learner)
    quiz = quiz_of(course)
    attempt = start(client, quiz)
    for question_id in attempt.questions[:2]:
        assert answer(client, attempt, question_id).status_code == 200
    # the deadline passes (the learner's browser could lie about its clock; the server's counts)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    late = answer(client, attempt, attempt.questions[2])
    assert late.status_code == 409
    assert not Answer.objects.filter(attempt=attempt, question_id=attempt.questions[2]).exists()
    response = client.post(reverse("elearning:attempt_submit", args=[attempt.pk]), follow=True)
    assert "nộp muộn không được nhận" in response.content.decode()
    attempt.refresh_from_db()
    # closed at its deadline, graded on the two answers saved in time: 2 of 4 right
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 5
    assert enrolment.quiz_attempts.count() == 1


def test_a_late_submission_is_refused_in_the_service(users, online):
    course, enrolment = online
    quiz = quiz_of(course)
    quiz.time_limit_minutes = 1
    quiz.save()
    now = timezone.now()
    attempt = quizzes.start(quiz, enrolment, now=now)
    with pytest.raises(quizzes.TooLate):
        quizzes.save_answer(attempt.pk, enrolment.person_id, attempt.questions[0], choices=["1"],
                            now=now + datetime.timedelta(minutes=2))
    with pytest.raises(quizzes.TooLate):
        quizzes.submit(attempt, now=now + datetime.timedelta(minutes=1, seconds=30))
    # within the limit (and the grace seconds) it is taken
    second = quizzes.start(quiz, enrolment, now=now + datetime.timedelta(minutes=3))
    assert quizzes.submit(second, now=now + datetime.timedelta(minutes=3, seconds=50)).submitted_at is not None


def test_the_attempts_limit(client, tree, users):
    cls = make_online_class(tree, code="ONLA")
    course = make_course(cls, max_attempts=2)
    enrol_running(cls, users.learner.person)
    client.force_login(users.learner)
    quiz = quiz_of(course)
    for _n in range(2):
        attempt = start(client, quiz)
        client.post(reverse("elearning:attempt_submit", args=[attempt.pk]))
    response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson_id]), follow=True)
    assert "hết 2 lượt" in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_random_draw_and_review(client, tree, users):
    cls = make_online_class(tree, code="ONLD")
    course = make_course(cls, quiz_questions=10, draw=3)
    enrol_running(cls, users.learner.person)
    client.force_login(users.learner)
    quiz = quiz_of(course)
    attempt = start(client, quiz)
    assert len(attempt.questions) == 3 and len(set(attempt.questions)) == 3
    for question_id in attempt.questions:
        answer(client, attempt, question_id)
    client.post(reverse("elearning:attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.score == 10 and attempt.passed
    page = client.get(reverse("elearning:attempt", args=[attempt.pk])).content.decode()
    assert "el-correct" in page  # review shows the right answers
    quiz.review_allowed = False
    quiz.save()
    page = client.get(reverse("elearning:attempt", args=[attempt.pk])).content.decode()
    assert "el-correct" not in page and "không cho xem lại" in page


def test_another_learners_attempt_is_not_reachable(client, tree, users, online):
    course, _enrolment = online
    client.force_login(users.learner)
    attempt = start(client, quiz_of(course))
    other = make_user("khac", Role.LEARNER, person=make_person(tree.phong_a, code="KH01", full_name="Người Khác"))
    client.force_login(other)
    assert client.get(reverse("elearning:attempt", args=[attempt.pk])).status_code == 404
    assert answer(client, attempt, attempt.questions[0]).status_code == 403
    assert client.post(reverse("elearning:attempt_submit", args=[attempt.pk])).status_code == 404


def test_short_and_multiple_answers_are_graded(online):
    course, enrolment = online
    quiz = quiz_of(course)
    quiz.questions.all().delete()
    short = quiz.questions.create(kind="SHORT", text="Thủ đô?", accepted="Hà Nội|Ha Noi", order=1)
    multi = quiz.questions.create(kind="MULTIPLE", text="Chọn hai", order=2)
    a = Choice.objects.create(question=multi, text="A", correct=True)
    b = Choice.objects.create(question=multi, text="B", correct=True)
    Choice.objects.create(question=multi, text="C", correct=False)
    attempt = quizzes.start(quiz, enrolment)
    quizzes.save_answer(attempt.pk, enrolment.person_id, short.pk, text="  hà   nội ")
    quizzes.save_answer(attempt.pk, enrolment.person_id, multi.pk, choices=[str(a.pk), str(b.pk)])
    assert quizzes.submit(attempt).score == 10
    lesson = Lesson.objects.get(pk=quiz.lesson_id)
    assert lesson.kind == "QUIZ"
