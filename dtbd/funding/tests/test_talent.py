"""Talent attraction (docs/domain.md §14.4): figures per policy and field against a hand count, shortfalls, scope,
audit, fixed queries."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dtbd.funding import talent
from dtbd.funding.models import Attraction, Policy
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 3, 1)


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def attract(policy, person, unit, field, user, payments=(), level="THS", **extra):
    a = talent.save_attraction(Attraction(policy=policy, person=person, unit=unit, field=field, level=level,
                                          decision_no=f"QĐ-{person.code}", decision_date=D, **extra), user)
    for year, amount in payments:
        talent.add_payment(a, user, year, "Hỗ trợ một lần", amount)
    return a


@pytest.fixture
def policy(users):
    return talent.save_policy(Policy(name="Thu hút nhân tài 2021–2025", legal_basis="Nghị quyết 10/2021/NQ-HĐND",
                                     valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2025, 12, 31),
                                     budget=120_000_000_000,
                                     target_fields="Y tế\nCông nghệ thông tin\nQuản lý đô thị\nTài chính\n y tế "),
                              users.province)


@pytest.fixture
def attracted(tree, users, policy):
    """so_a: two in Tài chính (paid 300 + 200 and 150 million), one in Giáo dục (paid nothing);
    so_b: one in Y tế (paid 500 million). By hand: 4 people, 1.150 million; per field Tài chính 2 / 650 million,
    Y tế 1 / 500 million, Giáo dục 1 / 0; shortfalls Công nghệ thông tin, Quản lý đô thị."""
    p = users.province
    a1 = make_person(tree.phong_a, code="TH1", full_name="Người Thu Một")
    a2 = make_person(tree.phong_a, code="TH2", full_name="Người Thu Hai")
    a3 = make_person(tree.so_a, code="TH3", full_name="Người Thu Ba")
    b1 = make_person(tree.phong_b, code="TH4", full_name="Người Thu Bốn")
    return {
        "a1": attract(policy, a1, tree.phong_a, "Tài chính", p, [(2024, 300_000_000), (2025, 200_000_000)],
                      commitment_months=60),
        "a2": attract(policy, a2, tree.phong_a, "tai chinh", p, [(2024, 150_000_000)]),
        "a3": attract(policy, a3, tree.so_a, "Giáo dục", p, level="TS"),
        "b1": attract(policy, b1, tree.phong_b, "Y tế", p, [(2024, 500_000_000)], level="CK2"),
    }


def test_figures_per_policy_and_field_match_a_hand_count(users, policy, attracted):
    figures = talent.figures(policy, users.province)
    assert (figures.people, figures.paid) == (4, 1_150_000_000)
    by_field = {f.field: (f.people, f.paid) for f in figures.fields}
    assert by_field == {"Tài chính": (2, 650_000_000), "Y tế": (1, 500_000_000), "Giáo dục": (1, 0),
                        "Công nghệ thông tin": (0, 0), "Quản lý đô thị": (0, 0)}
    assert figures.shortfalls == ["Công nghệ thông tin", "Quản lý đô thị"]
    row = talent.policies_with_figures(users.province).get(pk=policy.pk)
    assert (row.people, row.paid) == (4, 1_150_000_000)
    assert talent.totals(users.province) == {"people": 4, "paid": 1_150_000_000}


def test_figures_count_only_the_callers_scope(users, policy, attracted):
    figures = talent.figures(policy, users.officer)
    assert (figures.people, figures.paid) == (3, 650_000_000)
    assert "Y tế" in figures.shortfalls  # so_b's doctor is not theirs
    row = talent.policies_with_figures(users.officer).get(pk=policy.pk)
    assert (row.people, row.paid) == (3, 650_000_000)


def test_commitment_end_counted_from_the_decision(attracted):
    assert attracted["a1"].commitment_ends_on == datetime.date(2029, 3, 1)


def test_attraction_rules(tree, users, policy, attracted):
    person = make_person(tree.phong_a, code="TH9")
    with pytest.raises(ValidationError, match="thời gian áp dụng"):
        talent.save_attraction(Attraction(policy=policy, person=person, unit=tree.phong_a, field="Y tế", level="THS",
                                          decision_no="X", decision_date=datetime.date(2026, 1, 5)), users.province)
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        attract(policy, attracted["a1"].person, tree.phong_a, "Y tế", users.province)
    # A unit officer: neither someone of another unit nor a placement there.
    with pytest.raises(ValidationError, match="phạm vi"):
        attract(policy, make_person(tree.phong_b, code="TH8"), tree.phong_a, "Y tế", users.officer)
    with pytest.raises(ValidationError, match="phạm vi"):
        attract(policy, person, tree.phong_b, "Y tế", users.officer)
    with pytest.raises(PermissionDenied):
        talent.add_payment(attracted["b1"], users.officer, 2024, "Hỗ trợ", 1)
    with pytest.raises(PermissionDenied):
        talent.save_policy(Policy(name="x", legal_basis="y", valid_from=D), users.officer)


def test_audit_entries(users, policy, attracted):
    assert LogEntry.objects.get_for_object(policy).exists()
    assert LogEntry.objects.get_for_object(attracted["a1"]).exists()
    assert LogEntry.objects.get_for_object(attracted["a1"].payments.first()).exists()


def test_pages_show_the_summary_and_shortfalls(users, policy, attracted):
    c = client(users.province)
    page = c.get(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/").content.decode()
    assert "Đã thu hút 4 người, tổng kinh phí hỗ trợ đã chi 1.150.000.000 đồng." in page
    assert "Công nghệ thông tin, Quản lý đô thị" in page
    listing = c.get("/thu-hut-nhan-tai/").content.decode()
    assert "1.150.000.000" in listing


def test_scope_of_the_pages(users, policy, attracted):
    officer, leader = client(users.officer), client(users.leader)
    page = officer.get("/thu-hut-nhan-tai/nguoi/").content.decode()
    assert "Người Thu Một" in page and "Người Thu Bốn" not in page
    assert officer.get(f"/thu-hut-nhan-tai/nguoi/{attracted['b1'].pk}/").status_code == 404
    assert officer.post(f"/thu-hut-nhan-tai/nguoi/{attracted['b1'].pk}/chi-tra/", {}).status_code == 404
    detail = officer.get(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/").content.decode()
    assert "Người Thu Bốn" not in detail and "Đã thu hút 3 người" in detail
    assert officer.get("/thu-hut-nhan-tai/chinh-sach/moi/").status_code == 403
    assert officer.post(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/che-do/", {"name": "x"}).status_code == 403
    assert leader.get(f"/thu-hut-nhan-tai/nguoi/{attracted['a1'].pk}/").status_code == 200
    assert leader.get(f"/thu-hut-nhan-tai/nguoi/{attracted['a1'].pk}/sua/").status_code == 403
    assert leader.post(f"/thu-hut-nhan-tai/nguoi/{attracted['a1'].pk}/chi-tra/", {}).status_code == 403
    assert leader.get("/thu-hut-nhan-tai/nguoi/moi/").status_code == 403
    for user in (users.institution, users.learner):
        assert client(user).get("/thu-hut-nhan-tai/").status_code == 403
        assert client(user).get(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/").status_code == 403


def test_officer_records_an_attraction_and_its_payment(tree, users, policy):
    person = make_person(tree.phong_a, code="TH20")
    c = client(users.officer)
    response = c.post("/thu-hut-nhan-tai/nguoi/moi/", {
        "person_code": "TH20", "policy": policy.pk, "field": "Công nghệ thông tin", "level": "THS",
        "unit": tree.phong_a.pk, "decision_no": "12/QĐ", "decision_date": "01/03/2024", "commitment_months": "60"})
    assert response.status_code == 302, response.content.decode()
    a = Attraction.objects.get(person=person)
    assert a.created_by == users.officer
    c.post(f"/thu-hut-nhan-tai/nguoi/{a.pk}/chi-tra/", {"year": "2024", "item": "Hỗ trợ một lần", "amount": "90000000"})
    assert talent.figures(policy, users.province).paid == 90_000_000
    bad = c.post("/thu-hut-nhan-tai/nguoi/moi/", {"person_code": "NGOAI", "policy": policy.pk, "field": "x",
                                                  "level": "THS", "unit": tree.phong_b.pk, "decision_no": "1",
                                                  "decision_date": "32/01/2024"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Không tìm thấy cán bộ có mã «NGOAI»" in text and "dd/mm/yyyy" in text


def test_manager_writes_a_policy_and_its_items(users):
    c = client(users.province)
    response = c.post("/thu-hut-nhan-tai/chinh-sach/moi/", {
        "name": "Chính sách 2026", "legal_basis": "Nghị quyết", "valid_from": "01/01/2026", "valid_to": "31/12/2025"})
    assert response.status_code == 400 and "Ngày kết thúc trước ngày bắt đầu áp dụng" in response.content.decode()
    c.post("/thu-hut-nhan-tai/chinh-sach/moi/", {"name": "Chính sách 2026", "legal_basis": "Nghị quyết",
                                                 "valid_from": "01/01/2026"})
    policy = Policy.objects.get(name="Chính sách 2026")
    c.post(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/che-do/", {"name": "Hỗ trợ một lần", "amount": "200000000"})
    c.post(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/che-do/", {"name": "Nhà ở công vụ", "description": "Bố trí nhà"})
    c.post(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/che-do/", {"name": "Trống"})
    assert list(policy.items.values_list("name", "amount")) == [("Hỗ trợ một lần", 200_000_000), ("Nhà ở công vụ", None)]


def test_lists_run_a_fixed_number_of_queries(tree, users, policy, attracted, django_assert_max_num_queries):
    for i in range(8):
        attract(policy, make_person(tree.phong_a, code=f"TQ{i}"), tree.phong_a, f"Ngành {i}", users.province,
                [(2024, 1_000_000)])
        talent.save_policy(Policy(name=f"Chính sách {i}", legal_basis="NQ", valid_from=D), users.province)
    c = client(users.province)
    for url in ("/thu-hut-nhan-tai/", "/thu-hut-nhan-tai/nguoi/", f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/"):
        with django_assert_max_num_queries(14):
            assert c.get(url).status_code == 200


def test_odd_input_answers_no_server_error(users, policy, attracted):
    c = client(users.province)
    huge = "9" * 30
    assert c.get(f"/thu-hut-nhan-tai/nguoi/?policy={huge}&q=%00").status_code == 200
    assert c.get(f"/thu-hut-nhan-tai/nguoi/moi/?policy={huge}").status_code == 200
    removed = c.post(f"/thu-hut-nhan-tai/chinh-sach/{policy.pk}/che-do/", {"remove": huge}, follow=True)
    assert "Không tìm thấy chế độ hỗ trợ này." in removed.content.decode()
    paid = c.post(f"/thu-hut-nhan-tai/nguoi/{attracted['a1'].pk}/chi-tra/", {"remove": "x"}, follow=True)
    assert "Không tìm thấy khoản chi này." in paid.content.decode()
    c.post(f"/thu-hut-nhan-tai/nguoi/{attracted['a1'].pk}/chi-tra/",
           {"remove": attracted["a1"].payments.first().pk})
    assert talent.figures(policy, users.province).paid == 850_000_000
