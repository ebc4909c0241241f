"""Quality evaluation end to end (docs/domain.md §16.3, §16.6), in Debian's Chromium: a learner answers the survey of
the class they completed on a phone-width screen (390 px), through the link of their learning page; the training
institution reads the class index; the province manager publishes the year; an anonymous visitor reads it at
/cong-khai/, also at phone width, without a personal name and without the smaller class."""
import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.evaluation import services as surveys
from dtbd.evaluation.models import ClassSurvey
from dtbd.people.testing import make_person
from dtbd.training import services as training
from dtbd.training.models import TrainingClass
from dtbd.training.testing import enroll, make_class, make_program, school_provider

pytestmark = [pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


def _finished_class(code, people, provider, start):
    """A class of `provider` that has just finished with `people` completing it (the move to FINISHED opens its
    survey)."""
    cls = make_class(code, capacity=len(people) + 1, provider=provider, program=make_program(), sessions=2,
                     starts_on=start, ends_on=start + datetime.timedelta(days=2))
    enrolments = [enroll(cls, person) for person in people]
    training.change_status(cls, TrainingClass.Status.RUNNING)
    for enrolment in enrolments:
        training.record_outcome(enrolment, True)
    training.change_status(cls, TrainingClass.Status.FINISHED)
    cls.refresh_from_db()
    return cls


@pytest.fixture
def world(transactional_db, tree):
    start = timezone.localdate() - datetime.timedelta(days=4)
    if start.year != timezone.localdate().year:  # the first days of January: keep the class in this year
        start = timezone.localdate()
    school = school_provider(tree)
    learner = make_person(tree.phong_a, code="KS_HV", full_name="Nguyễn Thị Khảosát")
    others = [make_person(tree.phong_a, code=f"KS_{i}", full_name=f"Trần Văn Học{i}") for i in range(5)]
    cls = _finished_class("KS_LOP", [learner, *others], school, start)
    small = _finished_class("KS_NHO", [make_person(tree.phong_b, code=f"KSN_{i}") for i in range(3)], school, start)
    survey = ClassSurvey.objects.get(training_class=cls)
    blocks = surveys.form_blocks(survey.template, cls)
    slots = surveys.scored_slots(blocks)
    for person in others[:4]:  # four colleagues answered already; with the learner's form: five valid forms
        surveys.submit(survey, person.pk, surveys.Filled(
            scores={(item.pk, lecturer.pk if lecturer else None): 8 for item, lecturer in slots}), blocks)
    make_user("hocvien", Role.LEARNER, person=learner)
    make_user("truong", Role.INSTITUTION, scope_unit=tree.so_b)
    make_user("tinh", Role.PROVINCE)
    return SimpleNamespace(cls=cls, small=small, learner=learner, others=others, year=cls.ends_on.year)


def _login(browser, live_server, username, viewport=None):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo12345")
    page.click(".login-card button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    return context, page


def test_survey_answered_on_a_phone_then_published_and_read_by_the_public(browser, live_server, world):
    cls, year = world.cls, world.year

    # ---- 1. The learner, on a phone-width screen, answers from their learning page.
    context, page = _login(browser, live_server, "hocvien", PHONE)
    page.goto(f"/danh-gia-chat-luong/lop/{cls.pk}/tra-loi/")
    expect(page.get_by_role("heading", name="Phiếu khảo sát chất lượng khoá học")).to_be_visible()
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, wide  # no sideways scrolling
    groups = page.locator(".survey-scale")
    for i in range(groups.count()):
        group = groups.nth(i)
        group.scroll_into_view_if_needed()
        group.locator("label", has_text=re.compile(r"^9$")).click()
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_text(f"Cảm ơn bạn đã trả lời phiếu khảo sát lớp {cls.code}.")).to_be_visible()
    # Answering twice is refused.
    page.goto(f"/danh-gia-chat-luong/lop/{cls.pk}/tra-loi/")
    expect(page.get_by_text("Bạn đã trả lời phiếu khảo sát của lớp này.")).to_be_visible()
    context.close()

    # ---- 2. The training institution reads the class index: four forms at 8 and one at 9.
    context, page = _login(browser, live_server, "truong")
    page.goto(f"/danh-gia-chat-luong/lop/{cls.pk}/")
    expect(page.locator("#class-index")).to_contain_text("8,20")
    expect(page.locator("#class-index")).to_contain_text("Tốt")
    context.close()

    # ---- 3. Nothing is public yet; the province manager publishes the year.
    anonymous = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN")
    public = anonymous.new_page()
    public.goto("/cong-khai/")
    expect(public.locator("#nothing-published")).to_be_visible()
    context, page = _login(browser, live_server, "tinh")
    page.goto("/danh-gia-chat-luong/cong-bo/")
    page.get_by_label("Năm", exact=True).select_option(str(year))
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text(f"Đã công khai kết quả năm {year} tại /cong-khai/.")).to_be_visible()
    expect(page.locator("#publications")).to_contain_text("Đang công khai")
    context.close()

    # ---- 4. An anonymous visitor on a phone reads the year: the class, its index and band; no person, no small class.
    public.goto("/cong-khai/")
    expect(public.get_by_role("heading", name=f"Năm {year}")).to_be_visible()
    row = public.locator("#by-class tr", has_text=cls.code)
    expect(row).to_contain_text("8,20")
    expect(row).to_contain_text("Tốt")
    body = public.content()
    assert world.small.code not in body
    for person in (world.learner, *world.others):
        assert person.full_name not in body
    assert public.evaluate("document.body.scrollWidth") <= PHONE["width"] + 1  # wide tables scroll inside their box
    public.emulate_media(media="print")
    expect(public.locator(".public-years")).to_be_hidden()
    anonymous.close()
