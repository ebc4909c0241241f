"""Factories for tests of the e-learning app (import in tests only)."""
import datetime
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from dtbd.training import services as training_services
from dtbd.training.models import TrainingClass
from dtbd.training.testing import enroll, make_class, make_program, school_provider

from .models import Choice, Course, Lesson, Module, Question, Quiz
from .services import content

VIDEO_BYTES = bytes(range(256)) * 40  # 10 240 bytes standing for a video
PDF_BYTES = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_online_class(tree, code="ONL1", sessions=2, **extra):
    start = timezone.localdate() - datetime.timedelta(days=5)
    cls = make_class(code, capacity=50, provider=school_provider(tree), program=make_program(), sessions=sessions,
                     starts_on=start, ends_on=start + datetime.timedelta(days=20), form=TrainingClass.Form.ONLINE,
                     **extra)
    return cls


def make_course(cls, quiz_questions=4, pass_mark=5, max_attempts=None, time_limit=None, draw=0):
    """A course of three lessons (text, video, PDF with an attachment) and a quiz of `quiz_questions` single-choice
    questions (the right answer is always the choice "Đúng <n>")."""
    course = content.create_course(cls)
    module = Module.objects.create(course=course, title="Chuyên đề 1", order=1)
    text = content.save_lesson(Lesson(module=module, title="Bài đọc", kind=Lesson.Kind.TEXT, order=1,
                                      body="<p>Nội dung <script>alert(1)</script><b>chính</b></p>"))
    video = Lesson(module=module, title="Bài giảng video", kind=Lesson.Kind.VIDEO, order=2, duration_minutes=5)
    video.file.save("bai-giang.mp4", ContentFile(VIDEO_BYTES), save=False)
    video = content.save_lesson(video)
    pdf = Lesson(module=module, title="Tài liệu", kind=Lesson.Kind.PDF, order=3)
    pdf.file.save("tai-lieu.pdf", ContentFile(PDF_BYTES), save=False)
    pdf = content.save_lesson(pdf)
    quiz_lesson = content.save_lesson(Lesson(module=module, title="Kiểm tra cuối khoá", kind=Lesson.Kind.QUIZ, order=4))
    quiz = Quiz.objects.get(lesson=quiz_lesson)
    quiz.pass_mark, quiz.max_attempts, quiz.time_limit_minutes, quiz.draw = pass_mark, max_attempts, time_limit, draw
    quiz.save()
    for n in range(1, quiz_questions + 1):
        question = Question.objects.create(quiz=quiz, kind=Question.Kind.SINGLE, text=f"Câu hỏi {n}", order=n)
        Choice.objects.create(question=question, text=f"Đúng {n}", correct=True, order=1)
        Choice.objects.create(question=question, text=f"Sai {n}", correct=False, order=2)
    return Course.objects.get(pk=course.pk)


def running(cls):
    training_services.change_status(cls, TrainingClass.Status.RUNNING)
    cls.refresh_from_db()
    return cls


def enrol_running(cls, person):
    enrolment = enroll(cls, person)
    if cls.status != TrainingClass.Status.RUNNING:
        running(cls)
    enrolment.refresh_from_db()
    return enrolment


def scorm_zip(files=None, manifest=None):
    """A SCORM 1.2 package as bytes: imsmanifest.xml launching index.html, plus `files` {name: bytes}."""
    manifest = manifest if manifest is not None else (
        '<?xml version="1.0"?><manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
        'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schema>ADL SCORM</schema>'
        '<schemaversion>1.2</schemaversion></metadata><organizations default="o"><organization identifier="o">'
        '<title>Bài SCORM</title><item identifier="i1" identifierref="r1"><title>Bài 1</title></item></organization>'
        '</organizations><resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">'
        '<file href="index.html"/></resource></resources></manifest>'
    )
    files = files if files is not None else {"index.html": SCORM_PAGE.encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest is not False:
            archive.writestr("imsmanifest.xml", manifest)
        for name, data in files.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


# A minimal SCO: finds the API in the parent window, marks itself completed with a score on a click.
SCORM_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>SCO</title></head><body>
<p>Nội dung bài SCORM</p><button id="finish" type="button">Hoàn thành bài SCORM</button>
<script>
var api = window.parent && window.parent.API;
if (api) { api.LMSInitialize(""); }
document.getElementById("finish").addEventListener("click", function () {
  api.LMSSetValue("cmi.core.score.raw", "90");
  api.LMSSetValue("cmi.core.lesson_status", "completed");
  api.LMSCommit("");
  document.body.setAttribute("data-done", "1");
});
</script></body></html>"""
