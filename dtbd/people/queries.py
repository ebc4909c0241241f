"""Scoped reads of the staff register, all computed in the database."""
import datetime

from django.db.models import CharField, IntegerField, OuterRef, Subquery

from dtbd.core.models import valid_on_q

from .models import CategoryAssignment, PostAssignment, Qualification, RankAssignment, UnitAssignment


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
    from django.db.models import Case, Value, When

    from .catalog import POST_LEVEL_ORDER

    order = Case(*[When(level=code, then=Value(rank)) for code, rank in POST_LEVEL_ORDER.items()], default=Value(0))
    qs = _valid(PostAssignment, date, person_ref).exclude(level="").annotate(o=order).order_by("-o").values("level")[:1]
    return Subquery(qs)
