"""The downloadable templates: exact header rows on the first sheet, drop-down lists, instructions after it; and the
shared cell parsers."""
import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.importing import CellError, Codes, check_headers, parse_date
from dtbd.imports.workbooks import build_template
from dtbd.org import importing as units
from dtbd.people import importing as staff


@pytest.mark.parametrize("kind, headers", [("units", units.HEADERS), ("staff", staff.HEADERS)])
def test_template_headers_and_sheets(db, kind, headers):
    book = CalamineWorkbook.from_filelike(io.BytesIO(build_template(kind)))
    assert book.sheet_names[1] == "Hướng dẫn"
    rows = book.get_sheet_by_index(0).to_python()
    assert tuple(rows[0]) == headers
    assert check_headers(rows[0], headers) == []
    guide = book.get_sheet_by_name("Hướng dẫn").to_python()
    codes = {row[1] for row in guide if len(row) > 1}
    assert ("SO_NGANH" in codes) if kind == "units" else ({"01.003", "Kinh", "CAP_PHONG"} <= codes)


def test_template_download(client, users):
    client.force_login(users.province)
    response = client.get(reverse("imports:template", args=["don-vi"]))
    assert response.status_code == 200 and 'filename="don-vi.xlsx"' in response["Content-Disposition"]
    assert client.get("/nhap-lieu/mau/khac.xlsx").status_code == 404


def test_parse_date():
    assert parse_date(datetime.date(2020, 1, 2)) == datetime.date(2020, 1, 2)
    assert parse_date(datetime.datetime(2020, 1, 2, 0, 0)) == datetime.date(2020, 1, 2)
    assert parse_date("2/1/2020") == datetime.date(2020, 1, 2)
    assert parse_date("") is None
    with pytest.raises(CellError, match="dd/mm/yyyy"):
        parse_date("2020-01-02")
    with pytest.raises(CellError, match="Ngày 29/02/2023 không tồn tại."):
        parse_date("29/02/2023")


def test_codes_accept_code_or_label_without_accents_or_case():
    codes = Codes([("CAP_PHONG", "Cấp phòng và tương đương"), ("CAP_SO", "Cấp sở")])
    assert codes.parse("cap_phong") == codes.parse("CẤP PHÒNG VÀ TƯƠNG ĐƯƠNG") == "CAP_PHONG"
    assert codes.parse("cap so") == "CAP_SO" and codes.parse("") == ""
    with pytest.raises(CellError, match="chọn một trong: CAP_PHONG, CAP_SO"):
        codes.parse("Cấp bộ")
