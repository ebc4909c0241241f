"""Plans, lines and classes for the budget and execution tests, created as rows (docs/domain.md §13.3, §13.4)."""
import datetime
from decimal import Decimal

from dtbd.plans.models import ClassCost, ClassLine, LineCost, Plan, PlanLine
from dtbd.training.models import TrainingClass
from dtbd.training.testing import make_class, make_program


def make_plan(unit, year=2025, status=Plan.Status.APPROVED, title="Kế hoạch thử", **fields):
    return Plan.objects.create(unit=unit, year=year, status=status, title=title, **fields)


def make_line(plan, quarter=1, people=30, classes=1, costs=None, program=None, position=0):
    """A line; `costs` {source: amount} its estimate by source (LineCost)."""
    line = PlanLine.objects.create(plan=plan, program=program or make_program(), people=people, classes=classes,
                                   quarter=quarter, position=position)
    for source, amount in (costs or {}).items():
        LineCost.objects.create(line=line, source=source, amount=Decimal(amount))
    return line


def open_class(line, code, status=TrainingClass.Status.OPEN, starts_on=None, costs=None, **extra):
    """A class opened from `line` (ClassLine); `costs` {(item, source): (estimated, actual or None)}."""
    year = line.plan.year if line else 2025
    starts_on = starts_on or datetime.date(year, 3 * ((line.quarter if line else 1) - 1) + 1, 10)
    cls = make_class(code, capacity=40, status=status, starts_on=starts_on, **extra)
    if line is not None:
        ClassLine.objects.create(training_class=cls, line=line)
    for (item, source), (estimated, actual) in (costs or {}).items():
        ClassCost.objects.create(training_class=cls, item=item, source=source, estimated=Decimal(estimated),
                                 actual=None if actual is None else Decimal(actual))
    return cls
