"""The plans of units ended by a reorganisation (docs/domain.md §15): the plans of their year and later that are still
open (not closed, not superseded) go to the unit's successor, and so do the open needs recorded against them.

One plan per unit and year (workflow.create_plan): a successor without a plan of that year receives the plan itself
(every revision of the year: the plan's history stays one chain); a successor that already has one receives the
lines of the open revision (their costs, the classes opened from them and the needs they meet follow the line). Each
row is saved through `save()`, so django-auditlog records the move; each plan concerned gets a comment in its
journal. Plans of earlier years, closed or superseded plans stay where they were: what was planned then is history."""
from collections import defaultdict

from auditlog.models import LogEntry
from django.db.models import Max
from django.utils.translation import gettext as _

from dtbd.core.importing import chunks

from ..models import Need, Plan, PlanLine
from .needs import _audit
from .workflow import _actor, _event

Status = Plan.Status
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.IN_EXECUTION)


def open_plans(unit_ids, day):
    """The open plans (latest revision of a year) of `unit_ids` for the year of `day` and later."""
    return Plan.objects.filter(unit_id__in=list(unit_ids), year__gte=day.year, status__in=OPEN)


def open_lines(unit_ids, day):
    """The lines of those plans (a PlanLine queryset)."""
    return PlanLine.objects.filter(plan__in=open_plans(unit_ids, day).values("pk"))


def open_needs(unit_ids, day):
    return Need.objects.filter(unit_id__in=list(unit_ids), year__gte=day.year, met=False)


def move_plans(unit_targets, day, user=None, note=""):
    """Carry the open plans, their lines and the open needs of {old unit id: new unit id} over (see the module).
    Returns (plans moved whole, lines moved into a successor's plan, needs moved). Call inside a transaction."""
    plans_moved = lines_moved = 0
    comment = _("Sắp xếp tổ chức bộ máy từ %(date)s.") % {"date": day.strftime("%d/%m/%Y")}
    if note:
        comment = f"{comment} {note}"
    with _actor(user):
        for plan in open_plans(unit_targets, day).select_related("unit").order_by("year", "pk"):
            target_id = unit_targets[plan.unit_id]
            target_plan = (Plan.objects.filter(unit_id=target_id, year=plan.year, status__in=OPEN)
                           .order_by("-revision").first())
            if target_plan is None and not Plan.objects.filter(unit_id=target_id, year=plan.year).exists():
                for revision in Plan.objects.filter(unit_id=plan.unit_id, year=plan.year).order_by("revision"):
                    revision.unit_id = target_id
                    revision.save(update_fields=["unit"])
                _event(plan, user, comment)
                plans_moved += 1
                continue
            if target_plan is None:
                continue  # the successor's plan of the year is closed: the lines stay with the plan they belong to
            position = (target_plan.lines.aggregate(m=Max("position"))["m"] or 0)
            for line in plan.lines.order_by("position", "pk"):
                position += 1
                line.plan, line.position = target_plan, position
                line.save(update_fields=["plan", "position"])
                lines_moved += 1
            _event(plan, user, comment)
            _event(target_plan, user, comment)
    needs_moved = _move_needs(unit_targets, day, user)
    return plans_moved, lines_moved, needs_moved


def _move_needs(unit_targets, day, user):
    """One UPDATE per successor (needs are per person: there may be many), audited in bulk like the needs register."""
    by_target = defaultdict(list)
    entries = []
    rows = open_needs(unit_targets, day).values_list("pk", "year", "person_id", "program_id", "unit_id")
    for pk, year, person_id, program_id, unit_id in rows.iterator(chunk_size=5000):
        target = unit_targets[unit_id]
        by_target[target].append(pk)
        entries.append((pk, f"{year} · {person_id} · {program_id}", LogEntry.Action.UPDATE,
                        {"unit": [str(unit_id), str(target)]}))
    for target, ids in by_target.items():
        for chunk in chunks(ids):
            Need.objects.filter(pk__in=chunk).update(unit_id=target)
    _audit(entries, user)
    return len(entries)
