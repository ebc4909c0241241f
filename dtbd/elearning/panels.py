"""What the e-learning app adds to training's pages (dtbd.training.extensions): the learner portal's "Khoá học
trực tuyến" panel and the class page's "Khoá học trực tuyến" panel."""
from django.template.loader import render_to_string

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.training.models import TrainingClass

from . import queries
from .models import ONLINE_FORMS, Course


def portal_panel(request, person):
    enrolments = queries.courses_of(person)
    if not enrolments:
        return ""
    return render_to_string("elearning/_portal_panel.html", {"enrolments": enrolments}, request=request)


def class_panel(request, training_class):
    if training_class.form not in ONLINE_FORMS:
        return ""
    course = Course.objects.filter(training_class=training_class).first()
    runs = TrainingClass.objects.restrict(request.user, CHANGE).filter(pk=training_class.pk).exists()
    mine = bool(course and request.user.person_id and training_class.enrollments.filter(
        person_id=request.user.person_id, state__in=("ENROLLED", "COMPLETED", "FAILED")).exists())
    if not (course or runs):
        return ""
    return render_to_string("elearning/_class_panel.html", {
        "course": course, "cls": training_class, "runs": runs, "mine": mine,
        "sees_progress": bool(course) and (runs or scope_of(request.user).sees_units),
    }, request=request)
