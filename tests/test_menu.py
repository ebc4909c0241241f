"""The menu and the buttons of every page follow the signed-in user's scope: officers' tools are not offered to
learners."""
import re

import pytest
from django.urls import reverse

from dtbd.elearning.testing import enrol_running, make_course, make_online_class
from dtbd.training.testing import make_class

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_learner_is_offered_neither_api_keys_nor_the_appointment_check(client, users):
    person = users.learner.person
    body = page(client, users.learner, reverse("people:person_detail", args=[person.pk]))
    assert reverse("api:tokens") not in body
    assert reverse("standards:gate_check", args=[person.pk]) not in body


def test_an_officer_is_offered_both(client, users):
    person = users.learner.person  # of the officer's department
    body = page(client, users.officer, reverse("people:person_detail", args=[person.pk]))
    assert reverse("api:tokens") in body
    assert reverse("standards:gate_check", args=[person.pk]) in body


def _sidebar(body):
    start = body.index('<aside class="sidebar" id="side-menu">')
    return body[start:body.index("</aside>", start)]


def _current_entries(body):
    """The labels of the side menu entries marked as the current page."""
    sidebar = re.sub(r"<span class=\"nav-icon\"[^>]*>.*?</span>", "", _sidebar(body))
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', sidebar, re.S)]


def test_every_page_highlights_exactly_one_menu_entry(client, users, tree):
    cls = make_class(code="LMENU")
    pages = {
        "home:home": [],
        "org:unit_list": [],
        "reorganisation:index": [],
        "people:person_list": [],
        "imports:index": [],
        "standards:review": [],
        "plans:plan_list": [],
        "training:class_list": [],
        "training:class_detail": [cls.pk],
        "training:class_enrolments": [cls.pk],
        "training:program_list": [],
        "training:provider_list": [],
        "training:enrolment_queue": [],
        "training:certificate_list": [],
        "dashboard:index": [],
        "reports:index": [],
        "notices:list": [],
        "jobs:list": [],
        "talent:policy_list": [],
        "sources:scheme_list": [],
        "training:lecturer_list": [],
        "evaluation:survey_list": [],
        "quality:effectiveness_list": [],
        "quality:coverage": [],
        "quality:publish": [],
    }
    expected = {
        "home:home": "Trang chủ", "org:unit_list": "Đơn vị", "reorganisation:index": "Đơn vị", "people:person_list": "Cán bộ",
        "imports:index": "Nhập dữ liệu", "standards:review": "Rà soát tiêu chuẩn", "plans:plan_list": "Kế hoạch ĐTBD",
        "training:class_list": "Lớp học", "training:class_detail": "Lớp học", "training:class_enrolments": "Lớp học",
        "training:program_list": "Chương trình, cơ sở ĐTBD", "training:provider_list": "Chương trình, cơ sở ĐTBD",
        "training:enrolment_queue": "Duyệt đăng ký học", "training:certificate_list": "Chứng chỉ",
        "dashboard:index": "Bảng số liệu", "reports:index": "Báo cáo", "notices:list": "Thông báo",
        "jobs:list": "Công việc của tôi",
        "talent:policy_list": "Thu hút nhân tài, tạo nguồn", "sources:scheme_list": "Thu hút nhân tài, tạo nguồn",
        "training:lecturer_list": "Chương trình, cơ sở ĐTBD", "evaluation:survey_list": "Chất lượng ĐTBD",
        "quality:effectiveness_list": "Hiệu quả sau đào tạo", "quality:coverage": "Hiệu quả sau đào tạo",
        "quality:publish": "Hiệu quả sau đào tạo",
    }
    for name, args in pages.items():
        current = _current_entries(page(client, users.province, reverse(name, args=args)))
        assert len(current) == 1, (name, current)
        if expected[name]:
            assert current[0].startswith(expected[name]), (name, current)


def test_a_learner_s_pages_highlight_exactly_one_menu_entry(client, users):
    cls = make_class(code="LMENU")
    person = users.learner.person
    for url, label in [
        (reverse("home:home"), "Trang chủ"),
        (reverse("people:person_detail", args=[person.pk]), "Hồ sơ của tôi"),
        (reverse("training:class_list"), "Lớp học"),
        (reverse("training:class_detail", args=[cls.pk]), "Lớp học"),
        (reverse("training:portal"), "Học tập của tôi"),
        (reverse("notices:list"), "Thông báo"),
    ]:
        current = _current_entries(page(client, users.learner, url))
        assert current and len(current) == 1 and current[0].startswith(label), (url, current)


def test_online_course_pages_highlight_the_portal_for_a_learner_and_the_classes_for_staff(client, tree, users,
                                                                                         settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cls = make_online_class(tree, code="LMENU_ONL")
    course = make_course(cls)
    enrol_running(cls, users.learner.person)
    url = reverse("elearning:course", args=[course.pk])
    assert _current_entries(page(client, users.learner, url))[0].startswith("Học tập của tôi")
    assert _current_entries(page(client, users.institution, url))[0].startswith("Lớp học")
    edit = reverse("elearning:course_edit", args=[course.pk])
    assert _current_entries(page(client, users.province, edit))[0].startswith("Lớp học")


def test_the_jobs_entry_has_an_icon_the_menu_font_draws(client, users):
    """Every icon of the side menu is a character of the same fonts as the others, or an inline SVG."""
    sidebar = _sidebar(page(client, users.officer, reverse("jobs:list")))
    icons = dict(
        (re.sub(r"<[^>]+>", "", label).strip(), icon)
        for icon, label in re.findall(r'<span class="nav-icon"[^>]*>(.*?)</span>(.*?)</a>', sidebar, re.S)
    )
    jobs = icons.pop("Công việc của tôi")
    others = {icon for icon in icons.values() if "<svg" not in icon}
    assert {"⌂", "▦", "☰", "▣", "▤"} <= others  # the characters of the menu's fonts
    assert jobs in others or jobs.strip().startswith("<svg"), jobs
