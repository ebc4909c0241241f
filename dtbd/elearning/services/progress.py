"""Each learner's progress and the completion rule of a course (docs/domain.md §17.3).

A lesson is seen when the learner marks a text, PDF or link lesson as learnt, plays a video to (nearly) its end,
a SCORM package reports cmi.core.lesson_status "completed" or "passed", or passes a quiz. The course is completed
when its rule holds — ALL: every lesson seen and every quiz passed; WEIGHTED: every lesson seen and the mean of the
best quiz scores weighted by the quizzes' weights at least the course's pass mark — and then the enrolment is
completed by training's results service (dtbd.training.services.results.complete_learner), exactly as a classroom
learner's: submitted result, certificate, qualification with the class's tiết, notice."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.notices.models import Notice
from dtbd.notices.services import notify_person
from dtbd.training.models import Enrollment
from dtbd.training.services import results

from ..models import Attempt, Lesson, LessonProgress, Quiz

TWO_PLACES = Decimal("0.01")
# A heartbeat counts at most this many seconds (a page left open in a background tab does not run the clock).
MAX_BEAT_SECONDS = 120
VIDEO_SEEN_SHARE = Decimal("0.9")
SCORM_DONE = {"completed", "passed"}


def touch(enrollment, lesson, now=None):
    """Note that the learner opened the lesson (first and last seen)."""
    now = now or timezone.now()
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrollment=enrollment, lesson=lesson, first_seen_at=now, last_seen_at=now)],
        update_conflicts=True, unique_fields=["enrollment", "lesson"], update_fields=["last_seen_at"],
    )


def heartbeat(enrollment, lesson, seconds=0, position=None, duration=None, now=None):
    """Time spent (at most MAX_BEAT_SECONDS a beat) and where a video stopped; a video played to 90 % is seen."""
    now = now or timezone.now()
    seconds = max(0, min(int(seconds or 0), MAX_BEAT_SECONDS))
    touch(enrollment, lesson, now)
    changes = {"seconds_spent": F("seconds_spent") + seconds, "last_seen_at": now}
    if position is not None:
        changes["position"] = max(0, int(position))
    LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(**changes)
    if (lesson.kind == Lesson.Kind.VIDEO and position is not None and duration
            and Decimal(position) >= VIDEO_SEEN_SHARE * Decimal(duration)):
        mark_seen(enrollment, lesson, now)


def mark_seen(enrollment, lesson, now=None):
    """The lesson is seen (once: the first time stays); then the completion rule is checked."""
    now = now or timezone.now()
    touch(enrollment, lesson, now)
    changed = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson, completed_at__isnull=True).update(
        completed_at=now
    )
    if changed:
        evaluate(enrollment)
    return changed


@dataclass
class Standing:
    lessons: int = 0
    seen: int = 0
    seconds: int = 0
    quizzes: dict = field(default_factory=dict)  # quiz id -> (best score or None, passed?, weight)
    weighted: Decimal | None = None
    complete: bool = False

    @property
    def percent(self):
        return int(self.seen * 100 / self.lessons) if self.lessons else 0

    @property
    def minutes(self):
        return self.seconds // 60


def standing(course, enrollment):
    """The learner's figures in the course and whether its completion rule holds. Four queries."""
    lessons = list(Lesson.objects.filter(module__course=course).values_list("pk", "kind"))
    progress = {
        row["lesson_id"]: row
        for row in LessonProgress.objects.filter(enrollment=enrollment, lesson__module__course=course)
        .values("lesson_id", "completed_at", "seconds_spent")
    }
    quizzes = list(Quiz.objects.filter(lesson__module__course=course).values_list("pk", "lesson_id", "pass_mark", "weight"))
    best = dict(
        Attempt.objects.filter(enrollment=enrollment, quiz__lesson__module__course=course, submitted_at__isnull=False)
        .values("quiz_id").annotate(best=Max("score")).values_list("quiz_id", "best")
    )
    result = Standing(lessons=len(lessons))
    quiz_lessons = {lesson_id for _q, lesson_id, _p, _w in quizzes}
    for pk, _kind in lessons:
        row = progress.get(pk)
        if row:
            result.seconds += row["seconds_spent"]
        if pk in quiz_lessons:
            continue
        if row and row["completed_at"]:
            result.seen += 1
    all_passed = True
    total_weight = Decimal(0)
    weighted_sum = Decimal(0)
    for quiz_id, _lesson_id, pass_mark, weight in quizzes:
        score = best.get(quiz_id)
        passed = score is not None and score >= pass_mark
        result.quizzes[quiz_id] = (score, passed, weight)
        if passed:
            result.seen += 1
        all_passed &= passed
        total_weight += weight
        weighted_sum += (score or 0) * weight
    if quizzes and total_weight:
        result.weighted = (weighted_sum / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    lessons_done = all(
        (progress.get(pk) or {}).get("completed_at") for pk, _kind in lessons if pk not in quiz_lessons
    )
    if course.completion_rule == course.Rule.WEIGHTED:
        result.complete = lessons_done and (result.weighted is None or result.weighted >= course.pass_mark)
    else:
        result.complete = lessons_done and all_passed
    result.complete = result.complete and bool(lessons)
    return result


def evaluate(enrollment):
    """Complete the enrolment through training's results service when the course's rule holds. True when it did."""
    enrollment = Enrollment.objects.select_related("training_class__course").get(pk=enrollment.pk)
    if enrollment.state != Enrollment.State.ENROLLED:
        return False
    course = enrollment.training_class.course
    figures = standing(course, enrollment)
    if not figures.complete:
        return False
    try:
        results.complete_learner(enrollment, final_score=figures.weighted)
    except ValidationError:
        return False  # the class is not running, or its results are locked: the staff decide
    return True


def resume_lesson(course, enrollment):
    """The lesson to resume: the last one opened if not yet seen, else the first lesson not yet seen, else the
    last one opened (None when the learner never opened one and the course is empty)."""
    last = (
        LessonProgress.objects.filter(enrollment=enrollment, lesson__module__course=course)
        .select_related("lesson").order_by("-last_seen_at").first()
    )
    if last and last.completed_at is None:
        return last.lesson
    seen = LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).values("lesson_id")
    nxt = Lesson.objects.filter(module__course=course).exclude(pk__in=seen).first()
    return nxt or (last.lesson if last else Lesson.objects.filter(module__course=course).first())


def behind(course, rows, today=None):
    """The rows (queries.learner_rows) of learners still learning whose share of lessons seen is below the share of
    the class's time gone by."""
    today = today or timezone.localdate()
    cls = course.training_class
    span = max((cls.ends_on - cls.starts_on).days, 1)
    elapsed = min(max((today - cls.starts_on).days, 0), span)
    expected = elapsed * 100 // span
    return [r for r in rows if r.state == Enrollment.State.ENROLLED and r.percent < expected], expected


def remind(course, rows, url=""):
    """A notice (in the app and by e-mail) to each learner in `rows`. Returns how many were told."""
    cls = course.training_class
    for row in rows:
        notify_person(
            row.person, Notice.Kind.OTHER,
            _("Nhắc học trực tuyến: lớp %(code)s") % {"code": cls.code},
            _("Bạn đã hoàn thành %(pct)s%% nội dung khoá học “%(name)s”; lớp kết thúc ngày %(end)s. Hãy tiếp tục học "
              "để kịp hoàn thành.") % {"pct": row.percent, "name": cls.name, "end": cls.ends_on.strftime("%d/%m/%Y")},
            url,
        )
    return len(rows)

