"""The survey reports of the registry (docs/domain.md §15.3): per class, programme, provider and lecturer, as CSV,
.xlsx and PDF; the unit's providers only; aggregates only."""
import io

import pytest
from python_calamine import CalamineWorkbook

from dtbd.evaluation import services
from dtbd.evaluation.testing import finished_class, full_answers
from dtbd.reports import renderers
from dtbd.reports.registry import get_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["survey-by-class", "survey-by-programme", "survey-by-provider", "survey-by-lecturer"])
def test_reports_in_every_format(tree, name):
    cls, people, lecturers = finished_class(tree, people=2)
    for person in people:
        services.submit(cls.survey, person.pk, full_answers(cls.survey, score=8))
    result = renderers.run(get_report(name), tree.root, cls.ends_on, cls.ends_on.year)
    csv = renderers.render(result, "csv").decode()
    assert csv.splitlines()[0] == "key,valid,invalid,answers,index,band"
    assert "8.00" in csv and "TOT" in csv
    book = CalamineWorkbook.from_filelike(io.BytesIO(renderers.render(result, "xlsx")))
    cells = [str(c) for row in book.get_sheet_by_index(0).to_python() for c in row]
    assert "Tốt" in cells
    assert renderers.render(result, "pdf").startswith(b"%PDF")
    assert not any(p.full_name in csv or p.code in csv for p in people)


def test_a_unit_reads_the_classes_of_its_own_providers(tree):
    cls, people, _lecturers = finished_class(tree, people=1)
    services.submit(cls.survey, people[0].pk, full_answers(cls.survey))
    report = get_report("survey-by-class")
    assert report.rows(tree.so_b, cls.ends_on, cls.ends_on.year)  # the school is under so_b
    assert report.rows(tree.so_a, cls.ends_on, cls.ends_on.year) == []
    assert report.rows(tree.root, cls.ends_on, cls.ends_on.year - 1) == []  # another year
