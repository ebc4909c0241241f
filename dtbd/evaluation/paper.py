"""Paper forms (phiếu giấy) of a class survey as an Excel file: the institution downloads a roster-like sheet — one
row per learner who completed the class and has not answered, one column per scored item (a lecturer item once per
lecturer) and per free-text question — keys in the forms collected on paper and uploads it back.

An upload is validated whole first (the class code, the header row, every row and cell; errors name the row, the
column letter and header, and the value as written) and refused whole when anything is wrong; a clean file is saved
in one transaction (dtbd.core.importing conventions). A row left empty is a learner who returned no form. On an
anonymous survey the saved forms keep no link to the learner (services.record_paper): only the "has answered"
record is written for them; the file itself is not kept."""
import io

from django.db import transaction
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from dtbd.core.importing import ImportFailed, RowError, cell_text, guard_workbook, read_first_sheet
from dtbd.core.spreadsheet import safe_text, write_cell
from dtbd.people.models import Person

from . import services
from .models import ClassSurvey, Item, Respondent

SHEET = "Phiếu khảo sát"
HELP_SHEET = "Hướng dẫn"
CLASS_CODE_LABEL = "Mã lớp"
FIXED_HEADERS = ["STT", "Mã cán bộ", "Họ và tên"]
HEADER_ROW = 4  # 0-based: Excel row 5, under three title rows and a blank one


def filename(training_class):
    return f"phieu-khao-sat-{training_class.code}.xlsx"


def _columns(survey):
    """[(header, item, lecturer id or None)] of the answer columns."""
    blocks = services.form_blocks(survey.template, survey.training_class)
    columns = []
    for block in blocks:
        for item in block.items:
            header = f"{item.code} – {block.lecturer.display_name}" if block.lecturer else item.code
            columns.append((header, item, block.lecturer.pk if block.lecturer else None))
    return blocks, columns


def _pending(survey):
    ids = services.pending_person_ids(survey)
    return list(Person.objects.filter(pk__in=ids).order_by("name_sort", "code"))


def write_template(survey):
    """The workbook as bytes: the pending learners and the answer columns. A fixed number of queries."""
    import xlsxwriter

    cls = survey.training_class
    blocks, columns = _columns(survey)
    people = _pending(survey)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True, "valign": "top"})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, CLASS_CODE_LABEL, bold)
    sheet.write_string(0, 1, cls.code, bold)
    sheet.write_string(0, 2, safe_text(cls.name), title)
    sheet.write_string(1, 0, "Mẫu phiếu", bold)
    sheet.write_string(1, 1, safe_text(str(survey.template)))
    sheet.write_string(2, 0, "Ẩn danh", bold)
    sheet.write_string(2, 1, "Có" if survey.anonymous else "Không")
    headers = FIXED_HEADERS + [header for header, _item, _lec in columns]
    for col, name in enumerate(headers):
        sheet.write_string(HEADER_ROW, col, name, head)
    for index, person in enumerate(people, 1):
        row = HEADER_ROW + index
        sheet.write_number(row, 0, index)
        write_cell(sheet, row, 1, person.code, date_format)
        write_cell(sheet, row, 2, person.full_name, date_format)
    first = len(FIXED_HEADERS)
    last_row = HEADER_ROW + max(len(people), 1)
    for offset, (_header, item, _lec) in enumerate(columns):
        if item.kind == Item.Kind.SCORE:
            sheet.data_validation(HEADER_ROW + 1, first + offset, last_row, first + offset, {
                "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 10, "error_type": "warning",
                "error_message": "Điểm là số nguyên từ 1 đến 10; để trống nếu phiếu không trả lời câu này."})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 28)
    sheet.set_column(first, first + len(columns), 12)
    sheet.freeze_panes(HEADER_ROW + 1, first)
    guide = book.add_worksheet(HELP_SHEET)
    guide.set_column(0, 0, 16)
    guide.set_column(1, 1, 100)
    guide.write_string(0, 0, "Cách nhập phiếu khảo sát giấy", title)
    lines = [
        "Mỗi dòng là phiếu của một học viên; không sửa mã cán bộ, mã lớp (ô B1) và dòng tiêu đề (dòng 5).",
        "Câu chấm điểm: số nguyên từ 1 đến 10; ô trống = phiếu không trả lời câu đó.",
        "Phiếu bỏ trống quá 5% số câu chấm điểm là phiếu không hợp lệ (vẫn được ghi nhận và đếm riêng).",
        "Học viên không nộp phiếu: để trống cả dòng.",
        "Tệp có lỗi sẽ bị từ chối toàn bộ, kèm danh sách lỗi (dòng, cột, giá trị); sửa rồi tải lên lại.",
    ]
    for row, text in enumerate(lines, start=1):
        guide.write_string(row, 1, text)
    row = len(lines) + 2
    guide.write_string(row, 0, "Mã câu", bold)
    guide.write_string(row, 1, "Nội dung", bold)
    seen = set()
    for block in blocks:
        for item in block.items:
            if item.pk in seen:
                continue
            seen.add(item.pk)
            row += 1
            guide.write_string(row, 0, item.code)
            kind = " (ý kiến)" if item.kind == Item.Kind.TEXT else ""
            guide.write_string(row, 1, safe_text(f"{block.group.title}: {item.text}{kind}"))
    book.close()
    return buffer.getvalue()


def _column(index, header):
    return f"{xl_col_to_name(index)} ({header})"


def _score(value):
    """1..10 from a cell (8, 8.0, "8"); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ValueError
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError
    return value


def read_paper(survey, upload, name=""):
    """Validate a filled-in sheet against the survey. Returns [(person id, Filled)] (nothing saved) or raises
    ImportFailed with every error found."""
    name = name or getattr(upload, "name", "")
    cls = survey.training_class
    if name and not name.lower().endswith(".xlsx"):
        raise ImportFailed([RowError(0, "", name, _(
            "Tệp “%(name)s” không phải tệp Excel .xlsx. Hãy tải mẫu phiếu về, điền rồi tải lên lại.") % {"name": name})])
    guard_workbook(upload)
    rows = read_first_sheet(upload)
    first = [cell_text(v) for v in rows[0]] if rows else []
    file_code = first[1] if len(first) > 1 else ""
    if not first or first[0] != CLASS_CODE_LABEL or file_code.upper() != cls.code.upper():
        raise ImportFailed([RowError(1, _column(1, CLASS_CODE_LABEL), file_code, _(
            "Tệp không phải mẫu phiếu khảo sát của lớp %(code)s (ô B1 phải là mã lớp). Hãy tải mẫu của lớp này về "
            "để điền.") % {"code": cls.code})])
    _blocks, columns = _columns(survey)
    headers = FIXED_HEADERS + [header for header, _item, _lec in columns]
    errors = []
    header_cells = [cell_text(v) for v in rows[HEADER_ROW]] if len(rows) > HEADER_ROW else []
    while header_cells and header_cells[-1] == "":
        header_cells.pop()
    for index, expected in enumerate(headers):
        got = header_cells[index] if index < len(header_cells) else ""
        if got != expected:
            message = (_("Thiếu cột '%(name)s'.") if got == "" else
                       _("Cột này phải là '%(name)s' (không đổi tên, thêm hay bớt cột của mẫu tải về).")) % {"name": expected}
            errors.append(RowError(HEADER_ROW + 1, _column(index, expected), got, message))
    for index in range(len(headers), len(header_cells)):
        if header_cells[index]:
            errors.append(RowError(HEADER_ROW + 1, xl_col_to_name(index), header_cells[index],
                                   _("Cột thừa: mẫu phiếu chỉ có %(n)s cột.") % {"n": len(headers)}))
    if errors:
        raise ImportFailed(errors)

    completed = services.completed_person_ids(cls)
    answered = set(Respondent.objects.filter(training_class=cls).values_list("person_id", flat=True))
    codes = {code.upper(): pk for pk, code in Person.objects.filter(pk__in=completed).values_list("pk", "code")}
    width = len(headers)
    forms, seen, count = [], {}, 0
    for index in range(HEADER_ROW + 1, len(rows)):
        cells = list(rows[index]) + [""] * max(0, width - len(rows[index]))
        texts = [cell_text(v) for v in cells[:width]]
        excel_row = index + 1
        if not any(texts[len(FIXED_HEADERS):]):
            continue  # no form returned (or an empty line)
        count += 1
        code = texts[1]
        person_id = codes.get(code.upper()) if code else None
        if not code:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), "", _("Thiếu mã cán bộ.")))
            continue
        if person_id is None:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), code, _(
                "Cán bộ mã %(code)s không phải học viên đã hoàn thành lớp %(cls)s.") % {"code": code, "cls": cls.code}))
            continue
        if person_id in answered:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), code, _(
                "Cán bộ mã %(code)s đã trả lời phiếu khảo sát của lớp này.") % {"code": code}))
            continue
        if person_id in seen:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), code, _(
                "Cán bộ mã %(code)s xuất hiện hai lần: dòng %(first)s và dòng %(row)s.")
                % {"code": code, "first": seen[person_id], "row": excel_row}))
            continue
        seen[person_id] = excel_row
        filled = services.Filled()
        for offset, (header, item, lecturer_id) in enumerate(columns):
            col = len(FIXED_HEADERS) + offset
            raw, text = cells[col], texts[col]
            if text == "":
                continue
            if item.kind == Item.Kind.TEXT:
                filled.texts[(item.pk, lecturer_id)] = text[:4000]
                continue
            try:
                filled.scores[(item.pk, lecturer_id)] = _score(raw)
            except ValueError:
                errors.append(RowError(excel_row, _column(col, header), text,
                                       _("Điểm phải là số nguyên từ 1 đến 10 (hoặc để trống).")))
        forms.append((person_id, filled))
    if not errors and not forms:
        errors.append(RowError(0, "", "", _("Tệp không có phiếu nào: mỗi phiếu là một dòng có điểm.")))
    if errors:
        raise ImportFailed(errors, rows=count)
    return forms


def import_paper(survey, upload, name=""):
    """Validate the whole file, then save its forms in one transaction (the survey row locked: its anonymity cannot
    change meanwhile). Raises ImportFailed (nothing saved). Returns (forms, valid forms)."""
    with transaction.atomic():
        survey = ClassSurvey.objects.select_for_update().select_related("training_class", "template").get(pk=survey.pk)
        forms = read_paper(survey, upload, name)
        responses = services.record_paper(survey, forms)
    return len(responses), sum(1 for r in responses if r.valid)
