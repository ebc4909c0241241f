"""Execution of the plan (docs/domain.md §13.4): planned against done, per line, per quarter and per unit.

- classes: planned = PlanLine.classes; opened = the classes opened from the line (ClassLine), cancelled ones left out;
  started = those running or over; finished = FINISHED or CLOSED;
- person-times (lượt, docs/domain.md §11.3): planned = PlanLine.people; done = the COMPLETED enrolments of the
  line's classes (one person completing two classes is two lượt); people = the distinct persons among them;
- spend: planned = the line's estimate (LineCost), against the classes' estimated and actual costs
  (services.budget.class_amounts);
- at risk: the line's quarter has ended on the date and no class opened from it has started (none opened, or the
  opened ones still planned / taking registrations).

Each breakdown is a fixed number of grouped queries whatever the number of lines: the planned figures from the
lines, the classes from ClassLine, the lượt from the enrolments, the spend from the costs, each grouped by the
breakdown's key (a path from PlanLine: "pk", "quarter", "plan__unit")."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum, Value
from django.utils.translation import gettext_lazy as _

from dtbd.training.models import Enrollment, TrainingClass

from ..models import ClassLine, PlanLine
from . import budget as budget_services
from .budget import ZERO, Amounts

Status = TrainingClass.Status
STARTED = (Status.RUNNING, Status.FINISHED, Status.CLOSED)
FINISHED = (Status.FINISHED, Status.CLOSED)

# What a line's state reads as (the execution page and the report).
DONE, AT_RISK, UNDER_WAY, NOT_DUE = "DONE", "AT_RISK", "UNDER_WAY", "NOT_DUE"
STATE_LABELS = {
    DONE: _("Đã hoàn thành"),
    AT_RISK: _("Chậm tiến độ"),
    UNDER_WAY: _("Đang triển khai"),
    NOT_DUE: _("Chưa đến hạn"),
}


def quarter_end(year, quarter):
    """The last day of `quarter` (1–4) of `year`."""
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


@dataclass
class Figures:
    """Planned against done for a group of lines (a line, a quarter, a unit, a plan)."""

    key: object = None
    planned_classes: int = 0
    opened: int = 0
    started: int = 0
    finished: int = 0
    planned_people: int = 0
    luot: int = 0
    people: int = 0
    planned_cost: object = ZERO
    spend: Amounts = field(default_factory=Amounts)
    at_risk: int = 0  # lines at risk (breakdown with a date)
    line: object = None  # the PlanLine, for a per-line breakdown
    number: int = 0  # the line's number in the plan (1, 2, …), as in the warnings
    state: str = ""
    warnings: list = field(default_factory=list)

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, "")

    @property
    def variance(self):
        """Actual spend minus the plan's estimate (negative: under)."""
        return self.spend.actual - self.planned_cost


def breakdown(lines, key, date=None):
    """{key value: Figures} of `lines` (a PlanLine queryset) grouped by `key` (a path from PlanLine), with the lines
    at risk on `date` counted when given (at_risk_q). Six queries."""
    pks = lines.values("pk")
    out = {}

    def get(value):
        return out.setdefault(value, Figures(key=value))

    late = Count("pk", filter=at_risk_q(date)) if date is not None else Value(0)
    for row in (PlanLine.objects.filter(pk__in=pks).values(key)
                .annotate(c=Sum("classes"), p=Sum("people"), r=late).order_by()):
        figures = get(row[key])
        figures.planned_classes, figures.planned_people, figures.at_risk = row["c"] or 0, row["p"] or 0, row["r"]
    not_cancelled = ~Q(training_class__status=Status.CANCELLED)
    for row in (ClassLine.objects.filter(line__in=pks).values(f"line__{key}")
                .annotate(o=Count("pk", filter=not_cancelled),
                          s=Count("pk", filter=Q(training_class__status__in=STARTED)),
                          f=Count("pk", filter=Q(training_class__status__in=FINISHED)))
                .order_by()):
        figures = get(row[f"line__{key}"])
        figures.opened, figures.started, figures.finished = row["o"], row["s"], row["f"]
    path = f"training_class__plan_link__line__{key}"
    for row in (Enrollment.objects.filter(state=Enrollment.State.COMPLETED, training_class__plan_link__line__in=pks)
                .values(path).annotate(n=Count("pk"), people=Count("person", distinct=True)).order_by()):
        figures = get(row[path])
        figures.luot, figures.people = row["n"], row["people"]
    for (value, _source), amount in budget_services.line_estimates(lines, key).items():
        get(value).planned_cost += amount
    classes = TrainingClass.objects.filter(plan_link__line__in=pks)
    for (value, _source), amounts in budget_services.class_amounts(classes, f"plan_link__line__{key}").items():
        get(value).spend.add(amounts.estimated, amounts.actual)
    return out


def _state(figures, line):
    if figures.finished >= line.classes:
        return DONE
    if figures.at_risk:
        return AT_RISK
    if figures.opened:
        return UNDER_WAY
    return NOT_DUE


@dataclass
class PlanExecution:
    plan: object
    date: datetime.date
    lines: list  # [Figures] in the plan's order, with .line, .state and the line's budget warnings
    quarters: list  # [Figures] quarters 1–4 (those with lines)
    total: Figures
    budget: object  # services.budget.Budget of the plan (cap and over-budget warnings)

    @property
    def at_risk(self):
        return [f for f in self.lines if f.state == AT_RISK]


def plan_execution(plan, date=None):
    """Execution of one plan on `date` (default today): per line, per quarter and in total, with the lines at risk
    and the budget warnings. A fixed number of queries whatever the number of lines."""
    date = date or datetime.date.today()
    lines = PlanLine.objects.filter(plan=plan).select_related("plan", "program", "provider")
    per_line = breakdown(lines, "pk", date)
    budgets = {b.key.pk: b for b in budget_services.lines_budget(lines)}
    rows = []
    for number, line in enumerate(lines, 1):
        figures = per_line.get(line.pk, Figures(key=line.pk))
        figures.line, figures.number = line, number
        figures.state = _state(figures, line)
        figures.warnings = budgets[line.pk].warnings
        rows.append(figures)
    quarters = breakdown(lines, "quarter", date)
    total = _total(quarters.values(), Q(plan_link__line__plan=plan), key=plan.pk)
    return PlanExecution(plan=plan, date=date, lines=rows, quarters=[quarters[q] for q in sorted(quarters)],
                         total=total, budget=budget_services.plan_budget(plan))


def at_risk_q(date):
    """Q on PlanLine: the line is at risk on `date` — its quarter has ended (quarter_end of its plan's year before
    `date`) and no class opened from it has started."""
    started = ClassLine.objects.filter(training_class__status__in=STARTED).values("line")
    ended = Q(plan__year__lt=date.year) | Q(plan__year=date.year, quarter__lte=_ended_quarters(date))
    return ended & ~Q(pk__in=started)


def _ended_quarters(date):
    """How many quarters of date.year have ended before `date`."""
    return sum(1 for q in range(1, 5) if quarter_end(date.year, q) < date)


@dataclass
class YearExecution:
    year: int
    date: datetime.date
    per_unit: dict  # {unit pk: Figures}
    per_quarter: dict  # {quarter: Figures}
    total: Figures  # the plans' lines and, when counted, the classes outside any plan
    unplanned: object  # Figures of the classes "ngoài kế hoạch", or None


def year_execution(year, unit=None, date=None, include_unplanned=True):
    """The year's execution (YearExecution) of the plans in force of `unit`'s subtree (budget.plans_in_force), by
    unit and by quarter, with the lines at risk on `date`; the classes outside any plan counted apart and in the
    total when `include_unplanned`. Seventeen queries (thirteen without the unplanned classes) whatever the size of the
    year."""
    date = date or datetime.date.today()
    lines = PlanLine.objects.filter(plan__in=budget_services.plans_in_force(year, unit))
    per_unit = breakdown(lines, "plan__unit", date)
    per_quarter = breakdown(lines, "quarter", date)
    groups = list(per_unit.values())
    classes = Q(plan_link__line__in=lines.values("pk"))
    unplanned = None
    if include_unplanned:
        unplanned = unplanned_figures(year)
        groups.append(unplanned)
        classes |= Q(pk__in=budget_services.unplanned_classes(year).values("pk"))
    total = _total(groups, classes, key=year)
    return YearExecution(year, date, per_unit, per_quarter, total, unplanned)


def _total(groups, classes, key=None):
    """The total of `groups` (Figures), its distinct people counted again over the classes matching `classes` (a Q on
    TrainingClass): one person in two groups counts once. One query."""
    total = Figures(key=key)
    for figures in groups:
        _add(total, figures)
    total.people = (
        Enrollment.objects.filter(state=Enrollment.State.COMPLETED,
                                  training_class__in=TrainingClass.objects.filter(classes).values("pk"))
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    return total


def _add(total, figures):
    """Adds a group's figures to a total (groups, not rows: a handful per report); `people` is recounted by the
    caller (distinct persons do not add up)."""
    for name in ("planned_classes", "opened", "started", "finished", "planned_people", "luot", "at_risk"):
        setattr(total, name, getattr(total, name) + getattr(figures, name))
    total.planned_cost += figures.planned_cost
    total.spend.add(figures.spend.estimated, figures.spend.actual)


def unplanned_figures(year):
    """Figures of the classes "ngoài kế hoạch" of `year` (budget.unplanned_classes), cancelled ones left out of the
    counts. Three queries."""
    classes = budget_services.unplanned_classes(year)
    counts = classes.aggregate(
        o=Count("pk", filter=~Q(status=Status.CANCELLED)),
        s=Count("pk", filter=Q(status__in=STARTED)),
        f=Count("pk", filter=Q(status__in=FINISHED)),
    )
    done = Enrollment.objects.filter(state=Enrollment.State.COMPLETED, training_class__in=classes.values("pk")).aggregate(
        n=Count("pk"), people=Count("person", distinct=True)
    )
    figures = Figures(key=None, opened=counts["o"], started=counts["s"], finished=counts["f"], luot=done["n"],
                      people=done["people"])
    for amounts in budget_services.class_amounts(classes).values():
        figures.spend.add(amounts.estimated, amounts.actual)
    return figures
