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


# ---------------------------------------------------------------------------------------------------------------
# Past facts with their dates (the dated history import, docs/domain.md §15.6): a person's history of one kind
# completed back in time from a list of dated facts.


@dataclass(frozen=True, slots=True)
class Record:
    """Any record of a person (open or ended) as the past planner sees it."""

    id: int
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    key: tuple


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated fact: `key` held from `valid_from`, until `valid_to` when given (else until the next fact, or now).
    `ref`: whatever the caller needs to name the fact in an error (a row of a file)."""

    ref: object
    valid_from: datetime.date
    valid_to: datetime.date | None
    key: tuple


@dataclass(frozen=True, slots=True)
class Insert:
    """Create an ended record holding `key` from `valid_from` to `valid_to` (a past period)."""

    key: tuple
    valid_from: datetime.date
    valid_to: datetime.date


@dataclass(frozen=True, slots=True)
class SetStart:
    """The open record `record_id`, whose start was unknown (or later), starts on `valid_from`."""

    record_id: int
    valid_from: datetime.date


@dataclass(frozen=True, slots=True)
class Change:
    """A change from `valid_from` on top of the open record (plan_single / plan_main_post: the record ends the day
    before and `key` opens)."""

    key: tuple
    valid_from: datetime.date


def _overlaps(start, end, other_start, other_end):
    """Whether [start, end] and [other_start, other_end] share a day; None ends = open."""
    return (end is None or other_start is None or other_start <= end) and (other_end is None or start <= other_end)


def plan_past(records, facts, same=None, left_on=None):
    """Fit dated `facts` (one person, one kind) into the person's `records` (all of them, open and ended).

    Returns (problems, changes): problems = [(fact, field, message)] with field "from", "to" or "value"; changes
    (Insert, SetStart, Change) only when there is no problem. The rules:
    - facts are taken oldest first; two facts may not start on the same day; a fact without an end ends the day
      before the next one starts; one with an end must end before the next one starts;
    - a fact that ends is a past period: it may not share a day with a record of known dates (the same period with
      the same value, already recorded, is skipped: importing a file twice changes nothing);
    - the latest fact without an end states the value held until now: the open record holding that value takes the
      fact's day as its start when it was unknown or later; an open record holding another value and started
      before that day is ended the day before (the ordinary change of plan_single); an open record of another value
      with an unknown start cannot be placed on the time line and is refused, as is an open fact for a person who
      has left;
    - a record with an unknown start is checked by its end only.
    `same(a, b)`: whether two keys are the same value (default equality; the posts compare title and level)."""
    same = same or (lambda a, b: a == b)
    problems, changes = [], []
    facts = sorted(facts, key=lambda f: f.valid_from)
    spans = []  # (fact, start, end or None)
    for index, fact in enumerate(facts):
        following = facts[index + 1] if index + 1 < len(facts) else None
        if fact.valid_to is not None and fact.valid_to < fact.valid_from:
            problems.append((fact, "to", _msg("before_start")))
            continue
        if following is not None and following.valid_from == fact.valid_from:
            problems.append((following, "from", _msg("same_day")))
            continue
        if fact.valid_to is not None:
            if following is not None and fact.valid_to >= following.valid_from:
                problems.append((fact, "to", _msg("overlap_next")))
                continue
            spans.append((fact, fact.valid_from, fact.valid_to))
        elif following is not None:
            spans.append((fact, fact.valid_from, following.valid_from - ONE_DAY))
        else:
            spans.append((fact, fact.valid_from, None))
    if problems:
        return problems, []
    opened = [r for r in records if r.valid_to is None]
    current = opened[0] if len(opened) == 1 else None
    open_start = current.valid_from if current is not None else None
    for fact, start, stop in spans:
        if stop is not None:
            if any(r.key == fact.key and r.valid_from == start and r.valid_to == stop for r in records):
                continue  # recorded already
            for r in records:
                if r.valid_to is None and r is current and (r.valid_from is None or same(r.key, fact.key)):
                    continue  # checked against its start below, once the open fact has dated it
                known_start = r.valid_from if r.valid_from is not None else r.valid_to
                if _overlaps(start, stop, known_start, r.valid_to):
                    problems.append((fact, "from", _msg("overlap_record", r)))
                    break
            else:
                changes.append(Insert(fact.key, start, stop))
            continue
        # The open fact: the value held until now.
        if left_on is not None:
            problems.append((fact, "to", _msg("left", left_on)))
        elif current is not None and same(current.key, fact.key):
            if current.valid_from is None or current.valid_from > start:
                changes.append(SetStart(current.id, start))
                open_start = start
            else:
                open_start = current.valid_from
        elif current is not None and current.valid_from is not None and current.valid_from < start:
            changes.append(Change(fact.key, start))
        elif current is not None:
            problems.append((fact, "value", _msg("other_open", current)))
        elif len(opened) > 1:
            changes.append(Change(fact.key, start))
        else:
            if any(_overlaps(start, None, r.valid_from or r.valid_to, r.valid_to) for r in records):
                problems.append((fact, "from", _msg("overlap_later")))
            else:
                changes.append(Change(fact.key, start))
    if problems:
        return problems, []
    # The past periods must end before the open record (as dated now) starts.
    if current is not None and open_start is not None:
        ended = {(start, stop): fact for fact, start, stop in spans if stop is not None}
        for change in changes:
            if isinstance(change, Insert) and change.valid_to >= open_start:
                problems.append((ended[change.valid_from, change.valid_to], "to", _msg("overlap_open", open_start)))
    return problems, ([] if problems else changes)


def _msg(code, detail=None):
    """The (Vietnamese) message of a problem of plan_past."""
    from django.utils.translation import gettext as _

    if code == "before_start":
        return _("Đến ngày phải sau hoặc trùng Từ ngày.")
    if code == "same_day":
        return _("Hai dòng cùng loại của cùng cán bộ bắt đầu cùng một ngày.")
    if code == "overlap_next":
        return _("Đến ngày phải trước ngày bắt đầu của dòng tiếp theo cùng loại của cán bộ.")
    if code == "overlap_record":
        return _("Trùng thời gian với quá trình đã có trong hồ sơ (từ %(start)s đến %(end)s).") % {
            "start": _day(detail.valid_from), "end": _day(detail.valid_to)}
    if code == "left":
        return _("Cán bộ đã thôi công tác từ %(date)s: ghi Đến ngày cho quá trình này.") % {"date": _day(detail)}
    if code == "other_open":
        return _("Hồ sơ đang ghi một giá trị khác, không rõ ngày bắt đầu (hoặc bắt đầu từ %(start)s): dòng mới nhất "
                 "không có Đến ngày phải trùng giá trị hiện tại, hoặc ghi Đến ngày.") % {"start": _day(detail.valid_from)}
    if code == "overlap_later":
        return _("Trùng thời gian với quá trình đã có trong hồ sơ: ghi Đến ngày cho quá trình này.")
    if code == "overlap_open":
        return _("Phải kết thúc trước ngày bắt đầu của quá trình hiện tại (%(date)s).") % {"date": _day(detail)}
    raise ValueError(code)


def _day(day):
    return day.strftime("%d/%m/%Y") if day else "?"
