"""The plan-execution report (docs/domain.md §13.4) through the registry, the CLI, .xlsx and PDF."""
import datetime
import io

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from dtbd.plans.models import CostItem
from dtbd.plans.tests.builders import make_line, make_plan, open_class, small_plan
from dtbd.training.models import TrainingClass
from dtbd.reports import renderers
from dtbd.reports.registry import ALL, get_report

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
TINH, DV = "NSTINH", "DON_VI"
ON = datetime.date(2025, 8, 15)  # quarters 1 and 2 of 2025 have ended, 3 is under way


@pytest.fixture
def small(tree):
    return small_plan(tree)


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
    assert tree.root.name in values  # the unit's name on the row (its code in the CSV)
    assert renderers.render(result, "pdf").startswith(b"%PDF")


def test_the_report_through_the_cli(small, tree):
    out = io.StringIO()
    call_command("report", "plan-execution", "--unit", tree.root.code, "--year", "2025", "--date", "2025-08-15",
                 stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split(",")[:3] == ["unit", "planned_classes", "opened"]
    assert lines[1].split(",")[:2] == [tree.so_a.code, "5"]  # the CSV keeps the unit's code
    total = next(line for line in lines if line.startswith("ALL,"))
    assert total.split(",")[1:4] == ["5", "3", "1"]
