"""Scoped reads of the staff register, all computed in the database."""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from dtbd.core.db import prefix_q
from dtbd.core.models import valid_on_q

from .catalog import LEVELS, POST_LEVEL_ORDER, Category, Gender, PostLevel, QualificationType, level_label, level_order
from .models import (
    AnnualAssessment,
    CategoryAssignment,
    JobAssignment,
    Person,
    PlannedPost,
    PostAssignment,
    Qualification,
    RankAssignment,
    UnitAssignment,
)


def highest_level(qtype, date: datetime.date | None = None, field="level", person_ref="pk"):
    """Subquery: the person's highest `qtype` level held on `date` (today when None), or NULL."""
    date = date or datetime.date.today()
    qs = (
        Qualification.objects.filter(person=OuterRef(person_ref), type=qtype)
        .held_on(date)
        .order_by("-level_order")
        .values(field)[:1]
    )
    return Subquery(qs, output_field=IntegerField() if field == "level_order" else CharField())


def _valid(model, date, person_ref="pk"):
    qs = model.objects.filter(person=OuterRef(person_ref))
    return qs.filter(valid_on_q(date)) if date else qs.filter(valid_to__isnull=True)


def unit_on(date=None, field="unit_id", person_ref="pk"):
    """Subquery: the person's unit (or a field through it, e.g. 'unit__admin_level') on `date` (current when None)."""
    return Subquery(_valid(UnitAssignment, date, person_ref).order_by("-valid_from").values(field)[:1])


def category_on(date=None, person_ref="pk"):
    return Subquery(_valid(CategoryAssignment, date, person_ref).order_by("-valid_from").values("category")[:1])


def rank_on(date=None, field="rank__code", person_ref="pk"):
    return Subquery(_valid(RankAssignment, date, person_ref).order_by("-valid_from").values(field)[:1])


def top_post_level_on(date=None, person_ref="pk"):
    """Highest post level among the posts held on `date` (kiêm nhiệm: several may be open)."""
    order = Case(*[When(level=code, then=Value(rank)) for code, rank in POST_LEVEL_ORDER.items()], default=Value(0))
    qs = _valid(PostAssignment, date, person_ref).exclude(level="").annotate(o=order).order_by("-o").values("level")[:1]
    return Subquery(qs)


# ---------------------------------------------------------------------------------------------------------------
# Staff list, detail and export (scoped reads). Filters are set-based subqueries on the indexed history tables;
# display columns are computed only for the rows shown (see `display_rows`).

PAGE_SIZE = 50


def person_for(user, pk, action="view"):
    """The person `pk` if the user's scope allows `action` on them. Outside the user's view scope Http404 (never
    says whether they exist); a person they see but may not change (a read-only role) PermissionDenied (403)."""
    person = Person.objects.restrict(user, action).select_related("ethnicity").filter(pk=pk).first()
    if person is None:
        if action != "view" and Person.objects.restrict(user).filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404("Không tìm thấy cán bộ trong phạm vi của bạn.")
    return person


def years_before(date: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (29/02 -> 28/02 in a non-leap year)."""
    try:
        return date.replace(year=date.year - years)
    except ValueError:
        return date.replace(year=date.year - years, day=28)


def age_q(min_age=None, max_age=None, today=None, field="birth_date"):
    """People aged `min_age` to `max_age` (full years, both inclusive, either may be None) on `today`."""
    today = today or datetime.date.today()
    q = Q()
    if min_age is not None:
        q &= Q(**{f"{field}__lte": years_before(today, min_age)})
    if max_age is not None:
        q &= Q(**{f"{field}__gt": years_before(today, max_age + 1)})
    return q


def _open_or_last_q(include_left):
    """Records that give a person's present situation: the open ones, and for people who left, the ones that ended
    on their leaving day (record_leave closes every open record on that day)."""
    q = Q(valid_to__isnull=True)
    return q | Q(valid_to=F("person__left_on")) if include_left else q


def people_in_unit_q(path, include_left=False):
    """People whose present unit (see _open_or_last_q) lies in the subtree at `path`."""
    ids = UnitAssignment.objects.filter(_open_or_last_q(include_left) & prefix_q("unit__path", path)).values("person_id")
    return Q(pk__in=ids)


def people_with_q(model, include_left=False, **values):
    """People whose present record of `model` (a history model) has `values`, e.g. category='CC'."""
    return Q(pk__in=model.objects.filter(_open_or_last_q(include_left), **values).values("person_id"))


def highest_level_q(qtype, level, date=None):
    """People whose highest `qtype` level held on `date` is `level` ("NONE": no record of that type).

    Set-based: hold `level` and hold nothing of a higher order (both served by the (type, level) index)."""
    date = date or datetime.date.today()
    held = Qualification.objects.filter(type=qtype).held_on(date)
    if level == "NONE":
        return ~Q(pk__in=held.values("person_id"))
    order = level_order(qtype, level)
    higher = [code for code, (_label, o) in LEVELS[qtype].items() if o > order]
    q = Q(pk__in=held.filter(level=level).values("person_id"))
    if higher:
        q &= ~Q(pk__in=held.filter(level__in=higher).values("person_id"))
    return q


def _present(model, include_left_ref="left_on"):
    """Subquery rows of `model` for the outer person: open records, or those ended on the person's leaving day."""
    return model.objects.filter(person=OuterRef("pk")).filter(
        Q(valid_to__isnull=True) | Q(valid_to=OuterRef(include_left_ref))
    )


def present_columns(date=None):
    """Annotations for a person's present unit, category, rank, top post and main qualification levels.

    Correlated subqueries: use them on a page of rows (or a chunk of an export), not on a whole table."""
    post_order = Case(*[When(level=code, then=Value(rank)) for code, rank in POST_LEVEL_ORDER.items()], default=Value(0))
    posts = _present(PostAssignment).annotate(o=post_order).order_by("-o", "-valid_from")
    unit = _present(UnitAssignment).order_by("-valid_from")
    rank = _present(RankAssignment).order_by("-valid_from")
    return {
        "unit_pk": Subquery(unit.values("unit_id")[:1]),
        "unit_name": Subquery(unit.values("unit__name")[:1]),
        "category_code": Subquery(_present(CategoryAssignment).order_by("-valid_from").values("category")[:1]),
        "rank_code": Subquery(rank.values("rank__code")[:1]),
        "rank_name": Subquery(rank.values("rank__name")[:1]),
        "post_level": Subquery(posts.values("level")[:1]),
        "post_title": Subquery(posts.values("title")[:1]),
        "edu_level": highest_level(QualificationType.EDUCATION, date),
        "llct_level": highest_level(QualificationType.POLITICAL, date),
    }


def export_columns(date=None):
    """present_columns plus the export's extra levels (QLNN, language, IT) and the job position."""
    columns = present_columns(date)
    columns.update(
        qlnn_level=highest_level(QualificationType.STATE_MGMT, date),
        lang_level=highest_level(QualificationType.LANGUAGE, date),
        lang_name=highest_level(QualificationType.LANGUAGE, date, field="language"),
        it_level=highest_level(QualificationType.IT, date),
        job_name=Subquery(_present(JobAssignment).order_by("-valid_from").values("job_position__name")[:1]),
    )
    return columns


def display_rows(ids, date=None):
    """The people `ids` with their display columns, in the order of `ids`: one query."""
    ids = list(ids)
    rows = Person.objects.filter(pk__in=ids).select_related("ethnicity").annotate(**present_columns(date)).order_by()
    by_pk = {row.pk: row for row in rows}
    result = [by_pk[pk] for pk in ids if pk in by_pk]
    for row in result:
        label_row(row)
    return result


def label_row(row):
    """Display labels of the codes annotated by present_columns (category, post level, qualification levels)."""
    row.category_label = Category(row.category_code).label if row.category_code in Category.values else ""
    row.post_level_label = PostLevel(row.post_level).label if row.post_level in PostLevel.values else ""
    row.edu_label = level_label(QualificationType.EDUCATION, row.edu_level) if row.edu_level else ""
    row.llct_label = level_label(QualificationType.POLITICAL, row.llct_level) if row.llct_level else ""
    return row


def planned_levels_by_person(ids):
    """{person_id: [level, …]} of the open planned posts of `ids` (one query)."""
    result = {}
    for person_id, level in (
        PlannedPost.objects.filter(person_id__in=list(ids), valid_to__isnull=True).order_by("person_id", "level").values_list("person_id", "level")
    ):
        result.setdefault(person_id, []).append(level)
    return result


def histories(person):
    """Every dated history of a person for the record page, each newest first (open records on top)."""
    newest = (F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True), "-pk")
    return {
        "units": list(UnitAssignment.objects.filter(person=person).select_related("unit").order_by(*newest)),
        "categories": list(CategoryAssignment.objects.filter(person=person).order_by(*newest)),
        "ranks": list(RankAssignment.objects.filter(person=person).select_related("rank").order_by(*newest)),
        "posts": list(PostAssignment.objects.filter(person=person).select_related("unit").order_by(*newest)),
        "jobs": list(JobAssignment.objects.filter(person=person).select_related("job_position").order_by(*newest)),
        "planned": list(PlannedPost.objects.filter(person=person).order_by(*newest)),
    }


def qualifications_by_type(person, date=None):
    """[(type, label, [qualification, …])] for every qualification type, each record flagged `is_highest` when it is
    the current highest of its type (held on `date`, highest order). One query."""
    date = date or datetime.date.today()
    records = list(Qualification.objects.filter(person=person).order_by("type", "-level_order", "-issued_on", "-pk"))
    groups = []
    for qtype, label in QualificationType.choices:
        items = [q for q in records if q.type == qtype]
        highest = next((q for q in items if (q.issued_on is None or q.issued_on <= date) and (q.valid_until is None or q.valid_until >= date)), None)
        for q in items:
            q.is_highest = q is highest
        groups.append((qtype, label, items))
    return groups


def audit_entries(person, limit=100):
    """Change history of a person and of their qualifications and history records (also deleted ones), newest
    first, with the actor: one query."""
    from auditlog.models import LogEntry


    related = (Qualification, UnitAssignment, CategoryAssignment, RankAssignment, PostAssignment, JobAssignment, PlannedPost,
               AnnualAssessment)
    types = ContentType.objects.get_for_models(Person, *related)
    q = Q(content_type=types[Person], object_id=person.pk)
    for model in related:
        q |= Q(content_type=types[model], object_id__in=model.objects.filter(person=person).values("pk"))
    # deleted records: their DELETE entry keeps the old values, the person's id among them
    q |= Q(content_type__in=[types[m] for m in related], action=LogEntry.Action.DELETE, changes__person__0=str(person.pk))
    return LogEntry.objects.filter(q).select_related("actor", "content_type").order_by("-timestamp", "-pk")[:limit]


def mask_audit_field(entries, field, mask):
    """The log entries with the old/new values of `field` replaced by mask(value), in memory only (for readers who
    may not see that field, e.g. the citizen ID for read-only roles)."""
    entries = list(entries)
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else None
        if changes and field in changes:
            changes[field] = [mask(v) if v not in (None, "None", "") else v for v in changes[field]]
    return entries


# ---------------------------------------------------------------- headcounts (home page, unit pages)


def with_staff_direct(units):
    """Annotate a unit queryset with `staff_direct`: the people currently placed directly in each unit (the unit
    tree's column; registered on org.extensions.unit_rows)."""
    staff = (
        UnitAssignment.objects.filter(unit=OuterRef("pk"), valid_to__isnull=True, person__left_on__isnull=True)
        .order_by()
        .values("unit")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return units.annotate(staff_direct=Coalesce(Subquery(staff, output_field=IntegerField()), Value(0)))


def current_staff(user):
    """People currently working (not left) within the user's scope."""
    return Person.objects.restrict(user).active()


def subtree_staff(unit):
    """People currently assigned to a unit of `unit`'s subtree (the caller has checked the unit is in scope)."""
    return Person.objects.active().in_subtree(unit.path)


def headcounts(people, date=None):
    """Headcounts of a people queryset in ONE query: total, by category (CB/CC/VC/HD), by gender, ethnic minority,
    party members, and by highest education level. `date` None = current records.

    Returns a dict: total, category {code: n}, gender {code: n}, minority, party, education {code|None: n}."""
    edu_levels = list(LEVELS[QualificationType.EDUCATION])
    annotated = people.annotate(_cat=category_on(date), _edu=highest_level(QualificationType.EDUCATION, date))
    aggregates = {
        "total": Count("pk"),
        "minority": Count("pk", filter=Q(ethnicity__is_minority=True)),
        "party": Count("pk", filter=Q(party_member=True)),
        "edu_none": Count("pk", filter=Q(_edu__isnull=True)),
    }
    aggregates.update({f"cat_{code}": Count("pk", filter=Q(_cat=code)) for code in Category.values})
    aggregates.update({f"gender_{code}": Count("pk", filter=Q(gender=code)) for code in Gender.values})
    aggregates.update({f"edu_{code}": Count("pk", filter=Q(_edu=code)) for code in edu_levels})
    row = annotated.aggregate(**aggregates)
    return {
        "total": row["total"],
        "minority": row["minority"],
        "party": row["party"],
        "category": {code: row[f"cat_{code}"] for code in Category.values},
        "gender": {code: row[f"gender_{code}"] for code in Gender.values},
        "education": {**{code: row[f"edu_{code}"] for code in edu_levels}, None: row["edu_none"]},
    }


def headcount_rows(counts):
    """Label the dict of `headcounts` for display: lists of (code, label, n) per dimension."""
    return {
        "category": [(code, label, counts["category"][code]) for code, label in Category.choices],
        "gender": [(code, label, counts["gender"][code]) for code, label in Gender.choices],
        "education": [
            (code, label, counts["education"][code]) for code, (label, _order) in LEVELS[QualificationType.EDUCATION].items()
        ],
        "education_unknown": counts["education"][None],
    }


# ---------------------------------------------------------------- the staff counted in figures (reports, standards)

STAFF_CATEGORIES = (Category.CB, Category.CC, Category.VC)


def staff_placements(unit, date: datetime.date, categories=STAFF_CATEGORIES):
    """Unit assignments valid on `date` in `unit`'s subtree of people who are CB, CC or VC on that date and had not
    left before it (`unit` None: in every unit). `categories`: other categories instead (HD: the contract workers
    the figures leave out, docs/domain.md §2).

    valid_from NULL (unknown start) counts as valid on every earlier date; valid_to is the last valid day. A person
    who left (`left_on`, their last working day) is not counted after it, even if a record was left open."""
    category = CategoryAssignment.objects.filter(
        valid_on_q(date), person=OuterRef("person_id"), category__in=categories
    )
    placements = UnitAssignment.objects.all() if unit is None else UnitAssignment.objects.filter(prefix_q("unit__path", unit.path))
    return (
        placements
        .filter(valid_on_q(date))
        .filter(Q(person__left_on__isnull=True) | Q(person__left_on__gte=date))
        .filter(Exists(category))
    )


def contract_workers_left_out(unit, date: datetime.date) -> int:
    """How many contract workers (HD) work in `unit`'s subtree on `date`: kept in the register but counted in no
    figure (docs/domain.md §2). One query."""
    return staff_placements(unit, date, categories=(Category.HD,)).values("person_id").distinct().count()
