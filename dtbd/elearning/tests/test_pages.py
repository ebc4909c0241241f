"""The staff's pages: creating the course from the class page, editing content, the lesson form's checks."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dtbd.elearning.models import Course, Lesson, Module
from dtbd.elearning.testing import make_online_class
from dtbd.training.testing import make_class, school_provider

pytestmark = pytest.mark.django_db


def test_the_class_page_offers_the_course_to_its_staff_and_creates_it(client, tree, users):
    cls = make_online_class(tree, code="ONLP")
    client.force_login(users.institution)
    page = client.get(reverse("training:class_detail", args=[cls.pk])).content.decode()
    assert "Tạo khoá học trực tuyến" in page
    response = client.post(reverse("elearning:course_create", args=[cls.pk]))
    course = Course.objects.get(training_class=cls)
    assert response["Location"] == reverse("elearning:course_edit", args=[course.pk])
    client.post(reverse("elearning:course_edit", args=[course.pk]), {"module-title": "Mở đầu", "add_module": "1"})
    module = Module.objects.get(course=course)
    response = client.post(reverse("elearning:lesson_create", args=[module.pk]), {
        "title": "Giới thiệu", "kind": "TEXT", "order": 1, "duration_minutes": 5,
        "body": '<p onclick="x()">Xin chào <a href="javascript:alert(1)">đây</a></p>', "url": "",
    })
    lesson = Lesson.objects.get(module=module)
    assert response.status_code == 302
    assert "onclick" not in lesson.body and "javascript:" not in lesson.body and "Xin chào" in lesson.body
    response = client.post(reverse("elearning:lesson_create", args=[module.pk]), {
        "title": "Video", "kind": "VIDEO", "order": 2, "duration_minutes": 5,
        "file": SimpleUploadedFile("virus.exe", b"MZ"), "url": "",
    })
    assert response.status_code == 200 and "Video phải là tệp" in response.content.decode()
    client.force_login(users.learner)  # not enrolled: the panel offers nothing
    page = client.get(reverse("training:class_detail", args=[cls.pk])).content.decode()
    assert reverse("elearning:course", args=[course.pk]) not in page


def test_a_classroom_class_has_no_course(client, tree, users):
    cls = make_class("TT01", provider=school_provider(tree))
    client.force_login(users.institution)
    assert "Tạo khoá học trực tuyến" not in client.get(reverse("training:class_detail", args=[cls.pk])).content.decode()
    response = client.post(reverse("elearning:course_create", args=[cls.pk]), follow=True)
    assert "Chỉ lớp học trực tuyến hoặc kết hợp" in response.content.decode()
    assert not Course.objects.exists()
