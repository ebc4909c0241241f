"""The annual assessment (đánh giá, xếp loại chất lượng, docs/domain.md §14.1): who is assessed in a unit for a year,
the grid of a unit's ratings, and the one writer of ratings (`record_assessments`) used by the web grid and the API.

Every rating is a row of `AnnualAssessment` (one per person and year) saved one by one (`save`/`delete`), so that
django-auditlog records every change with its actor."""
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.db import prefix_q
from dtbd.core.models import Source

from .models import AnnualAssessment, CategoryAssignment, Person, Rating, UnitAssignment
from .queries import STAFF_CATEGORIES, staff_placements

MIN_YEAR = 2000
FIELDS = ("rating", "assessed_on", "note", "assessed_by")


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _overlaps_q(start, end, prefix=""):
    """Dated records valid on at least one day of [start, end] (NULL valid_from: an unknown start, valid before)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def assessed_people(unit, year):
    """The people to assess in `unit`'s subtree for `year`: placed in a unit of the subtree on at least one day of the
    year, cán bộ, công chức or viên chức on at least one day of it, and not gone before it began."""
    start, end = year_bounds(year)
    placed = UnitAssignment.objects.filter(_overlaps_q(start, end)).filter(prefix_q("unit__path", unit.path))
    staff = CategoryAssignment.objects.filter(_overlaps_q(start, end), person=OuterRef("pk"),
                                              category__in=STAFF_CATEGORIES)
    return (Person.objects.filter(pk__in=placed.values("person_id"))
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
            .filter(Exists(staff)))


def grid_rows(ids, unit, year):
    """The people `ids` (a page of the grid, in that order) with the unit they were in at the end of the year (or
    today), and their rating of `year` (`assessment`, None when not rated): two queries."""
    on = min(year_bounds(year)[1], datetime.date.today())
    last_unit = (UnitAssignment.objects.filter(person=OuterRef("pk")).filter(_overlaps_q(year_bounds(year)[0], on))
                 .filter(prefix_q("unit__path", unit.path)).order_by("-valid_from"))
    ids = list(ids)
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).annotate(
        unit_name=Subquery(last_unit.values("unit__name")[:1])).order_by()}
    ratings = {a.person_id: a for a in AnnualAssessment.objects.filter(person_id__in=ids, year=year)}
    rows = []
    for pk in ids:
        if pk in people:
            person = people[pk]
            person.assessment = ratings.get(pk)
            rows.append(person)
    return rows


def year_error(year, today=None):
    today = today or datetime.date.today()
    if year is None or not (MIN_YEAR <= year <= today.year):
        return _("Năm đánh giá phải từ %(low)s đến %(high)s.") % {"low": MIN_YEAR, "high": today.year}
    return None


def date_error(year, assessed_on):
    """The assessment is made at the end of the year: not before 1 October of the assessed year."""
    if assessed_on is not None and assessed_on < datetime.date(year, 10, 1):
        return _("Ngày đánh giá không được trước ngày 01/10/%(year)s.") % {"year": year}
    return None


@dataclass
class Outcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


def record_assessments(user, year, rows, source=Source.ENTERED):
    """Save the ratings of `year`: `rows` = [{"person": pk, "rating": code or "" , "assessed_on": date or None,
    "note": text, optionally "assessed_by"}, …]. One row per person and year: an existing one is updated when something differs, an empty
    rating removes it. Returns (Outcome, {person pk: AnnualAssessment or None}).

    Refusals, before anything is saved: a read-only role PermissionDenied; a person outside the user's scope (or who
    does not exist) Http404, which never says who; a bad year, rating or date ValidationError."""
    scope = scope_of(user)
    if not scope.can_write:
        raise PermissionDenied(_("Tài khoản của bạn chỉ có quyền xem, không được ghi đánh giá, xếp loại."))
    error = year_error(year)
    if error:
        raise ValidationError({"year": error})
    by_person = {}
    for row in rows:
        by_person[int(row["person"])] = row
    allowed = set(Person.objects.restrict(user, CHANGE).filter(pk__in=list(by_person)).values_list("pk", flat=True))
    if allowed != set(by_person):
        raise Http404(_("Có cán bộ không thuộc phạm vi quản lý của bạn: không ghi đánh giá nào."))
    errors = {}
    for pk, row in by_person.items():
        if row.get("rating") and row["rating"] not in Rating.values:
            errors.setdefault("rating", []).append(_("Xếp loại không hợp lệ."))
        if error := date_error(year, row.get("assessed_on")):
            errors.setdefault("assessed_on", []).append(error)
    if errors:
        raise ValidationError({k: sorted(set(v)) for k, v in errors.items()})
    try:
        return _save_rows(year, by_person, source)
    except IntegrityError:
        # another user saved a rating of the same person and year at the same moment (one per person and year)
        raise ValidationError(_("Đánh giá vừa được người khác cập nhật: tải lại trang rồi lưu lại.")) from None


def _save_rows(year, by_person, source):
    outcome, saved = Outcome(), {}
    with transaction.atomic():
        existing = {a.person_id: a for a in
                    AnnualAssessment.objects.select_for_update().filter(person_id__in=list(by_person), year=year)}
        for pk, row in by_person.items():
            current = existing.get(pk)
            values = {"rating": row.get("rating") or "", "assessed_on": row.get("assessed_on"),
                      "note": row.get("note") or "",
                      # a row without it (the grid, the import) keeps the recorded one
                      "assessed_by": row["assessed_by"] if "assessed_by" in row else
                      (current.assessed_by if current is not None else "")}
            if not values["rating"]:
                if current is not None:
                    current.delete()
                    outcome.removed += 1
                saved[pk] = None
                continue
            if current is None:
                current = AnnualAssessment(person_id=pk, year=year, source=source, **values)
                current.save()
                outcome.created += 1
            elif any(getattr(current, f) != values[f] for f in FIELDS):
                for f in FIELDS:
                    setattr(current, f, values[f])
                current.source = source
                current.save()
                outcome.changed += 1
            else:
                outcome.unchanged += 1
            saved[pk] = current
    return outcome, saved


def person_assessments(person):
    """A person's ratings, newest year first (the staff page)."""
    return list(AnnualAssessment.objects.filter(person=person).order_by("-year"))


NOT_RATED = "NONE"


def rating_counts(unit, year):
    """For the report of ratings (docs/domain.md §14.1): the cán bộ, công chức and viên chức placed in `unit`'s subtree
    on 31 December of `year` (queries.staff_placements), counted by their rating of `year` (NOT_RATED: none), per
    child of `unit` (those placed in `unit` itself under `unit`). One aggregate query (plus one for the children).

    Returns (groups, counts): groups = [unit, *children by path]; counts = {(group pk, rating code): n}."""
    end = year_bounds(year)[1]
    children = list(unit.children.order_by("path"))
    rating = AnnualAssessment.objects.filter(person=OuterRef("person_id"), year=year).values("rating")[:1]
    placements = staff_placements(unit, end).annotate(_rating=Subquery(rating))
    codes = [*Rating.values, NOT_RATED]

    def rated(code):
        return Q(_rating__isnull=True) if code == NOT_RATED else Q(_rating=code)

    inside_children = Q()
    for child in children:
        inside_children |= prefix_q("unit__path", child.path)
    aggregates = {}
    for code in codes:
        aggregates[f"{unit.pk}_{code}"] = Count("person_id", distinct=True, filter=rated(code) & ~inside_children
                                                if children else rated(code))
        for child in children:
            aggregates[f"{child.pk}_{code}"] = Count(
                "person_id", distinct=True, filter=rated(code) & prefix_q("unit__path", child.path))
    figures = placements.aggregate(**aggregates)
    counts = {(int(key.split("_", 1)[0]), key.split("_", 1)[1]): n for key, n in figures.items()}
    return [unit, *children], counts
