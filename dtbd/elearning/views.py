"""Pages of the e-learning app (docs/domain.md §17). Thin: the rules are in services, the reads in queries, the
scope in access."""
import json
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.decorators import csp_replace

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.importing import ImportFailed
from dtbd.core.middleware import upload_limit
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services.results import vn_decimal

from . import access, queries
from .forms import AttachmentForm, CourseForm, LessonForm, ModuleForm, QuizForm, UploadForm
from .models import Answer, Attempt, Course, Lesson, LessonProgress, Module, Question, Quiz
from .services import content, progress, questions_xlsx, quizzes, scorm, serving

def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and 0 <= number < 10**7 else None


# ---------------------------------------------------------------- learner pages


@login_required
def course_detail(request, pk):
    course = access.course(request.user, pk)
    enrolment, staff = access.learner_or_staff(request.user, course)
    modules = queries.outline(course)
    context = {"course": course, "cls": course.training_class, "modules": modules, "staff": staff,
               "enrolment": enrolment}
    if enrolment is not None:
        figures = progress.standing(course, enrolment)
        seen = set(LessonProgress.objects.filter(enrollment=enrolment, completed_at__isnull=False)
                   .values_list("lesson_id", flat=True))
        passed = {quiz_id for quiz_id, (_s, ok, _w) in figures.quizzes.items() if ok}
        quiz_lessons = dict(Quiz.objects.filter(lesson__module__course=course).values_list("lesson_id", "pk"))
        for module in modules:
            for lesson in module.lessons.all():
                lesson.done = lesson.pk in seen or quiz_lessons.get(lesson.pk) in passed
        context.update(figures=figures, resume=progress.resume_lesson(course, enrolment))
    return render(request, "elearning/course_detail.html", context)


@login_required
def lesson_detail(request, pk):
    lesson = access.lesson(request.user, pk)
    course = lesson.module.course
    enrolment, staff = access.learner_or_staff(request.user, course)
    if lesson.kind == Lesson.Kind.QUIZ:
        return redirect("elearning:quiz", pk=lesson.pk)
    record = None
    if enrolment is not None:
        progress.touch(enrolment, lesson)
        record = LessonProgress.objects.filter(enrollment=enrolment, lesson=lesson).first()
    modules = queries.outline(course)
    ordered = [item for module in modules for item in module.lessons.all()]
    index = next((i for i, item in enumerate(ordered) if item.pk == lesson.pk), 0)
    context = {
        "lesson": lesson, "course": course, "cls": course.training_class, "enrolment": enrolment, "staff": staff,
        "record": record, "attachments": list(lesson.attachments.all()),
        "previous": ordered[index - 1] if index > 0 else None,
        "next": ordered[index + 1] if index + 1 < len(ordered) else None,
    }
    return render(request, "elearning/lesson_detail.html", context)


@login_required
@require_POST
def lesson_complete(request, pk):
    lesson = access.lesson(request.user, pk)
    enrolment, _staff = access.learner_or_staff(request.user, lesson.module.course)
    if enrolment is None or lesson.kind not in (Lesson.Kind.TEXT, Lesson.Kind.PDF, Lesson.Kind.LINK):
        raise PermissionDenied
    progress.mark_seen(enrolment, lesson)
    messages.success(request, _("Đã ghi nhận bạn học xong bài “%(title)s”.") % {"title": lesson.title})
    return redirect("elearning:course", pk=lesson.module.course.pk)


@login_required
@require_POST
def lesson_heartbeat(request, pk):
    """Time spent and a video's position, sent by the lesson page every 30 seconds and when the video ends."""
    lesson = access.lesson(request.user, pk)
    enrolment, _staff = access.learner_or_staff(request.user, lesson.module.course)
    if enrolment is None:
        return HttpResponse(status=204)
    position = _float(request.POST.get("position"))
    duration = _float(request.POST.get("duration"))
    progress.heartbeat(enrolment, lesson, seconds=_int(request.POST.get("seconds"), 0),
                       position=position, duration=duration)
    return HttpResponse(status=204)


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def lesson_file(request, pk):
    """The lesson's PDF or video (the PDF is shown in a frame of the lesson page: same origin only)."""
    lesson = access.lesson(request.user, pk)
    access.learner_or_staff(request.user, lesson.module.course)
    if not lesson.file:
        raise Http404
    return serving.send(request, lesson.file.name, lesson.content_type or "application/octet-stream",
                        filename=lesson.file.name.rsplit("/", 1)[-1], inline=True)


@login_required
def attachment_file(request, pk):
    item = access.attachment(request.user, pk)
    access.learner_or_staff(request.user, item.lesson.module.course)
    return serving.send(request, item.file.name, item.content_type or "application/octet-stream",
                        filename=item.file.name.rsplit("/", 1)[-1], inline=False)


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
              "style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"], "media-src": [SELF]})
def scorm_file(request, pk, path):
    """A file of a SCORM package, inside the player's frame (same origin, so the package finds window.parent.API).
    Packages often carry inline scripts: this answer's CSP allows them (docs/domain.md §17.4 — packages are
    uploaded by the class's staff only)."""
    lesson = access.lesson(request.user, pk)
    access.learner_or_staff(request.user, lesson.module.course)
    name = scorm.package_file(lesson, path)
    if name is None:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return serving.send(request, name, content_type, inline=True)


@login_required
@require_POST
def scorm_commit(request, pk):
    """The SCORM runtime's commit (scorm-again, JSON): status, score, suspend data."""
    lesson = access.lesson(request.user, pk)
    enrolment, _staff = access.learner_or_staff(request.user, lesson.module.course)
    if lesson.kind != Lesson.Kind.SCORM:
        raise Http404
    if enrolment is None:
        return JsonResponse({"result": True, "errorCode": 0})
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
        scorm.record(enrolment, lesson, data)
    except (ValueError, ValidationError):
        return JsonResponse({"result": False, "errorCode": 101}, status=400)
    return JsonResponse({"result": True, "errorCode": 0})


# ---------------------------------------------------------------- quizzes


@login_required
def quiz(request, pk):
    lesson = access.lesson(request.user, pk)
    if lesson.kind != Lesson.Kind.QUIZ:
        raise Http404
    course = lesson.module.course
    enrolment, staff = access.learner_or_staff(request.user, course)
    the_quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    attempts = []
    current = None
    if enrolment is not None:
        current = quizzes.open_attempt(the_quiz, enrolment)
        if current is not None and quizzes.close_if_expired(current):
            messages.warning(request, _("Lượt làm bài trước đã hết giờ và được chấm theo các câu trả lời đã lưu."))
            current = None
        attempts = list(Attempt.objects.filter(quiz=the_quiz, enrollment=enrolment).order_by("number"))
    left = None if not the_quiz.max_attempts else max(the_quiz.max_attempts - len(attempts), 0)
    return render(request, "elearning/quiz.html", {
        "lesson": lesson, "quiz": the_quiz, "course": course, "cls": course.training_class, "enrolment": enrolment,
        "staff": staff, "attempts": attempts, "current": current, "left": left,
        "bank_size": the_quiz.questions.count(),
    })


@login_required
@require_POST
def quiz_start(request, pk):
    lesson = access.lesson(request.user, pk)
    if lesson.kind != Lesson.Kind.QUIZ:
        raise Http404
    enrolment, _staff = access.learner_or_staff(request.user, lesson.module.course)
    if enrolment is None or enrolment.state != Enrollment.State.ENROLLED:
        messages.error(request, _("Chỉ học viên đang học mới làm bài kiểm tra."))
        return redirect("elearning:quiz", pk=lesson.pk)
    try:
        attempt = quizzes.start(lesson.quiz, enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("elearning:quiz", pk=lesson.pk)
    return redirect("elearning:attempt", pk=attempt.pk)


def _attempt_questions(attempt, reveal):
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions).prefetch_related("choices")}
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "value"))
    marks = quizzes.grade(attempt)[1] if reveal else {}
    items = []
    for number, question_id in enumerate(attempt.questions, start=1):
        question = questions.get(question_id)
        if question is None:
            continue
        value = answers.get(question_id)
        question.number = number
        question.given_text = value if isinstance(value, str) else ""
        question.given_ids = set(value) if isinstance(value, list) else set()
        question.mark = marks.get(question_id)
        items.append(question)
    return items


@login_required
def attempt_detail(request, pk):
    """The attempt page: the questions with the answers saved so far (a reload resumes), or, once submitted, the
    score and — when the quiz allows it — the review."""
    attempt = access.own_attempt(request.user, pk)
    if attempt.submitted_at is None and quizzes.close_if_expired(attempt):
        messages.warning(request, _("Đã hết thời gian làm bài: bài được chấm theo các câu trả lời đã lưu."))
    the_quiz = attempt.quiz
    submitted = attempt.submitted_at is not None
    reveal = submitted and the_quiz.review_allowed
    return render(request, "elearning/attempt.html", {
        "attempt": attempt, "quiz": the_quiz, "lesson": the_quiz.lesson, "course": the_quiz.lesson.module.course,
        "cls": the_quiz.lesson.module.course.training_class, "submitted": submitted, "reveal": reveal,
        "questions": _attempt_questions(attempt, reveal) if (not submitted or reveal) else [],
        "remaining": quizzes.remaining_seconds(attempt) if not submitted else None,
        "SHORT": Question.Kind.SHORT, "MULTIPLE": Question.Kind.MULTIPLE,
    })


@login_required
@require_POST
def attempt_answer(request, pk):
    """One answer (htmx, on change): two queries besides the session's."""
    question_id = _int(request.POST.get("question"))  # None: refused below, once the attempt is known to be theirs
    text = request.POST.get("text") if "text" in request.POST else None
    try:
        quizzes.save_answer(pk, request.user.person_id, question_id, choices=request.POST.getlist("choice"), text=text)
    except quizzes.TooLate as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return HttpResponse(_("Đã lưu lúc %(t)s") % {"t": timezone.localtime().strftime("%H:%M:%S")})


@login_required
@require_POST
def attempt_submit(request, pk):
    attempt = access.own_attempt(request.user, pk)
    try:
        quizzes.submit(attempt)
    except quizzes.TooLate as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("elearning:attempt", pk=attempt.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("elearning:attempt", pk=attempt.pk)
    attempt.enrollment.refresh_from_db()
    if attempt.passed:
        messages.success(request, _("Bạn đạt %(score)s điểm — đạt yêu cầu.") % {"score": vn_decimal(attempt.score)})
    else:
        messages.warning(request, _("Bạn đạt %(score)s điểm — chưa đạt (điểm đạt %(mark)s).")
                         % {"score": vn_decimal(attempt.score), "mark": vn_decimal(attempt.quiz.pass_mark)})
    if attempt.enrollment.state == Enrollment.State.COMPLETED:
        messages.success(request, _("Chúc mừng! Bạn đã hoàn thành khoá học; chứng chỉ đã được cấp."))
    return redirect("elearning:attempt", pk=attempt.pk)


# ---------------------------------------------------------------- staff: content


@login_required
@require_POST
def course_create(request, class_pk):
    cls = get_object_or_404(TrainingClass.objects.restrict(request.user, CHANGE), pk=class_pk)
    try:
        course = content.create_course(cls, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training:class_detail", pk=cls.pk)
    return redirect("elearning:course_edit", pk=course.pk)


@login_required
def course_edit(request, pk):
    course = access.course(request.user, pk, CHANGE)
    form = CourseForm(request.POST or None, instance=course, prefix="course")
    module_form = ModuleForm(request.POST or None, prefix="module")
    if request.method == "POST":
        if "add_module" in request.POST and module_form.is_valid():
            content.add_module(course, module_form.cleaned_data["title"])
            messages.success(request, _("Đã thêm chuyên đề."))
            return redirect("elearning:course_edit", pk=course.pk)
        if "save_course" in request.POST and form.is_valid():
            form.save()
            messages.success(request, _("Đã lưu khoá học."))
            return redirect("elearning:course_edit", pk=course.pk)
    return render(request, "elearning/course_edit.html", {
        "course": course, "cls": course.training_class, "form": form, "module_form": module_form,
        "modules": queries.outline(course),
    })


@login_required
@upload_limit("DTBD_ELEARNING_UPLOAD_MAX_BYTES")
def lesson_create(request, module_pk):
    course_ids = Course.objects.restrict(request.user, CHANGE).values("pk")
    module = get_object_or_404(Module.objects.filter(course__in=course_ids).select_related("course__training_class"),
                               pk=module_pk)
    return _lesson_form(request, Lesson(module=module, order=0), module.course)


@login_required
@upload_limit("DTBD_ELEARNING_UPLOAD_MAX_BYTES")
def lesson_edit(request, pk):
    lesson = access.lesson(request.user, pk, CHANGE)
    return _lesson_form(request, lesson, lesson.module.course)


def _lesson_form(request, lesson, course):
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson)
    quiz_form = None
    if lesson.pk and lesson.kind == Lesson.Kind.QUIZ:
        the_quiz, _c = Quiz.objects.get_or_create(lesson=lesson)
        quiz_form = QuizForm(request.POST or None, instance=the_quiz, prefix="quiz")
    if request.method == "POST" and form.is_valid() and (quiz_form is None or quiz_form.is_valid()):
        saved = content.save_lesson(form.save(commit=False))
        if quiz_form is not None:
            quiz_form.save()
        messages.success(request, _("Đã lưu bài học."))
        return redirect("elearning:lesson_edit", pk=saved.pk)
    return render(request, "elearning/lesson_form.html", {
        "lesson": lesson, "course": course, "cls": course.training_class, "form": form, "quiz_form": quiz_form,
        "attachment_form": AttachmentForm(prefix="att"), "upload_form": UploadForm(),
        "attachments": list(lesson.attachments.all()) if lesson.pk else [],
    })


@login_required
@require_POST
@upload_limit("DTBD_ELEARNING_UPLOAD_MAX_BYTES")
def attachment_add(request, pk):
    lesson = access.lesson(request.user, pk, CHANGE)
    form = AttachmentForm(request.POST, request.FILES, prefix="att")
    if form.is_valid():
        item = form.save(commit=False)
        item.lesson = lesson
        content.save_attachment(item)
        messages.success(request, _("Đã thêm tài liệu đính kèm."))
    else:
        messages.error(request, _("Cần tên và tệp của tài liệu đính kèm."))
    return redirect("elearning:lesson_edit", pk=lesson.pk)


@login_required
@require_POST
@upload_limit("DTBD_ELEARNING_UPLOAD_MAX_BYTES")
def scorm_upload(request, pk):
    lesson = access.lesson(request.user, pk, CHANGE)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp .zip của gói SCORM."))
        return redirect("elearning:lesson_edit", pk=lesson.pk)
    try:
        scorm.import_package(lesson, form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, _("Không nhận gói SCORM: %(reason)s") % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("Đã nhập gói SCORM 1.2; tệp khởi chạy: %(href)s") % {"href": lesson.scorm_launch})
    return redirect("elearning:lesson_edit", pk=lesson.pk)


@login_required
@upload_limit()
def question_bank(request, pk):
    """The bank of a quiz lesson: the questions, the .xlsx import (all or nothing) and export."""
    lesson = access.lesson(request.user, pk, CHANGE)
    if lesson.kind != Lesson.Kind.QUIZ:
        raise Http404
    the_quiz, _c = Quiz.objects.get_or_create(lesson=lesson)
    errors = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = questions_xlsx.import_questions(the_quiz, form.cleaned_data["file"])
        except ImportFailed as failed:
            errors = [str(e) for e in failed.errors]
        else:
            messages.success(request, _("Đã thêm %(n)s câu hỏi vào ngân hàng.") % {"n": added})
            return redirect("elearning:question_bank", pk=lesson.pk)
    return render(request, "elearning/question_bank.html", {
        "lesson": lesson, "quiz": the_quiz, "course": lesson.module.course, "cls": lesson.module.course.training_class,
        "questions": list(the_quiz.questions.prefetch_related("choices")), "form": form, "errors": errors,
        "headers": questions_xlsx.HEADERS,
    }, status=400 if errors else 200)


@login_required
def question_export(request, pk):
    lesson = access.lesson(request.user, pk, CHANGE)
    if lesson.kind != Lesson.Kind.QUIZ:
        raise Http404
    the_quiz, _c = Quiz.objects.get_or_create(lesson=lesson)
    response = HttpResponse(questions_xlsx.export_questions(the_quiz),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cau-hoi-{lesson.pk}.xlsx"'
    return response


# ---------------------------------------------------------------- progress


@login_required
def course_progress(request, pk):
    """Progress per learner and per unit: the class's staff see every learner, unit officers and leaders those of
    their subtree; anyone else, or anyone seeing none of its learners, is refused (404)."""
    course = get_object_or_404(Course.objects.select_related("training_class"), pk=pk)
    scope = scope_of(request.user)
    learners, staff = queries.visible_learners(request.user, course)
    if not staff and (not scope.sees_units or not learners.exists()):
        raise Http404
    rows = queries.learner_rows(course, learners)
    late, expected = progress.behind(course, rows)
    if request.method == "POST":
        if not (staff or scope.is_unit_officer):
            raise PermissionDenied
        told = progress.remind(course, late, request.build_absolute_uri(reverse("elearning:course", args=[course.pk])))
        messages.success(request, _("Đã gửi nhắc nhở tới %(n)s học viên chậm tiến độ.") % {"n": told})
        return redirect("elearning:progress", pk=course.pk)
    return render(request, "elearning/progress.html", {
        "course": course, "cls": course.training_class, "rows": rows, "units": queries.unit_summary(rows),
        "late": late, "expected": expected, "staff": staff,
        "can_remind": staff or scope.is_unit_officer,
        "quizzes": list(Quiz.objects.filter(lesson__module__course=course).select_related("lesson")
                        .order_by("lesson__module__order", "lesson__order")),
    })
