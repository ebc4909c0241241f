"""Render any registered report to CSV, .xlsx, PDF or Word (.docx). Shared by the command and the web pages.

CSV is for machines: the header is the column keys and the first cell of each row its code (`TINH`, `ALL`), the
interface of `dtbd report` (a report of several tables, e.g. a person's training history, writes each table with its own
header, separated by an empty line). The .xlsx is for people: a title, the unit and date, Vietnamese headings and row
labels. The PDF and the Word file are the administrative document of Decree 30/2020/NĐ-CP (`document.py`)."""
import csv
import datetime
import decimal
import io
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from dtbd.core.http import file_slug
from dtbd.core.spreadsheet import safe_text

from . import document
from .cells import FormatNotAvailable, display_cells, text_cell, vn_number
from .registry import ALL, PERSON, Report

__all__ = ["CONTENT_TYPES", "FORMATS", "FormatNotAvailable", "ReportResult", "display_cells", "render", "run",
           "text_cell", "to_csv", "to_xlsx", "vn_number"]

FORMATS = ("csv", "xlsx", "pdf", "docx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class ReportResult:
    """A computed report: what was asked, the issuing unit, the heading lines and the tables."""

    report: Report
    subject: object  # the Unit (unit reports) or the Person (person reports)
    unit: object  # the unit issuing the document: the subject, or the person's unit on the date (may be None)
    date: datetime.date
    year: int
    sections: list
    heading: list = field(default_factory=list)

    @property
    def person(self):
        return self.subject if self.report.subject == PERSON else None

    @property
    def rows(self):
        """The rows of the (first) table, codes as in the CSV."""
        return self.sections[0].rows if self.sections else []

    @property
    def file_stem(self):
        """'co-cau-trinh-do-chuyen-mon-theo-cap-hanh-chinh-T01-2026-07-01': the report's Vietnamese title (whatever
        the page's language), the unit's or person's code, the year or the date (ISO, so files sort by date)."""
        when = str(self.year) if self.report.uses_year else self.date.isoformat()
        with translation.override("vi"):
            title = file_slug(str(self.report.title))
        return f"{title}-{self.subject.code}-{when}"

    @property
    def when_label(self):
        if self.report.uses_year:
            return _("Năm %(year)s") % {"year": self.year}
        return _("Tại ngày %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}

    def _display(self, total):
        section = self.sections[0]
        return [section.display_row(r) for r in section.rows if (r[0] == ALL) == total]

    @property
    def body_rows(self):
        """Rows with the first cell replaced by its label, for the screen (the `ALL` row apart: `total_rows`)."""
        return self._display(total=False)

    @property
    def total_rows(self):
        return self._display(total=True)


def run(report: Report, subject, date: datetime.date, year: int | None = None) -> ReportResult:
    """Compute `report` for `subject` (a Unit, or a Person for person reports) on `date` / in `year`."""
    year = year or date.year
    unit, heading = report.heading(subject, date)
    return ReportResult(report, subject, unit, date, year, report.sections(subject, date, year), heading)


# -- cell values ------------------------------------------------------------------------------------------------
def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(value)


# -- CSV --------------------------------------------------------------------------------------------------------
def to_csv(result: ReportResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, section in enumerate(result.sections):
        if i:
            out.write("\n")
        writer.writerow(section.keys)
        for row in section.rows:
            writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# -- .xlsx ------------------------------------------------------------------------------------------------------
def to_xlsx(result: ReportResult) -> bytes:
    import xlsxwriter

    report = result.report
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Báo cáo")[:31])
    title = book.add_format({"bold": True, "font_size": 13})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1, "text_wrap": True, "valign": "vcenter"})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number = book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
    decimal_fmt = book.add_format({"border": 1, "num_format": "0.00", "valign": "top"})
    total_text = book.add_format({"border": 1, "bold": True})
    total_number = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})

    sheet.write_string(0, 0, str(report.title), title)
    r = 1
    if result.person is None:
        sheet.write_string(r, 0, _("Đơn vị: %(name)s (%(code)s)") % {"name": result.unit.name, "code": result.unit.code})
        r += 1
    for label, value in result.heading:
        sheet.write_string(r, 0, f"{label}: {safe_text(text_cell(value))}")
        r += 1
    sheet.write_string(r, 0, result.when_label)
    r += 2
    widths = {}
    first_header = None
    for section in result.sections:
        if section.title:
            sheet.write_string(r, 0, section.title, bold)
            r += 1
        if first_header is None:
            first_header = r
        for col, column in enumerate(section.columns):
            sheet.write_string(r, col, str(column.label), head)
            widths[col] = max(widths.get(col, 0), 28 if col == 0 else (12 if column.numeric else 20))
        r += 1
        if not section.rows and section.empty:
            sheet.write_string(r, 0, section.empty)
            r += 1
        for row in section.rows:
            is_total = row[0] == ALL
            cells = section.display_row(row)
            for col, (column, value, shown) in enumerate(zip(section.columns, row, cells)):
                if column.numeric and isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
                    fmt = decimal_fmt if isinstance(value, decimal.Decimal | float) else number
                    sheet.write_number(r, col, value, total_number if is_total else fmt)
                elif column.numeric and value is None:
                    sheet.write_blank(r, col, None, text)
                else:
                    sheet.write_string(r, col, safe_text(text_cell(shown)), total_text if is_total else text)
            r += 1
        r += 1
    for col, width in widths.items():
        sheet.set_column(col, col, width)
    if len(result.sections) == 1 and first_header is not None:
        sheet.freeze_panes(first_header + 1, 1)
    book.close()
    return buffer.getvalue()


def render(result: ReportResult, fmt: str, **options) -> bytes:
    """The report as bytes in `fmt` (csv in UTF-8). PDF and .docx options: issued_on (date of the document), prepared_by
    (name under NGƯỜI LẬP BIỂU), issuer (unit at the head: document.issuing_unit)."""
    if fmt == "csv":
        return to_csv(result).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "pdf":
        return document.to_pdf(result, **options)
    if fmt == "docx":
        return document.to_docx(result, **options)
    raise FormatNotAvailable(_("Định dạng không hỗ trợ: %(fmt)s (chọn csv, xlsx, pdf hoặc docx)") % {"fmt": fmt})
