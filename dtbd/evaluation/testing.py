"""Factories for tests of the class survey (import in tests only)."""
import datetime

from django.utils import timezone

from dtbd.people.testing import make_person
from dtbd.training import services as training
from dtbd.training.models import Lecturer, Provider, TrainingClass
from dtbd.training.testing import enroll, make_class, make_program, school_provider

from . import services


def _school(tree):
    return Provider.objects.filter(code="TCT_THU").first() or school_provider(tree)


def finished_class(tree, code="KS01", people=3, lecturers=1, failed=0, provider=None, program=None, ends_ago=1):
    """A class of the so_b school (run by `users.institution`) that has just finished: `lecturers` external
    lecturers teaching its sessions, `people` learners who completed it and `failed` who did not. Its survey is open
    (the FINISHED move opened it). Returns (class, [completed people], [lecturers])."""
    start = timezone.localdate() - datetime.timedelta(days=ends_ago + 3)
    cls = make_class(code, capacity=people + failed + 1, provider=provider or _school(tree),
                     program=program or make_program(), sessions=max(lecturers, 1) * 2, starts_on=start,
                     ends_on=start + datetime.timedelta(days=3))
    teachers = [Lecturer.objects.create(name=f"Giảng viên {code} {i + 1}", academic_title="TS") for i in range(lecturers)]
    for i, session in enumerate(cls.sessions.order_by("date")):
        if teachers:
            session.lecturer = teachers[i % len(teachers)]
            session.save()
    completed, enrolments = [], []
    for i in range(people + failed):
        person = make_person(tree.phong_b, code=f"{code}_HV{i:03d}", full_name=f"Học Viên {code} Số {i}")
        enrolments.append((enroll(cls, person), i < people))
        if i < people:
            completed.append(person)
    training.change_status(cls, TrainingClass.Status.RUNNING)
    for enrolment, ok in enrolments:
        training.record_outcome(enrolment, ok)
    training.change_status(cls, TrainingClass.Status.FINISHED)
    cls.refresh_from_db()
    return cls, completed, teachers


def full_answers(survey, score=8, skip=0):
    """A Filled with `score` on every scored slot of the survey's form but the last `skip`."""
    blocks = services.form_blocks(survey.template, survey.training_class)
    slots = services.scored_slots(blocks)
    kept = slots[:len(slots) - skip] if skip else slots
    return services.Filled(scores={(item.pk, lecturer.pk if lecturer else None): score for item, lecturer in kept})
