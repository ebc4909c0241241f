"""Each report's .xlsx and .docx opens in LibreOffice: one headless soffice run converts them all to PDF, and each PDF
has the report's title (Vietnamese diacritics intact). `make test` installs LibreOffice first (`make libreoffice`)."""
import datetime

import pytest

from dtbd.core.testing import convert_with_libreoffice
from dtbd.reports import renderers
from dtbd.reports.registry import all_reports

from .province import add_political_theory, add_training, make_units
from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db


def test_every_report_xlsx_opens_in_libreoffice(tmp_path):
    units = make_units()
    add_political_theory(units)
    training = add_training(units)
    sources = tmp_path / "xlsx"
    sources.mkdir()
    titles = {}
    for report in all_reports(None):
        subject = training.an if report.subject == "person" else units.root
        result = renderers.run(report, subject, datetime.date(2026, 12, 31), 2026)
        (sources / f"{report.name}.xlsx").write_bytes(renderers.render(result, "xlsx"))
        titles[report.name] = str(report.title)
    out = tmp_path / "pdf"
    done = convert_with_libreoffice(sources.glob("*.xlsx"), out)
    assert done.returncode == 0, done.stderr
    for name, title in titles.items():
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), f"{name}: LibreOffice did not convert the .xlsx ({done.stdout} {done.stderr})"
        text = squash(pdf_text(pdf.read_bytes()))
        assert title in text, name
    assert "Tổng cộng" in squash(pdf_text((out / "training-volume.pdf").read_bytes()))


def test_every_report_docx_opens_in_libreoffice_with_its_header_and_signer(tmp_path):
    """The Word copy of each report (for the office to edit before signing): LibreOffice opens it and its text has
    the motto, the issuing body and number, the date, the title, the figures and the preparer's full name."""
    units = make_units()
    add_political_theory(units)
    training = add_training(units)
    sources = tmp_path / "docx"
    sources.mkdir()
    results = {}
    for report in all_reports(None):
        subject = training.an if report.subject == "person" else units.root
        result = renderers.run(report, subject, datetime.date(2026, 12, 31), 2026)
        content = renderers.render(result, "docx", issued_on=datetime.date(2027, 1, 5), prepared_by="Hoàng Thị Lập")
        assert content.startswith(b"PK")
        (sources / f"{report.name}.docx").write_bytes(content)
        results[report.name] = result
    out = tmp_path / "txt"
    done = convert_with_libreoffice(sources.glob("*.docx"), out, fmt="txt:Text (encoded):UTF8")
    assert done.returncode == 0, done.stderr
    texts = {}
    for name, result in results.items():
        txt = out / f"{name}.txt"
        assert txt.exists(), f"{name}: LibreOffice did not open the .docx ({done.stdout} {done.stderr})"
        text = texts[name] = squash(txt.read_text(encoding="utf-8-sig"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text, name
        assert "Tuyên Quang, ngày 05 tháng 01 năm 2027" in text, name
        assert str(result.report.title).upper() in text and "BÁO CÁO" in text, name
        assert "NGƯỜI LẬP BIỂU" in text and "Hoàng Thị Lập" in text and "Nơi nhận:" in text, name
    volume = texts["training-volume"]
    assert "Số: ……/BC-UBND" in volume and "Tổng cộng 3 2 1 5 1 6" in volume, volume
    history = texts["training-history"]
    assert "Nguyễn Văn An" in history and "Trường Chính trị tỉnh Tuyên Quang" in history
