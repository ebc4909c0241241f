"""Nobody opens a course, a lesson, its files or its video without being the class's learner or staff — not even by
typing the URL (403 or 404, never the file)."""
import pytest
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.elearning.models import Attachment, Lesson
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def urls(course):
    lessons = {lesson.kind: lesson for lesson in Lesson.objects.filter(module__course=course)}
    attachment = Attachment.objects.create(lesson=lessons["PDF"], name="Phụ lục", file=lessons["PDF"].file.name)
    return [
        reverse("elearning:course", args=[course.pk]),
        reverse("elearning:lesson", args=[lessons["TEXT"].pk]),
        reverse("elearning:lesson", args=[lessons["VIDEO"].pk]),
        reverse("elearning:lesson_file", args=[lessons["VIDEO"].pk]),
        reverse("elearning:lesson_file", args=[lessons["PDF"].pk]),
        reverse("elearning:attachment", args=[attachment.pk]),
        reverse("elearning:quiz", args=[lessons["QUIZ"].pk]),
    ]


def test_a_learner_not_enrolled_opens_nothing_of_the_course_by_url(client, tree, online):
    course, _enrolment = online
    stranger = make_user("nguoingoai", Role.LEARNER, person=make_person(tree.phong_a, code="NN01", full_name="Người Ngoài"))
    client.force_login(stranger)
    for url in urls(course):
        response = client.get(url, HTTP_RANGE="bytes=0-99")
        assert response.status_code in (403, 404), url
        assert b"Bai giang" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_a_unit_officer_does_not_open_the_content_either(client, users, online):
    course, _enrolment = online
    client.force_login(users.officer)
    for url in urls(course):
        assert client.get(url).status_code in (403, 404), url


def test_the_enrolled_learner_and_the_class_staff_open_everything(client, users, online):
    course, _enrolment = online
    for user in (users.learner, users.institution, users.province):
        client.force_login(user)
        for url in urls(course):
            assert client.get(url).status_code == 200, (user.username, url)


def test_a_withdrawn_learner_is_refused(client, users, online):
    course, enrolment = online
    enrolment.state = "WITHDRAWN"
    enrolment.save()
    client.force_login(users.learner)
    assert client.get(reverse("elearning:course", args=[course.pk])).status_code in (403, 404)


def test_the_video_seeks_with_range_requests(client, users, online):
    course, _enrolment = online
    video = Lesson.objects.get(module__course=course, kind="VIDEO")
    client.force_login(users.learner)
    url = reverse("elearning:lesson_file", args=[video.pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    size = int(whole["Content-Length"])
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{size}"
    body = b"".join(part.streaming_content)
    assert body == bytes(range(100, 200))
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and tail["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    for bad in ("bytes=99999999-", "bytes=5-2", "bytes=abc", "bytes=-0", "bytes=-", "bytes=1-2-3"):
        response = client.get(url, HTTP_RANGE=bad)
        assert response.status_code == 416, bad
        assert response["Content-Range"] == f"bytes */{size}"


def test_nginx_sends_the_file_when_the_setting_says_so(client, settings, users, online):
    course, _enrolment = online
    settings.DTBD_MEDIA_ACCEL_PREFIX = "/_protected/"
    video = Lesson.objects.get(module__course=course, kind="VIDEO")
    client.force_login(users.learner)
    response = client.get(reverse("elearning:lesson_file", args=[video.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/" + video.file.name
    assert response.content == b""


def test_lesson_text_is_sanitised(online):
    course, _enrolment = online
    text = Lesson.objects.get(module__course=course, kind="TEXT")
    assert "<script" not in text.body and "<b>chính</b>" in text.body
