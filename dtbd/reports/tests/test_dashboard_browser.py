"""Dashboard acceptance in a real browser (Debian's Chromium through Playwright): the leader opens the dashboard,
changes the period, clicks a figure and lands on the list behind it."""
import datetime
import re

import pytest

from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program

YEAR = 2025


pytestmark = pytest.mark.usefixtures("live_figures")


@pytest.mark.browser
def test_leader_changes_period_and_drills_down(browser_login, users, tree):
    cls = make_class("DB01", capacity=10, status=TrainingClass.Status.CLOSED, program=make_program(),
                     starts_on=datetime.date(YEAR, 5, 4), ends_on=datetime.date(YEAR, 5, 8), cost_estimate=12_500_000)
    women = [make_person(tree.so_a, code=f"NU{i}", full_name=f"Lê Thị Nữ {i}", gender="NU") for i in range(3)]
    men = [make_person(tree.phong_a, code="NAM1", full_name="Phạm Văn Nam")]
    outside = [make_person(tree.so_b, code="NGOAI", full_name="Đỗ Thị Ngoài", gender="NU")]  # not in the leader's scope
    for person in women + men + outside:
        Enrollment.objects.create(training_class=cls, person=person, source="NOMINATED", state="COMPLETED",
                                  completed_on=datetime.date(YEAR, 5, 8))

    context, page = browser_login("lanhdao")
    page.goto("/tong-quan/")
    assert page.locator("#dashboard-meta").inner_text().startswith("Sở Nội vụ")
    # this year: nothing yet
    figure = page.locator('a[data-figure="pt-group-women"]')
    assert figure.inner_text() == "0"

    # change the period to 2025
    page.select_option("select[name=year]", str(YEAR))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(re.compile(rf"year={YEAR}"))
    assert page.locator('a[data-figure="pt-group-women"]').inner_text() == "3"
    assert page.locator('a[data-figure="pt-all"]').inner_text() == "4"
    # the charts are drawn from the tables (Chart.js loaded, no inline script)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart-for=\"pt-group\"]'))")
    assert page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart-for=\"pt-group\"]')).data.datasets[0].data[0]"
    ) == 3

    # click the figure: the list behind it
    page.locator('a[data-figure="pt-group-women"]').click()
    page.wait_for_url(re.compile(r"/tong-quan/luot-hoc/"))
    rows = page.locator("#drill-rows tbody tr")
    assert rows.count() == 3
    names = sorted(rows.locator("td:nth-child(2)").all_inner_texts())
    assert names == ["Lê Thị Nữ 0", "Lê Thị Nữ 1", "Lê Thị Nữ 2"]
    assert "DB01" in rows.first.inner_text()
    context.close()


CHART_LABELS_JS = """() => Array.from(document.querySelectorAll('canvas[data-chart-for]')).map((canvas) => {
  const chart = Chart.getChart(canvas);
  if (!chart || chart.config.type === 'doughnut') return null;
  const horizontal = chart.options.indexAxis === 'y';
  const scale = horizontal ? chart.scales.y : chart.scales.x;
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
  const lines = chart.data.labels.flatMap((l) => Array.isArray(l) ? l : [String(l)]);
  return {id: canvas.getAttribute('data-chart-for'), horizontal, rotation: scale.labelRotation,
          widest: Math.max(0, ...lines.map((l) => ctx.measureText(l).width)), width: scale.width, left: scale.left,
          longest: Math.max(0, ...lines.map((l) => l.length)), slot: chart.chartArea.width / Math.max(1, lines.length)};
}).filter(Boolean)"""


@pytest.mark.browser
def test_chart_labels_are_never_cut(browser_login, users, tree):
    """Long category names ("Kiến thức, kỹ năng lãnh đạo, quản lý") lie on the left of horizontal bars, wrapped into
    short lines that fit the axis; short ones stay under vertical bars, unrotated. Nothing is drawn off the canvas."""
    context, page = browser_login("tinh")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/tong-quan/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart-for=\"pt-category\"]'))")
    charts = {c["id"]: c for c in page.evaluate(CHART_LABELS_JS)}
    assert charts["pt-category"]["horizontal"], "the programme contents have long names"
    for chart in charts.values():
        assert chart["rotation"] == 0, chart
        assert chart["longest"] <= 18, chart
        if chart["horizontal"]:
            assert chart["left"] >= 0 and chart["widest"] <= chart["width"], chart
    context.close()
