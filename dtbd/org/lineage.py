"""The tree's side of a reorganisation (docs/domain.md §15): units ended the day before it, and the predecessor →
successor links the unit page shows. The people, plans and accounts that follow live in their own apps."""
import datetime
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from dtbd.core.importing import chunks, db_now, insert_rows

from .models import Lineage, Unit


def subtree_ids(unit_ids):
    """{unit id: path} of the units in the subtrees of `unit_ids` (themselves included), from their paths."""
    paths = list(Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
    result = {}
    for chunk in chunks(paths, 200):
        q = Q()
        for path in chunk:
            q |= Q(path__startswith=path)
        result.update(Unit.objects.filter(q).values_list("pk", "path"))
    return result


def end_units(unit_ids, last_day, actor=None):
    """Every unit of `unit_ids` still valid after `last_day` ends on it (valid_to), in one UPDATE per chunk, with one
    django-auditlog entry per unit (bulk writes send no signals). Returns the ids of the units ended."""
    day = last_day.isoformat()
    ended = []
    for chunk in chunks(unit_ids):
        rows = list(Unit.objects.filter(pk__in=chunk).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
                    .values_list("pk", "name", "valid_to"))
        if rows:
            Unit.objects.filter(pk__in=[r[0] for r in rows]).update(valid_to=last_day)
            ended.extend(rows)
    if ended:
        insert_rows(
            LogEntry, ("object_pk", "object_id", "object_repr", "action", "changes"),
            [(str(pk), pk, name, LogEntry.Action.UPDATE,
              json.dumps({"valid_to": [str(valid_to) if valid_to else "None", day]}))
             for pk, name, valid_to in ended],
            constants={"content_type": ContentType.objects.get_for_model(Unit).id, "changes_text": "",
                       "actor": getattr(actor, "pk", None), "timestamp": db_now()},
        )
    return [pk for pk, _name, _to in ended]


def record(pairs, on_date: datetime.date, kind, note="", old_names=None, actor=None):
    """Store the links (predecessor id, successor id) of a reorganisation on `on_date` in bulk (a level abolished
    links thousands of units), with one django-auditlog entry per link. Returns how many links were stored."""
    pairs = sorted(set(pairs))
    existing = set()
    for chunk in chunks([p for p, _s in pairs]):
        existing.update(Lineage.objects.filter(on_date=on_date, predecessor_id__in=chunk)
                        .values_list("predecessor_id", "successor_id"))
    new = [Lineage(predecessor_id=p, successor_id=s, on_date=on_date, kind=kind, note=note[:255],
                   old_name=(old_names or {}).get(p, "")[:255]) for p, s in pairs if (p, s) not in existing]
    if not new:
        return 0
    Lineage.objects.bulk_create(new, batch_size=500)
    stored = Lineage.objects.filter(on_date=on_date, predecessor_id__in=[p for p, _s in pairs]).values_list(
        "pk", "predecessor_id", "successor_id") if len(pairs) < 900 else Lineage.objects.filter(
        on_date=on_date).values_list("pk", "predecessor_id", "successor_id")
    wanted = {(link.predecessor_id, link.successor_id) for link in new}
    insert_rows(
        LogEntry, ("object_pk", "object_id", "object_repr", "action", "changes"),
        [(str(pk), pk, f"{p} → {s} ({on_date:%d/%m/%Y})", LogEntry.Action.CREATE,
          json.dumps({"predecessor": ["None", str(p)], "successor": ["None", str(s)], "kind": ["None", str(kind)]}))
         for pk, p, s in stored if (p, s) in wanted],
        constants={"content_type": ContentType.objects.get_for_model(Lineage).id, "changes_text": "",
                   "actor": getattr(actor, "pk", None), "timestamp": db_now()},
    )
    return len(new)


def lineage_of(unit):
    """(predecessor links, successor links) of `unit`, each with the other unit, by date."""
    before = list(Lineage.objects.filter(successor=unit).select_related("predecessor").order_by("on_date", "pk"))
    after = list(Lineage.objects.filter(predecessor=unit).select_related("successor").order_by("on_date", "pk"))
    return before, after
