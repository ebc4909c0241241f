"""Export of a review drill-down (the people subject to one requirement) to .xlsx."""
import io

import xlsxwriter
from django.utils.translation import gettext as _

from dtbd.core.spreadsheet import write_cell


def drill_down_xlsx(rows, evidence, title):
    """rows: people annotated by views_review.drill_down_people; evidence: {qualification id: Qualification}.
    Returns the bytes of one sheet: STT, code, name, birth date, unit, status, evidence, issued on."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Rà soát"))
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, title, bold)
    columns = [
        (_("STT"), 6), (_("Mã cán bộ"), 12), (_("Họ và tên"), 28), (_("Ngày sinh"), 12), (_("Đơn vị"), 32),
        (_("Tình trạng"), 12), (_("Căn cứ đáp ứng"), 36), (_("Ngày cấp"), 12),
    ]
    for col, (label, width) in enumerate(columns):
        sheet.write_string(2, col, label, header)
        sheet.set_column(col, col, width)
    row = 3
    for n, person in enumerate(rows, start=1):
        q = evidence.get(person.evidence_id)
        values = [
            n, person.code, person.full_name, person.birth_date, person.unit_name,
            _("Chưa đạt") if person.is_missing else _("Đạt"),
            f"{q.get_type_display()}: {q.level_label}" if q else "",
            q.issued_on if q else None,
        ]
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value, date_format)
        row += 1
    sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()
