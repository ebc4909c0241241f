"""Scoped reads of the organisation tree, all computed in the database (the staff figures of the unit pages come
from the people app through org.extensions).

Every function takes the user (or an already scoped queryset): nothing here reads outside scope_of(user)."""
import datetime

from auditlog.models import LogEntry
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from dtbd.accounts.scope import VIEW, scope_of
from dtbd.core.officialdoc import place_of

from . import extensions
from .models import AdminLevel, Unit

PAGE_SIZE = 50


def unit_for(user, pk, action=VIEW):
    """The unit `pk` if the user's scope allows `action` on it, else Http404 (healthchecks' _get_check_for_user)."""
    unit = Unit.objects.restrict(user, action).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị trong phạm vi của bạn.")
    return unit


def default_unit(user):
    """The unit a scoped page opens on: a unit-scoped user's own unit; for province-wide users the single root of
    the tree valid today (None when the installation serves several: the user picks one). A province merged into
    another ends with its reorganisation (docs/domain.md §15): its root stays for history but is not a second tree."""
    if user.scope_unit_id and not scope_of(user).everything:
        return user.scope_unit
    roots = list(Unit.objects.restrict(user).filter(parent__isnull=True).filter(not_dissolved_q())
                 .order_by("path")[:2])
    return roots[0] if len(roots) == 1 else None


def not_dissolved_q(today=None, prefix=""):
    """Units still valid today (valid_to is the last valid day; NULL = current)."""
    today = today or datetime.date.today()
    return Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": today})


def with_tree_columns(qs, show_dissolved=False, today=None):
    """Annotate rows of a tree listing with the number of (shown) children, and with what the apps above org add
    (org.extensions.unit_rows: the staff placed directly in the unit)."""
    children = Unit.objects.filter(parent=OuterRef("pk"))
    if not show_dissolved:
        children = children.filter(not_dissolved_q(today))
    child_count = children.order_by().values("parent").annotate(c=Count("pk")).values("c")
    qs = qs.annotate(child_count=Coalesce(Subquery(child_count, output_field=IntegerField()), Value(0)))
    return extensions.annotate_unit_rows(qs)


def base_depth(user):
    """Depth of the top of the user's visible tree (0 = the roots of the whole tree)."""
    scope = scope_of(user)
    return scope.unit_path.count("/") - 1 if scope.unit_path else 0


def tree_top(user, show_dissolved=False, today=None):
    """The first two levels of the user's visible tree (their scope root(s) and the children), ordered by path.

    Returns (rows, base_depth). One SQL query when evaluated; deeper levels load on demand (children_of)."""
    top = base_depth(user)
    qs = Unit.objects.restrict(user).filter(depth__lte=top + 1)
    if not show_dissolved:
        qs = qs.filter(not_dissolved_q(today))
    return with_tree_columns(qs.order_by("path"), show_dissolved, today), top


def children_of(unit, show_dissolved=False, today=None):
    """Direct children of an (already scope-checked) unit, ordered by path."""
    qs = Unit.objects.filter(parent=unit)
    if not show_dissolved:
        qs = qs.filter(not_dissolved_q(today))
    return with_tree_columns(qs.order_by("path"), show_dissolved, today)


def unit_counts(units, today=None):
    """Counts of a unit queryset in one query: total, active, by administrative level, dissolved."""
    active = not_dissolved_q(today)
    return units.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=active),
        dissolved=Count("pk", filter=~active),
        **{level.lower(): Count("pk", filter=active & Q(admin_level=level)) for level in AdminLevel.values},
    )


def audit_entries(unit, limit=50):
    """The unit's change history (django-auditlog), newest first, with the actor in the same query."""
    return LogEntry.objects.get_for_object(unit).select_related("actor", "content_type").order_by("-timestamp")[:limit]


def header_units(unit):
    """(governing body, root unit) of `unit`: its parent and the top of its tree (one query), None when absent."""
    if unit is None:
        return None, Unit.objects.filter(parent__isnull=True).order_by("path").first()
    ids = [int(seg) for seg in unit.path.strip("/").split("/") if seg]
    wanted = {ids[0] if ids else unit.pk, unit.parent_id} - {None, unit.pk}
    found = {unit.pk: unit, **({u.pk: u for u in Unit.objects.filter(pk__in=wanted)} if wanted else {})}
    return found.get(unit.parent_id), found.get(ids[0] if ids else unit.pk, unit)


def document_place(root):
    """The place written before the date of an official document: settings.DTBD_REPORT_PLACE when set, else read from
    the root unit's name ("UBND tỉnh Tuyên Quang" → "Tuyên Quang")."""
    return getattr(settings, "DTBD_REPORT_PLACE", "") or place_of(root.name if root else "")
