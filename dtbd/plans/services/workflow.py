"""The annual plan's workflow (docs/domain.md §13.2): creating a plan, its lines and their costs, the one status
function `transition`, comments, revisions and their differences, consolidation of the units' plans into the
province's, classes opened from a line, and the plan's totals.

Every function checks its own permission, whoever calls it (pages, API, commands):
- a plan out of the caller's sight raises `OutOfScope` (the pages answer 404 and never name it);
- a visible plan the caller may not act on raises `PermissionDenied` (403: a leader, a unit officer approving);
- a move the plan's state forbids raises `ValidationError` with a Vietnamese message.
Writes go through `save()` / `delete()` of each row so that django-auditlog records them (dtbd/plans/apps.py).
"""
import contextlib
import datetime

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, VIEW, scope_of
from dtbd.core.db import prefix_q
from dtbd.training.models import Provider, TrainingClass

from ..models import ClassLine, Funding, LineCost, Plan, PlanEvent, PlanLine

Status = Plan.Status

# The moves `transition` makes, and who may ask for them ("change": whoever may change the plan; "manager": the
# province manager only). SUPERSEDED is reached only by approving a revision (never asked for directly).
TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED): "change",
    (Status.SUBMITTED, Status.DRAFT): "manager",
    (Status.SUBMITTED, Status.APPROVED): "manager",
    (Status.APPROVED, Status.IN_EXECUTION): "manager",
    (Status.IN_EXECUTION, Status.CLOSED): "manager",
}
# Plans whose lines classes may be opened from, and which may be revised.
RUNNING = (Status.APPROVED, Status.IN_EXECUTION)
LINE_FIELDS = ("program", "target_group", "people", "classes", "form", "provider", "quarter", "note")
# Bounds of a line's input (the columns' sizes: amounts have 15 digits).
MAX_PEOPLE, MAX_CLASSES, MAX_AMOUNT = 1_000_000, 1_000, 10**15
# The fields the revision diff compares (costs by source are compared after them).
DIFF_FIELDS = ("people", "classes", "quarter", "provider", "form", "program", "target_group")


class OutOfScope(Exception):
    """The plan or line lies outside what the user may see: the pages answer 404, never naming it."""


# -- who may ----------------------------------------------------------------------------------------------------------
def plans_for(user, action=VIEW):
    """The plans `user` may see (VIEW) or change (CHANGE): Plan.objects.restrict (managers all; unit officers and
    leaders their subtree's units; leaders never CHANGE). Institution staff see, read-only, the approved plans that
    have a line for a provider they run (to open its classes)."""
    scope = scope_of(user)
    if scope.is_institution and action == VIEW:
        mine = PlanLine.objects.filter(provider__in=Provider.objects.restrict(user, CHANGE).values("pk"))
        return Plan.objects.filter(status__in=RUNNING + (Status.CLOSED,), pk__in=mine.values("plan"))
    return Plan.objects.restrict(user, action)


def _visible(user, plan):
    if not plans_for(user).filter(pk=plan.pk).exists():
        raise OutOfScope
    return plan


def can_change(user, plan):
    """Change the plan's content, submit it: managers; unit officers for a plan of their subtree."""
    return Plan.objects.restrict(user, CHANGE).filter(pk=plan.pk).exists()


def require_change(user, plan):
    """OutOfScope when the plan is out of sight, PermissionDenied when the user may only read it."""
    _visible(user, plan)
    if not can_change(user, plan):
        raise PermissionDenied(_("Bạn không có quyền thay đổi kế hoạch này."))


def _require_manager(user, plan, what):
    _visible(user, plan)
    if not scope_of(user).is_manager:
        raise PermissionDenied(_("Chỉ cán bộ quản lý cấp tỉnh được %(what)s.") % {"what": what})


def run_provider_ids(user):
    """Ids of the providers whose classes `user` runs (Provider.objects.restrict(user, CHANGE))."""
    return set(Provider.objects.restrict(user, CHANGE).values_list("pk", flat=True))


def can_open_class(user, line):
    """Open a class from a line: managers; institution staff running the line's provider."""
    scope = scope_of(user)
    if scope.is_manager:
        return True
    return bool(line.provider_id) and Provider.objects.restrict(user, CHANGE).filter(pk=line.provider_id).exists()


def allowed_actions(user, plan):
    """What the plan's page offers `user` (buttons shown only when the action would be accepted)."""
    scope = scope_of(user)
    change = can_change(user, plan)
    manager = scope.is_manager
    status = plan.status
    pending = _pending_revision(plan)
    return {
        "edit": change and status == Status.DRAFT,
        "delete": change and status == Status.DRAFT,
        "submit": change and status == Status.DRAFT,
        "return": manager and status == Status.SUBMITTED,
        "approve": manager and status == Status.SUBMITTED and not plan.consolidated_into_id,
        "execute": manager and status == Status.APPROVED,
        "close": manager and status == Status.IN_EXECUTION and pending is None,
        "revise": change and status in RUNNING and pending is None,
        "consolidate": manager and status == Status.DRAFT,
        "comment": change or manager,
        "open_class": status in RUNNING and (manager or scope.is_institution),
    }


def _pending_revision(plan):
    return Plan.objects.filter(previous=plan).first()


# -- audit ------------------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _actor(user):
    """Name `user` in the django-auditlog entries written inside (keeping the request's address when the middleware
    set one), and give the middleware's context back afterwards."""
    previous = auditlog_value.get(None)
    extra = {k: previous.get(k) for k in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **extra):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def _event(plan, user, comment="", from_status="", to_status=""):
    return PlanEvent.objects.create(plan=plan, user=user, comment=comment, from_status=from_status,
                                    to_status=to_status)


# -- plans ------------------------------------------------------------------------------------------------------------
def create_plan(user, unit, year, title, note="", budget_cap=None):
    """A new plan (revision 0, DRAFT) of `unit` for `year`: managers for any unit, a unit officer for the root unit
    of their scope. One plan per unit and year: a second is refused (a change goes through a revision)."""
    scope = scope_of(user)
    if not scope.sees_unit(unit) or scope.is_institution or not scope.sees_units:
        raise OutOfScope
    if not (scope.is_manager or (scope.is_unit_officer and user.scope_unit_id == unit.pk)):
        raise PermissionDenied(_("Bạn chỉ được lập kế hoạch cho đơn vị mình phụ trách."))
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Nhập tên kế hoạch.")
    if not year or not 2000 <= int(year) <= 2100:
        errors["year"] = _("Năm kế hoạch không hợp lệ (2000–2100).")
    elif Plan.objects.filter(unit=unit, year=year).exists():
        errors["year"] = _("Đơn vị %(unit)s đã có kế hoạch năm %(year)s; muốn thay đổi kế hoạch đã phê duyệt thì lập "
                           "bản điều chỉnh.") % {"unit": unit.name, "year": year}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), _actor(user):
        plan = Plan(unit=unit, year=year, title=title, note=note, budget_cap=budget_cap, created_by=user)
        plan.save()
        _event(plan, user, _("Lập kế hoạch."), "", Status.DRAFT)
    return plan


def update_plan(plan, user, **fields):
    """The plan's title, note and budget cap, while it is a draft."""
    require_change(user, plan)
    check_draft(plan)
    with transaction.atomic(), _actor(user):
        for name in ("title", "note", "budget_cap"):
            if name in fields:
                setattr(plan, name, fields[name])
        if not (plan.title or "").strip():
            raise ValidationError({"title": _("Nhập tên kế hoạch.")})
        plan.save()
    return plan


def delete_plan(plan, user):
    """Drop a draft (a plan drawn up by mistake, a revision given up): its lines and log go with it, the audit history
    keeps the deletion. The unit plans consolidated into it are free to be consolidated again."""
    require_change(user, plan)
    check_draft(plan)
    with transaction.atomic(), _actor(user):
        for unit_plan in Plan.objects.filter(consolidated_into=plan).order_by("pk"):
            unit_plan.consolidated_into = None
            unit_plan.save()
            _event(unit_plan, user, _("Bản tổng hợp “%(plan)s” đã bị xoá.") % {"plan": plan})
        if plan.previous_id:
            _event(Plan.objects.get(pk=plan.previous_id), user,
                   _("Bỏ bản điều chỉnh lần %(n)s.") % {"n": plan.revision})
        for cost in LineCost.objects.filter(line__plan=plan):
            cost.delete()
        for line in plan.lines.all():
            line.delete()
        plan.delete()


def check_draft(plan):
    """Refuse (ValidationError) unless the plan is a draft: an approved plan changes only through a revision."""
    if plan.status != Status.DRAFT:
        if plan.status in RUNNING + (Status.CLOSED, Status.SUPERSEDED):
            raise ValidationError(_("Kế hoạch “%(plan)s” đã được phê duyệt: chỉ thay đổi được bằng cách lập bản điều "
                                    "chỉnh.") % {"plan": plan})
        raise ValidationError(_("Kế hoạch “%(plan)s” đang ở trạng thái “%(st)s”: chỉ sửa được khi là dự thảo.")
                              % {"plan": plan, "st": plan.get_status_display()})


# -- lines ------------------------------------------------------------------------------------------------------------
def _check_line(data, costs):
    errors = {}
    if data.get("program") is None:
        errors["program"] = _("Chọn chương trình.")
    people = data.get("people")
    if people is None or people < 1:
        errors["people"] = _("Số người phải từ 1 trở lên.")
    classes = data.get("classes")
    if classes is None or classes < 1:
        errors["classes"] = _("Số lớp phải từ 1 trở lên.")
    elif people and classes > people:
        errors["classes"] = _("Số lớp (%(c)s) không được lớn hơn số người (%(p)s).") % {"c": classes, "p": people}
    quarter = data.get("quarter")
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("Quý phải là 1, 2, 3 hoặc 4.")
    if data.get("form") not in TrainingClass.Form.values:
        errors["form"] = _("Hình thức tổ chức không hợp lệ.")
    if people is not None and people > MAX_PEOPLE:
        errors["people"] = _("Số người không được quá %(n)s.") % {"n": f"{MAX_PEOPLE:,}".replace(",", ".")}
    if classes is not None and classes > MAX_CLASSES:
        errors["classes"] = _("Số lớp không được quá %(n)s.") % {"n": MAX_CLASSES}
    for source, amount in (costs or {}).items():
        if amount is not None and amount >= MAX_AMOUNT:
            errors[f"cost_{source}"] = _("Dự toán quá lớn (tối đa 15 chữ số).")
        elif source not in Funding.values:
            errors[f"cost_{source}"] = _("Nguồn kinh phí “%(s)s” không hợp lệ.") % {"s": source}
        elif amount is not None and amount < 0:
            errors[f"cost_{source}"] = _("Dự toán nguồn “%(s)s” không được âm.") % {"s": Funding(source).label}
    if errors:
        raise ValidationError(errors)


def _set_costs(line, costs):
    """One LineCost per source given; a blank amount (None) removes the source."""
    existing = {c.source: c for c in line.costs.all()}
    for source, amount in (costs or {}).items():
        row = existing.get(source)
        if amount is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            LineCost(line=line, source=source, amount=amount).save()
        elif row.amount != amount:
            row.amount = amount
            row.save()


def add_line(plan, user, costs=None, **data):
    """A new line at the end of a draft plan, with its estimated cost by source ({"NSTINH": 120000000, …})."""
    require_change(user, plan)
    check_draft(plan)
    data = {k: v for k, v in data.items() if k in LINE_FIELDS}
    data.setdefault("form", TrainingClass.Form.IN_PERSON)
    data.setdefault("classes", 1)
    _check_line(data, costs)
    with transaction.atomic(), _actor(user):
        position = (plan.lines.aggregate(m=Max("position"))["m"] or 0) + 1
        line = PlanLine(plan=plan, position=position, **data)
        line.save()
        _set_costs(line, costs)
    return line


def _line_plan(line):
    return Plan.objects.select_related("unit").get(pk=line.plan_id)


def edit_line(line, user, costs=None, **data):
    """Change a line of a draft plan (an approved plan's lines change only through a revision)."""
    plan = _line_plan(line)
    require_change(user, plan)
    check_draft(plan)
    values = {name: getattr(line, name) for name in LINE_FIELDS}
    values.update({k: v for k, v in data.items() if k in LINE_FIELDS})
    _check_line(values, costs)
    with transaction.atomic(), _actor(user):
        for name, value in values.items():
            setattr(line, name, value)
        line.save()
        _set_costs(line, costs)
    return line


def delete_line(line, user):
    """Remove a line of a draft plan with its costs."""
    plan = _line_plan(line)
    require_change(user, plan)
    check_draft(plan)
    with transaction.atomic(), _actor(user):
        for cost in line.costs.all():
            cost.delete()
        line.delete()


# -- statuses ---------------------------------------------------------------------------------------------------------
def _move(plan, to_status, user, comment=""):
    """Save the new status (through the model: audited) and log the move."""
    old = plan.status
    plan.status = to_status
    plan.save()
    _event(plan, user, comment, old, to_status)


def transition(plan, to_status, user, comment="", *, decision_no="", approved_on=None):
    """THE one way a plan's status moves (TRANSITIONS), for the pages, the API and the jobs alike:
    - DRAFT → SUBMITTED (trình): whoever may change the plan; the plan needs at least one line;
    - SUBMITTED → DRAFT (trả lại): the manager, with a comment saying why;
    - SUBMITTED → APPROVED (phê duyệt): the manager only, never a unit officer (not even for their own plan); records
      who, when and the decision's number. Approving a revision supersedes the plan it revises and moves the classes
      opened from its lines to the lines that continue them; approving a province plan approves the units' plans
      consolidated into it;
    - APPROVED → IN_EXECUTION (thực hiện): the manager, or by itself when a class is opened from a line;
    - IN_EXECUTION → CLOSED (kết thúc): the manager.
    Every move writes a PlanEvent (from, to, user, comment) and the plan's audit entry. Returns the plan."""
    _visible(user, plan)
    if to_status not in Status.values:
        raise ValidationError(_("Trạng thái kế hoạch “%(s)s” không hợp lệ.") % {"s": to_status})
    with transaction.atomic(), _actor(user):
        row = Plan.objects.select_for_update().get(pk=plan.pk)
        if row.status != plan.status:
            raise ValidationError(_("Trạng thái kế hoạch vừa được người khác thay đổi; vui lòng tải lại."))
        plan.refresh_from_db()  # the row is locked: work on its current values
        rule = TRANSITIONS.get((plan.status, to_status))
        if rule is None:
            raise ValidationError(
                _("Kế hoạch “%(plan)s” đang ở trạng thái “%(old)s”, không thể chuyển sang “%(new)s”.")
                % {"plan": plan, "old": plan.get_status_display(), "new": Status(to_status).label}
            )
        if rule == "manager" and not scope_of(user).is_manager:
            raise PermissionDenied(_("Chỉ cán bộ quản lý cấp tỉnh được chuyển kế hoạch sang “%(new)s”.")
                                   % {"new": Status(to_status).label})
        if rule == "change" and not can_change(user, plan):
            raise PermissionDenied(_("Bạn không có quyền trình kế hoạch này."))
        _check_move(plan, to_status, comment)
        if to_status == Status.APPROVED:
            _approve(plan, user, comment, decision_no, approved_on)
        else:
            if to_status == Status.DRAFT and plan.consolidated_into_id:
                _unconsolidate(plan, user)
            _move(plan, to_status, user, comment)
    return plan


def _check_move(plan, to_status, comment):
    if to_status == Status.SUBMITTED and not plan.lines.exists():
        raise ValidationError(_("Kế hoạch chưa có dòng nào: thêm ít nhất một dòng trước khi trình."))
    if plan.status == Status.SUBMITTED and to_status == Status.DRAFT:
        if not (comment or "").strip():
            raise ValidationError({"comment": _("Khi trả lại kế hoạch, ghi rõ lý do để đơn vị chỉnh sửa.")})
        if plan.consolidated_into_id:
            target = Plan.objects.get(pk=plan.consolidated_into_id)
            if target.status != Status.DRAFT:
                raise ValidationError(
                    _("Kế hoạch đã được tổng hợp vào “%(target)s” (đang ở trạng thái “%(st)s”): không trả lại được.")
                    % {"target": target, "st": target.get_status_display()}
                )
    if plan.status == Status.SUBMITTED and to_status == Status.APPROVED and plan.consolidated_into_id:
        raise ValidationError(
            _("Kế hoạch đã được tổng hợp vào “%(target)s”: được phê duyệt cùng kế hoạch đó (hoặc trả lại để bỏ khỏi "
              "bản tổng hợp).") % {"target": Plan.objects.get(pk=plan.consolidated_into_id)}
        )
    if plan.status == Status.SUBMITTED and to_status == Status.APPROVED and plan.previous_id:
        previous = Plan.objects.get(pk=plan.previous_id)
        if previous.status not in RUNNING:
            raise ValidationError(_("Kế hoạch được điều chỉnh đang ở trạng thái “%(st)s”: không phê duyệt bản điều "
                                    "chỉnh được.") % {"st": previous.get_status_display()})
    if to_status == Status.CLOSED and _pending_revision(plan) is not None:
        raise ValidationError(_("Kế hoạch đang có bản điều chỉnh chưa phê duyệt: phê duyệt hoặc huỷ bản điều chỉnh "
                                "trước khi kết thúc."))


def _approve(plan, user, comment, decision_no, approved_on):
    plan.approved_by = user
    plan.approved_on = approved_on or timezone.localdate()
    plan.decision_no = (decision_no or "").strip()
    _move(plan, Status.APPROVED, user, comment)
    if plan.previous_id:
        _supersede(plan, user)
    for unit_plan in Plan.objects.filter(consolidated_into=plan, status=Status.SUBMITTED).order_by("pk"):
        unit_plan.approved_by = user
        unit_plan.approved_on = plan.approved_on
        unit_plan.decision_no = plan.decision_no
        _move(unit_plan, Status.APPROVED, user,
              _("Phê duyệt cùng kế hoạch tổng hợp “%(plan)s”.") % {"plan": plan})


def _supersede(plan, user):
    """The revised plan becomes SUPERSEDED; the classes opened from its lines follow the lines that continue them
    (a line the revision removed keeps its classes). If the revised plan was being carried out, the revision is too."""
    old = Plan.objects.select_for_update().get(pk=plan.previous_id)
    was_running = old.status == Status.IN_EXECUTION
    successor = dict(PlanLine.objects.filter(plan=plan, origin__plan=old).values_list("origin_id", "pk"))
    moved = 0
    for link in ClassLine.objects.filter(line__plan=old, line_id__in=list(successor)).order_by("pk"):
        link.line_id = successor[link.line_id]
        link.save()
        moved += 1
    _move(old, Status.SUPERSEDED, user,
          _("Được thay thế bởi bản điều chỉnh lần %(n)s; %(m)s lớp chuyển sang bản mới.")
          % {"n": plan.revision, "m": moved})
    if was_running:
        _move(plan, Status.IN_EXECUTION, user, _("Tiếp tục thực hiện theo bản điều chỉnh."))


def comment(plan, user, text):
    """An opinion on the plan (no status change): whoever may change it, and the managers."""
    _visible(user, plan)
    if not (can_change(user, plan) or scope_of(user).is_manager):
        raise PermissionDenied(_("Bạn không có quyền ghi ý kiến vào kế hoạch này."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"comment": _("Nhập nội dung ý kiến.")})
    return _event(plan, user, text)


# -- revisions --------------------------------------------------------------------------------------------------------
def new_revision(plan, user):
    """A DRAFT copy of an approved (or running) plan — revision + 1, `previous` = the plan — with its lines (each
    keeping `origin`, the line it continues) and their costs. The plan stays as it is until the revision is
    approved."""
    require_change(user, plan)
    if plan.status not in RUNNING:
        raise ValidationError(_("Chỉ lập bản điều chỉnh cho kế hoạch đã phê duyệt hoặc đang thực hiện."))
    pending = _pending_revision(plan)
    if pending is not None:
        raise ValidationError(_("Kế hoạch đã có bản điều chỉnh lần %(n)s đang xử lý.") % {"n": pending.revision})
    with transaction.atomic(), _actor(user):
        copy = Plan(
            year=plan.year, unit=plan.unit, title=plan.title, revision=plan.revision + 1, previous=plan,
            budget_cap=plan.budget_cap, note=plan.note, created_by=user,
        )
        copy.save()
        costs = {}
        for cost in LineCost.objects.filter(line__plan=plan).order_by("pk"):
            costs.setdefault(cost.line_id, []).append(cost)
        for line in plan.lines.order_by("position", "pk"):
            new = PlanLine(plan=copy, origin=line, source_line=line.source_line, position=line.position,
                           **{name: getattr(line, name) for name in LINE_FIELDS})
            new.save()
            for cost in costs.get(line.pk, []):
                LineCost(line=new, source=cost.source, amount=cost.amount).save()
        _event(copy, user, _("Lập bản điều chỉnh lần %(n)s.") % {"n": copy.revision}, "", Status.DRAFT)
        _event(plan, user, _("Đã lập bản điều chỉnh lần %(n)s.") % {"n": copy.revision})
    return copy


def _costs_of(lines):
    found = {}
    for line_id, source, amount in LineCost.objects.filter(line__in=lines).values_list("line_id", "source", "amount"):
        found.setdefault(line_id, {})[source] = amount
    return found


def revision_diff(new, old=None):
    """What the revision `new` changes in `old` (default: new.previous), line by line through `origin`:
    {"added": [lines], "removed": [lines], "changed": [(old line, new line, [(label, old value, new value)])]}.
    Four queries whatever the number of lines."""
    old = old or new.previous
    if old is None:
        return {"added": [], "removed": [], "changed": []}
    related = ("program", "provider")
    new_lines = list(new.lines.select_related(*related).order_by("position", "pk"))
    old_lines = list(old.lines.select_related(*related).order_by("position", "pk"))
    costs = _costs_of([line.pk for line in new_lines + old_lines])
    by_pk = {line.pk: line for line in old_lines}
    continued = set()
    added, changed = [], []
    for line in new_lines:
        before = by_pk.get(line.origin_id)
        if before is None:
            added.append(line)
            continue
        continued.add(before.pk)
        fields = []
        for name in DIFF_FIELDS:
            a, b = getattr(before, name), getattr(line, name)
            if a != b:
                label = PlanLine._meta.get_field(name).verbose_name
                if name == "form":
                    a, b = TrainingClass.Form(a).label, TrainingClass.Form(b).label
                fields.append((str(label), "—" if a in (None, "") else a, "—" if b in (None, "") else b))
        before_costs, after_costs = costs.get(before.pk, {}), costs.get(line.pk, {})
        for source in Funding.values:
            a, b = before_costs.get(source), after_costs.get(source)
            if a != b:
                fields.append((_("Dự toán — %(s)s") % {"s": Funding(source).label}, a, b))
        if fields:
            changed.append((before, line, fields))
    removed = [line for line in old_lines if line.pk not in continued]
    return {"added": added, "removed": removed, "changed": changed}


# -- consolidation ----------------------------------------------------------------------------------------------------
def consolidate(province_plan, user):
    """Take the SUBMITTED plans of the units under `province_plan`'s unit (same year, not taken into another plan)
    into the province's draft: their lines are copied (source_line = the unit's line), each unit plan gets
    consolidated_into and an event. A line already taken is not taken again. Returns (plans, lines) counted."""
    _require_manager(user, province_plan, _("tổng hợp kế hoạch của các đơn vị"))
    with transaction.atomic(), _actor(user):
        province_plan = Plan.objects.select_for_update().select_related("unit").get(pk=province_plan.pk)
        if province_plan.status != Status.DRAFT:
            raise ValidationError(_("Chỉ tổng hợp vào kế hoạch đang là dự thảo."))
        return _consolidate(province_plan, user)


def _consolidate(province_plan, user):
    """consolidate's work on the locked draft `province_plan`."""
    unit_plans = list(
        Plan.objects.filter(prefix_q("unit__path", province_plan.unit.path), year=province_plan.year,
                            status=Status.SUBMITTED)
        .exclude(unit=province_plan.unit)
        .filter(Q(consolidated_into__isnull=True) | Q(consolidated_into=province_plan))
        .select_related("unit").order_by("unit__path", "pk")
    )
    taken = set(
        PlanLine.objects.filter(plan=province_plan, source_line__isnull=False).values_list("source_line_id", flat=True)
    )
    lines = list(PlanLine.objects.filter(plan__in=unit_plans).order_by("plan__unit__path", "position", "pk"))
    costs = _costs_of([line.pk for line in lines])
    plans_done, lines_done = 0, 0
    position = province_plan.lines.aggregate(m=Max("position"))["m"] or 0
    new_by_plan = {}
    for line in lines:
        if line.pk in taken:
            continue
        position += 1
        copy = PlanLine(plan=province_plan, source_line=line, position=position,
                        **{name: getattr(line, name) for name in LINE_FIELDS})
        copy.save()
        for source, amount in costs.get(line.pk, {}).items():
            LineCost(line=copy, source=source, amount=amount).save()
        new_by_plan[line.plan_id] = new_by_plan.get(line.plan_id, 0) + 1
        lines_done += 1
    for unit_plan in unit_plans:
        if unit_plan.consolidated_into_id == province_plan.pk and not new_by_plan.get(unit_plan.pk):
            continue
        unit_plan.consolidated_into = province_plan
        unit_plan.save()
        _event(unit_plan, user, _("Đã tổng hợp vào kế hoạch “%(plan)s” (%(n)s dòng).")
               % {"plan": province_plan, "n": new_by_plan.get(unit_plan.pk, 0)})
        plans_done += 1
    if plans_done:
        _event(province_plan, user, _("Tổng hợp %(p)s kế hoạch đơn vị, thêm %(n)s dòng.")
               % {"p": plans_done, "n": lines_done})
    return plans_done, lines_done


def _unconsolidate(unit_plan, user):
    """Take a unit plan back out of the (draft) plan it was consolidated into: its copied lines are removed there."""
    target = Plan.objects.get(pk=unit_plan.consolidated_into_id)
    removed = 0
    if target.status == Status.DRAFT:
        for line in PlanLine.objects.filter(plan=target, source_line__plan=unit_plan):
            for cost in line.costs.all():
                cost.delete()
            line.delete()
            removed += 1
        _event(target, user, _("Bỏ %(n)s dòng của kế hoạch “%(plan)s” (%(unit)s) khỏi bản tổng hợp.")
               % {"n": removed, "plan": unit_plan, "unit": unit_plan.unit})
    unit_plan.consolidated_into = None
    unit_plan.save()


def candidate_plans(province_plan):
    """The unit plans `consolidate` would take now (for the page): submitted, same year, under the plan's unit."""
    return (
        Plan.objects.filter(prefix_q("unit__path", province_plan.unit.path), year=province_plan.year,
                            status=Status.SUBMITTED, consolidated_into__isnull=True)
        .exclude(unit=province_plan.unit).select_related("unit").order_by("unit__path")
    )


# -- classes opened from lines ----------------------------------------------------------------------------------------
def open_class_from_line(line, user, **fields):
    """Open a class for a line of an approved (or running) plan: programme, provider and form come from the line; the
    class keeps the line (ClassLine); the plan moves to IN_EXECUTION if it was only APPROVED. Managers, or
    institution staff running the line's provider. `fields`: the class's other fields (code, name, starts_on, ends_on,
    capacity, …), validated by the model. Returns the class."""
    plan = _line_plan(line)
    if not (plans_for(user).filter(pk=plan.pk).exists()):
        raise OutOfScope
    if not can_open_class(user, line):
        raise PermissionDenied(_("Bạn không có quyền mở lớp cho dòng kế hoạch này."))
    if plan.status not in RUNNING:
        raise ValidationError(_("Chỉ mở lớp theo kế hoạch đã phê duyệt hoặc đang thực hiện."))
    if line.provider_id is None:
        raise ValidationError({"provider": _("Dòng kế hoạch chưa có cơ sở tổ chức: điều chỉnh kế hoạch trước.")})
    fields = {k: v for k, v in fields.items() if k not in ("program", "provider", "program_id", "provider_id")}
    fields.setdefault("form", line.form)
    fields.setdefault("capacity", line.people)
    if not fields.get("code"):
        raise ValidationError({"code": _("Nhập mã lớp.")})
    fields["code"] = fields["code"].strip().upper()
    if TrainingClass.objects.filter(code__iexact=fields["code"]).exists():
        raise ValidationError({"code": _("Mã lớp “%(code)s” đã được dùng; hãy chọn mã khác.") % {"code": fields["code"]}})
    cls = TrainingClass(program_id=line.program_id, provider_id=line.provider_id, **fields)
    cls.full_clean(exclude=["code"])
    with transaction.atomic(), _actor(user):
        cls.save()
        _keep_line(cls, line, plan, user)
    return cls


def link_class(line, training_class, user):
    """Attach a class that exists (opened before the plan was approved, or outside it) to a line of an approved or
    running plan: the same programme, not already kept by a line. The same rules of who may as opening one."""
    plan = _line_plan(line)
    if not plans_for(user).filter(pk=plan.pk).exists():
        raise OutOfScope
    if not can_open_class(user, line):
        raise PermissionDenied(_("Bạn không có quyền mở lớp cho dòng kế hoạch này."))
    if plan.status not in RUNNING:
        raise ValidationError(_("Chỉ gắn lớp với kế hoạch đã phê duyệt hoặc đang thực hiện."))
    if training_class.program_id != line.program_id:
        raise ValidationError(_("Lớp %(code)s không thuộc chương trình của dòng kế hoạch.") % {"code": training_class.code})
    if ClassLine.objects.filter(training_class=training_class).exists():
        raise ValidationError(_("Lớp %(code)s đã gắn với một dòng kế hoạch.") % {"code": training_class.code})
    with transaction.atomic(), _actor(user):
        _keep_line(training_class, line, plan, user)
    return training_class


def _keep_line(cls, line, plan, user):
    """The class keeps its line; the first class of an approved plan starts its execution."""
    ClassLine(training_class=cls, line=line).save()
    note = _("Mở lớp %(code)s theo kế hoạch.") % {"code": cls.code}
    if plan.status == Status.APPROVED:
        # Opening the first class starts the plan's execution (not a manager's decision: no check here).
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == Status.APPROVED:
            _move(locked, Status.IN_EXECUTION, user, note)
            return
    _event(plan, user, note)


def class_prefill(line):
    """Initial values of the class form opened from a line."""
    plan = line.plan
    quarter_start = datetime.date(plan.year, 3 * (line.quarter - 1) + 1, 1)
    costs = dict(line.costs.values_list("source", "amount"))
    total = sum(costs.values())
    initial = {
        "name": line.program.name, "form": line.form, "capacity": max(1, -(-line.people // line.classes)),
        "starts_on": quarter_start, "ends_on": quarter_start + datetime.timedelta(days=30),
    }
    if total:
        initial["cost_estimate"] = round(total / line.classes)
        initial["funding_source"] = max(costs, key=lambda source: costs[source])  # the main source
    return initial


# -- history ---------------------------------------------------------------------------------------------------------
def audit_entries(plan, limit=50):
    """The plan's change history (django-auditlog), newest first, with the actor in the same query. Its lines' and
    costs' changes are recorded too (dtbd/plans/apps.py); the page shows the plan's own, whose number does not grow
    with the lines (each entry's references are read to be displayed)."""
    return LogEntry.objects.get_for_object(plan).select_related("actor", "content_type").order_by("-timestamp")[:limit]


# -- totals -----------------------------------------------------------------------------------------------------------
def _line_sum(field):
    sub = (PlanLine.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
           .annotate(s=Sum(field)).values("s"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _line_count():
    sub = (PlanLine.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
           .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _cost_sum(source=None):
    qs = LineCost.objects.filter(line__plan=OuterRef("pk"))
    if source:
        qs = qs.filter(source=source)
    sub = qs.order_by().values("line__plan").annotate(s=Sum("amount")).values("s")
    money = DecimalField(max_digits=17, decimal_places=0)
    return Coalesce(Subquery(sub, output_field=money), Value(0), output_field=money)


def with_totals(qs):
    """Plans annotated, in the same query, with their totals: total_lines, total_people, total_classes, total_cost
    and cost_<SOURCE> for each funding source."""
    annotations = {
        "total_lines": _line_count(), "total_people": _line_sum("people"), "total_classes": _line_sum("classes"),
        "total_cost": _cost_sum(),
    }
    annotations.update({f"cost_{source}": _cost_sum(source) for source in Funding.values})
    return qs.annotate(**annotations)


def totals(plan):
    """The plan's totals (one query): {"lines", "people", "classes", "cost", "by_source": {source: amount}}."""
    row = with_totals(Plan.objects.filter(pk=plan.pk)).values(
        "total_lines", "total_people", "total_classes", "total_cost", *[f"cost_{s}" for s in Funding.values]
    ).get()
    return {
        "lines": row["total_lines"], "people": row["total_people"], "classes": row["total_classes"],
        "cost": row["total_cost"], "by_source": {s: row[f"cost_{s}"] for s in Funding.values},
    }
