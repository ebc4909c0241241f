"""Courses and their content. Rich text is sanitised with nh3 (the Ammonia HTML sanitiser) when saved: only the tags
and attributes of a document remain (no script, style, event handler or javascript: URL)."""
import mimetypes

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ONLINE_FORMS, Course, Lesson, Module, Quiz

URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html):
    """Safe HTML of a lesson: nh3's default allow-list of document tags, links with rel="noopener noreferrer"."""
    return nh3.clean(html or "", url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def create_course(training_class, user=None):
    """The course of an online or blended class (one per class; an existing one is returned)."""
    if training_class.form not in ONLINE_FORMS:
        raise ValidationError(_("Chỉ lớp học trực tuyến hoặc kết hợp mới có khoá học trực tuyến."))
    course, _created = Course.objects.get_or_create(training_class=training_class)
    return course


def add_module(course, title):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Cần nhập tên chuyên đề.")})
    order = (course.modules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Module.objects.create(course=course, title=title, order=order)


def save_lesson(lesson):
    """Save a lesson (sanitising its text, noting its file's type); a QUIZ lesson gets its quiz settings."""
    lesson.body = clean_html(lesson.body)
    if lesson.file:
        guessed = mimetypes.guess_type(lesson.file.name)[0]
        lesson.content_type = guessed or "application/octet-stream"
    with transaction.atomic():
        if lesson.order is None or not lesson.pk and not lesson.order:
            lesson.order = (lesson.module.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        lesson.save()
        if lesson.kind == Lesson.Kind.QUIZ:
            Quiz.objects.get_or_create(lesson=lesson)
    return lesson


def next_order(module):
    return (module.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1


def save_attachment(attachment):
    attachment.content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    attachment.save()
    return attachment
