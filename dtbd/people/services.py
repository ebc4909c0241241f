"""Writes to the staff register with business meaning. Views, imports and the API call these."""
import datetime

from django.db import transaction

from .models import (
    CategoryAssignment,
    JobAssignment,
    Person,
    PlannedPost,
    PostAssignment,
    RankAssignment,
    UnitAssignment,
)

ASSIGNMENT_MODELS = (UnitAssignment, CategoryAssignment, RankAssignment, PostAssignment, JobAssignment, PlannedPost)


def change_single(person, model, on_date: datetime.date | None, source, decision_no="", **values):
    """Set a single-valued history (unit, category, rank, job position) to `values` from `on_date`.

    The open record ends the day before `on_date`; nothing changes if it already holds `values`.
    on_date None means an unknown start (only when the person has no record of this kind yet).
    Returns the open record."""
    current = model.objects.filter(person=person, valid_to__isnull=True).first()
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return current
    if current is not None:
        if on_date is None:
            raise ValueError("A change of an existing record needs a date.")
        if current.valid_from is not None and current.valid_from >= on_date:
            # Corrected on the day it started: replace rather than leave an empty period.
            for key, value in values.items():
                setattr(current, key, value)
            current.source, current.decision_no = source, decision_no
            current.save()
            return current
        current.valid_to = on_date - datetime.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    return model.objects.create(person=person, valid_from=on_date, source=source, decision_no=decision_no, **values)


@transaction.atomic
def record_leave(person: Person, on_date: datetime.date, reason: str):
    """A person leaves (retires, transfers out, resigns): every open record ends on `on_date`; nothing is deleted."""
    person.left_on = on_date
    person.leave_reason = reason
    person.save(update_fields=["left_on", "leave_reason", "updated_at"])
    for model in ASSIGNMENT_MODELS:
        for record in model.objects.filter(person=person, valid_to__isnull=True):
            record.valid_to = on_date
            record.save(update_fields=["valid_to"])


# ---------------------------------------------------------------------------------------------------------------
# Record pages: create/edit a person and their present situation, qualifications. Validation lives in the forms
# (dtbd.people.forms, built on dtbd.people.validators); these functions apply the change with history semantics.


def _end_or_drop(record, on_date):
    """End an open record the day before `on_date`; a record that started on/after that day is a same-day
    correction and is removed instead of leaving an empty period."""
    if on_date is None:
        raise ValueError("A change of an existing record needs a date.")
    if record.valid_from is not None and record.valid_from >= on_date:
        record.delete()
    else:
        record.valid_to = on_date - datetime.timedelta(days=1)
        record.save(update_fields=["valid_to"])


def job_position_named(name):
    """The job position called `name` (compared without accents and case), created when new; None for blank."""
    from dtbd.core.text import fold

    from .models import JobPosition

    name = " ".join((name or "").split())
    if not name:
        return None
    position = JobPosition.objects.filter(name_folded=fold(name)).first()
    return position or JobPosition.objects.create(name=name)


def change_main_post(person, title, level, on_date, source, unit=None, decision_no=""):
    """Set the person's main post (the highest open one) to (title, level) from `on_date`; blank = no post.
    Other open posts (kiêm nhiệm) are left alone. Returns the open main post or None."""
    from .catalog import POST_LEVEL_ORDER

    open_posts = list(PostAssignment.objects.filter(person=person, valid_to__isnull=True))
    if any(p.title == title and p.level == level for p in open_posts):
        return next(p for p in open_posts if p.title == title and p.level == level)
    main = max(open_posts, key=lambda p: (POST_LEVEL_ORDER.get(p.level, 0), p.valid_from or datetime.date.min), default=None)
    if main is not None:
        _end_or_drop(main, on_date)
    if not (title or level):
        return None
    return PostAssignment.objects.create(
        person=person, title=title, level=level, unit=unit, valid_from=on_date, source=source, decision_no=decision_no
    )


def change_planned_levels(person, levels, on_date, source):
    """Make the open planned posts (quy hoạch) exactly `levels`: the others end, the new ones start on `on_date`."""
    levels = set(levels)
    held = {}
    for record in PlannedPost.objects.filter(person=person, valid_to__isnull=True):
        if record.level in levels and record.level not in held:
            held[record.level] = record
        else:
            _end_or_drop(record, on_date)
    for level in sorted(levels - set(held)):
        PlannedPost.objects.create(person=person, level=level, valid_from=on_date, source=source)


def _end_single(model, person, on_date):
    for record in model.objects.filter(person=person, valid_to__isnull=True):
        _end_or_drop(record, on_date)


@transaction.atomic
def update_person_assignments(
    person,
    *,
    on_date,
    unit,
    category,
    rank=None,
    post_title="",
    post_level="",
    job_position="",
    planned_levels=(),
    source=None,
):
    """Set the person's present unit, category, rank, main post, job position and planned posts as of `on_date`.

    Unchanged values change nothing; a changed one ends the open record the day before `on_date` and opens a new one
    (change_single). `on_date` None = unknown start, only for a history the person does not have yet."""
    from dtbd.core.models import Source

    source = source or Source.ENTERED
    change_single(person, UnitAssignment, on_date, source, unit=unit)
    change_single(person, CategoryAssignment, on_date, source, category=category)
    if rank is not None:
        change_single(person, RankAssignment, on_date, source, rank=rank)
    else:
        _end_single(RankAssignment, person, on_date)
    change_main_post(person, post_title, post_level, on_date, source, unit=unit)
    position = job_position_named(job_position)
    if position is not None:
        change_single(person, JobAssignment, on_date, source, job_position=position)
    else:
        _end_single(JobAssignment, person, on_date)
    change_planned_levels(person, planned_levels, on_date, source)


@transaction.atomic
def save_person(person, *, on_date=None, **assignments):
    """Save a person's identity fields and, when `assignments` are given, their present situation from `on_date`
    (see update_person_assignments). Returns the person."""
    person.save()
    if assignments:
        update_person_assignments(person, on_date=on_date, **assignments)
    return person


def save_qualification(qualification):
    """Save a qualification entered by hand (source ENTERED unless already set by a class or an import)."""
    from dtbd.core.models import Source

    if not qualification.pk and not qualification.source:
        qualification.source = Source.ENTERED
    qualification.save()
    return qualification


@transaction.atomic
def delete_person(person):
    """Delete a person and all their records: for records created by mistake only (people who leave are recorded
    with record_leave). django-auditlog records the deletion of the person and of each record."""
    person.delete()
