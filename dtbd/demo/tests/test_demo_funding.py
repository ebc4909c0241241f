"""The demo's annual ratings and funding records (dtbd/demo/funding.py): the ratings of the last years, postgraduate
dispatches and their commitments, the leaver's reimbursement case, talent attraction and source cadres, read through
the funding queries and pages as the demo logins see them."""
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import User
from dtbd.demo import generate
from dtbd.demo.loader import load
from dtbd.funding import queries, services, sources, talent
from dtbd.funding.models import Case, Dispatch, ReimbursementCase
from dtbd.org.models import Unit
from dtbd.people.assessments import assessed_people
from dtbd.people.forms import default_assessment_year
from dtbd.people.models import AnnualAssessment, Person, Rating

from .conftest import SMALL


@pytest.fixture
def loaded(db, media_root):
    return load(generate(3, SMALL))


def _users():
    return {u.username: u for u in User.objects.filter(username__in=("tinh", "donvi", "lanhdao"))}


def test_the_last_three_years_are_rated_with_a_realistic_spread(loaded):
    roots = Unit.objects.filter(parent__isnull=True)  # Tuyên Quang, and Hà Giang until its merger (30/06/2025)
    assert roots.count() == 2
    last = default_assessment_year()
    shares = Counter()
    for year in range(last - 2, last + 1):
        assessed = set().union(*(assessed_people(root, year).values_list("pk", flat=True) for root in roots))
        rated = dict(AnnualAssessment.objects.filter(year=year, person__in=assessed).values_list("person", "rating"))
        # Most are rated, not all (some missing), and nobody outside those assessed is rated for these years.
        assert 0.6 * len(assessed) < len(rated) < len(assessed)
        assert not AnnualAssessment.objects.filter(year=year).exclude(person__in=assessed).exists()
        shares.update(rated.values())
        assert not AnnualAssessment.objects.filter(year=year, assessed_on__month__lt=10).exists()
    total = sum(shares.values())
    assert 0.50 < shares[Rating.HTTNV] / total < 0.70
    assert 0.08 < shares[Rating.HTXSNV] / total < 0.22
    assert 0.15 < shares[Rating.HTNV] / total < 0.30
    assert 0 < shares[Rating.KHTNV] / total < 0.07
    assert not AnnualAssessment.objects.filter(year__gt=last).exists()


def test_dispatches_commitments_and_costs(loaded):
    users = _users()
    today = timezone.localdate()
    seen = Dispatch.objects.restrict(users["tinh"])
    statuses = Counter(seen.values_list("status", flat=True))
    assert statuses[Dispatch.Status.GRADUATED] >= 3 and statuses[Dispatch.Status.STUDYING] >= 1
    assert statuses[Dispatch.Status.DROPPED_OUT] == 1
    assert seen.filter(abroad=True).exclude(country="Việt Nam").exists()
    # Every one was sent meeting the conditions on the decision date (no exception needed).
    for dispatch in seen:
        assert dispatch.unmet == [] and not dispatch.override_reason
        assert dispatch.costs.exists()
    graduated = seen.filter(status=Dispatch.Status.GRADUATED)
    assert all(d.diploma_id and d.commitment_ends_on for d in graduated)
    in_progress = graduated.filter(person__left_on__isnull=True, commitment_ends_on__gt=today)
    assert in_progress.count() >= 2
    assert in_progress.filter(commitment_ends_on__lte=services.add_months(today, 6)).exists()
    # The first graduates meet the conditions they were checked against when they were sent.
    first = graduated.order_by("pk").first()
    assert queries.eligibility(first.person, first.decision_date).codes == []


def test_the_leaver_has_one_case_decided_and_partly_paid(loaded):
    users = _users()
    leavers = Person.objects.filter(dispatches__status=Dispatch.Status.GRADUATED, left_on__isnull=False).distinct()
    assert leavers.count() == 1
    leaver = leavers.get()
    cases = ReimbursementCase.objects.filter(person=leaver)
    assert cases.count() == 1
    case = cases.get()
    assert case.case == Case.UNFINISHED and 0 < case.served_months < case.commitment_months
    assert case.council_decision_no and case.status == ReimbursementCase.Status.DECIDED
    assert case.payments.count() == 1
    assert 0 < services.paid_total(case) < case.amount_due
    # The Sở Nội vụ's officer and the province's leader see it.
    assert ReimbursementCase.objects.restrict(users["donvi"]).filter(pk=case.pk).exists()
    assert ReimbursementCase.objects.restrict(users["lanhdao"]).filter(pk=case.pk).exists()
    # The drop-out's case is the only other one.
    assert ReimbursementCase.objects.exclude(person=leaver).get().case == Case.DROPPED_OUT


def test_talent_attraction_figures_and_shortfall(loaded):
    users = _users()
    everything = talent.totals(users["tinh"])
    assert 8 <= everything["people"] <= 10 and everything["paid"] > 0
    shortfalls = set()
    for policy in talent.policies_with_figures(users["tinh"]):
        figures = talent.figures(policy, users["tinh"])
        assert figures.people == policy.people > 0
        shortfalls.update(figures.shortfalls)
    assert "Quản lý đô thị" in shortfalls and "Y tế" not in shortfalls
    part = talent.totals(users["donvi"])
    assert 0 < part["people"] < everything["people"]


def test_source_cadres_with_candidates_recruited(loaded):
    users = _users()
    scheme = sources.schemes_with_figures(users["tinh"]).get()
    assert scheme.candidate_count == 8 and scheme.recruited == 3
    donvi = sources.schemes_with_figures(users["donvi"]).get()
    assert 0 < donvi.candidate_count < 8
    recruited = Person.objects.filter(source_candidate__isnull=False)
    assert recruited.count() == 3 and all(p.recruited_on for p in recruited)


@pytest.mark.parametrize("username", ["tinh", "donvi", "lanhdao"])
def test_the_logins_see_the_pages_with_data(loaded, client, username):
    user = _users()[username]
    client.force_login(user)
    leaver = Person.objects.get(dispatches__reimbursement__case=Case.UNFINISHED)
    pages = {
        "funding:dispatch_list": Dispatch.objects.restrict(user).first().person.full_name,
        "funding:commitments": "",
        "funding:case_list": leaver.full_name,
        "talent:policy_list": "người có trình độ cao",
        "sources:scheme_list": "Đề án tạo nguồn",
        "people:assessment_grid": "",
    }
    for name, text in pages.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert text in response.content.decode(), name
    rated = AnnualAssessment.objects.restrict(user).filter(year=default_assessment_year())
    assert rated.exists()
