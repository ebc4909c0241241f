"""The demo's online course (dtbd/demo/elearning.py) as the demo learner sees it."""
import pytest
from django.urls import reverse

from dtbd.accounts.models import User
from dtbd.demo import generate
from dtbd.demo.loader import load
from dtbd.elearning.models import Course

from .conftest import SMALL


@pytest.fixture
def loaded(db, media_root):
    return load(generate(3, SMALL))


def test_hocvien_has_an_online_course_in_progress(client, loaded):
    assert loaded.elearning == {"courses": 1, "lessons": 4, "questions": 6}
    course = Course.objects.get()
    client.force_login(User.objects.get(username="hocvien"))
    portal = client.get(reverse("training:portal")).content.decode()
    assert "Khoá học trực tuyến của tôi" in portal and "1/4 bài (25%)" in portal
    page = client.get(reverse("elearning:course", args=[course.pk])).content.decode()
    assert "Học tiếp" in page and "Cổng Dịch vụ công quốc gia" in page
    client.force_login(User.objects.get(username="truong"))
    assert client.get(reverse("elearning:progress", args=[course.pk])).status_code == 200
