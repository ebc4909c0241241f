"""A report as an administrative document of Decree 30/2020/NĐ-CP (thể thức văn bản hành chính), in PDF and Word:

- top left, the issuing body: the governing body's name (upper case) over the unit's name (bold, upper case), a
  short rule, then "Số: ……/BC-<abbreviation>";
- top right, the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc" (bold, ruled),
  then place and date in italics ("Tuyên Quang, ngày 05 tháng 01 năm 2027": a 0 before days < 10 and months < 3);
- the title "BÁO CÁO" + the report's title in bold capitals, centred, the as-of date or year, the table(s);
- "Nơi nhận:" bottom left, the signature blocks NGƯỜI LẬP BIỂU and THỦ TRƯỞNG ĐƠN VỊ bottom right;
- A4, portrait (landscape when the table is wide), margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman
  or a metric-compatible font with every Vietnamese glyph (Liberation Serif, DejaVu Serif).

The place is `settings.DTBD_REPORT_PLACE` when set, else read from the root unit's name ("UBND tỉnh Tuyên Quang" →
"Tuyên Quang"). The report is described once as a dtbd.core.officialdoc.OfficialDocument (`official_document`), whose
layout (one template for the PDF, the same rules for the .docx) is the one of every official document the system
writes: `to_pdf` prints it through WeasyPrint (imported only when a PDF is made), `to_docx` writes it as Word for the
office to edit before signing."""
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import scope_of
from dtbd.core import officialdoc
from dtbd.core.officialdoc import document_date, vn_upper
from dtbd.org.models import Unit
from dtbd.org.queries import document_place, header_units

from .cells import FormatNotAvailable, display_cells, text_cell
from .registry import ALL


def abbreviation(unit) -> str:
    """The issuing body's abbreviation after "BC-" (officialdoc.abbreviation of the unit's name)."""
    return officialdoc.abbreviation(unit.name) if unit is not None else ""


# Width of a column in the layout, to choose the orientation: text columns are wider than figures.
LANDSCAPE_WEIGHT = 14


def orientation(result) -> str:
    weight = max((sum(1 if c.numeric else 3 for c in s.columns) for s in result.sections), default=0)
    return "landscape" if weight > LANDSCAPE_WEIGHT else "portrait"


def issuing_unit(user, result):
    """The body at the head of the document (Decree 30/2020/NĐ-CP: tên cơ quan ban hành, số, ký hiệu). A unit report
    is issued by the unit reported on. A person report (training history) is issued by the body of the user who makes
    it — their scope unit, the province (root unit) for a province-wide user — not by the unit the person works in;
    a user without a unit scope (a learner printing their own history) issues it under the person's unit."""
    if result.person is None or user is None:
        return result.unit
    scope = scope_of(user)
    if scope.everything:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first() or result.unit
    if scope.unit_path and user.scope_unit_id:
        return user.scope_unit
    return result.unit


def context(result, issued_on=None, prepared_by="", issuer=None):
    """The parts of the document around the tables: header, title lines, heading, recipients, signer. `issuer`: the
    unit at the head of the document (`issuing_unit`), by default the result's unit."""
    unit = issuer or result.unit
    governing, root = header_units(unit)
    issuer = unit or root
    place = document_place(root)
    issued_on = issued_on or timezone.localdate()
    abbr = abbreviation(issuer)
    recipients = [f"{governing.name}" if governing else _("Cơ quan cấp trên")]
    return {
        "orientation": orientation(result),
        "governing": vn_upper(governing.name) if governing else "",
        "issuer": vn_upper(issuer.name) if issuer else "",
        "number": _("Số: %(blank)s/BC-%(abbr)s") % {"blank": "……", "abbr": abbr} if abbr else _("Số: ……/BC"),
        "place_date": document_date(place, issued_on),
        "title": vn_upper(result.report.title),
        "when": result.when_label,
        "unit_line": (
            _("Đơn vị: %(name)s (gồm cả các đơn vị trực thuộc)") % {"name": result.unit.name}
            if result.person is None and result.unit else ""
        ),
        "heading": [(label, text_cell(value)) for label, value in result.heading],
        "recipients": recipients,
        "archive": _("Lưu: VT, %(abbr)s.") % {"abbr": abbr} if abbr else _("Lưu: VT."),
        "prepared_by": prepared_by,
    }


def official_document(result, **options) -> officialdoc.OfficialDocument:
    """The report as an officialdoc.OfficialDocument, printed as PDF and written as .docx: the header, the title and
    its date or year, the heading lines, the tables (a STT column, the total row in bold) and the signature blocks."""
    ctx = context(result, **options)
    lines = [ctx["when"]] + ([ctx["unit_line"]] if ctx["unit_line"] else [])
    blocks = []
    if ctx["heading"]:
        blocks.append(officialdoc.Fields(ctx["heading"]))
    for section in result.sections:
        headers = [_("STT")] + [column.label for column in section.columns]
        numeric = frozenset([0] + [i for i, column in enumerate(section.columns, 1) if column.numeric])
        rows, totals, number = [], set(), 0
        for index, row in enumerate(section.rows):
            cells = [str(value) for _column, value in display_cells(section, row)]
            if row[0] == ALL:
                totals.add(index)
                rows.append([""] + cells)
            else:
                number += 1
                rows.append([str(number)] + cells)
        blocks.append(officialdoc.Table(headers, rows, title=section.title or "", numeric=numeric,
                                        total_rows=frozenset(totals),
                                        empty=str(section.empty or _("Không có số liệu."))))
    return officialdoc.OfficialDocument(
        governing=ctx["governing"], issuer=ctx["issuer"], number=ctx["number"], place_date=ctx["place_date"],
        kind=_("BÁO CÁO"), subject=ctx["title"], lines=lines, blocks=blocks,
        recipients=ctx["recipients"], archive=ctx["archive"],
        signatures=[
            officialdoc.Signature(_("NGƯỜI LẬP BIỂU"), name=ctx["prepared_by"], hint=_("(Ký, ghi rõ họ tên)")),
            officialdoc.Signature(_("THỦ TRƯỞNG ĐƠN VỊ"), hint=_("(Ký tên, đóng dấu)")),
        ],
        landscape=ctx["orientation"] == "landscape", file_title=ctx["title"],
    )


def document_html(result, **options) -> str:
    """The HTML the PDF is printed from (`dtbd report-samples` writes it next to the PDF)."""
    return officialdoc.to_html(official_document(result, **options))


def to_pdf(result, **options) -> bytes:
    try:
        return officialdoc.to_pdf(official_document(result, **options))
    except officialdoc.DocumentNotAvailable as exc:
        raise FormatNotAvailable(str(exc)) from None


def to_docx(result, **options) -> bytes:
    try:
        return officialdoc.to_docx(official_document(result, **options))
    except officialdoc.DocumentNotAvailable as exc:
        raise FormatNotAvailable(str(exc)) from None
