"""The PDF of a report, laid out as an administrative document of Decree 30/2020/NĐ-CP (thể thức văn bản hành chính):

- top left, the issuing body: the governing body's name (upper case) over the unit's name (bold, upper case), a
  short rule, then "Số: ……/BC-<abbreviation>";
- top right, the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc" (bold, ruled),
  then place and date in italics ("Tuyên Quang, ngày 05 tháng 01 năm 2027": a 0 before days < 10 and months < 3);
- the title "BÁO CÁO" + the report's title in bold capitals, centred, the as-of date or year, the table(s);
- "Nơi nhận:" bottom left, the signature blocks NGƯỜI LẬP BIỂU and THỦ TRƯỞNG ĐƠN VỊ bottom right;
- A4, portrait (landscape when the table is wide), margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman
  or a metric-compatible font with every Vietnamese glyph (Liberation Serif, DejaVu Serif).

The place is `settings.DTBD_REPORT_PLACE` when set, else read from the root unit's name ("UBND tỉnh Tuyên Quang" →
"Tuyên Quang"). WeasyPrint is imported only when a PDF is made."""
import datetime
import re
import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import scope_of
from dtbd.org.models import Unit

from .cells import FormatNotAvailable, display_cells, text_cell
from .registry import ALL

_PLACE_PREFIXES = re.compile(
    r"^\s*(?:(?:ủy|uỷ) ban nhân dân|ubnd|hđnd|hội đồng nhân dân|tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ)\s+", re.IGNORECASE
)
_PLACE_KINDS = re.compile(r"^\s*(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


def vn_upper(text) -> str:
    return str(text or "").upper()


def place_of(root_name: str) -> str:
    """"UBND tỉnh Tuyên Quang" → "Tuyên Quang"; "Ủy ban nhân dân thành phố Hà Nội" → "Hà Nội"."""
    name = _PLACE_PREFIXES.sub("", root_name or "")
    return _PLACE_KINDS.sub("", name).strip() or (root_name or "").strip()


def abbreviation(unit) -> str:
    """The issuing body's abbreviation after "BC-": the initials of its name ("Sở Nội vụ" → "SNV"), a word already in
    capitals kept whole ("UBND tỉnh Tuyên Quang" → "UBND")."""
    if unit is None:
        return ""
    words = [w for w in re.split(r"[\s,.\-–()]+", unit.name) if w]
    if words and len(words[0]) > 1 and words[0].isupper():
        return _initial_letters(words[0])
    return "".join(_initial_letters(w[0]) for w in words if w.casefold() not in _SMALL_WORDS and w[0].isalnum())


_SMALL_WORDS = {"và", "của"}


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


def header_units(unit):
    """(governing body, root unit) of `unit`: its parent and the top of its tree (one query), None when absent."""
    if unit is None:
        return None, Unit.objects.filter(parent__isnull=True).order_by("path").first()
    ids = [int(seg) for seg in unit.path.strip("/").split("/") if seg]
    wanted = {ids[0] if ids else unit.pk, unit.parent_id} - {None, unit.pk}
    found = {unit.pk: unit, **({u.pk: u for u in Unit.objects.filter(pk__in=wanted)} if wanted else {})}
    return found.get(unit.parent_id), found.get(ids[0] if ids else unit.pk, unit)


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
    """`issuer`: the unit at the head of the document (`issuing_unit`), by default the result's unit."""
    unit = issuer or result.unit
    governing, root = header_units(unit)
    issuer = unit or root
    place = getattr(settings, "DTBD_REPORT_PLACE", "") or place_of(root.name if root else "")
    issued_on = issued_on or timezone.localdate()
    abbr = abbreviation(issuer)
    tables = []
    for section in result.sections:
        rows = []
        for row in section.rows:
            rows.append({"total": row[0] == ALL, "cells": display_cells(section, row)})
        tables.append({"section": section, "rows": rows})
    recipients = [f"{governing.name}" if governing else _("Cơ quan cấp trên")]
    return {
        "result": result,
        "report": result.report,
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
        "tables": tables,
        "recipients": recipients,
        "archive": _("Lưu: VT, %(abbr)s.") % {"abbr": abbr} if abbr else _("Lưu: VT."),
        "prepared_by": prepared_by,
    }


def document_html(result, **options) -> str:
    return render_to_string("reports/pdf/document.html", context(result, **options))


def to_pdf(result, **options) -> bytes:
    try:
        import weasyprint  # heavy: imported only when a PDF is made
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise FormatNotAvailable(
            _("Không tạo được tệp PDF: thiếu WeasyPrint hoặc thư viện Pango trên máy chủ (chạy `make pdf-libs`): %(error)s")
            % {"error": exc}
        ) from None
    return weasyprint.HTML(string=document_html(result, **options)).write_pdf()
