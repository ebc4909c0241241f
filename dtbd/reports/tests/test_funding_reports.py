"""postgrad-study, commitments and talent-attraction (docs/domain.md §14.6): figures against a hand count on a small
province built with the funding services, the subtree scope, the CLI's CSV headers, .xlsx and PDF."""
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.funding import services, talent
from dtbd.funding.models import Attraction, Dispatch, DispatchCost, Policy, ReimbursementCase
from dtbd.funding.tests.conftest import rate
from dtbd.people import services as people_services
from dtbd.people.testing import make_person
from dtbd.reports import renderers
from dtbd.reports.registry import ALL, get_report

pytestmark = pytest.mark.django_db

D = datetime.date
DECIDED = D(2026, 3, 10)
M = 1_000_000


def report(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def person(unit, code, category="CC"):
    p = make_person(unit, code=code, full_name=f"Người {code}", birth_date=D(1986, 1, 1), recruited_on=D(2015, 1, 1),
                    category=category)
    rate(p, y2024="HTTNV", y2025="HTXSNV")
    return p


def dispatch(user, who, costs, level="THS", field="Quản lý công", abroad=False, starts_on=D(2026, 4, 1)):
    d = services.create_dispatch(Dispatch(
        person=who, level=level, field=field, institution="Học viện", abroad=abroad,
        country="Nhật Bản" if abroad else "Việt Nam", decision_no=f"QĐ-{who.code}", decision_date=DECIDED,
        starts_on=starts_on, planned_end=starts_on.replace(year=starts_on.year + 2), field_matches_position=True), user)
    for (item, source), amount in costs.items():
        DispatchCost.objects.create(dispatch=d, item=item, source=source, amount=amount)
    return d


STANDARD = {("TUITION", "NSTINH"): 60 * M, ("LIVING", "DON_VI"): 36 * M, ("TRAVEL", "CA_NHAN"): 4 * M}


@pytest.fixture
def studies(tree, users):
    """2026, by hand — root: THS home 2 (A1, B1) abroad 1 (A3), TS abroad 1 (A2);
    so_a's subtree: A1, A2, A3. B2 starts in 2027 (not counted in 2026)."""
    u = users.province
    dispatch(u, person(tree.phong_a, "A1"), STANDARD)
    dispatch(u, person(tree.phong_a, "A2"), {("TUITION", "NSTW"): 200 * M}, level="TS", field="Kinh tế", abroad=True)
    dispatch(u, person(tree.so_a, "A3"), {("TUITION", "TAI_TRO"): 50 * M}, abroad=True)
    dispatch(u, person(tree.phong_b, "B1"), {("TUITION", "NSTINH"): 80 * M}, field="Luật")
    dispatch(u, person(tree.phong_b, "B2"), {("TUITION", "NSTINH"): 99 * M}, starts_on=D(2027, 1, 5))


def test_postgrad_study_by_level_and_field(tree, studies):
    r = get_report("postgrad-study")
    sections = r.sections(tree.root, D(2026, 12, 31), 2026)
    keys = sections[0].keys
    assert keys == ["level", "home", "abroad", "people", "amount_NSTW", "amount_NSTINH", "amount_DON_VI",
                    "amount_CA_NHAN", "amount_TAI_TRO", "amount"]
    by_level = {row[0]: row[1:] for row in sections[0].rows}
    assert by_level == {
        "THS": (2, 1, 3, 0, 140 * M, 36 * M, 4 * M, 50 * M, 230 * M),
        "TS": (0, 1, 1, 200 * M, 0, 0, 0, 0, 200 * M),
        ALL: (2, 2, 4, 200 * M, 140 * M, 36 * M, 4 * M, 50 * M, 430 * M),
    }
    by_field = {row[0]: row[1:4] for row in sections[1].rows}
    assert by_field == {"Kinh tế": (0, 1, 1), "Luật": (1, 0, 1), "Quản lý công": (1, 1, 2), ALL: (2, 2, 4)}
    # A department counts its subtree only; 2027 adds B2 (began) and keeps the others (still studying).
    assert r.rows(tree.so_a, D(2026, 12, 31), 2026)[-1][:4] == (ALL, 1, 2, 3)
    assert r.rows(tree.so_b, D(2026, 12, 31), 2026)[-1][:4] == (ALL, 1, 0, 1)
    assert r.rows(tree.root, D(2027, 12, 31), 2027)[-1][3] == 5
    assert r.rows(tree.root, D(2025, 12, 31), 2025) == [(ALL, 0, 0, 0, 0, 0, 0, 0, 0, 0)]


def test_a_person_sent_twice_counts_once_in_the_total(tree, users, studies):
    a1 = Dispatch.objects.get(person__code="A1")
    dispatch(users.province, a1.person, {}, level="TS", field="Quản lý công", starts_on=D(2026, 9, 1))
    rows = {row[0]: row for row in get_report("postgrad-study").rows(tree.root, D(2026, 12, 31), 2026)}
    assert rows["TS"][3] == 2 and rows["THS"][3] == 3 and rows[ALL][3] == 4


@pytest.fixture
def commitments(tree, users):
    """On 01/12/2033, by hand — C1 (CC, returned 01/04/2028, 3×24 months → 01/04/2034): in progress, ending within 6
    months; C2 (VC, 2×24 → 01/04/2032): completed; C3 (CC) left on 01/01/2030: broken, 21 months served, case decided
    68 M (96 M / 72 × 51), 20 M paid; C4 (CC, so_b): in progress, ending; C5 dropped out: case open, 96 M owed."""
    u = users.province
    made = {}
    for code, unit, category in (("C1", tree.phong_a, "CC"), ("C2", tree.phong_a, "VC"), ("C3", tree.so_a, "CC"),
                                 ("C4", tree.phong_b, "CC"), ("C5", tree.phong_a, "CC")):
        made[code] = dispatch(u, person(unit, code, category), STANDARD)
    for code in ("C1", "C2", "C3", "C4"):
        services.record_graduation(made[code], D(2028, 4, 1))
    people_services.record_leave(made["C3"].person, D(2030, 1, 1), "Thôi việc")
    case = ReimbursementCase.objects.get(dispatch=made["C3"])
    services.decide_case(case, case="unfinished", decision_no="01/QĐ-HĐ", decision_date=D(2030, 3, 1))
    services.add_payment(case, D(2031, 1, 1), 20 * M)
    services.add_payment(case, D(2034, 1, 1), 5 * M)  # after the report's date
    services.record_end_without_diploma(made["C5"], Dispatch.Status.DROPPED_OUT, D(2027, 1, 1))
    return made


def test_commitments_and_reimbursement_cases(tree, commitments):
    r = get_report("commitments")
    on = D(2033, 12, 1)
    first, cases = r.sections(tree.root, on)
    assert first.rows == [("IN_PROGRESS", 2, 192 * M), ("ENDING_6M", 2, 192 * M), ("COMPLETED", 1, 96 * M),
                          ("BROKEN", 1, 96 * M)]
    assert cases.keys == ["status", "cases", "assessed", "decided", "paid", "balance"]
    assert cases.rows == [
        ("OPEN", 1, 96 * M, 0, 0, 96 * M),
        ("DECIDED", 1, 68 * M, 68 * M, 20 * M, 48 * M),
        ("PAID", 0, 0, 0, 0, 0),
        ("CLOSED", 0, 0, 0, 0, 0),
        (ALL, 2, 164 * M, 68 * M, 20 * M, 144 * M),
    ]
    # so_b's subtree: C4 only, no case; half a year earlier C1 and C4 are not yet ending within 6 months.
    assert r.rows(tree.so_b, on) == [("IN_PROGRESS", 1, 96 * M), ("ENDING_6M", 1, 96 * M), ("COMPLETED", 0, 0),
                                     ("BROKEN", 0, 0)]
    assert r.sections(tree.so_b, on)[1].rows[-1] == (ALL, 0, 0, 0, 0, 0)
    assert r.rows(tree.root, D(2033, 6, 1))[1] == ("ENDING_6M", 0, 0)


def attract(user, policy, who, unit, field, decided, payments=()):
    a = talent.save_attraction(Attraction(policy=policy, person=who, unit=unit, field=field, level="THS",
                                          decision_no=f"QĐ-{who.code}", decision_date=decided), user)
    for year, amount in payments:
        talent.add_payment(a, user, year, "Hỗ trợ một lần", amount)
    return a


@pytest.fixture
def attracted(tree, users):
    """2024, by hand — policy P (targets Y tế, Công nghệ thông tin, Tài chính): Tài chính T1 (2024, paid 300 M in 2024
    and 200 M in 2025), T2 (2024, "tai chinh", 150 M in 2024), T3 (2025, 100 M in 2025), Y tế T4 in so_b (2024, 500
    M). In 2024: 3 people, 950 M; to the end of 2024 the same; in 2025: 1 person, 300 M, to date 4 people, 1.250 M.
    Shortfall: Công nghệ thông tin."""
    u = users.province
    policy = talent.save_policy(Policy(name="Thu hút 2021–2025", legal_basis="NQ 10/2021/NQ-HĐND",
                                       valid_from=D(2021, 1, 1), valid_to=D(2025, 12, 31),
                                       target_fields="Y tế\nCông nghệ thông tin\nTài chính"), users.province)
    attract(u, policy, make_person(tree.phong_a, code="T1"), tree.phong_a, "Tài chính", D(2024, 3, 1),
            [(2024, 300 * M), (2025, 200 * M)])
    attract(u, policy, make_person(tree.phong_a, code="T2"), tree.phong_a, "tai chinh", D(2024, 5, 1), [(2024, 150 * M)])
    attract(u, policy, make_person(tree.so_a, code="T3"), tree.so_a, "Tài chính", D(2025, 2, 1), [(2025, 100 * M)])
    attract(u, policy, make_person(tree.phong_b, code="T4"), tree.phong_b, "Y tế", D(2024, 6, 1), [(2024, 500 * M)])
    return policy


def test_talent_attraction_per_policy_and_field(tree, attracted):
    r = get_report("talent-attraction")
    table, shortfalls = r.sections(tree.root, D(2024, 12, 31), 2024)
    assert table.keys == ["policy", "field", "people_year", "paid_year", "people", "paid"]
    assert table.rows == [("Thu hút 2021–2025", "Tài chính", 2, 450 * M, 2, 450 * M),
                          ("Thu hút 2021–2025", "Y tế", 1, 500 * M, 1, 500 * M),
                          (ALL, "", 3, 950 * M, 3, 950 * M)]
    assert shortfalls.rows == [("Thu hút 2021–2025", "Công nghệ thông tin")]
    assert r.rows(tree.root, D(2025, 12, 31), 2025)[-1] == (ALL, "", 1, 300 * M, 4, 1250 * M)
    # so_a's subtree: Tài chính only; Y tế is a shortfall there.
    table, shortfalls = r.sections(tree.so_a, D(2025, 12, 31), 2025)
    assert table.rows[-1] == (ALL, "", 1, 300 * M, 3, 750 * M)
    assert [f for _p, f in shortfalls.rows] == ["Y tế", "Công nghệ thông tin"]


@pytest.mark.parametrize("name, header", [
    ("postgrad-study", "level,home,abroad,people,amount_NSTW,amount_NSTINH,amount_DON_VI,amount_CA_NHAN,amount_TAI_TRO,"
                       "amount"),
    ("commitments", "state,commitments,cost"),
    ("talent-attraction", "policy,field,people_year,paid_year,people,paid"),
])
def test_cli_csv_headers_xlsx_and_pdf(tree, studies, attracted, name, header):
    out = report(name, "--unit", tree.root.code, "--date", "2026-12-31", "--year", "2024")
    assert out.splitlines()[0] == header
    result = renderers.run(get_report(name), tree.root, D(2026, 12, 31), 2024)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(renderers.to_xlsx(result))).get_sheet_by_index(0).to_python()
    values = [cell for row in sheet for cell in row if cell != ""]
    assert "Tổng cộng" in values or name == "commitments"
    assert renderers.render(result, "pdf").startswith(b"%PDF")


def test_the_csv_of_postgrad_study_has_both_tables(tree, studies):
    out = report("postgrad-study", "--unit", tree.root.code, "--year", "2026", "--date", "2026-12-31")
    assert "ALL,2,2,4,200000000,140000000,36000000,4000000,50000000,430000000" in out
    assert "\nfield,home,abroad,people," in out


def figure(response, name):
    match = re.search(rf'data-figure="{name}">(.*?)</td>', response.content.decode())
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def test_dashboard_block_shows_the_figures_of_the_subtree(client, tree, users, studies, commitments, attracted):
    """On 01/12/2033: A1–A3, B1, B2 still dispatched (5 people); C1, C4 ending within 6 months; C5 (96 M owed) and
    C3 (68 M decided, 20 M paid) open: 2 cases, 144 M. In 2024: T1, T2, T4 attracted (3)."""
    client.force_login(users.province)
    url = reverse("dashboard:index")
    response = client.get(url, {"unit": tree.root.pk, "date_from": "01/01/2033", "date_to": "31/12/2033", "as_of": "01/12/2033"})
    assert response.status_code == 200
    assert "Đào tạo sau đại học, thu hút nhân tài" in response.content.decode()
    f = response.context["funding"]
    assert (f.studying, f.ending, f.open_cases, f.balance, f.attracted) == (5, 2, 2, 144 * M, 0)
    assert figure(response, "funding-studying") == "5" and figure(response, "funding-ending") == "2"
    f = client.get(url, {"unit": tree.so_b.pk, "date_from": "01/01/2033", "date_to": "31/12/2033", "as_of": "01/12/2033"}).context["funding"]
    assert (f.studying, f.ending, f.open_cases, f.balance) == (2, 1, 0, 0)  # B1, B2; C4
    response = client.get(url, {"unit": tree.root.pk, "year": 2024, "as_of": "31/12/2024"})
    assert response.context["funding"].attracted == 3 and figure(response, "funding-attracted") == "3"
    assert client.get(url, {"unit": tree.so_a.pk, "year": 2024, "as_of": "31/12/2024"}).context["funding"].attracted == 2


def test_dashboard_block_is_not_shown_to_training_institutions(client, tree, users, studies):
    client.force_login(users.institution)
    response = client.get(reverse("dashboard:index"), {"unit": tree.so_b.pk, "year": 2026})
    assert response.status_code == 200
    assert response.context["funding"] is None and 'id="dash-funding"' not in response.content.decode()
    client.force_login(users.leader)  # a leader reads their subtree's figures; another subtree is not found
    assert client.get(reverse("dashboard:index"), {"unit": tree.so_a.pk, "year": 2026}).context["funding"].studying == 3
    assert client.get(reverse("dashboard:index"), {"unit": tree.so_b.pk, "year": 2026}).status_code == 404
