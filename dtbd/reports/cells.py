"""Cells of a report as people read them: dd/mm/yyyy dates, 40.500 numbers (Vietnamese separators), labels for codes.
Shared by the screen, the .xlsx and the PDF document."""
import datetime
import decimal

from django.utils.translation import gettext as _


class FormatNotAvailable(Exception):
    pass


def vn_number(value) -> str:
    """40500 -> "40.500"; 8.5 -> "8,50" (Vietnamese separators)."""
    if isinstance(value, decimal.Decimal | float):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def text_cell(value) -> str:
    """A cell as people read it: dd/mm/yyyy dates, 40.500 numbers, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, int | float | decimal.Decimal):
        return vn_number(value)
    return str(value)


def display_cells(section, row):
    """[(column, text)] of one row as people read it (labels for codes, dd/mm/yyyy, 40.500)."""
    return list(zip(section.columns, [text_cell(v) for v in section.display_row(row)]))
