"""Reads of the training catalogue, and the bridge from training needs (dtbd.standards.needs) to programmes."""
from django.db.models import Q

from dtbd.core.text import fold
from dtbd.people.catalog import level_order

from .models import Program


def programmes_for_need(qualification_type, level):
    """Active programmes whose certificate satisfies a need for `qualification_type` at `level` or above:
    same type, granted level order ≥ the needed one."""
    return Program.objects.filter(
        active=True, grants_type=qualification_type, grants_level_order__gte=level_order(qualification_type, level)
    ).order_by("grants_level_order", "code")


def programmes_by_need(needs):
    """{need: [programmes]} for a list of `Need`s, in one query: qualification needs match on the granted type and
    level, programme needs on the programme code; hour needs have no single programme."""
    types = {n.qualification_type for n in needs if n.qualification_type}
    codes = {n.programme_code for n in needs if n.programme_code}
    if not types and not codes:
        return {n: [] for n in needs}
    programmes = list(
        Program.objects.filter(Q(grants_type__in=types) | Q(code__in=codes), active=True).order_by(
            "grants_level_order", "code"
        )
    )
    result = {}
    for need in needs:
        if need.qualification_type:
            wanted = need.min_level_order or 0
            result[need] = [
                p for p in programmes
                if p.grants_type == need.qualification_type and (p.grants_level_order or 0) >= wanted
            ]
        elif need.programme_code:
            result[need] = [p for p in programmes if p.code == need.programme_code]
        else:
            result[need] = []
    return result


def search_programmes(qs, text):
    """Accent-insensitive search on code and name: 'can bo' finds 'cán bộ'."""
    folded = fold(text)
    for word in folded.split():
        qs = qs.filter(search__contains=word)
    return qs


def audit_entries(obj, limit=50):
    """An object's change history (django-auditlog), newest first, with the actor in the same query."""
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")[:limit]
