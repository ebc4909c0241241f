"""Enrolment acceptance in a real browser (Debian's Chromium through Playwright): a learner registers for an open class;
the unit officer approves; the institution starts the class, records attendance and results; the learner downloads
the certificate; the public verification page confirms it to an anonymous visitor."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.training.models import Assessment, Certificate, Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program, school_provider


@pytest.mark.browser
def test_register_approve_attend_certify_verify(browser_login, browser, live_server, users, tree):
    provider = school_provider(tree)
    cls = make_class(  # started yesterday: its issuing decision is dated today (not before the class started)
        "E2E01", capacity=5, status=TrainingClass.Status.OPEN, provider=provider, program=make_program(), sessions=2,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    Assessment.objects.create(training_class=cls, name="Bài thu hoạch", kind=Assessment.Kind.ESSAY)
    detail = reverse("training:class_detail", args=[cls.pk])

    # 1. The learner registers for the open class.
    context, page = browser_login("hocvien")
    page.goto(detail)
    page.get_by_role("button", name="Đăng ký học lớp này").click()
    page.wait_for_load_state()
    enrolment = Enrollment.objects.get(training_class=cls, person=users.learner.person)
    assert enrolment.state == Enrollment.State.REQUESTED and enrolment.source == Enrollment.Source.SELF
    context.close()

    # 2. The unit officer of the learner's department approves it from the approval queue (htmx swaps the row).
    context, page = browser_login("donvi")
    page.goto(reverse("training:enrolment_queue"))
    row = page.locator(f"#enr-{enrolment.pk}")
    row.get_by_role("button", name="Duyệt").click()
    page.locator(f"#enr-{enrolment.pk} .badge", has_text="Đã xếp lớp").wait_for()
    context.close()

    # 3. The institution running the class starts it, records attendance and the essay score, and submits.
    context, page = browser_login("truong")
    page.goto(detail)
    page.get_by_role("button", name="Khai giảng").click()
    page.wait_for_load_state()
    cls.refresh_from_db()
    assert cls.status == TrainingClass.Status.RUNNING
    page.goto(reverse("training:attendance", args=[cls.pk]))
    for button in page.locator("[data-all-present]").all():
        button.click()
    page.get_by_role("button", name="Lưu điểm danh").click()
    page.wait_for_load_state()
    page.goto(reverse("training:results", args=[cls.pk]))
    page.locator("table.grid-table input").first.fill("8,5")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Chốt kết quả…").click()
    page.get_by_role("button", name="Xác nhận chốt kết quả").click()
    page.wait_for_load_state()
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.COMPLETED
    assert not Certificate.objects.filter(enrollment=enrolment).exists()
    # The institution confirms the draft issuing decision: number, date, signer; the certificate follows it.
    page.get_by_role("link", name="Quyết định cấp chứng chỉ").click()
    page.get_by_label("Số quyết định").fill("125")
    page.get_by_label("Chức vụ người ký").fill("Hiệu trưởng")
    page.get_by_label("Họ và tên người ký").fill("Phạm Văn Ký")
    page.get_by_role("button", name="Ban hành quyết định và cấp chứng chỉ").click()
    page.wait_for_load_state()
    certificate = Certificate.objects.get(enrollment=enrolment)
    assert certificate.decision.number == "125" and certificate.decision.signer_name == "Phạm Văn Ký"
    context.close()

    # 4. The learner downloads the certificate from their portal.
    context, page = browser_login("hocvien")
    page.goto(reverse("training:portal"))
    link = page.get_by_role("link", name="Tải PDF").first
    response = page.request.get(link.get_attribute("href"))  # with the learner's session cookie
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    assert certificate.number in response.headers["content-disposition"]
    context.close()

    # 5. Anyone, without logging in, can verify it — and sees nothing beyond name, programme, dates and issuer.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(reverse("public:verify", args=[certificate.code]))
    text = page.locator("main").inner_text()
    assert "Văn bản hợp lệ" in text
    assert users.learner.person.full_name in text and certificate.number in text and provider.name in text
    person = users.learner.person
    assert person.code not in text
    if person.birth_date:
        assert person.birth_date.strftime("%d/%m/%Y") not in text
    assert page.locator("text=Đăng xuất").count() == 0
    context.close()
