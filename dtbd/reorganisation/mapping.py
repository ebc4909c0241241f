"""The mapping file (sap-xep.xlsx, docs/domain.md §15): headers in row 1 exactly (Mã đơn vị cũ, Mã đơn vị mới, Ghi
chú), data from row 2, first sheet; refused whole, every error as (row, column, value, message)."""
from django.utils.translation import gettext as _

from dtbd.core.importing import (
    ImportFailed,
    RowError,
    cell_text,
    check_headers,
    count_data_rows,
    data_rows,
    read_first_sheet,
)

from . import services
from .services import HEADERS, Row


def read_rows(source):
    """The rows of the file ([Row]); raises ImportFailed for an unreadable file or wrong headers."""
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors, rows=count_data_rows(rows))
    result = []
    for row_no, cells in data_rows(rows, len(HEADERS)):
        old, new, note = (cell_text(v) for v in cells[: len(HEADERS)])
        result.append(Row(row_no, old, new, note[:255]))
    if not result:
        raise ImportFailed([RowError(2, "", "", _("Tệp không có dòng dữ liệu nào."))])
    return result


def load(source, day, abolish_level=""):
    """Read and check the file: the Mapping, or ImportFailed with every error."""
    rows = read_rows(source)
    notes = sorted({r.note for r in rows if r.note})
    try:
        return services.check(rows, day, abolish_level, note="; ".join(notes)[:255])
    except services.Refused as refused:
        raise ImportFailed(refused.errors, rows=len(rows)) from refused
