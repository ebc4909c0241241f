"""Execution of the plan (docs/domain.md §13.4): planned against done per line, quarter and plan; lines at risk; the
execution page's scope and query count; the plan-execution report through the registry, the CLI and .xlsx."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.people.testing import make_person
from dtbd.plans.models import CostItem
from dtbd.plans.services import execution
from dtbd.reports import renderers
from dtbd.reports.registry import ALL, get_report
from dtbd.training.models import Enrollment, TrainingClass

from .builders import make_line, make_plan, open_class

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
TINH, DV = "NSTINH", "DON_VI"
ON = datetime.date(2025, 8, 15)  # quarters 1 and 2 of 2025 have ended, 3 is under way


def complete(cls, person, state=Enrollment.State.COMPLETED):
    return Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.NOMINATED,
                                     state=state)


@pytest.fixture
def small(tree):
    """so_a's plan of 2025: line `done` (Q1, 1 class finished, 2 of its 3 learners completed), line `late` (Q2, no
    class), line `waiting` (Q2, a class opened but not started), line `over` (Q3, a class running that costs more
    than the line's estimate). One person completes classes of two lines: two lượt, one person."""
    plan = make_plan(tree.so_a, budget_cap=Decimal(100_000_000))
    done = make_line(plan, quarter=1, people=3, classes=1, costs={TINH: 20_000_000}, position=1)
    late = make_line(plan, quarter=2, people=25, classes=2, costs={TINH: 30_000_000}, position=2)
    waiting = make_line(plan, quarter=2, people=10, classes=1, costs={DV: 5_000_000}, position=3)
    over = make_line(plan, quarter=3, people=20, classes=1, costs={TINH: 10_000_000}, position=4)
    finished = open_class(done, "XONG", status=Status.FINISHED,
                          costs={(CostItem.LECTURERS, TINH): (15_000_000, 14_000_000)})
    open_class(waiting, "CHO", status=Status.OPEN)
    running = open_class(over, "VUOT", status=Status.RUNNING, starts_on=datetime.date(2025, 7, 20),
                         costs={(CostItem.VENUE, TINH): (10_000_001, None)})
    ann, binh, chi = (make_person(tree.phong_a, code=c, full_name=n)
                      for c, n in (("P1", "An"), ("P2", "Bình"), ("P3", "Chi")))
    complete(finished, ann)
    complete(finished, binh)
    complete(finished, chi, Enrollment.State.FAILED)
    complete(running, ann)
    return plan, dict(done=done, late=late, waiting=waiting, over=over)


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


# ------------------------------------------------------------------------------------------------ the report

def test_the_report_gives_the_year_per_unit_with_the_classes_outside_the_plan(small, tree):
    open_class(None, "NGOAI", status=Status.FINISHED, starts_on=datetime.date(2025, 5, 5),
               costs={(CostItem.OTHER, DV): (1_000_000, 1_000_000)})
    report = get_report("plan-execution")
    rows = report.rows(tree.root, ON, 2025)
    keys = report.keys
    by_code = {row[0]: dict(zip(keys, row)) for row in rows}
    assert set(by_code) == {tree.so_a.code, "NGOAI_KH", ALL}
    so_a = by_code[tree.so_a.code]
    assert (so_a["planned_classes"], so_a["opened"], so_a["luot"], so_a["at_risk"]) == (5, 3, 3, 2)
    total = by_code[ALL]
    assert (total["planned_classes"], total["opened"], total["finished"]) == (5, 4, 2)
    assert total["actual"] == 15_000_000 and total["planned_cost"] == 65_000_000
    # A department's report counts its plans only, without the classes outside any plan.
    assert [r[0] for r in report.rows(tree.so_a, ON, 2025)] == [tree.so_a.code, ALL]
    assert [r[0] for r in report.rows(tree.so_b, ON, 2025)] == [ALL]


def test_the_report_shows_the_published_line_of_classes_and_cost(tree):
    """'112 lớp, kinh phí khoảng 28 tỷ đồng': 112 classes planned over 8 lines, 28.000.000.000 đồng estimated."""
    plan = make_plan(tree.root, year=2024, title="Kế hoạch tỉnh 2024")
    for i in range(8):
        make_line(plan, quarter=i % 4 + 1, people=14 * 30, classes=14, costs={TINH: 3_500_000_000}, position=i)
    result = renderers.run(get_report("plan-execution"), tree.root, datetime.date(2024, 12, 31), 2024)
    total = dict(zip(result.report.keys, result.rows[-1]))
    assert (total["unit"], total["planned_classes"], total["planned_cost"]) == (ALL, 112, 28_000_000_000)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(renderers.to_xlsx(result))).get_sheet_by_index(0).to_python()
    values = [cell for row in sheet for cell in row if cell != ""]
    assert "Tổng cộng" in values and 112 in values and 28_000_000_000 in values
    assert "Quý 1" in values  # the per-quarter table
    assert renderers.render(result, "pdf").startswith(b"%PDF")


def test_the_report_through_the_cli(small, tree):
    out = io.StringIO()
    call_command("report", "plan-execution", "--unit", tree.root.code, "--year", "2025", "--date", "2025-08-15",
                 stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split(",")[:3] == ["unit", "name", "planned_classes"]
    total = next(line for line in lines if line.startswith("ALL,"))
    assert total.split(",")[2:5] == ["5", "3", "1"]


def test_the_year_runs_a_fixed_number_of_queries(small, tree, django_assert_num_queries):
    with django_assert_num_queries(17):
        execution.year_execution(2025, tree.root, ON)
    with django_assert_num_queries(13):
        execution.year_execution(2025, tree.root, ON, include_unplanned=False)
