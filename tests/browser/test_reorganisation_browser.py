"""Reorganisation acceptance (docs/domain.md §15): in Debian's Chromium, the province manager merges a district into
another from the unit page — previews the people moving, confirms —; the successor's page shows its predecessor,
and a report for the day before reads exactly as before."""
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.org.testing import make_unit
from dtbd.people.models import UnitAssignment
from dtbd.people.testing import make_person

pytestmark = [pytest.mark.browser]


@pytest.fixture
def world(transactional_db, tree):
    one = make_unit("H1", "UBND huyện Một", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN")
    two = make_unit("H2", "UBND huyện Hai", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN")
    make_person(one, code="H1-A", full_name="Nguyễn Văn Một", education="DH")
    make_person(two, code="H2-A", full_name="Trần Thị Hai", education="THS")
    make_person(two, code="H2-B", full_name="Lê Văn Ba", education="TC")
    make_user("tinh", Role.PROVINCE, password="demo12345")
    return SimpleNamespace(tree=tree, one=one, two=two)


def _report_table(page, root):
    page.goto(f"/bao-cao/qualification-structure/?unit={root.pk}&date=30/06/2025")
    table = page.locator("table.data").first
    expect(table).to_be_visible()
    return table.inner_text()


def test_a_merger_previewed_and_confirmed(browser_login, live_server, world, media_root):
    context, page = browser_login("tinh")
    before = _report_table(page, world.tree.root)
    assert "Cấp huyện" in before

    page.goto(f"/don-vi/{world.two.pk}/")
    page.get_by_role("link", name="Sắp xếp đơn vị").click()
    page.select_option("select[name=kind]", "MERGE")
    page.fill("input[name=on_date]", "2025-07-01")
    page.fill("input[name=successor]", "H1")
    page.fill("input[name=note]", "Nghị quyết sáp nhập")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("#count-people")).to_have_text("2")
    expect(page.locator("#preview")).to_contain_text("Trần Thị Hai")
    assert not UnitAssignment.objects.filter(valid_from="2025-07-01").exists()
    page.locator("#confirm").click()
    expect(page.locator("#operation-status")).to_have_text(re.compile("Đã thực hiện"))

    page.goto(f"/don-vi/{world.one.pk}/")
    lineage = page.locator("#lineage")
    expect(lineage).to_contain_text("UBND huyện Hai")
    expect(lineage).to_contain_text("Đơn vị trước")
    assert _report_table(page, world.tree.root) == before
    context.close()
