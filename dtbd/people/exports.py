"""Export of the (filtered, scoped) staff list to .xlsx, written row by row with xlsxwriter's constant_memory mode.

The rows are read in chunks of ids; each chunk gets its display columns in one query (correlated subqueries on the
indexed history tables) and its planned posts in another, so memory stays flat whatever the number of people."""
import datetime
import tempfile

import xlsxwriter
from django.utils.translation import gettext as _

from dtbd.core.spreadsheet import write_cell

from . import queries
from .catalog import Category, Gender, PostLevel, QualificationType, level_label
from .models import Person

CHUNK = 2000


from .masking import mask_citizen_id, mask_phone  # noqa: E402,F401  (one masking rule: dtbd.people.masking)


def columns():
    """(header, width) of every column, in order."""
    return [
        (_("STT"), 6),
        (_("Mã cán bộ"), 12),
        (_("Họ và tên"), 26),
        (_("Ngày sinh"), 11),
        (_("Giới tính"), 8),
        (_("Dân tộc"), 10),
        (_("Số CCCD"), 14),
        (_("Email"), 24),
        (_("Điện thoại"), 12),
        (_("Đơn vị"), 30),
        (_("Loại"), 14),
        (_("Mã ngạch"), 11),
        (_("Ngạch / chức danh"), 24),
        (_("Chức vụ"), 28),
        (_("Cấp chức vụ"), 22),
        (_("Vị trí việc làm"), 24),
        (_("Trình độ chuyên môn"), 16),
        (_("Lý luận chính trị"), 14),
        (_("Quản lý nhà nước"), 18),
        (_("Ngoại ngữ"), 18),
        (_("Tin học"), 10),
        (_("Đảng viên"), 9),
        (_("Ngày vào Đảng"), 12),
        (_("Ngày tuyển dụng"), 12),
        (_("Quy hoạch"), 24),
        (_("Ngày thôi công tác"), 12),
    ]


def _chunks(iterator, size):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_staff_xlsx(people, path, *, show_citizen_id, today=None, progress=None):
    """Write the people of the queryset `people` (already scoped and filtered, ordered) to an .xlsx file at `path`.
    Returns the number of rows written. `progress(rows_written)` is called after each chunk (background job)."""
    today = today or datetime.date.today()
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("Danh sách cán bộ")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E7EEF8", "border": 1, "text_wrap": True, "valign": "vcenter"})
    date_fmt = workbook.add_format({"num_format": "dd/mm/yyyy"})
    cols = columns()
    for index, (title, width) in enumerate(cols):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 3)
    for index, (title, _width) in enumerate(cols):
        sheet.write_string(0, index, title, header)

    categories, genders, posts = dict(Category.choices), dict(Gender.choices), dict(PostLevel.choices)
    extra = queries.export_columns(today)
    row_no = 0
    ids = people.values_list("pk", flat=True).iterator(chunk_size=CHUNK)
    for chunk in _chunks(ids, CHUNK):
        rows = Person.objects.filter(pk__in=chunk).select_related("ethnicity").annotate(**extra).order_by()
        by_pk = {row.pk: row for row in rows}
        planned = queries.planned_levels_by_person(chunk)
        for pk in chunk:
            person = by_pk.get(pk)
            if person is None:
                continue
            row_no += 1
            language = ""
            if person.lang_level:
                language = f"{person.lang_name or ''} {level_label(QualificationType.LANGUAGE, person.lang_level)}".strip()
            values = [
                row_no,
                person.code,
                person.full_name,
                person.birth_date,
                genders.get(person.gender, person.gender),
                person.ethnicity.name,
                (person.citizen_id or "") if show_citizen_id else mask_citizen_id(person.citizen_id),
                person.email,
                (person.phone or "") if show_citizen_id else mask_phone(person.phone),
                person.unit_name or "",
                categories.get(person.category_code, person.category_code or ""),
                person.rank_code or "",
                person.rank_name or "",
                person.post_title or "",
                posts.get(person.post_level, person.post_level or ""),
                person.job_name or "",
                _label(QualificationType.EDUCATION, person.edu_level),
                _label(QualificationType.POLITICAL, person.llct_level),
                _label(QualificationType.STATE_MGMT, person.qlnn_level),
                language,
                _label(QualificationType.IT, person.it_level),
                _("Có") if person.party_member else _("Không"),
                person.party_joined_on,
                person.recruited_on,
                "; ".join(str(posts.get(level, level)) for level in planned.get(pk, [])),
                person.left_on,
            ]
            for col, value in enumerate(values):
                write_cell(sheet, row_no, col, value, date_fmt)
        if progress is not None:
            progress(row_no)
    sheet.autofilter(0, 0, max(row_no, 1), len(cols) - 1)
    workbook.close()
    return row_no


def _label(qtype, code):
    return str(level_label(qtype, code)) if code else ""


def staff_xlsx_file(people, *, show_citizen_id):
    """The export written to an anonymous temporary file (removed when closed), rewound for streaming."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")
    write_staff_xlsx(people, handle.name, show_citizen_id=show_citizen_id)
    handle.seek(0)
    return handle
