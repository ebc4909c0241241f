"""A stored Operation (the mapping file, or one of the web's operations on the tree) as a Mapping for the core service
(docs/domain.md §15): merge (A + B → C, or B into A), split (people chosen per successor, or by sub-unit), dissolve
(staff to named successors), move under a new parent (a successor unit under the new parent), rename (in place: the
unit stays the same unit; the old name is kept in its lineage).

Units an operation creates (a merger into a new unit, a move) are created on confirmation, valid from the day, in the
same transaction as the rest. The preview creates them too, inside a transaction that is rolled back: nothing is
written until the operation is confirmed."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.importing import RowError
from dtbd.org import lineage
from dtbd.org.models import Lineage, Unit
from dtbd.org.services import save_unit

from . import services
from .models import Operation
from .services import Refused, Row

LINEAGE_KIND = {
    Operation.Kind.FILE: Lineage.Kind.MAPPING, Operation.Kind.MERGE: Lineage.Kind.MERGE,
    Operation.Kind.SPLIT: Lineage.Kind.SPLIT, Operation.Kind.DISSOLVE: Lineage.Kind.DISSOLVE,
    Operation.Kind.MOVE: Lineage.Kind.MOVE, Operation.Kind.RENAME: Lineage.Kind.RENAME,
}


def _create_units(operation):
    """Create the operation's new units (valid from its day). Raises Refused naming the unit."""
    for spec in operation.new_units:
        parent = Unit.objects.filter(code=spec.get("parent") or "").first()
        unit = Unit(code=spec["code"], name=spec["name"], parent=parent, kind=spec["kind"],
                    admin_level=spec["level"], valid_from=operation.on_date)
        if Unit.objects.filter(code=unit.code).exists():
            raise Refused([RowError(0, "", unit.code, _("Mã đơn vị %(code)s đã có.") % {"code": unit.code})])
        try:
            save_unit(unit)
        except ValidationError as exc:
            raise Refused([RowError(0, "", unit.code, " ".join(exc.messages))]) from exc


def _rows(operation):
    return [Row(int(r.get("row", i + 2)), r.get("old", ""), r.get("new", ""), r.get("note", ""))
            for i, r in enumerate(operation.rows)]


def mapping_of(operation):
    """Check the operation against the database as it is now (its new units created): the Mapping, or Refused."""
    people = {}
    if operation.people:
        codes = dict(Unit.objects.filter(code__in=set(operation.people.values())).values_list("code", "pk"))
        people = {int(pid): codes[code] for pid, code in operation.people.items() if code in codes}
    return services.check(_rows(operation), operation.on_date, operation.abolish_level, person_targets=people,
                          kind=LINEAGE_KIND[operation.kind], note=operation.note)


class _Rollback(Exception):
    pass


def preview(operation, limit=services.PREVIEW_LIMIT):
    """(preview dict, errors): what confirming would do, computed in a transaction rolled back."""
    result = {}
    try:
        with transaction.atomic():
            _create_units(operation)
            if operation.kind == Operation.Kind.RENAME:
                result.update(rename=True)
            else:
                result.update(services.preview(mapping_of(operation), limit))
            raise _Rollback
    except _Rollback:
        return result, []
    except Refused as refused:
        return {}, refused.errors


def _rename(operation, user):
    unit = Unit.objects.get(code=_rows(operation)[0].old)
    old_name = unit.name
    unit.name = operation.rename_to
    save_unit(unit)
    lineage.record([(unit.pk, unit.pk)], operation.on_date, Lineage.Kind.RENAME, operation.note,
                   old_names={unit.pk: old_name}, actor=user)
    return {"units": 0, "people": 0, "plans": 0, "lines": 0, "needs": 0, "accounts": 0, "links": 1}


def confirm(operation, user, progress=None):
    """Apply the operation in one transaction; record the outcome on it. Raises Refused (nothing written)."""
    with transaction.atomic():
        _create_units(operation)
        if operation.kind == Operation.Kind.RENAME:
            summary = _rename(operation, user)
        else:
            summary = services.apply(mapping_of(operation), user, progress)
        operation.status = Operation.Status.DONE
        operation.summary = summary
        operation.applied_at = timezone.now()
        operation.error = ""
        operation.save(update_fields=["status", "summary", "applied_at", "error"])
    return summary


def day_from_text(text):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
