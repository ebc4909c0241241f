"""Reads of the e-learning pages, each with a fixed number of queries whatever the number of learners."""
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, Sum

from dtbd.training.models import Enrollment
from dtbd.training.services.results import unit_name_subquery

from .models import LEARNER_STATES, Attempt, Course, Lesson, LessonProgress, Module, Quiz


def outline(course):
    """The course's modules with their lessons (two queries)."""
    return list(course.modules.prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("order", "id"))))


@dataclass
class Row:
    enrollment: Enrollment
    lessons: int
    seen: int
    seconds: int
    scores: dict

    @property
    def person(self):
        return self.enrollment.person

    @property
    def state(self):
        return self.enrollment.state

    @property
    def unit_name(self):
        return self.enrollment.unit_name

    @property
    def percent(self):
        return int(self.seen * 100 / self.lessons) if self.lessons else 0

    @property
    def minutes(self):
        return self.seconds // 60


def learner_rows(course, enrollments):
    """One Row per enrolment of `enrollments` (a queryset, already scoped): lessons seen (quizzes passed count as
    seen), time spent, best score per quiz. Four queries."""
    lessons = Lesson.objects.filter(module__course=course).count()
    quizzes = list(Quiz.objects.filter(lesson__module__course=course).values_list("pk", "pass_mark"))
    pass_marks = dict(quizzes)
    rows = list(
        enrollments.select_related("person")
        .annotate(
            n_seen=Count("lesson_progress", filter=Q(lesson_progress__completed_at__isnull=False,
                                                     lesson_progress__lesson__module__course=course)
                         & ~Q(lesson_progress__lesson__kind=Lesson.Kind.QUIZ)),
            n_seconds=Sum("lesson_progress__seconds_spent", filter=Q(lesson_progress__lesson__module__course=course)),
            unit_name=unit_name_subquery(),
        )
        .order_by("unit_name", "person__name_sort", "person__code")
    )
    best = {}
    for enrollment_id, quiz_id, score in (
        Attempt.objects.filter(enrollment__in=[r.pk for r in rows], submitted_at__isnull=False,
                               quiz__lesson__module__course=course)
        .values("enrollment_id", "quiz_id").annotate(best=Max("score")).values_list("enrollment_id", "quiz_id", "best")
    ):
        best.setdefault(enrollment_id, {})[quiz_id] = score
    out = []
    for enr in rows:
        scores = best.get(enr.pk, {})
        passed = sum(1 for quiz_id, score in scores.items() if score is not None and score >= pass_marks.get(quiz_id, 0))
        out.append(Row(enr, lessons, enr.n_seen + passed, enr.n_seconds or 0, scores))
    return out


def unit_summary(rows):
    """Per unit: learners, completed, mean share of lessons seen — from the rows already read (no query)."""
    units = {}
    for row in rows:
        entry = units.setdefault(row.unit_name or "", {"unit": row.unit_name or "", "learners": 0, "completed": 0,
                                                       "percent_sum": 0})
        entry["learners"] += 1
        entry["completed"] += row.state == Enrollment.State.COMPLETED
        entry["percent_sum"] += row.percent
    for entry in units.values():
        entry["percent"] = entry["percent_sum"] // entry["learners"]
    return sorted(units.values(), key=lambda e: e["unit"])


def visible_learners(user, course):
    """The course's learners whose progress `user` may see: all of them for the class's staff (Course CHANGE);
    for unit officers and leaders, those of their subtree (Enrollment.restrict)."""
    base = Enrollment.objects.filter(training_class_id=course.training_class_id, state__in=LEARNER_STATES)
    if Course.objects.restrict(user, "change").filter(pk=course.pk).exists():
        return base, True
    return base.filter(pk__in=Enrollment.objects.restrict(user).values("pk")), False


def courses_of(person):
    """The person's courses (enrolments ENROLLED, COMPLETED, FAILED in classes having a course), with lessons seen.
    Three queries."""
    enrolments = list(
        Enrollment.objects.filter(person=person, state__in=LEARNER_STATES, training_class__course__isnull=False)
        .select_related("training_class__course")
        .order_by("-training_class__starts_on")
    )
    course_ids = [e.training_class.course.pk for e in enrolments]
    totals = dict(
        Lesson.objects.filter(module__course__in=course_ids).values("module__course")
        .annotate(n=Count("pk")).values_list("module__course", "n")
    )
    seen = dict(
        LessonProgress.objects.filter(enrollment__in=enrolments, completed_at__isnull=False)
        .values("enrollment").annotate(n=Count("pk")).values_list("enrollment", "n")
    )
    passed = dict(
        Attempt.objects.filter(enrollment__in=enrolments, passed=True).values("enrollment")
        .annotate(n=Count("quiz", distinct=True)).values_list("enrollment", "n")
    )
    for e in enrolments:
        e.lessons_total = totals.get(e.training_class.course.pk, 0)
        e.lessons_seen = min(seen.get(e.pk, 0) + passed.get(e.pk, 0), e.lessons_total)
        e.percent = int(e.lessons_seen * 100 / e.lessons_total) if e.lessons_total else 0
    return enrolments


__all__ = ["Module", "courses_of", "learner_rows", "outline", "unit_summary", "visible_learners"]
