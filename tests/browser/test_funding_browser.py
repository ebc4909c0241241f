"""Postgraduate dispatch, service commitment and reimbursement (docs/domain.md §14.2–14.3): in Debian's Chromium, a
unit officer of Sở Nội vụ checks and dispatches an eligible công chức to a master's course and records what the
agency paid; is refused, with the reasons in Vietnamese, for a colleague who is too old and was once rated HTNV;
records the first one's return with a diploma, so the commitment starts and is listed; records them leaving a year
later through the staff register, which opens a reimbursement case with the formula's amount; then records the
council's decision and the payments until the case is paid."""
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.funding import queries, reimbursement
from dtbd.funding.models import Dispatch, ReimbursementCase
from dtbd.funding.services import add_months
from dtbd.people.models import AnnualAssessment
from dtbd.people.testing import make_person

pytestmark = [pytest.mark.browser]


def _d(date):
    return date.strftime("%d/%m/%Y")


def _money(amount):
    return f"{amount:,}".replace(",", ".")


@pytest.fixture
def world(transactional_db, tree):
    """Timeline (relative to today): the decision four years ago, two years of study, back at work two years ago,
    leaving one year ago. An eligible công chức on the decision date (36 then, recruited 15 years ago, rated HTTNV
    every year since two years before the decision), an ineligible one today (46 years old, HTNV two years ago), the
    officer of Sở Nội vụ."""
    today = timezone.localdate()
    decided = add_months(today, -48)
    eligible = make_person(tree.phong_a, code="SDH01", full_name="Phạm Minh Học",
                           birth_date=add_months(today, -40 * 12), recruited_on=add_months(today, -15 * 12),
                           category="CC")
    for year in range(decided.year - 2, today.year):
        AnnualAssessment.objects.create(person=eligible, year=year, rating="HTTNV")
    too_old = make_person(tree.phong_a, code="SDH02", full_name="Vũ Văn Quá",
                          birth_date=add_months(today, -(46 * 12 + 6)), recruited_on=add_months(today, -20 * 12),
                          category="CC")
    AnnualAssessment.objects.create(person=too_old, year=today.year - 2, rating="HTNV")
    AnnualAssessment.objects.create(person=too_old, year=today.year - 1, rating="HTTNV")
    make_user("donvi", Role.UNIT_OFFICER, scope_unit=tree.so_a, password="demo12345")
    return SimpleNamespace(today=today, decided=decided, eligible=eligible, too_old=too_old)


def _fill_dispatch(page, code, decided, starts, ends, decision_no):
    page.get_by_label("Mã cán bộ").fill(code)
    page.get_by_label("Trình độ đào tạo").select_option(label="Thạc sĩ")
    page.locator("#id_field").fill("Quản lý công")
    page.get_by_label("Cơ sở đào tạo").fill("Học viện Hành chính Quốc gia")
    page.get_by_label("Số quyết định cử đi").fill(decision_no)
    page.get_by_label("Ngày quyết định").fill(_d(decided))
    page.get_by_label("Người ký").fill("Giám đốc Sở Nội vụ")
    page.get_by_label("Ngày bắt đầu học").fill(_d(starts))
    page.get_by_label("Ngày kết thúc dự kiến").fill(_d(ends))
    page.get_by_label("Chuyên ngành phù hợp vị trí việc làm").check()


def test_dispatch_commitment_leave_and_reimbursement(browser_login, world):
    today, decided = world.today, world.decided
    starts, returned, left = decided, add_months(decided, 24), add_months(decided, 36)
    _, page = browser_login("donvi")
    page.set_default_timeout(10_000)

    # ---- 1. The eligible công chức: the check passes, the dispatch is saved, the costs are recorded.
    page.goto("/dao-tao-sau-dai-hoc/")
    page.get_by_role("link", name="Cử đi đào tạo").first.click()
    expect(page.get_by_role("heading", name="Cử đi đào tạo sau đại học")).to_be_visible()
    _fill_dispatch(page, "SDH01", decided, starts, returned, "125/QĐ-SNV")
    page.get_by_role("button", name="Kiểm tra điều kiện").click()
    rule = queries.rules_on(decided)["CC"]
    expect(page.get_by_role("status")).to_have_text(
        f"Đủ điều kiện cử đi đào tạo sau đại học ({rule.rule_set.code}).")
    page.get_by_role("button", name="Lưu quyết định cử đi").click()
    expect(page.get_by_text("Đã ghi nhận quyết định cử đi đào tạo.")).to_be_visible()
    expect(page.get_by_role("heading", name="Thạc sĩ · Quản lý công")).to_be_visible()
    expect(page.get_by_text(f"125/QĐ-SNV, {_d(decided)} · Giám đốc Sở Nội vụ")).to_be_visible()
    dispatch = Dispatch.objects.get(person=world.eligible)
    assert dispatch.status == Dispatch.Status.DISPATCHED and dispatch.field_matches_position

    def add_cost(item, source, amount):
        page.get_by_label("Khoản chi").select_option(label=item)
        page.get_by_label("Nguồn kinh phí").select_option(label=source)
        page.get_by_label("Số tiền (đồng)").fill(str(amount))
        page.get_by_role("button", name="Ghi kinh phí").click()
        expect(page.get_by_text("Đã cập nhật kinh phí.")).to_be_visible()

    add_cost("Học phí", "Ngân sách tỉnh", 100_000_000)
    add_cost("Sinh hoạt phí", "Cá nhân tự túc", 20_000_000)  # paid by the person: not reimbursed (§14.3)
    cost = 100_000_000
    costs = page.locator("table.data")
    expect(costs.locator("tbody tr")).to_have_count(2)
    expect(costs.locator("tfoot td")).to_have_text(_money(cost))

    # ---- 2. The one who is 46 and was rated HTNV: the check names both reasons, saving is refused, nothing saved.
    page.goto("/dao-tao-sau-dai-hoc/cu-di/")
    _fill_dispatch(page, "SDH02", today, today, add_months(today, 24), "130/QĐ-SNV")
    page.get_by_role("button", name="Kiểm tra điều kiện").click()
    check = page.get_by_role("status")
    expect(check).to_contain_text("Chưa đủ điều kiện")
    expect(check.locator("li")).to_have_text([
        "Quá 45 tuổi tại ngày cử đi (cử đi đào tạo sau đại học lần đầu).",
        "2 năm liền kề trước năm cử đi chưa cùng được xếp loại hoàn thành tốt nhiệm vụ trở lên.",
    ])
    page.get_by_role("button", name="Lưu quyết định cử đi").click()
    expect(page.locator(".errorlist.nonfield")).to_have_text(
        "Không đủ điều kiện cử đi đào tạo sau đại học: Quá 45 tuổi tại ngày cử đi (cử đi đào tạo sau đại học lần đầu). "
        "2 năm liền kề trước năm cử đi chưa cùng được xếp loại hoàn thành tốt nhiệm vụ trở lên.")
    assert not Dispatch.objects.filter(person=world.too_old).exists()

    # ---- 3. The return with the diploma, two years ago: the commitment starts and the commitments page lists it.
    page.goto(f"/dao-tao-sau-dai-hoc/{dispatch.pk}/")
    page.get_by_label("Kết quả").select_option(label="Tốt nghiệp, trở lại công tác")
    page.get_by_label("Ngày trở lại công tác / ngày kết thúc").fill(_d(returned))
    page.get_by_label("Số hiệu văn bằng").fill("ThS-2024-0125")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.get_by_text("Đã ghi nhận kết quả học tập.")).to_be_visible()
    commitment = rule.commitment_multiple * 24  # 24 study months (decided → returned), × the rule set's multiple
    ends = add_months(returned, commitment)
    expect(page.get_by_text(f"{commitment} tháng, {_d(returned)} – {_d(ends)}")).to_be_visible()
    expect(page.get_by_text("Đã tốt nghiệp", exact=True)).to_be_visible()

    page.goto("/dao-tao-sau-dai-hoc/cam-ket/?thang=120")
    row = page.locator("table.data tbody tr", has_text="Phạm Minh Học")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(
        ["Phạm Minh Học SDH01", "Thạc sĩ · Quản lý công", _d(returned), str(commitment), _d(ends)])

    # ---- 4. Leaving a year after the return, through the staff register: the hook opens the case.
    assert not ReimbursementCase.objects.exists()
    page.goto(f"/can-bo/{world.eligible.pk}/")
    page.get_by_role("link", name="Ghi nhận thôi công tác").click()
    page.get_by_label("Ngày thôi công tác").fill(_d(left))
    page.get_by_label("Lý do").select_option(label="Thôi việc")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.get_by_text("Đã ghi nhận Phạm Minh Học thôi công tác.")).to_be_visible()

    page.goto("/dao-tao-sau-dai-hoc/cam-ket/?thang=120")  # gone: no longer a commitment being served
    expect(page.get_by_text("Không có cam kết nào hết hạn trong khoảng này.")).to_be_visible()

    served = 12
    expected = reimbursement.amount(cost, commitment, served)
    # By hand: F / T1 × (T1 − T2) = 100.000.000 / T1 × (T1 − 12), rounded half up to the đồng.
    assert expected == (2 * cost * (commitment - served) + commitment) // (2 * commitment)
    page.goto("/dao-tao-sau-dai-hoc/den-bu/")
    page.get_by_role("link", name="Phạm Minh Học").click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Chưa phục vụ đủ thời gian cam kết")
    expect(facts).to_contain_text(f"{_money(cost)} đồng · {commitment} tháng · {served} tháng")
    expect(facts).to_contain_text(f"Số tiền theo công thức{_money(expected)} đồng")
    expect(facts).to_contain_text("Đang xử lý")
    expect(facts).to_contain_text(f"Ngày phát sinh{_d(left)}")

    # The council decides the formula's amount; a first payment, then the rest.
    page.get_by_label("Trường hợp").select_option(label="Chưa phục vụ đủ thời gian cam kết")
    page.get_by_label("Số quyết định của Hội đồng").fill("15/QĐ-HĐ")
    page.get_by_label("Ngày quyết định").fill(_d(add_months(left, 2)))
    page.get_by_label("Số tiền phải đền bù (đồng)").fill(str(expected))
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.get_by_text("Đã ghi nhận quyết định của Hội đồng.")).to_be_visible()
    expect(facts).to_contain_text(f"15/QĐ-HĐ, {_d(add_months(left, 2))} · {_money(expected)} đồng")
    expect(facts).to_contain_text(f"Đã nộp / còn phải nộp0 / {_money(expected)} đồng")
    expect(facts).to_contain_text("Đã có quyết định của Hội đồng")

    def pay(amount, on):
        page.get_by_label("Ngày nộp").fill(_d(on))
        page.get_by_label("Số tiền (đồng)").fill(str(amount))
        page.get_by_role("button", name="Ghi nhận", exact=True).click()
        expect(page.get_by_text("Đã ghi nhận khoản nộp.")).to_be_visible()

    pay(30_000_000, add_months(left, 3))
    expect(facts).to_contain_text(f"Đã nộp / còn phải nộp{_money(30_000_000)} / {_money(expected - 30_000_000)} đồng")
    expect(facts).to_contain_text("Đã có quyết định của Hội đồng")
    pay(expected - 30_000_000, add_months(left, 4))
    expect(facts).to_contain_text(f"Đã nộp / còn phải nộp{_money(expected)} / 0 đồng")
    expect(facts).to_contain_text("Đã nộp đủ")
    expect(page.get_by_role("button", name="Ghi nhận", exact=True)).to_have_count(0)  # nothing more to record

    case = ReimbursementCase.objects.get(dispatch=dispatch)
    assert (case.cost, case.commitment_months, case.served_months, case.amount) == (cost, commitment, served, expected)
    assert case.status == ReimbursementCase.Status.PAID
