"""Standards review acceptance: in Debian's Chromium, a unit officer opens the review page, drills into the people
missing one requirement and exports that list to .xlsx."""
import datetime
import re

import pytest
from python_calamine import CalamineWorkbook

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person

pytestmark = [pytest.mark.browser]


@pytest.fixture
def staff(transactional_db, tree):
    from types import SimpleNamespace


    phong_a, so_a, so_b = tree.phong_a, tree.so_a, tree.so_b
    ok = make_person(phong_a, code="A001", full_name="Nguyễn Văn An", post_level="TP",
                     qualifications=[("LLCT", "TC", datetime.date(2019, 11, 20))])
    missing = make_person(phong_a, code="A002", full_name="Phạm Thị Thiếu", post_level="PTP")
    other = make_person(so_b, code="B001", full_name="Lê Văn Bình", post_level="TP")
    officer = make_user("donvi", Role.UNIT_OFFICER, scope_unit=so_a, password="demo12345")
    return SimpleNamespace(ok=ok, missing=missing, other=other, officer=officer)


def test_officer_reviews_drills_into_missing_and_exports(live_server, page, staff, tmp_path):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "donvi")
    page.fill("input[name=password]", "demo12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))

    page.get_by_role("link", name="Rà soát tiêu chuẩn").click()
    page.wait_for_url("**/tieu-chuan/ra-soat/**")
    row = page.locator("#review-counts tr[data-code=POST_LLCT]")
    assert "Trung cấp LLCT trở lên" in row.inner_text()
    missing_link = row.locator("a.missing-link")
    assert missing_link.inner_text().strip() == "1"

    missing_link.click()
    page.wait_for_url(re.compile(r".*/tieu-chuan/ra-soat/POST_LLCT/\?.*missing=1"))
    people = page.locator("#review-people tbody")
    assert "Phạm Thị Thiếu" in people.inner_text()
    assert "Nguyễn Văn An" not in people.inner_text()
    assert "Lê Văn Bình" not in page.content()

    with page.expect_download() as info:
        page.locator("#review-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    names = [r[2] for r in rows[3:] if r and r[0] != ""]
    assert names == ["Phạm Thị Thiếu"]
