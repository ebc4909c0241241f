"""The class roster .xlsx: download contents, and uploads validated whole (refused whole with precise messages,
nothing saved) or saved in one transaction."""
import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dtbd.core.importing import ImportFailed
from dtbd.people.testing import make_person
from dtbd.training.models import Assessment, Attendance, Result, Score, TrainingClass
from dtbd.training.services import results, roster
from dtbd.training.testing import enroll, make_class

P, E, A = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT


@pytest.fixture
def setup(tree):
    start = timezone.localdate() - datetime.timedelta(days=10)
    cls = make_class("DS01", capacity=10, starts_on=start, ends_on=start + datetime.timedelta(days=3), sessions=3)
    a1 = Assessment.objects.create(training_class=cls, name="Bài kiểm tra", order=1)
    a2 = Assessment.objects.create(training_class=cls, name="Bài thu hoạch", kind="ESSAY", order=2)
    p1 = make_person(tree.phong_a, code="CB001", full_name="Nguyễn Văn An")
    p2 = make_person(tree.phong_b, code="CB002", full_name="Lê Thị Bình")
    make_person(tree.phong_b, code="CB099", full_name="Người ngoài lớp")
    e1, e2 = enroll(cls, p1), enroll(cls, p2)
    cls.status = TrainingClass.Status.RUNNING
    cls.save(update_fields=["status"])
    return cls, list(cls.sessions.order_by("date")), (a1, a2), (e1, e2)


def _headers(cls, sessions):
    return (["STT", "Mã cán bộ", "Họ và tên", "Đơn vị"]
            + [f"Buổi {i} – {s.date:%d/%m/%Y}" for i, s in enumerate(sessions, 1)]
            + ["Bài kiểm tra", "Bài thu hoạch", "Ghi chú"])


def _xlsx(cls, sessions, data, headers=None, code=None):
    """A roster as a user would fill it: title rows, the header on row 5, `data` rows from row 6."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách lớp")
    sheet.write_row(0, 0, ["Mã lớp", code or cls.code, cls.name])
    sheet.write_row(4, 0, headers or _headers(cls, sessions))
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)):
                sheet.write_number(5 + r, c, value)
            else:
                sheet.write_string(5 + r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = "danh-sach.xlsx"
    return buffer


def _sheet(data):
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.sheet_names, book.get_sheet_by_index(0).to_python(skip_empty_area=False)


@pytest.mark.django_db
def test_download_lists_enrolled_learners_with_codes_and_draft_scores(setup):
    cls, sessions, (a1, a2), (e1, e2) = setup
    results.record_attendance(cls, {(sessions[0].pk, e1.pk): P, (sessions[1].pk, e1.pk): E, (sessions[2].pk, e1.pk): A})
    results.save_draft_scores(cls, {(e1.pk, a1.pk): "7,5"})
    names, rows = _sheet(roster.write_roster(cls))
    assert names == ["Danh sách lớp", "Hướng dẫn"]
    assert rows[0][:2] == ["Mã lớp", "DS01"]
    assert [str(v) for v in rows[4] if v != ""] == _headers(cls, sessions)
    by_code = {row[1]: row for row in rows[5:]}
    assert set(by_code) == {"CB001", "CB002"}
    an = by_code["CB001"]
    assert an[2] == "Nguyễn Văn An" and an[3] == "Phòng Tổ chức"
    assert an[4:7] == ["C", "P", "V"] and an[7] == 7.5 and an[8] == ""
    assert by_code["CB002"][4:9] == ["", "", "", "", ""]


@pytest.mark.django_db
def test_valid_upload_saves_attendance_and_draft_scores(setup):
    cls, sessions, (a1, a2), (e1, e2) = setup
    results.save_draft_scores(cls, {(e2.pk, a2.pk): 6})
    upload = _xlsx(cls, sessions, [
        [1, "CB001", "Nguyễn Văn An", "", "C", "p", "V", "7,5", 8, ""],
        [2, "cb002", "Lê Thị Bình", "", "Có mặt", "C", "", 9.25, "", "ô trống giữ điểm cũ"],
    ])
    report = roster.import_roster(cls, upload)
    assert report.rows == 2 and report.attendance_written == 5 and report.scores_written == 3
    marks = results.attendance_marks(cls)
    assert marks == {(sessions[0].pk, e1.pk): P, (sessions[1].pk, e1.pk): E, (sessions[2].pk, e1.pk): A,
                     (sessions[0].pk, e2.pk): P, (sessions[1].pk, e2.pk): P}
    assert results.draft_scores(cls) == {
        (e1.pk, a1.pk): Decimal("7.5"), (e1.pk, a2.pk): Decimal("8"), (e2.pk, a1.pk): Decimal("9.25"),
        (e2.pk, a2.pk): Decimal("6"),
    }
    assert "2 dòng" in report.summary()


def _refused(cls, upload):
    with pytest.raises(ImportFailed) as info:
        roster.import_roster(cls, upload)
    return [str(e) for e in info.value.errors]


def _nothing_saved():
    assert not Attendance.objects.exists()
    assert not Score.objects.exists() and not Result.objects.exists()


@pytest.mark.django_db
def test_unknown_person_refuses_the_whole_file(setup):
    cls, sessions, _assessments, _enrolments = setup
    errors = _refused(cls, _xlsx(cls, sessions, [
        [1, "CB001", "Nguyễn Văn An", "", "C", "C", "C", 8, 8, ""],
        [2, "CB099", "Người ngoài lớp", "", "C", "C", "C", 8, 8, ""],
        [3, "XYZ", "Không có", "", "C", "", "", "", "", ""],
    ]))
    assert errors == [
        "Dòng 7, cột 'B (Mã cán bộ)': 'CB099' — Cán bộ mã CB099 không có trong danh sách lớp DS01.",
        "Dòng 8, cột 'B (Mã cán bộ)': 'XYZ' — Cán bộ mã XYZ không có trong danh sách lớp DS01.",
    ]
    _nothing_saved()


@pytest.mark.django_db
def test_bad_scores_and_codes_refuse_the_whole_file(setup):
    cls, sessions, _assessments, _enrolments = setup
    errors = _refused(cls, _xlsx(cls, sessions, [
        [1, "CB001", "Nguyễn Văn An", "", "C", "C", "X", 11, "tám", ""],
        [2, "CB002", "Lê Thị Bình", "", "C", "C", "C", "7,5", "-1", ""],
    ]))
    day3 = f"{sessions[2].date:%d/%m/%Y}"
    assert errors == [
        f"Dòng 6, cột 'G (Buổi 3 – {day3})': 'X' — Mã điểm danh không hợp lệ: dùng C (có mặt), P (vắng có phép), "
        "V (vắng không phép) hoặc để trống.",
        "Dòng 6, cột 'H (Bài kiểm tra)': '11' — Điểm phải từ 0 đến 10.",
        "Dòng 6, cột 'I (Bài thu hoạch)': 'tám' — Điểm phải là một số (ví dụ 7,5).",
        "Dòng 7, cột 'I (Bài thu hoạch)': '-1' — Điểm phải từ 0 đến 10.",
    ]
    _nothing_saved()


@pytest.mark.django_db
def test_duplicate_row_names_both_rows(setup):
    cls, sessions, _assessments, _enrolments = setup
    errors = _refused(cls, _xlsx(cls, sessions, [
        [1, "CB001", "Nguyễn Văn An", "", "C", "C", "C", 8, 8, ""],
        [2, "CB002", "Lê Thị Bình", "", "C", "C", "C", 8, 8, ""],
        [3, "CB001", "Nguyễn Văn An", "", "V", "V", "V", 2, 2, ""],
    ]))
    assert errors == [
        "Dòng 8, cột 'B (Mã cán bộ)': 'CB001' — Cán bộ mã CB001 xuất hiện hai lần: dòng 6 và dòng 8 (trùng dòng)."
    ]
    _nothing_saved()


@pytest.mark.django_db
def test_renamed_or_missing_header_columns(setup):
    cls, sessions, _assessments, _enrolments = setup
    headers = _headers(cls, sessions)
    headers[2] = "Tên"
    errors = _refused(cls, _xlsx(cls, sessions, [[1, "CB001", "An", "", "C"]], headers=headers[:-2]))
    assert errors[0] == "Dòng 5, cột 'C (Họ và tên)': 'Tên' — Cột này phải là 'Họ và tên' (không đổi tên, thêm hay " \
                        "bớt cột của danh sách tải về)."
    assert errors[1:] == [
        "Dòng 5, cột 'I (Bài thu hoạch)': '' — Thiếu cột 'Bài thu hoạch'.",
        "Dòng 5, cột 'J (Ghi chú)': '' — Thiếu cột 'Ghi chú'.",
    ]
    _nothing_saved()


@pytest.mark.django_db
def test_another_class_or_wrong_file_type(setup):
    cls, sessions, _assessments, _enrolments = setup
    errors = _refused(cls, _xlsx(cls, sessions, [], code="KHAC01"))
    assert "không phải danh sách lớp DS01" in errors[0]
    text = io.BytesIO(b"STT,Ma can bo\n1,CB001\n")
    text.name = "danh-sach.csv"
    assert _refused(cls, text) == [
        "Tệp “danh-sach.csv” không phải tệp Excel .xlsx. Hãy tải danh sách lớp về, điền rồi tải lên lại."
    ]
    garbage = io.BytesIO(b"not a zip file")
    garbage.name = "danh-sach.xlsx"
    assert _refused(cls, garbage)[0].startswith("Không đọc được tệp Excel (.xlsx)")
    _nothing_saved()


@pytest.mark.django_db
def test_upload_refused_after_the_lock(setup):
    cls, sessions, _assessments, _enrolments = setup
    results.submit(cls)
    with pytest.raises(ValidationError, match="đã chốt"):
        roster.import_roster(cls, _xlsx(cls, sessions, [[1, "CB001", "An", "", "C", "C", "C", 8, 8, ""]]))
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_download_after_the_lock_shows_the_submitted_scores(setup):
    cls, sessions, (a1, a2), (e1, e2) = setup
    results.save_draft_scores(cls, {(e1.pk, a1.pk): 8, (e1.pk, a2.pk): "6,5"})
    results.submit(cls)
    _names, rows = _sheet(roster.write_roster(cls))
    by_code = {row[1]: row for row in rows[5:]}
    assert set(by_code) == {"CB001", "CB002"}
    assert by_code["CB001"][7:9] == [8.0, 6.5]


@pytest.mark.django_db
def test_roster_sheet_is_found_by_name(setup):
    cls, sessions, (a1, _a2), (e1, _e2) = setup
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Hướng dẫn").write_string(0, 0, "ghi chú của người dùng")
    sheet = book.add_worksheet("Danh sách lớp")
    sheet.write_row(0, 0, ["Mã lớp", cls.code])
    sheet.write_row(4, 0, _headers(cls, sessions))
    sheet.write_row(5, 0, [1, "CB001", "An", "", "C", "C", "C", 9])
    book.close()
    buffer.seek(0)
    buffer.name = "ds.xlsx"
    roster.import_roster(cls, buffer)
    assert results.draft_scores(cls) == {(e1.pk, a1.pk): Decimal("9")}


def test_a_sheet_reaching_far_beyond_the_roster_is_refused_before_it_is_read(setup, settings):
    """calamine allocates rows × columns from A1: the roster upload goes through the same size guard as the imports
    (a small limit here, so that a regression cannot allocate much)."""
    settings.DTBD_IMPORT_MAX_CELLS = 1_000
    cls, sessions, _assessments, _enrolments = setup
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách lớp")
    sheet.write_row(0, 0, ["Mã lớp", cls.code])
    sheet.write_row(4, 0, _headers(cls, sessions))
    sheet.write_string(99, 49, "ô ở rất xa")  # AX100: 100 rows × 50 columns = 5.000 cells
    book.close()
    buffer.seek(0)
    with pytest.raises(ImportFailed) as caught:
        roster.read_roster(cls, buffer, name="ds.xlsx")
    assert "quá lớn: 100 dòng × 50 cột" in caught.value.errors[0].message
    assert not Score.objects.exists() and not Attendance.objects.exists()
