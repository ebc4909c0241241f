"""Budget of the plan (docs/domain.md §13.3): norms, class costs, roll-ups checked against SQL sums, over-budget
warnings at the boundary, the class cost page's permissions."""
import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from dtbd.plans.models import ClassCost, CostItem, CostNorm, Plan, PlanLine
from dtbd.plans.services import budget
from dtbd.training.models import TrainingClass
from dtbd.training.testing import make_class, school_provider

from .builders import make_line, make_plan, open_class

pytestmark = pytest.mark.django_db

L, M, V = CostItem.LECTURERS, CostItem.MATERIALS, CostItem.VENUE
TINH, DV, TW = "NSTINH", "DON_VI", "NSTW"


# ------------------------------------------------------------------------------------------------ norms

def test_seeded_norms_are_dated_and_amended_in_2023():
    assert budget.norm_on("GV_UVTW", datetime.date(2020, 1, 1)).amount == 1_000_000
    assert budget.norm_on("GV_UVTW", datetime.date(2023, 3, 16)).amount == 1_000_000
    assert budget.norm_on("GV_UVTW", datetime.date(2023, 3, 17)).amount == 2_000_000
    assert budget.norm_on("GV_UVTW", datetime.date(2017, 12, 31)) is None
    assert "06/2023/TT-BTC" in budget.norm_on("GV_KHAC", datetime.date(2024, 1, 1)).legal_basis
    on = list(budget.norms_on(datetime.date(2024, 1, 1)))
    assert len(on) == len({n.code for n in on}) == CostNorm.objects.values("code").distinct().count()


def test_a_later_period_of_a_code_wins_when_periods_overlap():
    CostNorm.objects.create(item=L, code="GV_UVTW", name="x", per="buổi giảng", amount=2_500_000,
                            valid_from=datetime.date(2025, 1, 1))
    assert budget.norm_on("GV_UVTW", datetime.date(2025, 6, 1)).amount == 2_500_000
    assert budget.norm_on("GV_UVTW", datetime.date(2024, 6, 1)).amount == 2_000_000


def test_lecturer_pay_is_warned_above_the_top_norm_times_sessions():
    # 3 sessions in 2024: the top lecturer norm is 2.000.000 per session, so 6.000.000 at most.
    cls = make_class("GV1", sessions=3, starts_on=datetime.date(2024, 5, 6))
    ClassCost.objects.create(training_class=cls, item=L, source=TINH, estimated=6_000_000, actual=6_000_000)
    assert budget.class_budget(cls).warnings == []
    ClassCost.objects.filter(training_class=cls).delete()
    ClassCost.objects.create(training_class=cls, item=L, source=TINH, estimated=5_000_000, actual=1)
    ClassCost.objects.create(training_class=cls, item=L, source=DV, estimated=1_000_001, actual=None)
    warnings = budget.class_budget(cls).warnings
    assert len(warnings) == 1 and "dự toán" in warnings[0] and "6.000.000" in warnings[0]


def test_no_lecturer_check_without_sessions():
    cls = make_class("GV0", sessions=0, starts_on=datetime.date(2024, 5, 6))
    ClassCost.objects.create(training_class=cls, item=L, source=TINH, estimated=99_000_000)
    assert budget.class_budget(cls).warnings == []


# ------------------------------------------------------------------------------------------------ class costs

def test_a_class_without_detail_shows_its_old_figure():
    cls = make_class("CU1", cost_estimate=Decimal(12_000_000), funding_source=TINH)
    result = budget.class_budget(cls)
    assert not result.detailed
    assert result.total.estimated == 12_000_000 and result.by_source[TINH].estimated == 12_000_000


def test_saving_the_grid_writes_rows_removes_empty_cells_and_keeps_the_class_figure(users):
    cls = make_class("LUU", cost_estimate=Decimal(1), funding_source=TW)
    budget.save_class_costs(cls, {(L, TINH): (Decimal(3_000_000), None), (M, DV): (Decimal(500_000), Decimal(400_000))})
    result = budget.save_class_costs(cls, {(L, TINH): (Decimal(3_000_000), Decimal(2_900_000)), (M, DV): (None, None),
                                           (V, DV): (Decimal(0), None)})
    rows = {(c.item, c.source): (c.estimated, c.actual) for c in ClassCost.objects.filter(training_class=cls)}
    assert rows == {(L, TINH): (3_000_000, 2_900_000)}
    cls.refresh_from_db()
    assert (cls.cost_estimate, cls.funding_source) == (3_000_000, TINH)
    assert result.total.estimated == 3_000_000 and result.total.actual == 2_900_000
    assert LogEntry.objects.get_for_model(ClassCost).count() >= 4  # created ×2, changed, deleted: audited


# ------------------------------------------------------------------------------------------------ roll-ups = SQL

@pytest.fixture
def spread(tree):
    """Two plans of 2025 (so_a, so_b), three lines, four classes from lines, one class outside any plan, one
    cancelled class with an estimate and an actual."""
    plan_a = make_plan(tree.so_a, budget_cap=Decimal(50_000_000))
    plan_b = make_plan(tree.so_b)
    a1 = make_line(plan_a, quarter=1, costs={TINH: 20_000_000, DV: 5_000_000})
    a2 = make_line(plan_a, quarter=2, costs={TINH: 10_000_000})
    b1 = make_line(plan_b, quarter=3, costs={TW: 30_000_000})
    open_class(a1, "A1X", costs={(L, TINH): (8_000_000, 7_500_000), (M, TINH): (2_000_000, None),
                                 (V, DV): (3_000_000, 3_100_000)})
    open_class(a1, "A1Y", costs={(L, TINH): (6_000_000, 6_000_000), (M, DV): (1_000_000, 900_000)})
    open_class(a2, "A2X", costs={(L, TINH): (9_000_000, None)})
    open_class(b1, "B1X", costs={(V, TW): (12_000_000, 11_000_000), (L, TINH): (1_000_000, 1_000_000)})
    open_class(a2, "A2C", status=TrainingClass.Status.CANCELLED, costs={(V, TINH): (4_000_000, 500_000)})
    open_class(None, "NGOAI", starts_on=datetime.date(2025, 6, 1), costs={(L, DV): (2_000_000, 2_000_000)})
    return plan_a, plan_b, (a1, a2, b1)


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


COSTS_BY_LINE = """
    SELECT cl.line_id, cc.source,
           SUM(CASE WHEN c.status <> 'CANCELLED' THEN cc.estimated ELSE 0 END), COALESCE(SUM(cc.actual), 0)
    FROM plans_classcost cc
    JOIN plans_classline cl ON cl.training_class_id = cc.training_class_id
    JOIN training_trainingclass c ON c.id = cc.training_class_id
    GROUP BY cl.line_id, cc.source"""


def test_line_roll_up_equals_the_sql_sums(spread):
    plan_a, plan_b, lines = spread
    from_sql = {(line, source): (Decimal(e), Decimal(a)) for line, source, e, a in sql(COSTS_BY_LINE)}
    planned_sql = {(line, source): Decimal(n) for line, source, n in
                   sql("SELECT line_id, source, SUM(amount) FROM plans_linecost GROUP BY line_id, source")}
    computed, planned = {}, {}
    for b in budget.lines_budget(PlanLine.objects.all()):
        for source, amounts in b.classes.items():
            computed[(b.key.pk, source)] = (amounts.estimated, amounts.actual)
        for source, amount in b.planned.items():
            planned[(b.key.pk, source)] = amount
    assert computed == from_sql and planned == planned_sql
    assert computed[(lines[0].pk, TINH)] == (16_000_000, 13_500_000)


def test_plan_year_and_class_roll_ups_equal_the_sql_sums(spread, tree):
    plan_a, plan_b, _lines = spread
    rows = sql(COSTS_BY_LINE.replace("cl.line_id,", "p.unit_id,").replace("GROUP BY cl.line_id", "GROUP BY p.unit_id")
               .replace("FROM plans_classcost cc", "FROM plans_classcost cc").replace(
                   "JOIN training_trainingclass c", "JOIN plans_planline l ON l.id = cl.line_id "
                   "JOIN plans_plan p ON p.id = l.plan_id JOIN training_trainingclass c"))
    by_unit_sql = {(unit, source): (Decimal(e), Decimal(a)) for unit, source, e, a in rows}
    year = budget.year_budget(2025)
    by_unit = {(key, source): (a.estimated, a.actual) for key, b in year.items() if key is not None
               for source, a in b.classes.items()}
    assert by_unit == by_unit_sql
    outside = sql("""SELECT SUM(cc.estimated), SUM(cc.actual) FROM plans_classcost cc
                     WHERE cc.training_class_id NOT IN (SELECT training_class_id FROM plans_classline)""")[0]
    assert (year[None].estimated_total, year[None].actual_total) == (Decimal(outside[0]), Decimal(outside[1]))
    plan = budget.plan_budget(plan_a)
    total_sql = sql("""SELECT SUM(CASE WHEN c.status <> 'CANCELLED' THEN cc.estimated ELSE 0 END), SUM(cc.actual)
                       FROM plans_classcost cc JOIN plans_classline cl ON cl.training_class_id = cc.training_class_id
                       JOIN plans_planline l ON l.id = cl.line_id JOIN training_trainingclass c ON c.id = cc.training_class_id
                       WHERE l.plan_id = %s""", [plan_a.pk])[0]
    assert (plan.estimated_total, plan.actual_total) == (Decimal(total_sql[0]), Decimal(total_sql[1]))
    assert plan.planned_total == Decimal(sql("""SELECT SUM(amount) FROM plans_linecost lc JOIN plans_planline l
                                                ON l.id = lc.line_id WHERE l.plan_id = %s""", [plan_a.pk])[0][0])
    cls = TrainingClass.objects.get(code="A1X")
    by_item_sql = {item: (Decimal(e), Decimal(a or 0)) for item, e, a in sql(
        "SELECT item, SUM(estimated), SUM(actual) FROM plans_classcost WHERE training_class_id = %s GROUP BY item",
        [cls.pk])}
    assert {k: (v.estimated, v.actual) for k, v in budget.class_budget(cls).by_item.items()} == by_item_sql


def test_roll_ups_run_a_fixed_number_of_queries(spread, django_assert_num_queries):
    with django_assert_num_queries(4):
        budget.lines_budget(PlanLine.objects.all())
    with django_assert_num_queries(3):
        budget.plan_budget(spread[0])
    with django_assert_num_queries(5):
        budget.year_budget(2025)


def test_a_class_without_rows_counts_its_old_figure_in_the_line(tree):
    line = make_line(make_plan(tree.so_a), costs={TINH: 10_000_000})
    open_class(line, "CU", cost_estimate=Decimal(10_000_001), funding_source=TINH)
    [result] = budget.lines_budget(type(line).objects.filter(pk=line.pk))
    assert result.classes[TINH].estimated == 10_000_001
    assert any("vượt dự toán" in w for w in result.warnings)


# ------------------------------------------------------------------------------------------------ warnings at the boundary

def _line_warnings(line):
    [result] = budget.lines_budget(type(line).objects.filter(pk=line.pk))
    return result.warnings


def test_a_line_equal_to_its_estimate_is_not_over_one_dong_more_is(tree):
    line = make_line(make_plan(tree.so_a), costs={TINH: 10_000_000})
    cls = open_class(line, "BIEN", costs={(L, TINH): (10_000_000, 10_000_000)})
    assert _line_warnings(line) == []
    ClassCost.objects.filter(training_class=cls).update(estimated=10_000_001)
    warnings = _line_warnings(line)
    assert len(warnings) == 2  # the source and the total, on the estimate
    assert all("10.000.001" in w and "vượt 1 đồng" in w for w in warnings)
    ClassCost.objects.filter(training_class=cls).update(estimated=10_000_000, actual=10_000_001)
    assert len(_line_warnings(line)) == 2 and all("thực chi" in w for w in _line_warnings(line))


def test_a_source_over_its_estimate_is_warned_though_the_total_is_within(tree):
    line = make_line(make_plan(tree.so_a), costs={TINH: 10_000_000, DV: 10_000_000})
    open_class(line, "NGUON", costs={(L, TINH): (10_000_001, None), (V, TW): (1, None)})
    warnings = _line_warnings(line)
    assert len(warnings) == 2
    assert any("Ngân sách tỉnh" in w for w in warnings) and any("Ngân sách trung ương" in w for w in warnings)
    assert not any("tổng" in w for w in warnings)


def test_a_plan_over_its_cap_is_warned_at_one_dong(tree):
    plan = make_plan(tree.so_a, budget_cap=Decimal(5_000_000))
    make_line(plan, costs={TINH: 3_000_000})
    line = make_line(plan, costs={DV: 2_000_000})
    assert budget.plan_budget(plan).warnings == []
    line.costs.update(amount=2_000_001)
    warnings = budget.plan_budget(plan).warnings
    assert len(warnings) == 1 and "được giao" in warnings[0] and "vượt 1 đồng" in warnings[0]


# ------------------------------------------------------------------------------------------------ the class cost page

@pytest.fixture
def costed(tree):
    """A class of the so_b school (run by users.institution), opened from a line of so_a's plan (seen by the so_a
    officer and leader), and a class of another provider opened from no line."""
    line = make_line(make_plan(tree.so_a), costs={TINH: 10_000_000})
    cls = open_class(line, "KP1", provider=school_provider(tree), sessions=2)
    other = make_class("KP2")
    return cls, other


def _grid(**cells):
    return {f"{k}": v for k, v in cells.items()}


@pytest.mark.parametrize("role", ["province", "institution"])
def test_the_manager_and_the_running_institution_edit_the_grid(client, users, costed, role):
    cls, _other = costed
    client.force_login(getattr(users, role))
    url = reverse("plans:class_costs", args=[cls.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _grid(e_LECTURERS_NSTINH="3000000", a_LECTURERS_NSTINH="", e_VENUE_DON_VI="1000000"))
    assert response.status_code == 302
    assert dict(ClassCost.objects.filter(training_class=cls).values_list("item", "estimated")) == {
        "LECTURERS": 3_000_000, "VENUE": 1_000_000}


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_the_units_of_the_plan_read_but_may_not_write(client, users, costed, role):
    cls, other = costed
    ClassCost.objects.create(training_class=cls, item=L, source=TINH, estimated=7_654_321)
    client.force_login(getattr(users, role))
    url = reverse("plans:class_costs", args=[cls.pk])
    response = client.get(url)
    assert response.status_code == 200 and "7.654.321" in response.content.decode() and response.context["form"] is None
    assert client.post(url, _grid(e_LECTURERS_NSTINH="1")).status_code == 403
    assert ClassCost.objects.get(training_class=cls).estimated == 7_654_321
    assert client.get(reverse("plans:class_costs", args=[other.pk])).status_code == 404


def test_a_learner_and_an_institution_out_of_scope_get_404(client, users, costed):
    cls, other = costed
    client.force_login(users.learner)
    assert client.get(reverse("plans:class_costs", args=[cls.pk])).status_code == 404
    assert client.post(reverse("plans:class_costs", args=[cls.pk]), {}).status_code == 404
    client.force_login(users.institution)
    assert client.get(reverse("plans:class_costs", args=[other.pk])).status_code == 404
    assert client.get(reverse("plans:class_costs", args=[999999])).status_code == 404


def test_bad_cells_are_refused_with_where_they_are(client, users, costed):
    cls, _other = costed
    client.force_login(users.province)
    response = client.post(reverse("plans:class_costs", args=[cls.pk]),
                           _grid(e_LECTURERS_NSTINH="-5", a_VENUE_DON_VI="abc"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dự toán — Thù lao giảng viên, báo cáo viên — Ngân sách tỉnh" in body
    assert "Thực chi — Thuê hội trường, phòng học, thiết bị — Kinh phí của cơ quan, đơn vị" in body
    assert not ClassCost.objects.filter(training_class=cls).exists()


def test_the_class_page_shows_the_cost_panel_to_those_who_may_read_it(client, users, costed):
    cls, _other = costed
    ClassCost.objects.create(training_class=cls, item=L, source=TINH, estimated=4_321_000, actual=4_000_000)
    url = reverse("training:class_detail", args=[cls.pk])
    link = reverse("plans:class_costs", args=[cls.pk])
    client.force_login(users.officer)
    body = client.get(url).content.decode()
    assert link in body and "4.321.000" in body
    client.force_login(users.learner)
    body = client.get(url).content.decode()
    assert link not in body and "4.321.000" not in body


def test_the_norm_page_lists_the_norms_of_a_date(client, users):
    client.force_login(users.officer)
    response = client.get(reverse("plans:norm_list"), {"ngay": "01/01/2020"})
    assert response.status_code == 200
    assert [n.amount for n in response.context["norms"] if n.code == "GV_UVTW"] == [1_000_000]
    assert len(response.context["history"]) == CostNorm.objects.count()
    response = client.get(reverse("plans:norm_list"), {"ngay": "32/13/2020"})
    assert response.status_code == 200 and response.context["date"] == datetime.date.today()
    assert "không hợp lệ" in response.content.decode()


def test_plans_in_force_leave_out_drafts_superseded_and_consolidated(tree):
    province = make_plan(tree.root, title="Tỉnh")
    make_plan(tree.so_a, consolidated_into=province, title="Sở A")
    make_plan(tree.so_b, status=Plan.Status.SUPERSEDED, title="Sở B cũ")
    make_plan(tree.so_b, status=Plan.Status.DRAFT, revision=1, title="Sở B dự thảo")
    assert list(budget.plans_in_force(2025)) == [province]
    assert list(budget.plans_in_force(2025, tree.so_a)) == []
