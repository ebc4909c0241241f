"""Report figures, computed in the database (one grouped query per figure, never a loop over people)."""
import datetime

from django.db.models import Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from dtbd.core.db import prefix_q
from dtbd.core.models import valid_on_q
from dtbd.org.models import Unit
from dtbd.people.catalog import LEVELS, QualificationType
from dtbd.people.models import CategoryAssignment, Person, PostAssignment, Qualification, UnitAssignment
from dtbd.people.queries import highest_level, staff_placements
from dtbd.training.models import ClassSession, Enrollment, Result


def levels_present(unit, date: datetime.date) -> set[str]:
    """Administrative levels of the units of `unit`'s subtree that are valid on `date`."""
    return set(Unit.objects.subtree(unit).active_on(date).order_by().values_list("admin_level", flat=True).distinct())


def highest_level_counts(unit, date: datetime.date, qtype):
    """People of category CB, CC, VC in `unit`'s subtree on `date`, grouped by the administrative level of their unit
    on that date and their highest `qtype` level held on the date (code None: no record held).

    A qualification is held on `date` when issued on or before it (or with no issue date) and not expired
    (`valid_until` NULL or on/after the date); the highest is the one with the greatest `level_order`.
    A person placed in two units of the same level on the date (overlapping records) counts once in that level.

    Returns {(admin_level, code): n} from ONE SQL query grouped by (level, order)."""
    order_to_code = {order: code for code, (_label, order) in LEVELS[qtype].items()}
    grouped = (
        staff_placements(unit, date)
        .annotate(top=highest_level(qtype, date, field="level_order", person_ref="person_id"))
        .values("unit__admin_level", "top")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    counts = {}
    for row in grouped:
        key = (row["unit__admin_level"], None if row["top"] is None else order_to_code[row["top"]])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def qualification_structure(unit, date: datetime.date):
    """People of category CB, CC, VC by their highest education level held on `date` and by the administrative
    level of the unit they work in on that date (see `highest_level_counts`). People with no education record held
    on the date are counted nowhere (no column means "unknown")."""
    counts = {k: n for k, n in highest_level_counts(unit, date, QualificationType.EDUCATION).items() if k[1] is not None}
    return _levels_to_show(unit, date, counts), counts


def _levels_to_show(unit, date, counts):
    """The levels present in the subtree on `date` (one query), plus any level someone is placed at (a record
    inconsistent with the unit's dates is shown, not hidden)."""
    return levels_present(unit, date) | {level for level, _code in counts}


def political_theory(unit, date: datetime.date):
    """As `qualification_structure` for political theory (LLCT): {(admin_level, code): n} where code None = no LLCT
    held on the date (counted: "chưa có" is a fact here, unlike an unknown education level). Returns (levels, counts)."""
    counts = highest_level_counts(unit, date, QualificationType.POLITICAL)
    return _levels_to_show(unit, date, counts), counts


def placed_on_class_end(unit):
    """Exists(): the enrolment's person is placed in `unit`'s subtree on the end date of the enrolment's class."""
    end = OuterRef("training_class__ends_on")
    return Exists(
        UnitAssignment.objects.filter(person=OuterRef("person_id"))
        .filter(prefix_q("unit__path", unit.path))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_to__isnull=True) | Q(valid_to__gte=end))
    )


def training_volume(unit, year: int):
    """Person-times (lượt) of COMPLETED enrolments in classes that ended in `year`, of people placed in `unit`'s
    subtree on the class's end date (the unit they belonged to when they finished, not today's).

    Returns {(content category, form, abroad): n} — ONE grouped query over the enrolments (read-only use of the
    training models)."""
    grouped = (
        Enrollment.objects.filter(
            state=Enrollment.State.COMPLETED,
            training_class__ends_on__gte=datetime.date(year, 1, 1),
            training_class__ends_on__lte=datetime.date(year, 12, 31),
        )
        .filter(placed_on_class_end(unit))
        .values("training_class__program__category", "training_class__form", "training_class__abroad")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        (r["training_class__program__category"], r["training_class__form"], r["training_class__abroad"]): r["n"]
        for r in grouped
    }


def person_heading(person, date: datetime.date):
    """(unit, post title, category) of a person on `date`: one query."""
    posts = PostAssignment.objects.filter(valid_on_q(date), person=OuterRef("pk")).exclude(title="").order_by(F("valid_from").desc(nulls_last=True))
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            unit_id_on=Subquery(UnitAssignment.objects.filter(valid_on_q(date), person=OuterRef("pk"))
                                .order_by(F("valid_from").desc(nulls_last=True)).values("unit_id")[:1]),
            post_on=Subquery(posts.values("title")[:1]),
            category_on=Subquery(CategoryAssignment.objects.filter(valid_on_q(date), person=OuterRef("pk"))
                                 .order_by(F("valid_from").desc(nulls_last=True)).values("category")[:1]),
        )
        .values("unit_id_on", "post_on", "category_on")
        .first()
    ) or {}
    unit = Unit.objects.filter(pk=row.get("unit_id_on")).first() if row.get("unit_id_on") else None
    return unit, row.get("post_on") or "", row.get("category_on") or ""


def person_qualifications(person, date: datetime.date):
    """The person's diplomas and certificates issued on or before `date` (or undated), oldest first: one query."""
    return list(
        Qualification.objects.filter(person=person)
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=date))
        .order_by(F("issued_on").asc(nulls_first=True), "type", "-level_order", "pk")  # same NULL order on every database
    )


def person_enrolments(person, date: datetime.date):
    """The person's COMPLETED and FAILED enrolments finished on or before `date` (completion date, else the class end
    date), with class, programme, provider, the class's tiết (sum of its sessions, else the programme's duration) and
    the current submitted final score: one query."""
    tiet = (
        ClassSession.objects.filter(training_class=OuterRef("training_class_id"))
        .order_by().values("training_class").annotate(t=Sum("tiet")).values("t")[:1]
    )
    score = Result.objects.filter(enrollment=OuterRef("pk"), is_current=True, submitted_at__isnull=False).values(
        "final_score"
    )[:1]
    return list(
        Enrollment.objects.filter(person=person, state__in=[Enrollment.State.COMPLETED, Enrollment.State.FAILED])
        .filter(Q(completed_on__lte=date) | Q(completed_on__isnull=True, training_class__ends_on__lte=date))
        .select_related("training_class__program", "training_class__provider")
        .annotate(
            tiet=Coalesce(Subquery(tiet), "training_class__program__duration_tiet", output_field=IntegerField()),
            score=Subquery(score, output_field=DecimalField(max_digits=4, decimal_places=2)),
        )
        .order_by("training_class__starts_on", "training_class__code")
    )
