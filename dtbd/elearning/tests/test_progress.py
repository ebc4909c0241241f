"""The progress page: per learner and per unit, scoped, a fixed number of queries; reminders to those behind."""
import pytest
from django.urls import reverse

from dtbd.elearning.models import Lesson
from dtbd.elearning.services import progress
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment

pytestmark = pytest.mark.django_db


def enroll(cls, person):
    """An enrolment added to a running class (as the staff's roster upload would)."""
    return Enrollment.objects.create(training_class=cls, person=person, source="ASSIGNED", state="ENROLLED")


def test_staff_see_every_learner_with_a_fixed_number_of_queries(client, tree, users, online,
                                                                 django_assert_max_num_queries):
    course, enrolment = online
    url = reverse("elearning:progress", args=[course.pk])
    client.force_login(users.institution)
    client.get(url)
    for n in range(6):
        enroll(course.training_class, make_person(tree.phong_b, code=f"PB{n}", full_name=f"Học Viên {n}"))
    with django_assert_max_num_queries(14):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "Học Viên 5" in body and users.learner.person.full_name in body


def test_a_unit_officer_sees_only_their_subtree_and_an_outsider_is_refused(client, tree, users, online):
    course, _enrolment = online
    enroll(course.training_class, make_person(tree.phong_b, code="PBX", full_name="Ngoài Phạm Vi"))
    url = reverse("elearning:progress", args=[course.pk])
    client.force_login(users.officer)  # so_a: the learner's unit
    body = client.get(url).content.decode()
    assert users.learner.person.full_name in body and "Ngoài Phạm Vi" not in body
    client.force_login(users.learner)
    assert client.get(url).status_code == 404


def test_reminders_go_to_those_behind(client, users, online):
    course, enrolment = online
    client.force_login(users.institution)
    response = client.post(reverse("elearning:progress", args=[course.pk]), follow=True)
    assert "Đã gửi nhắc nhở tới 1 học viên" in response.content.decode()
    assert Notice.objects.filter(user=users.learner, title__startswith="Nhắc học trực tuyến").count() == 1
    for lesson in Lesson.objects.filter(module__course=course).exclude(kind="QUIZ"):
        progress.mark_seen(enrolment, lesson)
    client.force_login(users.learner)
    assert client.post(reverse("elearning:progress", args=[course.pk])).status_code == 404
