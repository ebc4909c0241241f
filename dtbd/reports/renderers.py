"""Render any registered report to CSV or .xlsx (PDF: a later version). Shared by the command and the web pages.

CSV is for machines: the header is the column keys and the first cell of each row its code (`TINH`, `ALL`), exactly as
in spec/interfaces.md. The .xlsx is for people: a title, the unit and date, Vietnamese headings and row labels."""
import csv
import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dtbd.core.spreadsheet import safe_text

from .registry import ALL, Report

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FormatNotAvailable(Exception):
    pass


@dataclass
class ReportResult:
    """A computed report: what was asked and the rows."""

    report: Report
    unit: object
    date: datetime.date
    year: int
    rows: list[tuple]

    @property
    def file_stem(self):
        when = str(self.year) if self.report.uses_year else self.date.isoformat()
        return f"{self.report.name}_{self.unit.code}_{when}"

    def _display(self, total):
        return [(self.report.row_label(r[0]), *r[1:]) for r in self.rows if (r[0] == ALL) == total]

    @property
    def body_rows(self):
        """Rows with the first cell replaced by its label, for the screen (the `ALL` row apart: `total_rows`)."""
        return self._display(total=False)

    @property
    def total_rows(self):
        return self._display(total=True)


def run(report: Report, unit, date: datetime.date, year: int | None = None) -> ReportResult:
    year = year or date.year
    return ReportResult(report, unit, date, year, report.rows(unit, date, year))


def to_csv(result: ReportResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.report.keys)
    for row in result.rows:
        writer.writerow([safe_text(v) for v in row])
    return out.getvalue()


def to_xlsx(result: ReportResult) -> bytes:
    import xlsxwriter

    report = result.report
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Báo cáo")[:31])
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1, "text_wrap": True, "valign": "vcenter"})
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0"})
    total_text = book.add_format({"border": 1, "bold": True})
    total_number = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})

    sheet.write(0, 0, str(report.title), title)
    if report.uses_year:
        when = _("Năm %(year)s") % {"year": result.year}
    else:
        when = _("Tại ngày %(date)s") % {"date": result.date.strftime("%d/%m/%Y")}
    sheet.write(1, 0, _("Đơn vị: %(name)s (%(code)s)") % {"name": result.unit.name, "code": result.unit.code})
    sheet.write(2, 0, when)
    header_row = 4
    for col, column in enumerate(report.columns):
        sheet.write(header_row, col, str(column.label), head)
        sheet.set_column(col, col, 28 if col == 0 else 12)
    for i, row in enumerate(result.rows):
        is_total = row[0] == ALL
        for col, (column, value) in enumerate(zip(report.columns, row)):
            if col == 0:
                sheet.write_string(header_row + 1 + i, col, str(report.row_label(value)), total_text if is_total else text)
            elif column.numeric:
                sheet.write_number(header_row + 1 + i, col, value, total_number if is_total else number)
            else:
                sheet.write_string(header_row + 1 + i, col, str(value), total_text if is_total else text)
    sheet.freeze_panes(header_row + 1, 1)
    book.close()
    return buffer.getvalue()


def render(result: ReportResult, fmt: str) -> bytes:
    """The report as bytes in `fmt` (csv in UTF-8)."""
    if fmt == "csv":
        return to_csv(result).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "pdf":
        raise FormatNotAvailable(_("Định dạng PDF sẽ có trong phiên bản sau"))
    raise FormatNotAvailable(_("Định dạng không hỗ trợ: %(fmt)s (chọn csv, xlsx hoặc pdf)") % {"fmt": fmt})
