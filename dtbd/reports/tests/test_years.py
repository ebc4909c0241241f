"""A year is written 2026, never with a thousands separator (2.026), on the report pages, the .xlsx and the PDF."""
import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.reports import renderers
from dtbd.reports.registry import get_report

from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db

YEAR_REPORTS = ["training-volume", "annual-hours"]


@pytest.mark.parametrize("name", YEAR_REPORTS)
def test_the_report_page_writes_the_year_plainly(client, users, tree, name):
    client.force_login(users.province)
    response = client.get(reverse("reports:report", args=[name]), {"unit": tree.so_a.pk, "year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "năm 2026" in html
    assert "2.026" not in html and "2,026" not in html


@pytest.mark.parametrize("name", YEAR_REPORTS)
def test_the_pdf_and_the_workbook_write_the_year_plainly(client, users, tree, name):
    client.force_login(users.province)
    query = {"unit": tree.so_a.pk, "year": "2026"}
    pdf = client.get(reverse("reports:download", args=[name, "pdf"]), query)
    assert pdf.status_code == 200
    text = squash(pdf_text(pdf.content))
    assert "2026" in text and "2.026" not in text and "2,026" not in text

    result = renderers.run(get_report(name), tree.so_a, datetime.date(2026, 7, 1), 2026)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(renderers.to_xlsx(result))).get_sheet_by_index(0).to_python()
    cells = [str(c) for row in rows for c in row]
    assert any("2026" in c for c in cells)
    assert not any("2.026" in c or "2,026" in c for c in cells)
