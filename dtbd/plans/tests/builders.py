"""Plans, lines and classes for the budget and execution tests, created as rows (docs/domain.md §13.3, §13.4)."""
import datetime
from decimal import Decimal

from dtbd.people.testing import make_person
from dtbd.plans.models import ClassCost, ClassLine, CostItem, LineCost, Plan, PlanLine
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program

Status = TrainingClass.Status
TINH, DV = "NSTINH", "DON_VI"


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


def complete(cls, person, state=Enrollment.State.COMPLETED):
    return Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.NOMINATED,
                                     state=state)


def small_plan(tree):
    """so_a's plan of 2025: line `done` (Q1, 1 class finished, 2 of its 3 learners completed), line `late` (Q2, no
    class), line `waiting` (Q2, a class opened but not started), line `over` (Q3, a class running that costs more
    than the line's estimate). One person completes classes of two lines: two lượt, one person."""
    plan = make_plan(tree.so_a, budget_cap=Decimal(100_000_000))
    done = make_line(plan, quarter=1, people=3, classes=1, costs={TINH: 20_000_000}, position=1)
    late = make_line(plan, quarter=2, people=25, classes=2, costs={TINH: 30_000_000}, position=2)
    waiting = make_line(plan, quarter=2, people=10, classes=1, costs={DV: 5_000_000}, position=3)
    over = make_line(plan, quarter=3, people=20, classes=1, costs={TINH: 10_000_000}, position=4)
    finished = open_class(done, "XONG", status=Status.FINISHED,
                          costs={(CostItem.LECTURERS, TINH): (15_000_000, 14_000_000)})
    open_class(waiting, "CHO", status=Status.OPEN)
    running = open_class(over, "VUOT", status=Status.RUNNING, starts_on=datetime.date(2025, 7, 20),
                         costs={(CostItem.VENUE, TINH): (10_000_001, None)})
    ann, binh, chi = (make_person(tree.phong_a, code=c, full_name=n)
                      for c, n in (("P1", "An"), ("P2", "Bình"), ("P3", "Chi")))
    complete(finished, ann)
    complete(finished, binh)
    complete(finished, chi, Enrollment.State.FAILED)
    complete(running, ann)
    return plan, dict(done=done, late=late, waiting=waiting, over=over)
