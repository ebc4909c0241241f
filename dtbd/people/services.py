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
