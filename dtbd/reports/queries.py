"""Report figures, computed in the database (one grouped query per figure, never a loop over people)."""
import datetime

from django.db.models import Count, Exists, OuterRef, Q

from dtbd.core.db import prefix_q
from dtbd.core.models import valid_on_q
from dtbd.org.models import Unit
from dtbd.people.catalog import LEVELS, Category, QualificationType
from dtbd.people.models import CategoryAssignment, UnitAssignment
from dtbd.people.queries import highest_level

STAFF_CATEGORIES = (Category.CB, Category.CC, Category.VC)


def levels_present(unit, date: datetime.date) -> set[str]:
    """Administrative levels of the units of `unit`'s subtree that are valid on `date`."""
    return set(Unit.objects.subtree(unit).active_on(date).order_by().values_list("admin_level", flat=True).distinct())


def staff_placements(unit, date: datetime.date):
    """Unit assignments valid on `date` in `unit`'s subtree of people who are CB, CC or VC on that date and had not
    left before it.

    valid_from NULL (unknown start) counts as valid on every earlier date; valid_to is the last valid day. A person
    who left (`left_on`, their last working day) is not counted after it, even if a record was left open."""
    category = CategoryAssignment.objects.filter(
        valid_on_q(date), person=OuterRef("person_id"), category__in=STAFF_CATEGORIES
    )
    return (
        UnitAssignment.objects.filter(prefix_q("unit__path", unit.path))
        .filter(valid_on_q(date))
        .filter(Q(person__left_on__isnull=True) | Q(person__left_on__gte=date))
        .filter(Exists(category))
    )


def qualification_structure(unit, date: datetime.date):
    """People of category CB, CC, VC by their highest education level held on `date` and by the administrative
    level of the unit they work in on that date.

    A qualification is held on `date` when issued on or before it (or with no issue date) and not expired
    (`valid_until` NULL or on/after the date); the highest is the one with the greatest `level_order`.
    People with no education record held on the date are counted nowhere (no column means "unknown").
    A person placed in two units of the same level on the date (overlapping records) counts once in that level.

    Returns (levels, counts): the levels to show — those present in the subtree on `date`, plus any level someone is
    placed at (a record inconsistent with the unit's dates is shown, not hidden) — and {(admin_level, edu_code): n}.
    One SQL query groups by (level, education order); a second lists the levels present."""
    order_to_code = {order: code for code, (_label, order) in LEVELS[QualificationType.EDUCATION].items()}
    grouped = (
        staff_placements(unit, date)
        .annotate(edu=highest_level(QualificationType.EDUCATION, date, field="level_order", person_ref="person_id"))
        .values("unit__admin_level", "edu")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    counts = {}
    for row in grouped:
        if row["edu"] is None:
            continue
        key = (row["unit__admin_level"], order_to_code[row["edu"]])
        counts[key] = counts.get(key, 0) + row["n"]
    levels = levels_present(unit, date) | {level for level, _code in counts}
    return levels, counts
