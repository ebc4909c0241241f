"""Reorganisation of the tree (docs/domain.md §15): one operation applies a mapping {old unit → new unit} on a day D.

- every old unit, and every unit below it that the mapping does not list, ends on D − 1 (a listed sub-unit goes
  where its own row says);
- every person placed on D − 1 in an old unit or below is placed in the row's new unit from D (people.reorganise:
  dated history, set-based SQL); a split may send chosen people to other successors;
- the open plans of D's year and later, their lines and the open needs follow (plans.services.reorganise);
  enrolments follow the people by themselves (an enrolment belongs to a person, not to a unit);
- accounts scoped to an ended unit are re-scoped to its successor (audited) and told so (notices);
- class results, certificates, qualifications and everything dated before D stay as they were, so that every report
  for a date before D reads the same (the summary tables are marked out of date and recomputed).

`check` finds every error of a mapping; `preview` computes what would change without writing; `apply` does it all in
one transaction."""
import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dtbd.accounts import reorganise as accounts_reorganise
from dtbd.accounts.scope import scope_of
from dtbd.core.importing import RowError
from dtbd.notices.models import Notice
from dtbd.notices.services import notify
from dtbd.org import lineage
from dtbd.org.models import AdminLevel, Lineage, Unit
from dtbd.people import reorganise as people_reorganise
from dtbd.plans.services import reorganise as plans_reorganise
from dtbd.training.models import Enrollment
from dtbd.training.states import ACTIVE_STATES

OLD, NEW, NOTE = HEADERS = ("Mã đơn vị cũ", "Mã đơn vị mới", "Ghi chú")
PREVIEW_LIMIT = 200
ABOLISHABLE = (AdminLevel.HUYEN,)


class Refused(Exception):
    """A mapping with errors: `errors` lists every one (RowError: row, column, value, message)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def may_reorganise(user):
    """Only a province manager (or the system administrator) reorganises the tree."""
    return scope_of(user).is_manager


@dataclass(frozen=True)
class Row:
    row: int  # the row of the mapping file (web operations number their rows from 2 as well)
    old: str
    new: str
    note: str = ""


@dataclass
class Mapping:
    """A checked mapping: unit ids by row, the day, the people sent elsewhere than their unit's successor."""

    day: datetime.date
    rows: list  # [(Row, old unit id, new unit id)]
    person_targets: dict = field(default_factory=dict)  # {person id: new unit id}
    kind: str = Lineage.Kind.MAPPING
    note: str = ""

    @property
    def before(self):
        return self.day - datetime.timedelta(days=1)

    @property
    def listed(self):
        return {old_id: new_id for _row, old_id, new_id in self.rows}


def _date(day):
    return day.strftime("%d/%m/%Y")


def _valid_on(unit, day):
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def check(rows, day, abolish_level="", person_targets=None, kind=Lineage.Kind.MAPPING, note=""):
    """Check `rows` ([Row]) for `day`; return the Mapping, or raise Refused with every error (each naming the row
    and the unit code). `abolish_level` (HUYEN): every unit of that level valid on D − 1 must be mapped."""
    before = day - datetime.timedelta(days=1)
    codes = {r.old for r in rows if r.old} | {r.new for r in rows if r.new}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors = []
    old_rows = {}  # old code -> first row
    for r in rows:
        if not r.old:
            errors.append(RowError(r.row, OLD, "", _("Ô bắt buộc, không được để trống.")))
        elif r.old not in units:
            errors.append(RowError(r.row, OLD, r.old, _("Không có đơn vị mã %(code)s.") % {"code": r.old}))
        elif not _valid_on(units[r.old], before):
            errors.append(RowError(r.row, OLD, r.old, _(
                "Đơn vị %(code)s không có hiệu lực vào ngày %(date)s (ngày trước ngày sắp xếp).")
                % {"code": r.old, "date": _date(before)}))
        elif r.old in old_rows:
            errors.append(RowError(r.row, OLD, r.old, _("Đơn vị cũ %(code)s đã có ở dòng %(row)s.")
                                   % {"code": r.old, "row": old_rows[r.old]}))
        if r.old and r.old not in old_rows:
            old_rows[r.old] = r.row
        if not r.new:
            errors.append(RowError(r.row, NEW, "", _("Ô bắt buộc, không được để trống.")))
        elif r.new not in units:
            errors.append(RowError(r.row, NEW, r.new, _("Không có đơn vị mã %(code)s.") % {"code": r.new}))
        elif not _valid_on(units[r.new], day):
            errors.append(RowError(r.row, NEW, r.new, _(
                "Đơn vị %(code)s không có hiệu lực vào ngày sắp xếp %(date)s: tạo đơn vị mới trước (nhập đơn vị, "
                "ngày hiệu lực là ngày sắp xếp).") % {"code": r.new, "date": _date(day)}))
        elif r.new == r.old:
            errors.append(RowError(r.row, NEW, r.new, _("Đơn vị mới %(code)s trùng với đơn vị cũ của dòng.")
                                   % {"code": r.new}))
        elif abolish_level and units[r.new].admin_level == abolish_level:
            errors.append(RowError(r.row, NEW, r.new, _("Đơn vị mới %(code)s thuộc cấp %(level)s đang bãi bỏ.")
                                   % {"code": r.new, "level": abolish_level}))
    old_units = {code: units[code] for code in old_rows if code in units}
    for r in rows:
        if not r.new or r.new not in units or r.new == r.old:
            continue
        if r.new in old_rows:
            errors.append(RowError(r.row, NEW, r.new, _(
                "Đơn vị mới %(code)s cũng là đơn vị cũ ở dòng %(row)s: một đơn vị không thể vừa kết thúc vừa nhận "
                "người.") % {"code": r.new, "row": old_rows[r.new]}))
            continue
        new = units[r.new]
        above = next((u for u in old_units.values() if new.path.startswith(u.path)), None)
        if above is not None:
            errors.append(RowError(r.row, NEW, r.new, _(
                "Đơn vị mới %(code)s trực thuộc đơn vị cũ %(old)s (dòng %(row)s): đơn vị sẽ nằm dưới chính đơn vị "
                "kết thúc cùng nó (vòng lặp).") % {"code": r.new, "old": above.code, "row": old_rows[above.code]}))
    # Sub-units starting on or after the day inside an old unit would end before they begin.
    if old_units and not errors:
        q = Q()
        for u in old_units.values():
            q |= Q(path__startswith=u.path)
        for unit in Unit.objects.filter(q, valid_from__gte=day).order_by("path")[:50]:
            top = next(u for u in old_units.values() if unit.path.startswith(u.path))
            errors.append(RowError(old_rows[top.code], OLD, top.code, _(
                "Đơn vị %(sub)s trực thuộc %(code)s có hiệu lực từ %(date)s, không trước ngày sắp xếp: sửa đơn vị "
                "này trước.") % {"sub": unit.code, "code": top.code, "date": _date(unit.valid_from)}))
    if abolish_level:
        if abolish_level not in ABOLISHABLE:
            errors.append(RowError(0, "", abolish_level, _("Chỉ bãi bỏ được cấp: %(levels)s.")
                                   % {"levels": ", ".join(ABOLISHABLE)}))
        else:
            paths = [u.path for u in old_units.values()]
            left = (Unit.objects.filter(admin_level=abolish_level).active_on(before).order_by("path")
                    .values_list("code", "name", "path"))
            for code, name, path in left:
                if not any(path.startswith(p) for p in paths):
                    errors.append(RowError(0, OLD, code, _(
                        "Đơn vị cấp %(level)s %(code)s (%(name)s) còn hiệu lực ngày %(date)s nhưng không có trong tệp: "
                        "khi bãi bỏ cấp %(level)s, mọi đơn vị của cấp phải có đơn vị mới.")
                        % {"level": abolish_level, "code": code, "name": name, "date": _date(before)}))
    if errors:
        raise Refused(sorted(errors, key=lambda e: (e.row == 0, e.row)))
    mapping_rows = [(r, units[r.old].pk, units[r.new].pk) for r in rows]
    return Mapping(day=day, rows=mapping_rows, person_targets=dict(person_targets or {}), kind=kind, note=note)


def unit_targets(mapping):
    """{unit id: new unit id} of every unit in the subtree of an old unit, by the nearest listed unit above it (or
    itself), from the materialised paths."""
    listed = mapping.listed
    targets = {}
    for unit_id, path in lineage.subtree_ids(listed).items():
        for ancestor in reversed([int(seg) for seg in path.strip("/").split("/")]):
            if ancestor in listed:
                targets[unit_id] = listed[ancestor]
                break
    return targets


def _ending(targets, before):
    return Unit.objects.filter(pk__in=list(targets)).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=before))


def preview(mapping, limit=PREVIEW_LIMIT):
    """What `apply` would change, computed without writing: counts, and the first `limit` rows of each list (units,
    people, open enrolments, plan lines, accounts)."""
    targets = unit_targets(mapping)
    before = mapping.before
    ids = list(targets)
    known = dict(Unit.objects.filter(pk__in=set(ids) | set(targets.values()) | set(mapping.person_targets.values()))
                 .values_list("pk", "code"))
    ending = _ending(targets, before).order_by("path").values_list("pk", "code", "name", "admin_level")
    people = people_reorganise.people_rows(ids, before, limit)
    moving = people_reorganise.placements_on(ids, before).values("person_id")
    enrolments = (Enrollment.objects.filter(state__in=ACTIVE_STATES, person_id__in=moving)
                  .order_by("training_class__code", "person__code"))
    lines = plans_reorganise.open_lines(ids, mapping.day).select_related("plan__unit", "program").order_by(
        "plan__unit__path", "plan__year", "position", "pk")
    accounts = accounts_reorganise.scoped_accounts(ids)
    return {
        "day": mapping.day,
        "rows": [{"row": r.row, "old": r.old, "new": r.new, "note": r.note} for r, _o, _n in mapping.rows],
        "units_count": ending.count(),
        "units": [{"code": code, "name": name, "level": level, "to": known.get(targets[pk], "")}
                  for pk, code, name, level in ending[:limit]],
        "people_count": people_reorganise.people_count(ids, before),
        "people": [{"id": pid, "code": code, "name": name, "from": known.get(unit_id, ""),
                    "to": known.get(mapping.person_targets.get(pid, targets[unit_id]), "")}
                   for pid, code, name, unit_id in people],
        "enrolments_count": enrolments.count(),
        "enrolments": [{"person": code, "class": cls, "state": state} for code, cls, state in
                       enrolments.values_list("person__code", "training_class__code", "state")[:limit]],
        "lines_count": lines.count(),
        "lines": [{"plan": line.plan.title, "year": line.plan.year, "unit": line.plan.unit.code,
                   "to": known.get(targets.get(line.plan.unit_id), ""), "program": line.program.code,
                   "people": line.people} for line in lines[:limit]],
        "plans_count": plans_reorganise.open_plans(ids, mapping.day).count(),
        "needs_count": plans_reorganise.open_needs(ids, mapping.day).count(),
        "accounts_count": accounts.count(),
        "accounts": [{"username": u.username, "from": known.get(u.scope_unit_id, ""),
                      "to": known.get(targets[u.scope_unit_id], "")} for u in accounts[:limit]],
    }


def _notify_accounts(moved, mapping, codes):
    for user, old_id, new_id in moved:
        title = _("Phạm vi tài khoản của bạn đã chuyển sang đơn vị %(code)s") % {"code": codes.get(new_id, "")}
        body = _("Do sắp xếp tổ chức bộ máy từ ngày %(date)s, đơn vị %(old)s hết hiệu lực; phạm vi quản lý của tài "
                 "khoản %(user)s chuyển từ %(old)s sang %(new)s.") % {
            "date": _date(mapping.day), "old": codes.get(old_id, ""), "new": codes.get(new_id, ""),
            "user": user.username}
        notify([user], Notice.Kind.OTHER, title, body, url=reverse("org:unit_detail", args=[new_id]))


def apply(mapping, user=None, progress=None):
    """Apply `mapping` in one transaction (see the module). `progress(done, total, message)` is told each step.
    Returns the summary: counts of units ended, people moved, plans, lines and needs moved, accounts re-scoped."""
    step = progress or (lambda *args: None)
    with transaction.atomic():
        targets = unit_targets(mapping)
        before = mapping.before
        old_of = {}  # the unit each person sent elsewhere leaves, read before their placements end
        if mapping.person_targets:
            old_of = {pid: unit_id for pid, unit_id in people_reorganise.placements_on(list(targets), before)
                      .values_list("person_id", "unit_id").iterator(chunk_size=5000)
                      if pid in mapping.person_targets}
        step(1, 5, _("Chuyển cán bộ sang đơn vị mới"))
        people = people_reorganise.move_placements(
            targets, mapping.day, person_targets=mapping.person_targets, decision_no=mapping.note[:60], actor=user)
        step(2, 5, _("Kết thúc hiệu lực các đơn vị cũ"))
        ended = lineage.end_units(list(targets), before, actor=user)
        step(3, 5, _("Chuyển kế hoạch và nhu cầu đào tạo, bồi dưỡng"))
        plans, lines, needs = plans_reorganise.move_plans(targets, mapping.day, user, mapping.note)
        step(4, 5, _("Chuyển phạm vi tài khoản"))
        moved = accounts_reorganise.move_scopes(targets)
        codes = dict(Unit.objects.filter(pk__in=set(targets) | set(targets.values())).values_list("pk", "code"))
        _notify_accounts(moved, mapping, codes)
        pairs = {(old_id, new_id) for _r, old_id, new_id in mapping.rows}
        listed = mapping.listed
        pairs |= {(unit_id, targets[unit_id]) for unit_id in ended if unit_id not in listed}
        pairs |= {(old_of[pid], new_id) for pid, new_id in mapping.person_targets.items() if pid in old_of}
        links = lineage.record(pairs, mapping.day, mapping.kind, mapping.note, actor=user)
        step(5, 5, _("Đã sắp xếp xong"))
    return {"units": len(ended), "people": people, "plans": plans, "lines": lines, "needs": needs,
            "accounts": len(moved), "links": links}
