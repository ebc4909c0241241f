"""Budget of the plan (docs/domain.md §13.3): class costs by item and funding source, the cost norms, the roll-ups
per class, plan line, plan, year and unit, and the over-budget warnings.

Every roll-up is computed in the database: one grouped query per figure (`values(...).annotate(Sum(...))`), merged by
key; no loop over cost rows. Amounts are whole đồng (Decimal, 0 decimal places).

Which classes count and how:
- a class's cost is its ClassCost rows; a class with no row counts its old single figure
  (TrainingClass.cost_estimate under TrainingClass.funding_source, as an estimate, item "OTHER") — saving the grid
  writes the detailed total back into that figure, so both read the same;
- a cancelled class counts its actual spend (money spent is spent) but not its estimate;
- a class's unit is the unit of the plan its line belongs to (ClassLine); a class without a line is "ngoài kế
  hoạch" (unit key None);
- over budget means strictly more: equal to the estimate is not over, one đồng more is.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, VIEW
from dtbd.core.db import prefix_q
from dtbd.training.models import ClassSession, TrainingClass

from ..models import ClassCost, CostItem, CostNorm, Funding, LineCost, Plan, PlanLine

ZERO = Decimal(0)
CANCELLED = TrainingClass.Status.CANCELLED
# The plans whose lines count in the year's figures: approved and not replaced by a revision, not consolidated into
# another plan (a unit plan consolidated into the province's plan counts through it).
IN_FORCE = (Plan.Status.APPROVED, Plan.Status.IN_EXECUTION, Plan.Status.CLOSED)
LEGACY_ITEM = CostItem.OTHER
NO_SOURCE = ""  # a class's old figure without a funding source


def money(value):
    return ZERO if value is None else Decimal(value)


# ------------------------------------------------------------------------------------------------ who sees what

def cost_classes(user, action=VIEW):
    """Classes whose costs `user` may read (VIEW) or edit (CHANGE).

    CHANGE: those the user runs (TrainingClass.objects.restrict(user, CHANGE): province managers; institution staff
    for their providers' classes). VIEW: those, and the classes opened from a line of a plan the user sees (unit
    officers and leaders of the plan's subtree). The class offer itself is wider (every role sees every class) but
    its money is the business of those who plan and run it."""
    if action == CHANGE:
        return TrainingClass.objects.restrict(user, CHANGE)
    run = TrainingClass.objects.restrict(user, CHANGE).values("pk")
    lines = PlanLine.objects.restrict(user).values("pk")
    return TrainingClass.objects.restrict(user).filter(Q(pk__in=run) | Q(plan_link__line__in=lines))


# ------------------------------------------------------------------------------------------------ norms

def _valid_on_q(date, prefix=""):
    return Q(**{f"{prefix}valid_from__lte": date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": date})
    )


def norms_on(date=None):
    """The norms valid on `date` (default today), one per code: where two periods of a code overlap, the one that
    started last. One query."""
    date = date or datetime.date.today()
    later = CostNorm.objects.filter(_valid_on_q(date), code=OuterRef("code"), valid_from__gt=OuterRef("valid_from"))
    return CostNorm.objects.filter(_valid_on_q(date)).filter(~Exists(later)).order_by("item", "-amount", "code")


def norm_on(code, date=None):
    """The norm `code` valid on `date` (default today), or None."""
    return norms_on(date).filter(code=code).first()


def lecturer_limit(training_class):
    """The most the class may pay its lecturers under the norms valid on its first day: the highest LECTURERS norm
    (per session) × the number of the class's sessions (ClassSession). None when no such norm is valid or the class
    has no session yet (nothing to check against). Two queries."""
    top = (
        norms_on(training_class.starts_on).filter(item=CostItem.LECTURERS).order_by("-amount")
        .values_list("amount", flat=True).first()
    )
    if top is None:
        return None
    sessions = ClassSession.objects.filter(training_class=training_class).count()
    return top * sessions if sessions else None


# ------------------------------------------------------------------------------------------------ class costs

@dataclass
class Amounts:
    estimated: Decimal = ZERO
    actual: Decimal = ZERO

    def add(self, estimated, actual):
        self.estimated += money(estimated)
        self.actual += money(actual)


@dataclass
class ClassBudget:
    """A class's costs: the grid {(item, source): ClassCost}, sums by item, by source and in total, and warnings."""

    training_class: TrainingClass
    cells: dict = field(default_factory=dict)
    by_item: dict = field(default_factory=dict)
    by_source: dict = field(default_factory=dict)
    total: Amounts = field(default_factory=Amounts)
    detailed: bool = False  # has ClassCost rows (else the old single figure, if any)
    warnings: list = field(default_factory=list)


def _sums(qs, *keys):
    """{key tuple: Amounts} of ClassCost rows grouped by `keys`: ONE query."""
    rows = (
        qs.values(*keys)
        .annotate(e=Coalesce(Sum("estimated"), Value(ZERO)), a=Coalesce(Sum("actual"), Value(ZERO)))
        .order_by()
    )
    out = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in keys), Amounts()).add(row["e"], row["a"])
    return out


def class_budget(training_class):
    """The costs of one class (ClassBudget): the grid, sums by item and by source (grouped in the database), the
    total, and the lecturer check. A class without ClassCost rows shows its old figure as its one estimate."""
    costs = ClassCost.objects.filter(training_class=training_class)
    result = ClassBudget(training_class, cells={(c.item, c.source): c for c in costs})
    result.detailed = bool(result.cells)
    if result.detailed:
        result.by_item = {k[0]: v for k, v in _sums(costs, "item").items()}
        result.by_source = {k[0]: v for k, v in _sums(costs, "source").items()}
        total = costs.aggregate(e=Sum("estimated"), a=Sum("actual"))
        result.total = Amounts(money(total["e"]), money(total["a"]))
    elif training_class.cost_estimate is not None:
        amount = Amounts(estimated=training_class.cost_estimate)
        result.by_item = {LEGACY_ITEM: amount}
        result.by_source = {training_class.funding_source or NO_SOURCE: amount}
        result.total = Amounts(estimated=training_class.cost_estimate)
    result.warnings = lecturer_warnings(training_class, result.by_item.get(CostItem.LECTURERS))
    return result


def lecturer_warnings(training_class, lecturers):
    """The lecturer check (docs/domain.md §13.3): the estimate or the actual pay of lecturers above the highest
    lecturer norm × the class's sessions is warned (equal is within the norm)."""
    if lecturers is None or not (lecturers.estimated or lecturers.actual):
        return []
    limit = lecturer_limit(training_class)
    if limit is None:
        return []
    warnings = []
    for label, amount in ((_("dự toán"), lecturers.estimated), (_("thực chi"), lecturers.actual)):
        if amount > limit:
            warnings.append(
                _("Thù lao giảng viên (%(what)s) %(amount)s đồng vượt định mức tối đa %(limit)s đồng "
                  "(mức cao nhất theo buổi × số buổi học của lớp).")
                % {"what": label, "amount": _number(amount), "limit": _number(limit)}
            )
    return warnings


def _number(value):
    return f"{int(value):,}".replace(",", ".")


@transaction.atomic
def save_class_costs(training_class, cells):
    """Write a class's grid: `cells` {(item, source): (estimated, actual or None)}. A cell with no estimate and no
    actual removes its row; each changed row is saved (audited). The class's single figure (cost_estimate,
    funding_source) is then set to the detailed estimate and its largest source, so the class form, the API and the
    class page read the same figure. Returns the ClassBudget."""
    existing = {(c.item, c.source): c for c in ClassCost.objects.select_for_update().filter(training_class=training_class)}
    for key, (estimated, actual) in cells.items():
        row = existing.get(key)
        empty = not estimated and actual is None
        if empty:
            if row is not None:
                row.delete()
            continue
        estimated = money(estimated)
        if row is None:
            ClassCost.objects.create(training_class=training_class, item=key[0], source=key[1],
                                     estimated=estimated, actual=actual)
        elif row.estimated != estimated or row.actual != actual:
            row.estimated, row.actual = estimated, actual
            row.save(update_fields=["estimated", "actual"])
    costs = ClassCost.objects.filter(training_class=training_class)
    by_source = _sums(costs, "source")
    if by_source:
        total = sum((v.estimated for v in by_source.values()), ZERO)
        main = max(by_source.items(), key=lambda kv: (kv[1].estimated, kv[0]))[0][0]
        if training_class.cost_estimate != total or training_class.funding_source != main:
            training_class.cost_estimate, training_class.funding_source = total, main
            training_class.save(update_fields=["cost_estimate", "funding_source"])
    return class_budget(training_class)


# ------------------------------------------------------------------------------------------------ roll-ups

def class_amounts(classes, *keys):
    """{(key values…, source): Amounts} of the classes `classes` (a TrainingClass queryset) grouped by `keys` (paths
    from TrainingClass, e.g. "plan_link__line") and funding source. TWO queries: the ClassCost rows, and the old single
    figure of the classes that have no row. A cancelled class counts its actual spend, not its estimate."""
    not_cancelled = ~Q(training_class__status=CANCELLED)
    detailed = (
        ClassCost.objects.filter(training_class__in=classes.values("pk"))
        .values(*[f"training_class__{k}" for k in keys], "source")
        .annotate(e=Coalesce(Sum("estimated", filter=not_cancelled), Value(ZERO)),
                  a=Coalesce(Sum("actual"), Value(ZERO)))
        .order_by()
    )
    out = {}
    for row in detailed:
        key = (*[row[f"training_class__{k}"] for k in keys], row["source"])
        out.setdefault(key, Amounts()).add(row["e"], row["a"])
    legacy = (
        classes.filter(~Exists(ClassCost.objects.filter(training_class=OuterRef("pk"))))
        .exclude(cost_estimate__isnull=True).exclude(status=CANCELLED)
        .values(*keys, "funding_source").annotate(e=Sum("cost_estimate")).order_by()
    )
    for row in legacy:
        key = (*[row[k] for k in keys], row["funding_source"])
        out.setdefault(key, Amounts()).add(row["e"], None)
    return out


def line_estimates(lines, *keys):
    """{(key values…, source): amount} of the lines' estimates (LineCost) grouped by `keys` (paths from PlanLine):
    ONE query."""
    rows = (
        LineCost.objects.filter(line__in=lines.values("pk"))
        .values(*[f"line__{k}" for k in keys], "source").annotate(n=Sum("amount")).order_by()
    )
    return {(*[r[f"line__{k}"] for k in keys], r["source"]): money(r["n"]) for r in rows}


@dataclass
class Budget:
    """A budget figure: planned (the lines' estimates), estimated and actual (the classes' costs), by source."""

    key: object = None
    label: str = ""
    planned: dict = field(default_factory=dict)  # source -> Decimal
    classes: dict = field(default_factory=dict)  # source -> Amounts
    warnings: list = field(default_factory=list)

    @property
    def planned_total(self):
        return sum(self.planned.values(), ZERO)

    @property
    def estimated_total(self):
        return sum((a.estimated for a in self.classes.values()), ZERO)

    @property
    def actual_total(self):
        return sum((a.actual for a in self.classes.values()), ZERO)

    @property
    def sources(self):
        """Rows for a table: (source code, label, planned, estimated, actual), sources in the choices' order."""
        labels = dict(Funding.choices)
        codes = [s for s in Funding.values if s in self.planned or s in self.classes]
        codes += sorted(s for s in set(self.planned) | set(self.classes) if s not in labels)
        rows = []
        for code in codes:
            amounts = self.classes.get(code, Amounts())
            rows.append((code, labels.get(code, _("Chưa rõ nguồn")), self.planned.get(code, ZERO),
                         amounts.estimated, amounts.actual))
        return rows


def _split(mapping, width):
    """{(key…, source): v} -> {key…: {source: v}} (key a scalar when one column)."""
    out = {}
    for key, value in mapping.items():
        head = key[0] if width == 1 else key[:width]
        out.setdefault(head, {})[key[width]] = value
    return out


def over_budget_warnings(budget, what):
    """Warnings of a line or plan whose classes cost more than planned, per source and in total (strictly more)."""
    warnings = []
    for _code, label, planned, estimated, actual in budget.sources:
        for kind, amount in ((_("dự toán các lớp"), estimated), (_("thực chi các lớp"), actual)):
            if amount > planned:
                warnings.append(
                    _("%(what)s: %(kind)s nguồn “%(source)s” %(amount)s đồng vượt dự toán %(planned)s đồng "
                      "(vượt %(over)s đồng).")
                    % {"what": what, "kind": kind, "source": label, "amount": _number(amount),
                       "planned": _number(planned), "over": _number(amount - planned)}
                )
    planned = budget.planned_total
    for kind, amount in ((_("dự toán các lớp"), budget.estimated_total), (_("thực chi các lớp"), budget.actual_total)):
        if amount > planned:
            warnings.append(
                _("%(what)s: tổng %(kind)s %(amount)s đồng vượt tổng dự toán %(planned)s đồng (vượt %(over)s đồng).")
                % {"what": what, "kind": kind, "amount": _number(amount), "planned": _number(planned),
                   "over": _number(amount - planned)}
            )
    return warnings


def lines_budget(lines):
    """[Budget] of each line of `lines` (a PlanLine queryset, in its order, numbered from 1 in the warnings as on
    the execution page): its estimate by source (LineCost)
    against the classes opened from it (ClassLine), estimated and actual by source, with warnings. Four queries
    whatever the number of lines."""
    lines = list(lines.select_related("program"))
    pks = [line.pk for line in lines]
    planned = _split(line_estimates(PlanLine.objects.filter(pk__in=pks), "pk"), 1)
    spent = _split(class_amounts(TrainingClass.objects.filter(plan_link__line__in=pks), "plan_link__line"), 1)
    out = []
    for number, line in enumerate(lines, 1):
        budget = Budget(key=line, label=str(line), planned=planned.get(line.pk, {}), classes=spent.get(line.pk, {}))
        budget.warnings = over_budget_warnings(
            budget, _("Dòng %(n)s (%(code)s)") % {"n": number, "code": line.program.code}
        )
        out.append(budget)
    return out


def plan_budget(plan):
    """Budget of a whole plan: its lines' estimates against their classes, by source, and the cap check (the
    lines' estimate, or the classes' estimate or actual spend, strictly above `budget_cap`). Three queries."""
    lines = PlanLine.objects.filter(plan=plan)
    planned = {k[0]: v for k, v in line_estimates(lines).items()}
    spent = {k[0]: v for k, v in class_amounts(TrainingClass.objects.filter(plan_link__line__plan=plan)).items()}
    budget = Budget(key=plan, label=str(plan), planned=planned, classes=spent)
    budget.warnings = over_budget_warnings(budget, _("Kế hoạch"))
    budget.warnings += cap_warnings(plan, budget)
    return budget


def cap_warnings(plan, budget):
    if plan.budget_cap is None:
        return []
    warnings = []
    for kind, amount in ((_("dự toán các dòng kế hoạch"), budget.planned_total),
                         (_("dự toán các lớp"), budget.estimated_total),
                         (_("thực chi các lớp"), budget.actual_total)):
        if amount > plan.budget_cap:
            warnings.append(
                _("Tổng %(kind)s %(amount)s đồng vượt tổng kinh phí được giao %(cap)s đồng (vượt %(over)s đồng).")
                % {"kind": kind, "amount": _number(amount), "cap": _number(plan.budget_cap),
                   "over": _number(amount - plan.budget_cap)}
            )
    return warnings


def plans_in_force(year, unit=None):
    """The plans of `year` counted in the year's figures (IN_FORCE, not consolidated into another), of `unit`'s
    subtree when given."""
    qs = Plan.objects.filter(year=year, status__in=IN_FORCE, consolidated_into__isnull=True)
    if unit is not None:
        qs = qs.filter(prefix_q("unit__path", unit.path))
    return qs


def unplanned_classes(year):
    """Classes "ngoài kế hoạch" of `year`: opened from no plan line, starting in the year."""
    return TrainingClass.objects.filter(plan_link__isnull=True, starts_on__year=year)


def year_budget(year, unit=None, include_unplanned=True):
    """Budget of a year by unit: {unit pk or None: Budget}; a unit's figure is its plans' lines (plans_in_force)
    against the classes opened from them; key None is the classes outside any plan (estimated and actual only).
    Five queries (three when include_unplanned is False)."""
    lines = PlanLine.objects.filter(plan__in=plans_in_force(year, unit))
    planned = _split(line_estimates(lines, "plan__unit"), 1)
    spent = _split(class_amounts(TrainingClass.objects.filter(plan_link__line__in=lines.values("pk")),
                                 "plan_link__line__plan__unit"), 1)
    out = {}
    for key in set(planned) | set(spent):
        out[key] = Budget(key=key, planned=planned.get(key, {}), classes=spent.get(key, {}))
    if include_unplanned:
        outside = {k[0]: v for k, v in class_amounts(unplanned_classes(year)).items()}
        if outside:
            out[None] = Budget(key=None, label=_("Ngoài kế hoạch"), classes=outside)
    return out
