"""The demo's online course (docs/domain.md §17), small: an online class of the programme "Kỹ năng số và ứng dụng
trí tuệ nhân tạo trong công vụ" (SO_AI_CB, 16 tiết) run by the provincial school (TCT_TINH, the `truong` login), under
way since a week, with the demo learner `hocvien` enrolled. Its course: two modules — a reading lesson, a link
lesson, a reading on AI in public service — and a final quiz of six questions (pass mark 5, three attempts, 15
minutes, review allowed). `hocvien` has read the first lesson, so the portal shows the course in progress and the
course page resumes at the second lesson."""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dtbd.elearning.models import Choice, Course, Lesson, LessonProgress, Module, Question, Quiz
from dtbd.elearning.services import content
from dtbd.people.models import Person
from dtbd.training.models import ClassSession, Enrollment, Lecturer, Program, Provider, TrainingClass

CODE = "SO_AI_CB-TT-01"
LESSONS = [
    ("Chuyển đổi số trong cơ quan nhà nước", [
        ("Chương trình chuyển đổi số quốc gia", "TEXT", 15,
         "<h2>Mục tiêu</h2><p>Chương trình chuyển đổi số quốc gia (Quyết định 749/QĐ-TTg) đặt mục tiêu phát triển "
         "chính phủ số, kinh tế số và xã hội số.</p><ul><li>Dịch vụ công trực tuyến toàn trình.</li>"
         "<li>Dữ liệu dùng chung giữa các cơ quan.</li><li>Kỹ năng số của cán bộ, công chức.</li></ul>", ""),
        ("Cổng Dịch vụ công quốc gia", "LINK", 10,
         "<p>Tìm hiểu cách người dân nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia.</p>",
         "https://dichvucong.gov.vn/"),
    ]),
    ("Trí tuệ nhân tạo trong công vụ", [
        ("Ứng dụng trí tuệ nhân tạo an toàn", "TEXT", 20,
         "<p>Trí tuệ nhân tạo hỗ trợ soạn thảo, tra cứu văn bản và trả lời người dân; cán bộ chịu trách nhiệm về "
         "nội dung cuối cùng và <strong>không</strong> đưa dữ liệu mật, dữ liệu cá nhân vào công cụ bên ngoài.</p>",
         ""),
    ]),
]
QUESTIONS = [
    ("SINGLE", "Văn bản nào phê duyệt Chương trình chuyển đổi số quốc gia?",
     [("Quyết định 749/QĐ-TTg", True), ("Nghị định 101/2017/NĐ-CP", False), ("Luật Cán bộ, công chức", False)]),
    ("MULTIPLE", "Những trụ cột của chuyển đổi số quốc gia?",
     [("Chính phủ số", True), ("Kinh tế số", True), ("Xã hội số", True), ("Thương mại truyền thống", False)]),
    ("TF", "Được đưa dữ liệu cá nhân của người dân vào công cụ trí tuệ nhân tạo bên ngoài.",
     [("Đúng", False), ("Sai", True)]),
    ("TF", "Cán bộ chịu trách nhiệm về nội dung cuối cùng do trí tuệ nhân tạo hỗ trợ soạn thảo.",
     [("Đúng", True), ("Sai", False)]),
    ("SINGLE", "Dịch vụ công trực tuyến toàn trình là gì?",
     [("Người dân làm mọi bước trên mạng", True), ("Chỉ tải mẫu đơn trên mạng", False)]),
    ("SHORT", "Cổng nào để người dân nộp hồ sơ trực tuyến trên cả nước? (viết tắt)", "DVCQG|Cổng Dịch vụ công quốc gia"),
]


def build_elearning(today, users):
    """The online class, its course and `hocvien`'s progress; returns counts for the command's summary."""
    program = Program.objects.filter(code="SO_AI_CB").first()
    provider = Provider.objects.filter(code="TCT_TINH").first()
    hocvien = Person.objects.filter(pk=_person_of(users.get("hocvien"))).first()
    if program is None or provider is None or hocvien is None:
        return {}
    starts = today - datetime.timedelta(days=7)
    cls = TrainingClass.objects.create(
        program=program, provider=provider, code=CODE, name="Kỹ năng số và trí tuệ nhân tạo (trực tuyến)",
        form=TrainingClass.Form.ONLINE, capacity=200, starts_on=starts, ends_on=today + datetime.timedelta(days=30),
        status=TrainingClass.Status.RUNNING, funding_source=TrainingClass.Funding.NSTINH, place="Trực tuyến",
    )
    # The class's tiết (the certificate credits them, §11.2): two online modules of 8 tiết.
    lecturer = Lecturer.objects.filter(name="Giảng viên Trường Chính trị tỉnh").first() or Lecturer.objects.create(
        name="Giảng viên Trường Chính trị tỉnh", institution=provider.name)
    ClassSession.objects.bulk_create(
        ClassSession(training_class=cls, date=starts + datetime.timedelta(days=7 * i), tiet=8, topic=title,
                     lecturer=lecturer)
        for i, (title, _lessons) in enumerate(LESSONS)
    )
    enrolment = Enrollment.objects.create(training_class=cls, person=hocvien, source=Enrollment.Source.ASSIGNED,
                                          state=Enrollment.State.ENROLLED,
                                          requested_at=timezone.now() - datetime.timedelta(days=10),
                                          decided_at=timezone.now() - datetime.timedelta(days=9))
    TrainingClass.objects.filter(pk=cls.pk).update(seats_taken=1)
    course = Course.objects.create(training_class=cls, intro="Khoá học trực tuyến 16 tiết: học theo tiến độ của mình, "
                                                             "làm bài kiểm tra cuối khoá để được cấp chứng chỉ.")
    first = None
    for m, (title, lessons) in enumerate(LESSONS, start=1):
        module = Module.objects.create(course=course, title=title, order=m)
        for n, (name, kind, minutes, body, url) in enumerate(lessons, start=1):
            lesson = content.save_lesson(Lesson(module=module, title=name, kind=kind, order=n, duration_minutes=minutes,
                                                body=body, url=url))
            first = first or lesson
    quiz_lesson = content.save_lesson(Lesson(module=module, title="Kiểm tra cuối khoá", kind=Lesson.Kind.QUIZ,
                                             order=len(lessons) + 1, duration_minutes=15))
    quiz = Quiz.objects.get(lesson=quiz_lesson)
    quiz.time_limit_minutes, quiz.max_attempts, quiz.pass_mark = 15, 3, 5
    quiz.save()
    for n, (kind, text, answers) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(quiz=quiz, kind=kind, text=text, order=n,
                                           accepted=answers if kind == "SHORT" else "")
        if kind != "SHORT":
            for order, (choice, correct) in enumerate(answers, start=1):
                Choice.objects.create(question=question, text=choice, correct=correct, order=order)
    now = timezone.now()
    LessonProgress.objects.create(enrollment=enrolment, lesson=first, first_seen_at=now, last_seen_at=now,
                                  completed_at=now, seconds_spent=540)
    return {"courses": 1, "lessons": Lesson.objects.filter(module__course=course).count(), "questions": len(QUESTIONS)}


def _person_of(user_id):
    return get_user_model().objects.filter(pk=user_id).values_list("person_id", flat=True).first()
