"""The optimiser's proposal for a draft plan (docs/domain.md §13.5): weights from the needs, candidate classes, the
background run, the proposal page and its acceptance into the plan."""
import datetime

import pytest
from django.urls import reverse

from dtbd.core.models import Job
from dtbd.people.testing import make_person
from dtbd.plans.models import LineCost, Need, Plan, Reason
from dtbd.plans.optimiser.check import violations
from dtbd.plans.optimiser.instance import instance_from_rows
from dtbd.plans.services import proposal, workflow
from dtbd.training.testing import make_program

pytestmark = pytest.mark.django_db
YEAR = 2031


def need_row(reason=Reason.LEGAL, waiting_since=None, due_on=None, gender="NAM", birth=datetime.date(1990, 1, 1)):
    return {"reason": reason, "waiting_since": waiting_since, "due_on": due_on, "person__gender": gender,
            "person__birth_date": birth}


def test_weights_follow_the_reason_the_wait_the_deadline_and_retirement():
    w = proposal.Weights()
    assert proposal.weight_of(need_row(), w, YEAR) == 10
    assert proposal.weight_of(need_row(Reason.REQUEST), w, YEAR) == 3
    # Waited whole years up to three count; the fourth does not.
    assert proposal.weight_of(need_row(waiting_since=datetime.date(YEAR - 1, 12, 31)), w, YEAR) == 11
    assert proposal.weight_of(need_row(waiting_since=datetime.date(YEAR - 9, 1, 1)), w, YEAR) == 13
    # A deadline inside the plan's year adds its bonus; one in the next year does not.
    assert proposal.weight_of(need_row(due_on=datetime.date(YEAR, 12, 31)), w, YEAR) == 15
    assert proposal.weight_of(need_row(due_on=datetime.date(YEAR + 1, 1, 1)), w, YEAR) == 10
    # A man reaching 62 within two years of the year's end counts half; one year younger, in full.
    assert proposal.weight_of(need_row(birth=datetime.date(YEAR + 2 - 62, 6, 1)), w, YEAR) == 5
    assert proposal.weight_of(need_row(birth=datetime.date(YEAR + 2 - 61, 6, 1)), w, YEAR) == 10
    assert proposal.weight_of(need_row(gender="NU", birth=datetime.date(YEAR + 2 - 60, 6, 1)), w, YEAR) == 5


def test_candidates_start_in_their_quarter_and_last_the_programme_length():
    short = make_program(code="NGAN", duration_tiet=16)  # two days
    week = make_program(code="TUAN", duration_tiet=40)  # five working days: Monday to Friday
    options = proposal.Options(budget=10**9, capacity=30)
    rows = proposal.candidates(YEAR, {"NGAN": 31, "TUAN": 5}, options, {"NGAN": short, "TUAN": week})
    assert len([r for r in rows if r["programme"] == "NGAN"]) == 8  # two classes of 30 for 31 needs, each quarter
    assert len([r for r in rows if r["programme"] == "TUAN"]) == 4
    for row in rows:
        start = proposal.quarter_start(YEAR, row["quarter"])
        assert start <= row["start"] < start + datetime.timedelta(days=92)
    ngan = next(r for r in rows if r["programme"] == "NGAN")
    tuan = next(r for r in rows if r["programme"] == "TUAN")
    assert (ngan["end"] - ngan["start"]).days == 1 and (tuan["end"] - tuan["start"]).days == 4
    assert ngan["start"] != tuan["start"]  # programmes staggered by a week
    assert ngan["fixed_cost"] == options.fixed_cost + 16 * options.cost_per_tiet
    assert ngan["cost_per_person"] == 2 * options.cost_per_person_day


@pytest.fixture
def draft(tree, users):
    """A draft plan of so_a for YEAR with 25 needs of one programme and 3 of another, none with a class yet."""
    plan = workflow.create_plan(users.province, tree.so_a, YEAR, "Kế hoạch đề xuất")
    big, small = make_program(code="LLCT_TC_X", duration_tiet=40), make_program(code="QLNN_X", duration_tiet=24)
    people = [make_person(tree.phong_a, code=f"DX{i:03d}", full_name=f"Người {i}") for i in range(25)]
    for i, person in enumerate(people):
        Need.objects.create(year=YEAR, person=person, unit=tree.phong_a, program=big, reason=Reason.LEGAL,
                            reasons=Reason.LEGAL)
        if i < 3:
            Need.objects.create(year=YEAR, person=person, unit=tree.phong_a, program=small, reason=Reason.REQUEST,
                                reasons=Reason.REQUEST)
    return plan


def options(**extra):
    values = dict(budget=200_000_000, capacity=20, min_size=3, fixed_cost=10_000_000, cost_per_tiet=0,
                  cost_per_person_day=100_000, time_limit=10)
    values.update(extra)
    return proposal.Options(**values)


def test_the_proposal_is_feasible_and_accepting_it_fills_the_draft(draft, users):
    data = proposal.run(draft, options())
    result = data["result"]
    instance = instance_from_rows([(n["person"], n["programme"], n["weight"]) for n in data["needs"]],
                                  [{k: v for k, v in c.items() if k != "quarter"} for c in data["classes"]],
                                  200_000_000, 2)
    assert violations(instance, result["opened"], [(p["person"], p["class"]) for p in result["placements"]]) == []
    assert result["status"] == "optimal" and len(result["placements"]) == 28  # the budget opens what is needed
    summary = proposal.summary(data)
    assert summary["met"] == 28 and not summary["unmet"]
    lines = proposal.accept(draft, users.province, data)
    assert sum(line.people for line in lines) == 28
    assert sum(line.classes for line in lines) == len(result["opened"])
    cost = sum(c.amount for c in LineCost.objects.filter(line__plan=draft))
    assert cost == result["cost"]
    assert Need.objects.filter(year=YEAR, line__plan=draft).count() == 28


def test_a_tight_budget_leaves_needs_unmet_with_the_reason(draft):
    # One class of the big programme fits (10M + 20 × 0,5M = 20M), not a second.
    data = proposal.run(draft, options(budget=21_000_000))
    summary = proposal.summary(data)
    assert summary["met"] == 20
    reasons = dict(summary["unmet"]["LLCT_TC_X"])
    assert sum(reasons.values()) == 5
    assert "QLNN_X" in summary["unmet"]


def test_only_a_draft_plan_that_the_user_may_change_gets_a_proposal(draft, users):
    with pytest.raises(workflow.OutOfScope):
        proposal.check_can_run(Plan.objects.get(pk=draft.pk), users.institution)
    with pytest.raises(Exception) as refused:
        proposal.check_can_run(draft, users.leader)
    assert refused.type.__name__ == "PermissionDenied"
    data = proposal.run(draft, options())
    workflow.add_line(draft, users.province, program=make_program(code="KHAC_X"), people=1, quarter=1)
    workflow.transition(draft, "SUBMITTED", users.province)
    with pytest.raises(Exception) as refused:
        proposal.accept(draft, users.province, data)
    assert refused.type.__name__ == "ValidationError"


def test_the_pages_run_the_job_show_the_proposal_and_accept_it(client, draft, users):
    client.force_login(users.officer)  # the officer of so_a changes so_a's plan
    url = reverse("plans:plan_optimise", args=[draft.pk])
    assert client.get(url).status_code == 200
    form = {"budget": 200_000_000, "max_classes_per_person": 2, "capacity": 20, "min_size": 3,
            "fixed_cost": 10_000_000, "cost_per_tiet": 0, "cost_per_person_day": 100_000, "source": "DON_VI",
            "time_limit": 10, "legal": 10, "planned_post": 6, "job_position": 4, "request": 3, "per_year_waited": 1,
            "deadline_in_year": 5, "retiring_factor": 0.5}
    response = client.post(url, form)
    job = Job.objects.get(kind=Job.Kind.PLAN_OPTIMISE)
    assert response.status_code == 302 and job.status == Job.Status.DONE, job.error
    page = client.get(reverse("plans:proposal", args=[job.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "LLCT_TC_X" in body and "DX000 Người 0" in body  # the learners proposed
    # Someone else (even a manager) does not read this user's proposal.
    other = client.__class__()
    other.force_login(users.province)
    assert other.get(reverse("plans:proposal", args=[job.pk])).status_code == 404
    assert other.post(reverse("plans:proposal_accept", args=[job.pk])).status_code == 404
    response = client.post(reverse("plans:proposal_accept", args=[job.pk]))
    assert response.status_code == 302
    assert set(LineCost.objects.filter(line__plan=draft).values_list("source", flat=True)) == {"DON_VI"}
    assert draft.lines.count() >= 2


def test_the_form_refuses_a_minimum_above_the_capacity(client, draft, users):
    client.force_login(users.province)
    response = client.post(reverse("plans:plan_optimise", args=[draft.pk]), {"budget": 1, "capacity": 5,
                                                                           "min_size": 6})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "không được lớn hơn" in response.content.decode()
