"""Export of a review drill-down (the people subject to one requirement) to .xlsx."""
import io

import xlsxwriter
from django.utils.translation import gettext as _

from dtbd.core.spreadsheet import write_cell


def credit_label(q):
    """A credited qualification in words: the class it came from when known, else its type and name."""
    source = getattr(q, "source", None)
    if source:
        return f"{source['class_code']} — {source['class_name']}"
    return f"{q.get_type_display()}: {q.major or q.level_label}"


def drill_down_xlsx(rows, evidence, title, hours=False, request=None):
    """rows: people annotated by views_review.drill_down_people; evidence: {qualification id: Qualification}.
    Returns the bytes of one sheet: STT, code, name, birth date, unit, status, evidence, issued on. For an hours
    requirement (`hours`: the rows carry `hours`, an engine.HoursStanding) the evidence columns are the period, the
    tiết required and credited, and the certificates counted; a second sheet lists each certificate counted with the
    link to its class (absolute when `request` is given)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Rà soát"))
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, title, bold)
    columns = [
        (_("STT"), 6), (_("Mã cán bộ"), 12), (_("Họ và tên"), 28), (_("Ngày sinh"), 12), (_("Đơn vị"), 32),
        (_("Tình trạng"), 12),
    ]
    if hours:
        columns += [(_("Kỳ tính từ ngày"), 12), (_("đến ngày"), 12), (_("Số tiết yêu cầu"), 10),
                    (_("Số tiết được tính"), 10), (_("Các khoá được tính"), 60)]
    else:
        columns += [(_("Căn cứ đáp ứng"), 36), (_("Ngày cấp"), 12)]
    for col, (label, width) in enumerate(columns):
        sheet.write_string(2, col, label, header)
        sheet.set_column(col, col, width)
    row = 3
    credits = []
    for n, person in enumerate(rows, start=1):
        values = [n, person.code, person.full_name, person.birth_date, person.unit_name,
                  _("Chưa đạt") if person.is_missing else _("Đạt")]
        if hours:
            standing = person.hours
            if standing:
                values += [standing.start, standing.end, standing.required, standing.total]
                for q in standing.credits:
                    credits.append((person, q))
            else:
                values += [None, None, None, None]
        else:
            q = evidence.get(person.evidence_id)
            values += [f"{q.get_type_display()}: {q.level_label}" if q else "", q.issued_on if q else None]
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value, date_format)
        if hours and person.hours and person.hours.credits:
            text = "\n".join(f"{q.issued_on:%d/%m/%Y}: {q.hours} {_('tiết')} — {credit_label(q)}" for q in person.hours.credits)
            write_cell(sheet, row, len(values), text, date_format)
            if len(person.hours.credits) > 1:
                sheet.set_row(row, None, wrap)
        row += 1
    sheet.freeze_panes(3, 0)
    if hours:
        _credits_sheet(book, credits, header, date_format, request)
    book.close()
    return buffer.getvalue()


def _credits_sheet(book, credits, header, date_format, request):
    sheet = book.add_worksheet(_("Khoá được tính"))
    columns = [(_("Mã cán bộ"), 12), (_("Họ và tên"), 28), (_("Ngày cấp"), 12), (_("Số tiết"), 8),
               (_("Khoá học / chứng chỉ"), 50), (_("Liên kết lớp"), 50)]
    for col, (label, width) in enumerate(columns):
        sheet.write_string(0, col, label, header)
        sheet.set_column(col, col, width)
    for row, (person, q) in enumerate(credits, start=1):
        for col, value in enumerate([person.code, person.full_name, q.issued_on, q.hours, credit_label(q)]):
            write_cell(sheet, row, col, value, date_format)
        source = getattr(q, "source", None)
        if source:
            url = request.build_absolute_uri(source["url"]) if request is not None else source["url"]
            sheet.write_url(row, 5, url, string=source["class_code"])
    sheet.freeze_panes(1, 0)
