"""Shared spreadsheet writing: one cell writer and one formula-injection guard for every export."""
import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (formula injection)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def write_cell(sheet, row, col, value, date_format, guard=True):
    """Write `value` with its proper type: dates as real Excel dates (dd/mm/yyyy), numbers as numbers, text as text
    (guarded against formula injection unless guard=False). Empty values leave the cell blank."""
    if value is None or value == "":
        return
    if isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime(value.year, value.month, value.day), date_format)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(safe_text(value) if guard else value))
