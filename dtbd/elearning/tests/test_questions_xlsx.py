"""The question bank's .xlsx import refuses a file with any error whole, naming row, column and value."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dtbd.core.importing import ImportFailed
from dtbd.core.spreadsheet import write_sheet
from dtbd.elearning.models import Question, Quiz
from dtbd.elearning.services import questions_xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    ["Một lựa chọn", "Luật Cán bộ, công chức ban hành năm nào?", "2008", "2010", "", "", "", "", "A"],
    ["Nhiều lựa chọn", "Chọn các ngạch công chức", "Chuyên viên", "Kỹ sư", "Chuyên viên chính", "", "", "", "A, C"],
    ["Đúng/Sai", "Viên chức là công chức.", "", "", "", "", "", "", "Sai"],
    ["Trả lời ngắn", "Cơ quan quản lý công chức cấp tỉnh?", "", "", "", "", "", "", "Sở Nội vụ|So Noi vu"],
]


def xlsx(tmp_path, rows, headers=None, name="cau-hoi.xlsx"):
    path = write_sheet(tmp_path / name, headers or questions_xlsx.HEADERS, rows)
    return path


def test_a_good_file_adds_every_question_and_exports_back(tmp_path, online):
    course, _enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    before = quiz.questions.count()
    assert questions_xlsx.import_questions(quiz, str(xlsx(tmp_path, GOOD))) == 4
    assert quiz.questions.count() == before + 4
    multi = quiz.questions.get(kind=Question.Kind.MULTIPLE)
    assert [c.correct for c in multi.choices.all()] == [True, False, True]
    tf = quiz.questions.get(kind=Question.Kind.TRUE_FALSE)
    assert [(c.text, c.correct) for c in tf.choices.all()] == [("Đúng", False), ("Sai", True)]
    # export, re-import into another quiz: the same bank
    data = questions_xlsx.export_questions(quiz)
    (tmp_path / "out.xlsx").write_bytes(data)
    other = Quiz.objects.create(lesson=quiz.lesson.module.lessons.create(title="Khác", kind="QUIZ", order=9))
    assert questions_xlsx.import_questions(other, str(tmp_path / "out.xlsx")) == before + 4


def test_a_file_with_one_bad_row_is_refused_whole(tmp_path, online):
    course, _enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    before = quiz.questions.count()
    rows = GOOD + [
        ["Một lựa chọn", "Thiếu đáp án đúng", "X", "Y", "", "", "", "", "D"],
        ["Loại lạ", "?", "", "", "", "", "", "", "A"],
        ["Đúng/Sai", "Câu", "", "", "", "", "", "", "Có lẽ"],
        ["Một lựa chọn", "", "X", "Y", "", "", "", "", "A"],
    ]
    with pytest.raises(ImportFailed) as failed:
        questions_xlsx.import_questions(quiz, str(xlsx(tmp_path, rows)))
    messages = [str(e) for e in failed.value.errors]
    assert len(messages) == 4
    assert messages[0].startswith("Dòng 6, cột 'Đáp án': 'D'")
    assert "Dòng 7, cột 'Loại câu hỏi': 'Loại lạ'" in messages[1]
    assert "Dòng 8, cột 'Đáp án': 'Có lẽ'" in messages[2]
    assert "Dòng 9, cột 'Câu hỏi'" in messages[3]
    assert quiz.questions.count() == before  # nothing written


def test_wrong_headers_and_not_an_xlsx_are_refused(tmp_path, online):
    course, _enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    with pytest.raises(ImportFailed) as failed:
        questions_xlsx.import_questions(quiz, str(xlsx(tmp_path, GOOD, headers=["Loại", "Câu hỏi"])))
    assert "Loại câu hỏi" in str(failed.value.errors[0])
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ImportFailed) as failed:
        questions_xlsx.import_questions(quiz, str(tmp_path / "bad.xlsx"))
    assert "Không đọc được tệp Excel" in str(failed.value.errors[0])


def test_the_bank_page_imports_and_shows_errors(client, users, tmp_path, online):
    course, _enrolment = online
    quiz = Quiz.objects.get(lesson__module__course=course)
    url = reverse("elearning:question_bank", args=[quiz.lesson_id])
    client.force_login(users.institution)
    bad = xlsx(tmp_path, [["Một lựa chọn", "Câu", "X", "", "", "", "", "", "A"]], name="bad.xlsx")
    response = client.post(url, {"file": SimpleUploadedFile("bad.xlsx", bad.read_bytes())})
    assert response.status_code == 400 and "ít nhất hai phương án" in response.content.decode()
    good = xlsx(tmp_path, GOOD)
    response = client.post(url, {"file": SimpleUploadedFile("good.xlsx", good.read_bytes())})
    assert response.status_code == 302
    export = client.get(reverse("elearning:question_export", args=[quiz.lesson_id]))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    client.force_login(users.learner)  # a learner edits no bank
    assert client.get(url).status_code == 404
