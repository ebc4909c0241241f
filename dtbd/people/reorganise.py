"""Placements carried over by a reorganisation of the tree (docs/domain.md, §15 sắp xếp tổ chức bộ máy), set-based.

Given a map {old unit id: new unit id} and a day D, every placement valid on D − 1 in a mapped unit ends on D − 1 and a
new one opens on D in the mapped unit, ending when the old one ended (dated history, docs/decisions/0001); placements
starting on D or later in a mapped unit are re-pointed to its new unit. A placement that already ends on D − 1 (the
person left or changed unit that day, or an earlier operation of the same day closed it) is not carried over. A person
may be sent elsewhere than their unit's new unit (`person_targets`, a split with people chosen per successor). Nothing
else of the person changes.

The work is a few statements whatever the number of people: the maps go into temporary tables and the placements are
closed, opened and audited with UPDATE … / INSERT … SELECT joins (one django-auditlog entry per person moved, written
by the same INSERT … SELECT: bulk writes send no signals). `core.importing.rows_inserted` is sent so that the derived
data (the dashboard's summary tables) is marked out of date."""
import datetime
import uuid

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q

from dtbd.core.importing import chunks, db_now, rows_inserted
from dtbd.core.models import Source, valid_on_q
from dtbd.org.models import Unit

from .models import Person, UnitAssignment

# The key of the person's audit entry naming their unit (the staff import writes the same key).
UNIT_KEY = "Đơn vị"


def placements_on(unit_ids, day):
    """The placements in `unit_ids` valid on `day` that go on after it (a queryset of UnitAssignment): those a
    reorganisation on the next day carries over; a placement ending on `day` ends there."""
    return (UnitAssignment.objects.filter(unit_id__in=list(unit_ids)).filter(valid_on_q(day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)))


def later_placements(unit_ids, day):
    """The placements in `unit_ids` starting after `day` (recorded ahead of time)."""
    return UnitAssignment.objects.filter(unit_id__in=list(unit_ids), valid_from__gt=day)


def people_count(unit_ids, day):
    return placements_on(unit_ids, day).values("person_id").distinct().count()


def people_rows(unit_ids, day, limit=None):
    """(person id, code, full name, unit id) of the people placed in `unit_ids` on `day`, by unit then name."""
    qs = (placements_on(unit_ids, day).order_by("unit__path", "person__name_sort", "person__code")
          .values_list("person_id", "person__code", "person__full_name", "unit_id"))
    return list(qs if limit is None else qs[:limit])


def people_in_ended_units(on_date, path=""):
    """How many people are placed on `on_date` in a unit that is not valid on that date (ended or not yet begun),
    in the subtree at `path` (every unit when empty): a reorganisation left them behind."""
    units = Unit.objects.exclude(
        (Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
    )
    if path:
        units = units.filter(path__startswith=path)
    return UnitAssignment.objects.filter(valid_on_q(on_date), unit_id__in=units.values("pk")).values(
        "person_id").distinct().count()


def _temp_name(stem):
    return f"reorg_{stem}_{uuid.uuid4().hex[:8]}"


def _temp_table(cursor, name, key, rows):
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({key} INTEGER PRIMARY KEY, target_id INTEGER NOT NULL)")
    for chunk in chunks(sorted(rows.items()), 400):
        values = ", ".join(["(%s, %s)"] * len(chunk))
        cursor.execute(f"INSERT INTO {name} ({key}, target_id) VALUES {values}", [v for pair in chunk for v in pair])


def move_placements(unit_targets, day, *, person_targets=None, decision_no="", actor=None):
    """Carry the placements of `unit_targets` ({old unit id: new unit id}) over to their new units from `day` (see
    the module). `person_targets` ({person id: new unit id}) overrides the unit's target for those people. Returns the
    number of people moved. Call inside a transaction."""
    if not unit_targets:
        return 0
    before = day - datetime.timedelta(days=1)
    ops = connection.ops
    d_before, d_day = ops.adapt_datefield_value(before), ops.adapt_datefield_value(day)
    now = db_now()
    unit_map, person_map, moves = _temp_name("units"), _temp_name("people"), _temp_name("moves")
    assignment = ops.quote_name(UnitAssignment._meta.db_table)
    person = ops.quote_name(Person._meta.db_table)
    unit = ops.quote_name(Unit._meta.db_table)
    logentry = ops.quote_name(LogEntry._meta.db_table)
    json_cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    rows_inserted.send(sender=UnitAssignment)  # the summary tables: every unit's figures out of date
    with connection.cursor() as cursor:
        _temp_table(cursor, unit_map, "unit_id", unit_targets)
        _temp_table(cursor, person_map, "person_id", person_targets or {})
        cursor.execute(
            f"CREATE TEMPORARY TABLE {moves} AS "
            f"SELECT a.id AS assignment_id, a.person_id AS person_id, a.unit_id AS old_unit_id, "
            f"COALESCE(p.target_id, m.target_id) AS target_id, a.valid_to AS old_to "
            f"FROM {assignment} a JOIN {unit_map} m ON m.unit_id = a.unit_id "
            f"LEFT JOIN {person_map} p ON p.person_id = a.person_id "
            f"WHERE (a.valid_from IS NULL OR a.valid_from <= %s) AND (a.valid_to IS NULL OR a.valid_to >= %s)",
            [d_before, d_day],
        )
        cursor.execute(f"SELECT COUNT(DISTINCT person_id) FROM {moves}")
        moved = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {assignment} SET valid_to = %s WHERE id IN (SELECT assignment_id FROM {moves})",
                       [d_before])
        cursor.execute(
            f"INSERT INTO {assignment} (person_id, unit_id, valid_from, valid_to, source, decision_no, created_at) "
            f"SELECT person_id, target_id, %s, old_to, %s, %s, %s FROM {moves}",
            [d_day, Source.DECISION, decision_no, now],
        )
        cursor.execute(
            f"UPDATE {assignment} SET unit_id = COALESCE("
            f"(SELECT p.target_id FROM {person_map} p WHERE p.person_id = {assignment}.person_id), "
            f"(SELECT m.target_id FROM {unit_map} m WHERE m.unit_id = {assignment}.unit_id)) "
            f"WHERE valid_from >= %s AND unit_id IN (SELECT unit_id FROM {unit_map})",
            [d_day],
        )
        # One audit entry per person moved, as the staff import writes them: {"Đơn vị": [old code, new code]}.
        # Unit codes are letters, digits and . _ - (core.text.code_error): nothing to escape in the JSON text.
        changes = ("'{\"" + UNIT_KEY + "\": [\"' || o.code || '\", \"' || n.code || '\"]}'")
        cursor.execute(
            f"INSERT INTO {logentry} (content_type_id, object_pk, object_id, object_repr, action, changes_text, "
            f"changes, actor_id, timestamp) "
            f"SELECT %s, CAST(p.id AS VARCHAR(20)), p.id, p.full_name || ' (' || p.code || ')', %s, '', "
            f"{json_cast % changes}, %s, %s "
            f"FROM {moves} mv JOIN {person} p ON p.id = mv.person_id JOIN {unit} o ON o.id = mv.old_unit_id "
            f"JOIN {unit} n ON n.id = mv.target_id",
            [ContentType.objects.get_for_model(Person).id, LogEntry.Action.UPDATE,
             getattr(actor, "pk", None), now],
        )
        for name in (moves, person_map, unit_map):
            cursor.execute(f"DROP TABLE {name}")
    return moved
