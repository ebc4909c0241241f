"""Staff register acceptance: in Debian's Chromium, a unit officer searches a staff member by unaccented name, opens the
record, sees their qualifications, and is refused another department's staff member by URL."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person

pytestmark = [pytest.mark.browser]


@pytest.fixture
def staff(transactional_db, tree):
    from types import SimpleNamespace


    phong_a, so_a, so_b = tree.phong_a, tree.so_a, tree.so_b
    an = make_person(
        phong_a, code="A001", full_name="Nguyễn Văn An", rank="01.003",
        qualifications=[("QLNN", "CV", datetime.date(2021, 4, 2)), ("LLCT", "TC", datetime.date(2019, 11, 20))],
    )
    make_person(phong_a, code="A002", full_name="Nguyễn Thị Ánh", gender="NU")
    other = make_person(so_b, code="B001", full_name="Lê Văn Bình")
    officer = make_user("donvi", Role.UNIT_OFFICER, scope_unit=so_a, password="demo12345")
    return SimpleNamespace(an=an, other=other, officer=officer)


def test_officer_searches_opens_record_and_is_refused_other_department(live_server, page, staff):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "donvi")
    page.fill("input[name=password]", "demo12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))

    page.goto(live_server.url + "/can-bo/")
    results = page.locator("#person-results tbody")
    assert "Nguyễn Thị Ánh" in results.inner_text()
    page.fill("#person-q", "nguyen van an")  # typed without accents; htmx swaps the results after a short delay
    expect(page.locator("#person-results tbody tr")).to_have_count(1)  # no string eval: the CSP forbids it
    assert "Nguyễn Văn An" in results.inner_text()
    assert "Nguyễn Thị Ánh" not in results.inner_text()
    assert "q=nguyen" in page.url  # hx-push-url keeps the search in the address bar

    results.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(f"**/can-bo/{staff.an.pk}/")
    qualifications = page.locator("#van-bang")
    text = qualifications.inner_text()
    assert "Quản lý nhà nước" in text and "Chuyên viên" in text and "02/04/2021" in text
    assert "Lý luận chính trị" in text and "Trung cấp" in text and "20/11/2019" in text

    response = page.goto(live_server.url + f"/can-bo/{staff.other.pk}/")
    assert response.status == 404
    assert "Lê Văn Bình" not in page.content()
