"""PDF of every report in the Decree 30/2020/NĐ-CP document format: the bytes are a PDF and the text extracted from
it has the national motto, the issuing body, the title and the figures with correct Vietnamese diacritics."""
import datetime
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from dtbd.core import officialdoc
from dtbd.reports import document, renderers
from dtbd.reports.registry import all_reports, get_report

from .builders import bulk_people
from .province import add_political_theory, add_training, make_units

pytestmark = pytest.mark.django_db

D = datetime.date
ISSUED = D(2026, 11, 29)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def squash(text):
    return " ".join(text.split())


@pytest.fixture
def province(db):
    units = make_units()
    add_political_theory(units)
    units.training = add_training(units)
    return units


def subject_of(report, province):
    return province.training.an if report.subject == "person" else province.root


@pytest.mark.parametrize("name", [r.name for r in all_reports(None)])
def test_every_report_is_a_pdf_with_the_motto_and_title_in_vietnamese(province, name):
    report = get_report(name, None)
    result = renderers.run(report, subject_of(report, province), D(2026, 12, 31), 2026)
    content = renderers.render(result, "pdf", issued_on=ISSUED, prepared_by="Hoàng Thị Lập")
    assert content.startswith(b"%PDF")
    text = squash(pdf_text(content))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text
    assert str(report.title).upper() in text
    assert "Tuyên Quang, ngày 29 tháng 11 năm 2026" in text
    assert "Nơi nhận:" in text and "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "Hoàng Thị Lập" in text
    if report.subject == "person":
        # Issued by the person's unit on the date, under its governing body.
        assert "UBND TỈNH TUYÊN QUANG SỞ NỘI VỤ" in text and "Số: ……/BC-SNV" in text
        assert "Nguyễn Văn An" in text and "Trường Chính trị tỉnh Tuyên Quang" in text
    else:
        assert "UBND TỈNH TUYÊN QUANG" in text and "Số: ……/BC-UBND" in text
        if any(row[0] == "ALL" for row in result.rows):
            assert "Tổng cộng" in text


def test_figures_and_labels_in_the_pdf(province):
    result = renderers.run(get_report("training-volume"), province.root, D(2026, 12, 31), 2026)
    text = squash(pdf_text(renderers.render(result, "pdf", issued_on=D(2027, 1, 5))))
    assert "Năm 2026" in text and "Tuyên Quang, ngày 05 tháng 01 năm 2027" in text
    assert "Lý luận chính trị" in text and "Chuyển đổi số, trí tuệ nhân tạo" in text
    assert "Tổng cộng 3 2 1 5 1 6" in text
    result = renderers.run(get_report("political-theory"), province.so, D(2026, 6, 30))
    text = squash(pdf_text(renderers.render(result, "pdf", issued_on=D(2026, 3, 1))))
    assert "Tại ngày 30/06/2026" in text and "Tuyên Quang, ngày 01 tháng 3 năm 2026" in text
    assert "Cấp tỉnh" in text and "Cử nhân" in text and "Chưa có" in text


def test_numbers_are_written_with_dots():
    assert renderers.vn_number(40500) == "40.500"
    assert renderers.vn_number(1234567) == "1.234.567"
    assert renderers.text_cell(__import__("decimal").Decimal("8.5")) == "8,50"
    assert renderers.text_cell(D(2026, 1, 5)) == "05/01/2026"


def test_header_parts():
    assert officialdoc.place_of("UBND tỉnh Tuyên Quang") == "Tuyên Quang"
    assert officialdoc.place_of("Ủy ban nhân dân thành phố Hà Nội") == "Hà Nội"
    assert officialdoc.document_date("Tuyên Quang", D(2026, 11, 29)) == "Tuyên Quang, ngày 29 tháng 11 năm 2026"
    assert officialdoc.document_date("Hà Nội", D(2026, 2, 3)) == "Hà Nội, ngày 03 tháng 02 năm 2026"
    assert officialdoc.document_date("Hà Nội", D(2026, 12, 3)) == "Hà Nội, ngày 03 tháng 12 năm 2026"

    class U:
        def __init__(self, name):
            self.name = name

    assert document.abbreviation(U("Sở Nội vụ")) == "SNV"
    assert document.abbreviation(U("Sở Giáo dục và Đào tạo")) == "SGDĐT"
    assert document.abbreviation(U("UBND xã Kim Bình")) == "UBND"


def test_place_from_the_setting(province, settings):
    settings.DTBD_REPORT_PLACE = "Hà Giang"
    result = renderers.run(get_report("qualification-structure"), province.xa, D(2026, 6, 30))
    html = document.document_html(result, issued_on=ISSUED)
    assert "Hà Giang, ngày 29 tháng 11 năm 2026" in html
    assert "UBND TỈNH TUYÊN QUANG" in html and "UBND XÃ KIM BÌNH" in html


def test_orientation_by_width(province):
    wide = renderers.run(get_report("training-history", None), province.training.an, D(2026, 12, 31))
    narrow = renderers.run(get_report("training-volume"), province.root, D(2026, 12, 31), 2026)
    assert document.orientation(wide) == "landscape" and document.orientation(narrow) == "portrait"
    assert "size: A4 landscape" in document.document_html(wide)
    assert "margin: 20mm 15mm 20mm 30mm" in document.document_html(narrow)
    assert '"Times New Roman", "Liberation Serif", "DejaVu Serif", serif' in document.document_html(narrow)


def test_report_samples_writes_every_report_as_pdf_and_html(province, tmp_path):
    """`dtbd report-samples` (to look at the layouts) writes <name>.pdf and <name>.html of every report."""
    out = io.StringIO()
    call_command("report-samples", "--output", str(tmp_path / "mau"), "--unit", "TQ", "--person", "TV_BINH",
                 "--date", "2026-12-31", "--prepared-by", "Hoàng Thị Lập", stdout=out)
    names = [r.name for r in all_reports(None)]
    assert sorted(p.name for p in (tmp_path / "mau").iterdir()) == sorted(f"{n}.{x}" for n in names for x in ("pdf", "html"))
    for report in all_reports(None):
        pdf = (tmp_path / "mau" / f"{report.name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and str(report.title).upper() in squash(pdf_text(pdf))
        html = (tmp_path / "mau" / f"{report.name}.html").read_text(encoding="utf-8")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Hoàng Thị Lập" in html
    assert "Lê Thị Bình" in squash(pdf_text((tmp_path / "mau" / "training-history.pdf").read_bytes()))
    assert len(out.getvalue().splitlines()) == len(names)


def test_report_samples_refuses_an_unknown_unit(province, tmp_path):
    with pytest.raises(CommandError, match="không tìm thấy đơn vị có mã «KHONG_CO»"):
        call_command("report-samples", "--output", str(tmp_path), "--unit", "KHONG_CO")
    assert list(tmp_path.iterdir()) == []


def test_command_writes_the_pdf(province, tmp_path):
    target = tmp_path / "bao-cao.pdf"
    call_command("report", "political-theory", "--unit", "TQ", "--date", "2026-06-30", "--format", "pdf",
                 "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert "TRÌNH ĐỘ LÝ LUẬN CHÍNH TRỊ THEO CẤP HÀNH CHÍNH" in squash(pdf_text(target.read_bytes()))
    target = tmp_path / "so-yeu.pdf"
    call_command("report", "training-history", "--person", "TV_BINH", "--format", "pdf", "--output", str(target))
    assert "Lê Thị Bình" in squash(pdf_text(target.read_bytes()))


def test_thousands_in_the_pdf_are_written_vietnamese_style(db):
    units = make_units()
    bulk_people(units.xa, 1234, category="CB", education=("DH",))
    result = renderers.run(get_report("qualification-structure"), units.root, D(2026, 6, 30))
    text = squash(pdf_text(renderers.render(result, "pdf", issued_on=ISSUED)))
    assert "Cấp xã 0 0 1.234 0 0 0 0 1.234" in text
    assert "Tổng cộng 0 0 1.234 0 0 0 0 1.234" in text
