"""The demo's annual plans (dtbd/demo/plans.py): this year's province plan carried out — lines done, late and over
budget as the execution and budget services read them — and next year's draft from the needs, the requests and the
optimiser's proposal; what the demo logins see of them."""
import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from dtbd.accounts.models import User
from dtbd.core.models import Job
from dtbd.demo import generate
from dtbd.demo.loader import load
from dtbd.org.models import Unit
from dtbd.plans.models import ClassLine, Need, NeedRequest, Plan, Reason
from dtbd.plans.services import budget, execution, needs, proposal, workflow
from dtbd.training.models import Enrollment

from .conftest import SMALL

# A fixed day of the fourth quarter: three quarters have ended, late lines are possible.
DAY = datetime.date(2026, 10, 20)
YEAR = DAY.year


@pytest.fixture
def planned(db, media_root):
    """The demo province loaded as on DAY."""
    return load(generate(3, SMALL), today=DAY)


def _root():
    return Unit.objects.get(parent__isnull=True, valid_to__isnull=True)  # Hà Giang's ended on 30/06/2025


def test_this_years_plan_is_approved_consolidated_and_carried_out(planned):
    plan = Plan.objects.get(year=YEAR, unit=_root(), revision=0)
    assert plan.status == Plan.Status.IN_EXECUTION and plan.decision_no.endswith("/QĐ-UBND") and plan.approved_on
    units = Plan.objects.filter(consolidated_into=plan)
    assert units.count() == 3 and {p.status for p in units} == {Plan.Status.APPROVED}
    assert {p.decision_no for p in units} == {plan.decision_no}
    assert "Sở Nội vụ" in {p.unit.name for p in units}
    assert plan.lines.filter(source_line__plan__in=units).exists() and plan.lines.filter(source_line=None).exists()

    run = execution.plan_execution(plan, DAY)
    states = Counter(f.state for f in run.lines)
    assert states[execution.DONE] >= 3 and states[execution.AT_RISK] == 2 and states[execution.UNDER_WAY] >= 1
    for figures in run.lines:
        if figures.state == execution.DONE:
            assert figures.finished == figures.planned_classes and figures.luot > 0
        if figures.state == execution.AT_RISK:
            assert figures.opened == 0 and figures.line.quarter < 4
    assert run.total.luot == Enrollment.objects.filter(
        state=Enrollment.State.COMPLETED, training_class__plan_link__line__plan=plan).count() > 0

    lines = budget.lines_budget(plan.lines.order_by("position", "pk"))
    over = [b for b in lines if b.warnings]
    assert len(over) == 1
    assert over[0].actual_total > over[0].planned_total > over[0].estimated_total > 0
    whole = budget.plan_budget(plan)
    assert whole.planned_total < plan.budget_cap and not budget.cap_warnings(plan, whole)
    # Tens of millions of đồng a line, a few billion for a province of a few hundred staff.
    assert 10**9 < whole.planned_total < 10**10


def test_a_class_is_opened_from_a_line_and_a_revision_is_drafted(planned):
    plan = Plan.objects.get(year=YEAR, unit=_root(), revision=0)
    opened = ClassLine.objects.filter(line__plan=plan, training_class__code=f"KH{YEAR}-SOAI-01").get()
    assert opened.training_class.program_id == opened.line.program_id
    revision = Plan.objects.get(previous=plan)
    assert revision.status == Plan.Status.DRAFT and revision.revision == 1
    diff = workflow.revision_diff(revision)
    assert len(diff["added"]) == 1 and len(diff["changed"]) == 1 and not diff["removed"]


def test_next_years_draft_is_built_from_the_needs_and_the_proposal(planned):
    root = _root()
    plan = Plan.objects.get(year=YEAR + 1, unit=root)
    assert plan.status == Plan.Status.DRAFT and plan.budget_cap
    assert plan.lines.exists()
    linked = Need.objects.filter(year=YEAR + 1, line__plan=plan)
    assert linked.exists()
    assert workflow.totals(plan)["people"] == linked.count()
    assert Need.objects.filter(year=YEAR + 1, reason=Reason.LEGAL).exists()
    assert Need.objects.filter(year=YEAR + 1, reasons__contains=Reason.REQUEST, request__isnull=False).exists()

    requests = NeedRequest.objects.filter(year=YEAR + 1)
    assert 3 <= requests.count() <= 5
    assert requests.filter(source=NeedRequest.Source.UPLOAD, status=NeedRequest.Status.SUBMITTED).exists()
    assert requests.filter(status=NeedRequest.Status.DRAFT).exists()
    assert requests.filter(people__isnull=False).exists()

    # Sở Nội vụ's plan for next year waits to be consolidated.
    assert [p.unit.name for p in workflow.candidate_plans(plan)] == ["Sở Nội vụ"]

    job = Job.objects.get(kind=Job.Kind.PLAN_OPTIMISE, status=Job.Status.DONE)
    data = proposal.load(job)
    assert data["plan"] == plan.pk
    summary = proposal.summary(data)
    assert summary["met"] == linked.count() and len(summary["lines"]) == plan.lines.count()


def test_the_logins_see_the_plans_of_their_scope(planned, client):
    tinh, donvi = User.objects.get(username="tinh"), User.objects.get(username="donvi")
    assert workflow.plans_for(tinh).count() == Plan.objects.count() == 7
    mine = workflow.plans_for(donvi)
    assert {p.unit.name for p in mine} == {"Sở Nội vụ"} and mine.count() == 2
    assert {p.status for p in mine} == {Plan.Status.APPROVED, Plan.Status.SUBMITTED}
    assert {r.unit.name for r in needs.requests_for(donvi)} == {"Sở Nội vụ"}

    province = Plan.objects.get(year=YEAR, unit=_root(), revision=0)
    client.force_login(tinh)
    page = client.get(reverse("plans:plan_execution", args=[province.pk]))
    assert page.status_code == 200
    job = Job.objects.get(kind=Job.Kind.PLAN_OPTIMISE)
    assert client.get(reverse("plans:proposal", args=[job.pk])).status_code == 200
    client.force_login(donvi)
    assert client.get(reverse("plans:plan_detail", args=[province.pk])).status_code == 404
    assert client.get(reverse("plans:plan_detail", args=[mine.first().pk])).status_code == 200


def test_the_command_builds_the_plans_once(demo, capsys):
    today = datetime.date.today()
    assert Plan.objects.filter(year=today.year, unit=_root(), status=Plan.Status.IN_EXECUTION).exists()
    assert Plan.objects.filter(year=today.year + 1, unit=_root(), status=Plan.Status.DRAFT).exists()
    before = (Plan.objects.count(), Need.objects.count(), NeedRequest.objects.count(), ClassLine.objects.count())
    call_command("demo", staff=SMALL, if_empty=True)
    assert "bỏ qua" in capsys.readouterr().out
    assert (Plan.objects.count(), Need.objects.count(), NeedRequest.objects.count(),
            ClassLine.objects.count()) == before

