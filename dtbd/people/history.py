"""The rules of dated history, in one place (docs/decisions/0001-history-and-tree.md).

A planner here looks at the open records of one person and one kind of history (unit, category, rank, post, job
position, planned posts) and at the value wanted from a day on, and answers with typed changes: close a record on a
day, drop a record, amend a record in place, open a new record. It reads and writes nothing. The record pages and the
API (people.services) apply the changes record by record, so that django-auditlog sees each one; the staff import
(people.importing) applies them in bulk.

The rules:
- the value already open stays open, nothing changes;
- a change on day D ends the open record on D − 1 and opens the new value on D;
- a record that started on D or later is not ended the day before it started (an empty period): a value replacing it
  corrects it in place (it keeps its start), a record no value replaces is removed;
- with no open record, the new value starts on the `start` the caller gives: D for a dated change, None (unknown
  start) for a fact an import states about a history the person never had;
- a person who leaves on D has every open record ended on D itself.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from .catalog import POST_LEVEL_ORDER
from .models import CategoryAssignment, JobAssignment, PlannedPost, PostAssignment, RankAssignment, UnitAssignment

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of history: its model, the fields that make its value (attnames, in this order in every key), the
    label of the import's audit entries, and whether a person holds at most one open record of it at a time (a
    database constraint holds it, see migration people 0009) or a set (posts: kiêm nhiệm; planned posts: one per
    level)."""

    name: str
    model: type
    fields: tuple
    label: str
    single: bool


KINDS = {
    "unit": Kind("unit", UnitAssignment, ("unit_id",), "Đơn vị", True),
    "category": Kind("category", CategoryAssignment, ("category",), "Loại cán bộ", True),
    "rank": Kind("rank", RankAssignment, ("rank_id",), "Ngạch", True),
    "post": Kind("post", PostAssignment, ("title", "level", "unit_id"), "Chức vụ", False),
    "job": Kind("job", JobAssignment, ("job_position_id",), "Vị trí việc làm", True),
    "planned": Kind("planned", PlannedPost, ("level",), "Quy hoạch", False),
}


@dataclass(frozen=True, slots=True)
class OpenRecord:
    """An open record as the planner sees it: id, start (None = unknown) and value (a tuple in the kind's order)."""

    id: int
    valid_from: datetime.date | None
    key: tuple


@dataclass(frozen=True, slots=True)
class Close:
    """End the open record `record_id` on `valid_to` (inclusive)."""

    record_id: int
    valid_to: datetime.date


@dataclass(frozen=True, slots=True)
class Drop:
    """Remove the record `record_id`: it started on or after the day of the change, which no value replaces."""

    record_id: int


@dataclass(frozen=True, slots=True)
class Amend:
    """Correct the record `record_id` in place to `key`: it started on or after the day of the change (a correction
    on the day it started); it keeps its start."""

    record_id: int
    key: tuple


@dataclass(frozen=True, slots=True)
class Open:
    """Open a new record holding `key` from `valid_from` (None = unknown start)."""

    key: tuple
    valid_from: datetime.date | None


class DateNeeded(ValueError):
    """A change of a history the person already has needs the day it takes effect."""

    def __init__(self):
        super().__init__("A change of an existing record needs a date.")


def unchanged(keys, wanted):
    """True when open records holding `keys` (in any order) already are exactly `wanted` (distinct keys): what
    plan_single and plan_set answer with no change. A quick test for a caller that plans many people at once."""
    if keys == wanted:
        return len(keys) < 2 or len(set(keys)) == len(keys)
    return len(keys) == len(wanted) and len(keys) > 1 and set(keys) == set(wanted) and len(set(keys)) == len(keys)


def end(record: OpenRecord, on_date):
    """The change that ends `record` because a change takes effect on `on_date`: Close on the day before, or Drop
    when the record started on that day or later."""
    if on_date is None:
        raise DateNeeded()
    if record.valid_from is not None and record.valid_from >= on_date:
        return Drop(record.id)
    return Close(record.id, on_date - ONE_DAY)


def plan_single(records, wanted, on_date, start=None):
    """A single-valued history (unit, category, rank, job position) set to `wanted` (a key; None = no value) from
    `on_date`. `records`: the open records, the current one first. `start`: the start of a record opened when none is
    open. Returns the list of changes ([] when `wanted` is already the open value)."""
    if wanted is None:
        return [end(record, on_date) for record in records]
    keep = next((record for record in records if record.key == wanted), None)
    if keep is not None:
        return [end(record, on_date) for record in records if record is not keep]
    if not records:
        return [Open(wanted, start)]
    current, others = records[0], records[1:]
    changes = [end(record, on_date) for record in others]
    ended = end(current, on_date)
    if isinstance(ended, Drop):
        changes.append(Amend(current.id, wanted))
    else:
        changes += [ended, Open(wanted, on_date)]
    return changes


def plan_set(records, wanted, on_date, start=None):
    """A history of several open values (planned posts; the posts of an import, which states them all) made exactly
    the set `wanted` (keys) from `on_date`: records no longer wanted, and duplicates, end; wanted values not open
    start on `start`, or on `on_date` when the person has open records of this kind."""
    kept = set()
    changes = []
    for record in records:
        if record.key in wanted and record.key not in kept:
            kept.add(record.key)
        else:
            changes.append(end(record, on_date))
    missing = [key for key in wanted if key not in kept]
    if missing:
        begin = on_date if records else start
        changes += [Open(key, begin) for key in sorted(missing, key=repr)]
    return changes


def plan_main_post(records, wanted, on_date, start=None):
    """The main post (the highest open one) set to `wanted` = (title, level, unit_id), None for no post; a post
    already open with that title and level changes nothing, other open posts (kiêm nhiệm) are left alone."""
    if wanted is not None and any(record.key[:2] == wanted[:2] for record in records):
        return []
    main = max(records, key=lambda r: (POST_LEVEL_ORDER.get(r.key[1], 0), r.valid_from or datetime.date.min),
               default=None)
    return plan_single([main] if main is not None else [], wanted, on_date, start)


def plan_leave(records, on_date):
    """A person leaving on `on_date`: every open record ends on that day."""
    return [Close(record.id, on_date) for record in records]
