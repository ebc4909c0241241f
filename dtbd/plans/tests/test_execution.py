"""Execution of the plan (docs/domain.md §13.4): planned against done per line, quarter and plan; lines at risk; the
execution page's scope and query count (the plan-execution report: dtbd/reports/tests/test_plan_execution_report.py)."""
import datetime

import pytest
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.plans.models import CostItem
from dtbd.plans.services import execution
from dtbd.training.models import TrainingClass

from .builders import complete, make_line, make_plan, open_class, small_plan

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
TINH, DV = "NSTINH", "DON_VI"
ON = datetime.date(2025, 8, 15)  # quarters 1 and 2 of 2025 have ended, 3 is under way


@pytest.fixture
def small(tree):
    return small_plan(tree)


def test_planned_against_done_per_line(small):
    plan, lines = small
    result = execution.plan_execution(plan, ON)
    by_line = {f.line.pk: f for f in result.lines}
    done, late, waiting, over = (by_line[lines[k].pk] for k in ("done", "late", "waiting", "over"))
    assert (done.planned_classes, done.opened, done.finished, done.luot, done.people) == (1, 1, 1, 2, 2)
    assert done.state == execution.DONE and done.warnings == []
    assert (done.planned_cost, done.spend.estimated, done.spend.actual) == (20_000_000, 15_000_000, 14_000_000)
    assert (late.opened, late.state) == (0, execution.AT_RISK)
    assert (waiting.opened, waiting.started, waiting.state) == (1, 0, execution.AT_RISK)
    assert over.state == execution.UNDER_WAY and (over.luot, over.people) == (1, 1)
    assert len(over.warnings) == 2 and all("vượt 1 đồng" in w for w in over.warnings)
    assert [f.line.pk for f in result.at_risk] == [lines["late"].pk, lines["waiting"].pk]


def test_quarters_and_the_plan_total(small):
    plan, _lines = small
    result = execution.plan_execution(plan, ON)
    quarters = {f.key: f for f in result.quarters}
    assert (quarters[2].planned_classes, quarters[2].opened, quarters[2].planned_people) == (3, 1, 35)
    assert quarters[2].planned_cost == 35_000_000
    total = result.total
    assert (total.planned_classes, total.opened, total.finished, total.planned_people) == (5, 3, 1, 58)
    assert (total.luot, total.people) == (3, 2)  # An twice: two lượt, one person
    assert total.planned_cost == 65_000_000 and total.spend.estimated == 25_000_001
    assert result.budget.warnings == []  # one line is over, the plan (65.000.000, cap 100.000.000) is not


def test_before_the_quarter_ends_nothing_is_at_risk(small):
    plan, _lines = small
    result = execution.plan_execution(plan, datetime.date(2025, 3, 31))
    assert result.at_risk == []
    assert execution.plan_execution(plan, datetime.date(2025, 7, 1)).at_risk  # 30/06 is over


def test_quarter_end():
    assert execution.quarter_end(2025, 1) == datetime.date(2025, 3, 31)
    assert execution.quarter_end(2024, 1) == datetime.date(2024, 3, 31)
    assert execution.quarter_end(2025, 2) == datetime.date(2025, 6, 30)
    assert execution.quarter_end(2025, 4) == datetime.date(2025, 12, 31)


# ------------------------------------------------------------------------------------------------ the page

def test_the_execution_page_in_and_out_of_scope(client, users, small, tree):
    plan, _lines = small
    url = reverse("plans:plan_execution", args=[plan.pk])
    for role in ("province", "officer", "leader"):
        client.force_login(getattr(users, role))
        response = client.get(url, {"ngay": "15/08/2025"})
        assert response.status_code == 200, role
        assert "Chậm tiến độ" in response.content.decode()
    other = make_plan(tree.so_b, title="Kế hoạch Sở Tài chính")
    client.force_login(users.officer)
    assert client.get(reverse("plans:plan_execution", args=[other.pk])).status_code == 404
    for role in ("institution", "learner"):
        client.force_login(getattr(users, role))
        assert client.get(url).status_code == 404, role
    client.force_login(users.province)
    assert client.get(url, {"ngay": "not a date"}).status_code == 200


def _plan_with(tree, n, year):
    plan = make_plan(tree.so_a, year=year, title=f"Kế hoạch {n} dòng")
    for i in range(n):
        line = make_line(plan, quarter=i % 4 + 1, costs={TINH: 1_000_000, DV: 500_000}, position=i)
        cls = open_class(line, f"C{year}_{i}", status=Status.FINISHED,
                         costs={(CostItem.LECTURERS, TINH): (900_000, 800_000)})
        complete(cls, make_person(tree.phong_a, code=f"N{year}_{i}", full_name=f"Người {i}"))
    return plan


def test_the_execution_page_runs_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    one, twenty = _plan_with(tree, 1, 2025), _plan_with(tree, 20, 2026)
    client.force_login(users.officer)
    client.get(reverse("plans:plan_execution", args=[one.pk]))
    with django_assert_max_num_queries(30) as ctx:
        assert client.get(reverse("plans:plan_execution", args=[one.pk])).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.get(reverse("plans:plan_execution", args=[twenty.pk]))
    assert len(response.context["result"].lines) == 20


def test_the_year_runs_a_fixed_number_of_queries(small, tree, django_assert_num_queries):
    with django_assert_num_queries(17):
        execution.year_execution(2025, tree.root, ON)
    with django_assert_num_queries(13):
        execution.year_execution(2025, tree.root, ON, include_unplanned=False)
