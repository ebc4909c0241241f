"""The class roster as an Excel file (danh sách lớp): written with the current attendance codes and draft scores,
filled in by the institution, uploaded back.

An upload is validated whole first (header, every row, every cell; errors name the row, the column letter and
header, and the value as written) and refused whole when anything is wrong; only a clean file is saved, attendance
and draft scores in one transaction (dtbd.core.importing conventions)."""
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from dtbd.core.importing import ImportFailed, RowError, cell_text, guard_workbook, read_first_sheet
from dtbd.core.spreadsheet import safe_text, write_cell
from dtbd.core.text import fold_code

from ..models import Assessment, Attendance, ClassSession
from . import results

SHEET = "Danh sách lớp"
HELP_SHEET = "Hướng dẫn"
FIXED_HEADERS = ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị"]
NOTE_HEADER = "Ghi chú"
CLASS_CODE_LABEL = "Mã lớp"
# Attendance codes of the sheet (the file format: never translated).
CODES = {"C": Attendance.Status.PRESENT, "P": Attendance.Status.EXCUSED, "V": Attendance.Status.ABSENT}
CODE_OF = {status: code for code, status in CODES.items()}
ALIASES = {"comat": "C", "vangcophep": "P", "vangkhongphep": "V"}
HEADER_ROW = 4  # 0-based index of the header row (Excel row 5): three title rows and a blank row above it


def session_header(number, session):
    return f"Buổi {number} – {session.date:%d/%m/%Y}"


def _layout(cls):
    sessions = list(ClassSession.objects.filter(training_class=cls).order_by("date", "start_time", "pk"))
    assessments = list(Assessment.objects.filter(training_class=cls))
    headers = FIXED_HEADERS + [session_header(i, s) for i, s in enumerate(sessions, 1)] + [a.name for a in assessments]
    return sessions, assessments, headers + [NOTE_HEADER]


def filename(cls):
    return f"danh-sach-lop-{cls.code}.xlsx"


# ---------------------------------------------------------------- writing


def write_roster(cls):
    """The roster workbook as bytes. A fixed number of queries whatever the number of learners."""
    import xlsxwriter

    sessions, assessments, headers = _layout(cls)
    marks = results.attendance_marks(cls)
    if cls.results_locked:  # read-only copy: the learners' outcomes and their current submitted scores
        learners = list(results.learners(cls))
        scores = {(enr_id, a_id): v for enr_id, r in results.current_results(cls).items() for a_id, v in r.score_map.items()}
    else:  # the working roster: enrolled learners and their draft scores
        learners = list(results.learners(cls, states=(results.State.ENROLLED,)))
        scores = results.draft_scores(cls)

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True, "valign": "top"})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    score_format = book.add_format({"num_format": "0.0#"})
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, CLASS_CODE_LABEL, bold)
    sheet.write_string(0, 1, cls.code, bold)
    sheet.write_string(0, 2, safe_text(cls.name), title)
    sheet.write_string(1, 0, "Chương trình", bold)
    sheet.write_string(1, 1, safe_text(cls.program.name))
    sheet.write_string(2, 0, "Thời gian", bold)
    sheet.write_string(2, 1, f"{cls.starts_on:%d/%m/%Y} – {cls.ends_on:%d/%m/%Y}")
    for col, name in enumerate(headers):
        sheet.write_string(HEADER_ROW, col, name, head)  # the file format: read back as written
    first_session = len(FIXED_HEADERS)
    first_assessment = first_session + len(sessions)
    for index, enr in enumerate(learners, 1):
        row = HEADER_ROW + index
        sheet.write_number(row, 0, index)
        write_cell(sheet, row, 1, enr.person.code, date_format)
        write_cell(sheet, row, 2, enr.person.full_name, date_format)
        write_cell(sheet, row, 3, enr.unit_name or "", date_format)
        for offset, session in enumerate(sessions):
            status = marks.get((session.pk, enr.pk))
            if status:
                sheet.write_string(row, first_session + offset, CODE_OF[status])
        for offset, assessment in enumerate(assessments):
            value = scores.get((enr.pk, assessment.pk))
            if value is not None:
                sheet.write_number(row, first_assessment + offset, float(value), score_format)
    last = HEADER_ROW + max(len(learners), 1)
    if sessions:
        sheet.data_validation(HEADER_ROW + 1, first_session, last, first_assessment - 1, {
            "validate": "list", "source": list(CODES), "error_type": "warning",
            "error_message": "Dùng C (có mặt), P (vắng có phép) hoặc V (vắng không phép).",
        })
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 3, 28)
    if sessions:
        sheet.set_column(first_session, first_assessment - 1, 12)
    if assessments:
        sheet.set_column(first_assessment, first_assessment + len(assessments) - 1, 14)
    sheet.set_column(len(headers) - 1, len(headers) - 1, 30)
    sheet.freeze_panes(HEADER_ROW + 1, first_session)

    guide = book.add_worksheet(HELP_SHEET)
    guide.set_column(0, 0, 100)
    lines = [
        ("Cách điền danh sách lớp", title),
        ("Mỗi dòng là một học viên; không sửa các cột Mã cán bộ và tên các cột ở dòng tiêu đề (dòng 5).", None),
        ("Cột “Buổi …”: điểm danh bằng mã C = có mặt, P = vắng có phép, V = vắng không phép;", None),
        ("ô trống = chưa điểm danh buổi đó. Vắng có phép được tính là có mặt khi xét hoàn thành.", None),
        ("Cột bài kiểm tra, đánh giá: điểm từ 0 đến 10, viết 7,5 hoặc 7.5 (tối đa 2 chữ số thập phân);", None),
        ("ô trống = giữ nguyên điểm đã nhập trước đó.", None),
        (f"Điểm đạt của mỗi bài: {results.vn_decimal(cls.pass_score)}; "
         f"tỷ lệ chuyên cần tối thiểu: {cls.min_attendance_pct}%.", None),
        ("Tệp có lỗi sẽ bị từ chối toàn bộ, kèm danh sách lỗi (dòng, cột, giá trị); sửa rồi tải lên lại.", None),
    ]
    for row, (text, fmt) in enumerate(lines):
        guide.write_string(row, 0, text, fmt) if fmt else guide.write_string(row, 0, text)
    book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------- reading


@dataclass
class RosterReport:
    rows: int = 0
    marks: dict = field(default_factory=dict)  # {(session id, enrollment id): status or ""}
    scores: dict = field(default_factory=dict)  # {(enrollment id, assessment id): Decimal}
    attendance_written: int = 0
    attendance_removed: int = 0
    scores_written: int = 0

    def summary(self):
        return _(
            "Đã nhận %(rows)s dòng: %(att)s ô điểm danh được ghi, %(removed)s ô điểm danh được xoá, "
            "%(scores)s điểm được ghi."
        ) % {"rows": self.rows, "att": self.attendance_written, "removed": self.attendance_removed,
             "scores": self.scores_written}


def _column(index, header):
    return f"{xl_col_to_name(index)} ({header})"


def _parse_mark(text):
    if not text:
        return ""
    code = text.strip().upper()
    if code in CODES:
        return CODES[code]
    alias = ALIASES.get(fold_code(text))
    if alias:
        return CODES[alias]
    raise ValueError


def _read_sheet(upload):
    """Rows of the "Danh sách lớp" sheet (the first sheet when the user renamed it)."""
    from python_calamine import CalamineWorkbook

    # calamine builds the whole grid from A1 to the farthest cell: refuse a huge or bomb sheet before it opens one
    guard_workbook(upload, sheet=SHEET)
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
        if SHEET in workbook.sheet_names:
            return workbook.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 — unreadable: read_first_sheet reports it in the house format
        pass
    if hasattr(upload, "seek"):
        upload.seek(0)
    return read_first_sheet(upload)


def read_roster(cls, upload, name=""):
    """Validate a filled-in roster against the class. Returns a RosterReport (nothing saved) or raises ImportFailed
    with every error found."""
    name = name or getattr(upload, "name", "")
    if name and not name.lower().endswith(".xlsx"):
        raise ImportFailed([RowError(0, "", name, _(
            "Tệp “%(name)s” không phải tệp Excel .xlsx. Hãy tải danh sách lớp về, điền rồi tải lên lại."
        ) % {"name": name})])
    rows = _read_sheet(upload)
    sessions, assessments, headers = _layout(cls)
    enrolled = {enr.person.code.upper(): enr for enr in results.learners(cls, states=(results.State.ENROLLED,))}
    errors = []

    # The file must be this class's roster: "Mã lớp" in A1, the class code in B1.
    first = [cell_text(v) for v in rows[0]] if rows else []
    file_code = first[1] if len(first) > 1 else ""
    if not first or first[0] != CLASS_CODE_LABEL or file_code.upper() != cls.code.upper():
        errors.append(RowError(1, _column(1, CLASS_CODE_LABEL), file_code, _(
            "Tệp không phải danh sách lớp %(code)s (ô B1 phải là mã lớp). Hãy tải danh sách của lớp này về để điền."
        ) % {"code": cls.code}))
        raise ImportFailed(errors)
    header_cells = [cell_text(v) for v in rows[HEADER_ROW]] if len(rows) > HEADER_ROW else []
    while header_cells and header_cells[-1] == "":
        header_cells.pop()
    for index, expected in enumerate(headers):
        got = header_cells[index] if index < len(header_cells) else ""
        if got == expected:
            continue
        if got == "":
            message = _("Thiếu cột '%(name)s'.") % {"name": expected}
        else:
            message = _("Cột này phải là '%(name)s' (không đổi tên, thêm hay bớt cột của danh sách tải về).") % {
                "name": expected}
        errors.append(RowError(HEADER_ROW + 1, _column(index, expected), got, message))
    for index in range(len(headers), len(header_cells)):
        if header_cells[index]:
            errors.append(RowError(HEADER_ROW + 1, xl_col_to_name(index), header_cells[index],
                                   _("Cột thừa: danh sách lớp chỉ có %(n)s cột.") % {"n": len(headers)}))
    if errors:
        raise ImportFailed(errors)

    report = RosterReport()
    first_session = len(FIXED_HEADERS)
    first_assessment = first_session + len(sessions)
    seen = {}
    width = len(headers)
    for index in range(HEADER_ROW + 1, len(rows)):
        cells = list(rows[index]) + [""] * max(0, width - len(rows[index]))
        texts = [cell_text(v) for v in cells[:width]]
        if not any(texts[1:]):
            continue
        excel_row = index + 1
        report.rows += 1
        code = texts[1]
        if not code:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), "", _("Thiếu mã cán bộ.")))
            continue
        enr = enrolled.get(code.upper())
        if enr is None:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), code, _(
                "Cán bộ mã %(code)s không có trong danh sách lớp %(cls)s."
            ) % {"code": code, "cls": cls.code}))
            continue
        if enr.pk in seen:
            errors.append(RowError(excel_row, _column(1, "Mã cán bộ"), code, _(
                "Cán bộ mã %(code)s xuất hiện hai lần: dòng %(first)s và dòng %(row)s (trùng dòng)."
            ) % {"code": code, "first": seen[enr.pk], "row": excel_row}))
            continue
        seen[enr.pk] = excel_row
        for offset, session in enumerate(sessions):
            col = first_session + offset
            try:
                report.marks[(session.pk, enr.pk)] = _parse_mark(texts[col])
            except ValueError:
                errors.append(RowError(excel_row, _column(col, headers[col]), texts[col], _(
                    "Mã điểm danh không hợp lệ: dùng C (có mặt), P (vắng có phép), V (vắng không phép) hoặc để trống."
                )))
        for offset, assessment in enumerate(assessments):
            col = first_assessment + offset
            raw = cells[col]
            try:
                value = results.parse_score(raw if not isinstance(raw, str) else raw.strip())
            except ValidationError as exc:
                errors.append(RowError(excel_row, _column(col, headers[col]), texts[col], " ".join(exc.messages)))
                continue
            if value is not None:  # empty cell: the score stays as it is
                report.scores[(enr.pk, assessment.pk)] = value
    if errors:
        raise ImportFailed(errors)
    return report


def import_roster(cls, upload, user=None, name=""):
    """Validate the whole file, then save its attendance and draft scores in one transaction. Raises ImportFailed
    (nothing saved) or ValidationError (results locked)."""
    if cls.results_locked:
        raise ValidationError(_("Kết quả lớp %(code)s đã chốt; không thể nhập danh sách lớp.") % {"code": cls.code})
    report = read_roster(cls, upload, name)
    with transaction.atomic():
        report.attendance_written, report.attendance_removed = results.record_attendance(cls, report.marks, user)
        report.scores_written = results.save_draft_scores(cls, report.scores, user)
    return report
