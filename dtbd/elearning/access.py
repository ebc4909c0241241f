"""Who may open what (the scope of the e-learning pages): every view goes through these, and answers 404 for what
lies outside the caller's scope (the object is not named)."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from dtbd.accounts.scope import CHANGE, VIEW
from dtbd.training.models import Enrollment, TrainingClass

from .models import LEARNER_STATES, Attachment, Attempt, Course, Lesson

OPEN_STATUSES = (TrainingClass.Status.RUNNING, TrainingClass.Status.FINISHED, TrainingClass.Status.CLOSED)


def course(user, pk, action=VIEW):
    return get_object_or_404(Course.objects.restrict(user, action).select_related("training_class"), pk=pk)


def is_staff(user, course_obj):
    return Course.objects.restrict(user, CHANGE).filter(pk=course_obj.pk).exists()


def enrolment(user, course_obj):
    """The user's own enrolment in the course's class (a learner), or None."""
    if not user.person_id:
        return None
    return (
        Enrollment.objects.filter(training_class_id=course_obj.training_class_id, person_id=user.person_id,
                                  state__in=LEARNER_STATES)
        .select_related("training_class").first()
    )


def learner_or_staff(user, course_obj):
    """(enrolment or None, staff?) — a learner may open the content only while the class is running or after."""
    staff = is_staff(user, course_obj)
    enr = enrolment(user, course_obj)
    if not staff and (enr is None or course_obj.training_class.status not in OPEN_STATUSES):
        raise PermissionDenied
    return enr, staff


def lesson(user, pk, action=VIEW):
    return get_object_or_404(
        Lesson.objects.filter(module__course__in=Course.objects.restrict(user, action).values("pk"))
        .select_related("module__course__training_class"),
        pk=pk,
    )


def attachment(user, pk):
    return get_object_or_404(
        Attachment.objects.filter(lesson__module__course__in=Course.objects.restrict(user).values("pk"))
        .select_related("lesson__module__course__training_class"),
        pk=pk,
    )


def own_attempt(user, pk):
    if not user.person_id:
        raise PermissionDenied
    return get_object_or_404(
        Attempt.objects.select_related("quiz__lesson__module__course__training_class", "enrollment"),
        pk=pk, enrollment__person_id=user.person_id,
    )
