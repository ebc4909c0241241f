"""Official documents (văn bản hành chính) in the layout of Decree 30/2020/NĐ-CP, written as Word (.docx) for the
office to edit before signing, and as PDF (HTML through WeasyPrint) to print as it is.

A document is described once (`OfficialDocument`: header, number, place and date, kind and subject, body paragraphs,
label/value lines and tables, recipients, signature blocks) and rendered by `to_docx` or `to_pdf`; the apps build the
description (the reports, the summons letter, the issuing and dispatch decisions of a class). This module and its one
template `officialdoc/document.html` (the PDF's HTML and CSS) are the only place of the layout (Decree 30/2020,
Appendix I):

- A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13–14 pt;
- top left, the governing body (upper case) over the issuing body (bold, upper case), a short rule, then
  "Số: …/<kind>-<abbreviation>"; top right, the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" /
  "Độc lập - Tự do - Hạnh phúc" (bold), then place and date in italics;
- the kind of document (QUYẾT ĐỊNH, BÁO CÁO, GIẤY TRIỆU TẬP) bold and centred, the subject ("Về việc …") under it;
- the body; "Nơi nhận:" bottom left; the signature blocks bottom right: authority (e.g. "KT. GIÁM ĐỐC"), position,
  then the signer's full name in bold."""
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"

_PLACE_PREFIXES = re.compile(
    r"^\s*(?:(?:ủy|uỷ) ban nhân dân|ubnd|hđnd|hội đồng nhân dân|tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ)\s+", re.IGNORECASE
)
_PLACE_KINDS = re.compile(r"^\s*(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_SMALL_WORDS = {"và", "của"}


class DocumentNotAvailable(Exception):
    """The format cannot be produced on this server (a library missing); the message says which and what to do."""


def vn_upper(text) -> str:
    return str(text or "").upper()


def place_of(root_name: str) -> str:
    """"UBND tỉnh Tuyên Quang" → "Tuyên Quang"; "Ủy ban nhân dân thành phố Hà Nội" → "Hà Nội"."""
    name = _PLACE_PREFIXES.sub("", root_name or "")
    return _PLACE_KINDS.sub("", name).strip() or (root_name or "").strip()


def abbreviation(name) -> str:
    """The issuing body's abbreviation after the kind ("BC-", "QĐ-"): the initials of its name ("Sở Nội vụ" → "SNV"),
    a word already in capitals kept whole ("UBND tỉnh Tuyên Quang" → "UBND")."""
    words = [w for w in re.split(r"[\s,.\-–()]+", str(name or "")) if w]
    if not words:
        return ""
    if len(words[0]) > 1 and words[0].isupper():
        return _initial_letters(words[0])
    return "".join(_initial_letters(w[0]) for w in words if w.casefold() not in _SMALL_WORDS and w[0].isalnum())


def _initial_letters(text):
    """Capitals without tone marks, Đ kept ("Đào" → "Đ", "Sở" → "S")."""
    base = unicodedata.normalize("NFD", text.upper())
    return "".join(ch for ch in base if not unicodedata.combining(ch))


def document_date(place: str, day: datetime.date) -> str:
    """"Tuyên Quang, ngày 05 tháng 01 năm 2027" (Decree 30: a leading 0 for days below 10 and months below 3)."""
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": dd, "m": mm, "y": day.year}
    return f"{place}, {text}" if place else text[:1].upper() + text[1:]


def number_line(number: str, kind_code: str, issuer_name: str) -> str:
    """"Số: 12/QĐ-SNV" — the number as entered ("12", "12/2026"), or a blank to fill in ("……") when none is given."""
    abbr = abbreviation(issuer_name)
    suffix = f"{kind_code}-{abbr}" if abbr else kind_code
    number = str(number or "").strip() or "……"
    return _("Số: %(number)s/%(suffix)s") % {"number": number, "suffix": suffix}


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    centre: bool = False
    indent: bool = True  # first-line indent of the body text


@dataclass
class Fields:
    """Lines "label: value" (the value in bold), e.g. whom a person's report is about."""

    pairs: list  # (label, value) strings


@dataclass
class Table:
    headers: list
    rows: list  # lists of strings, one per header
    title: str = ""
    numeric: frozenset = frozenset()  # indexes of right-aligned columns
    total_rows: frozenset = frozenset()  # indexes of rows shown in bold
    empty: str = ""  # written across the table (italic) when it has no rows


@dataclass
class Signature:
    position: str  # "GIÁM ĐỐC", "NGƯỜI LẬP BIỂU"
    name: str = ""  # the signer's full name
    authority: str = ""  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN" (above the position)
    hint: str = ""  # "(Ký, ghi rõ họ tên)" on forms signed by hand


@dataclass
class OfficialDocument:
    issuer: str  # the issuing body, as written (upper-cased in the layout)
    number: str  # the whole "Số: …" line
    place_date: str
    kind: str  # "QUYẾT ĐỊNH"
    governing: str = ""
    subject: str = ""  # "Về việc cử công chức tham dự lớp …"
    lines: list = field(default_factory=list)  # lines under the subject (the period of a report, the unit)
    blocks: list = field(default_factory=list)  # Paragraph, Fields and Table, in order
    recipients: list = field(default_factory=list)
    archive: str = ""
    signatures: list = field(default_factory=list)
    landscape: bool = False
    file_title: str = ""  # the <title> of the PDF and the core properties of the .docx


# ---------------------------------------------------------------- PDF


def footer_widths(document: OfficialDocument) -> tuple[float, float]:
    """(the "Nơi nhận" column, each signature column) as fractions of the line: 0.4 beside one signature, 0.34 beside
    two or more, the signatures sharing the rest (the PDF and the .docx alike)."""
    columns = max(len(document.signatures), 1)
    first = 0.4 if columns == 1 else 0.34
    return first, (1 - first) / columns


def to_html(document: OfficialDocument) -> str:
    """The document as HTML for WeasyPrint (`officialdoc/document.html`: the one template of the layout)."""
    recipients, signature = footer_widths(document)
    return render_to_string("officialdoc/document.html", {
        "doc": document, "motto": MOTTO, "motto_2": MOTTO_2,
        "recipients_width": f"{recipients * 100:.0f}%", "signature_width": f"{signature * 100:.0f}%",
    })


def to_pdf(document: OfficialDocument) -> bytes:
    try:
        import weasyprint  # heavy: imported only when a PDF is made
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise DocumentNotAvailable(
            _("Không tạo được tệp PDF: thiếu WeasyPrint hoặc thư viện Pango trên máy chủ (chạy `make pdf-libs`): %(error)s")
            % {"error": exc}
        ) from None
    return weasyprint.HTML(string=to_html(document)).write_pdf()


# ---------------------------------------------------------------- Word


FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11.5


def to_docx(document: OfficialDocument) -> bytes:
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt
    except ImportError as exc:
        raise DocumentNotAvailable(
            _("Không tạo được tệp Word: thiếu thư viện python-docx trên máy chủ: %(error)s") % {"error": exc}
        ) from None
    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _east_asian_font(normal, FONT)
    normal.paragraph_format.space_after = Pt(0)
    word.core_properties.title = document.file_title or document.kind
    word.core_properties.language = "vi-VN"
    usable = section.page_width - section.left_margin - section.right_margin

    _header(word, document, usable, Pt)
    _centred(word, vn_upper(document.kind), bold=True, size=14, space_before=12)
    if document.subject:
        _centred(word, document.subject, bold=True)
    for line in document.lines:
        _centred(word, line, italic=True)
    _rule(word)
    for block in document.blocks:
        if isinstance(block, Table):
            _table(word, block, Pt, usable)
        elif isinstance(block, Fields):
            _fields(word, block, Pt)
        else:
            _paragraph(word, block, Pt)
    _footer(word, document, usable, Pt)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _east_asian_font(style, name):
    """Vietnamese letters are drawn from the complex/east-asian slot by some Word versions: set every slot."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _run(paragraph, text, bold=False, italic=False, size=None, underline=False):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return run


def _centred(word, text, bold=False, italic=False, size=None, space_before=0):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(space_before)
    _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _rule(word):
    word.add_paragraph()


def _cell_lines(cell, lines):
    """Write [(text, options)] into a table cell, one paragraph each, centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first = True
    for text, options in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, **options)


def _borderless(table):
    from docx.oxml.ns import qn

    borders = table._tbl.tblPr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    table._tbl.tblPr.append(borders)


def _widths(table, widths):
    """Fixed column widths (EMU), written both in the grid (read by LibreOffice) and on every cell (read by Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _header(word, document, usable, Pt):
    table = word.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [int(usable * 0.42), int(usable * 0.58)])
    left, right = table.rows[0].cells
    lines = []
    if document.governing:
        lines.append((vn_upper(document.governing), {"size": 12}))
    lines.append((vn_upper(document.issuer), {"bold": True, "size": 12, "underline": True}))
    lines.append((document.number, {"size": 13}))
    _cell_lines(left, lines)
    _cell_lines(right, [
        (MOTTO, {"bold": True, "size": 12}),
        (MOTTO_2, {"bold": True, "size": 13, "underline": True}),
        ("", {}),
        (document.place_date, {"italic": True, "size": 13}),
    ])


def _paragraph(word, block, Pt):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    paragraph = word.add_paragraph()
    if block.centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if block.indent:
            paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)
    _run(paragraph, block.text, bold=block.bold, italic=block.italic)


def _fields(word, block, Pt):
    for label, value in block.pairs:
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        _run(paragraph, f"{label}: ")
        _run(paragraph, str(value), bold=True)


def _table(word, block, Pt, usable):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if block.title:
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        _run(paragraph, block.title, bold=True)
    table = word.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.headers):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], str(text), bold=True, size=TABLE_PT)
    _repeat_header(table.rows[0])
    for index, values in enumerate(block.rows):
        cells = table.add_row().cells
        for col, (cell, text) in enumerate(zip(cells, values)):
            if col in block.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(cell.paragraphs[0], str(text), bold=index in block.total_rows, size=TABLE_PT)
    # Text columns three times as wide as figures, the STT column narrow (as in the PDF's layout).
    weights = [0.8 if col == 0 and col in block.numeric else 1 if col in block.numeric else 3
               for col in range(len(block.headers))]
    _widths(table, [int(usable * w / sum(weights)) for w in weights])
    if not block.rows and block.empty:  # one cell across the table (added after the widths: it spans them all)
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
        _run(merged.paragraphs[0], block.empty, italic=True, size=TABLE_PT)
    word.add_paragraph()


def _repeat_header(row):
    """The header row repeats on every page of a long table."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _footer(word, document, usable, Pt):
    columns = 1 + max(len(document.signatures), 1)
    table = word.add_table(rows=1, cols=columns)
    _borderless(table)
    first, each = footer_widths(document)
    _widths(table, [int(usable * first)] + [int(usable * each)] * (columns - 1))
    cells = table.rows[0].cells
    recipients = cells[0].paragraphs[0]
    _run(recipients, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for name in document.recipients:
        _run(cells[0].add_paragraph(), f"- {name};", size=11)
    if document.archive:
        _run(cells[0].add_paragraph(), f"- {document.archive}", size=11)
    for cell, signature in zip(cells[1:], document.signatures):
        lines = []
        if signature.authority:
            lines.append((vn_upper(signature.authority), {"bold": True}))
        lines.append((vn_upper(signature.position), {"bold": True}))
        if signature.hint:
            lines.append((signature.hint, {"italic": True, "size": 11}))
        lines += [("", {})] * 4
        lines.append((signature.name, {"bold": True}))
        _cell_lines(cell, lines)
