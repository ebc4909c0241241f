"""Eligibility for postgraduate dispatch at each boundary (docs/domain.md §14.2) and the report postgrad-eligibility."""
import datetime

from io import StringIO

import pytest
from django.core.management import call_command

from dtbd.funding.models import Dispatch, PostgradRule
from dtbd.funding.queries import eligibility, eligibility_rows, years_before
from dtbd.people.models import CategoryAssignment

from .conftest import D

pytestmark = pytest.mark.django_db


def codes(person, on=D):
    return eligibility(person, on).codes


def test_an_eligible_person_fails_nothing(candidate):
    result = eligibility(candidate(), D)
    assert result.codes == [] and result.eligible and result.rule.rule_set.code == "ND171_2025"


@pytest.mark.parametrize("birth_date,fails", [
    (datetime.date(1980, 3, 11), False),  # 45 on D (46th birthday tomorrow)
    (datetime.date(1980, 3, 10), True),   # 46 on D (birthday today)
    (datetime.date(1980, 3, 9), True),    # 46 since yesterday
    (datetime.date(1981, 3, 10), False),  # 45 today
])
def test_age_boundary(candidate, birth_date, fails):
    assert codes(candidate(birth_date=birth_date)) == (["AGE"] if fails else [])


def test_age_counts_only_at_the_first_postgraduate_dispatch(candidate):
    person = candidate(birth_date=datetime.date(1975, 1, 1))
    assert codes(person) == ["AGE"]
    Dispatch.objects.create(person=person, level="THS", field="Luật", institution="ĐH Luật", decision_no="1/QĐ",
                            decision_date=datetime.date(2015, 6, 1), starts_on=datetime.date(2015, 9, 1),
                            planned_end=datetime.date(2017, 9, 1), status=Dispatch.Status.GRADUATED)
    assert codes(person) == []


@pytest.mark.parametrize("recruited_on,fails", [
    (datetime.date(2023, 3, 10), False),  # third anniversary today
    (datetime.date(2023, 3, 11), True),   # tomorrow
    (datetime.date(2023, 3, 9), False),
    (None, True),                         # unknown recruitment date
])
def test_service_boundary(candidate, recruited_on, fails):
    assert codes(candidate(recruited_on=recruited_on)) == (["SERVICE"] if fails else [])


def test_anniversaries_of_29_february():
    assert years_before(datetime.date(2027, 2, 28), 3) == datetime.date(2024, 2, 28)
    assert years_before(datetime.date(2024, 2, 29), 3) == datetime.date(2021, 2, 28)


def test_leap_day_recruitment(candidate):
    person = candidate(recruited_on=datetime.date(2024, 2, 29))
    assert "SERVICE" in codes(person, datetime.date(2027, 2, 28))  # the anniversary falls on 01/03/2027
    assert "SERVICE" not in codes(person, datetime.date(2027, 3, 1))


@pytest.mark.parametrize("ratings,fails", [
    ((("y2024", "HTTNV"), ("y2025", "HTTNV")), False),
    ((("y2024", "HTXSNV"), ("y2025", "HTXSNV")), False),
    ((("y2024", "HTTNV"),), True),                          # 2025 missing
    ((("y2025", "HTTNV"),), True),                          # 2024 missing
    ((("y2024", "HTTNV"), ("y2025", "KHTNV")), True),
    ((("y2024", "HTNV"), ("y2025", "HTXSNV")), True),
    ((("y2023", "HTTNV"), ("y2025", "HTTNV"), ("y2026", "HTTNV")), True),  # not the two years before 2026
    ((), True),
])
def test_assessment_of_the_two_years_before(candidate, ratings, fails):
    assert codes(candidate(ratings=ratings)) == (["ASSESSMENT"] if fails else [])


def test_codes_in_order(candidate):
    person = candidate(birth_date=datetime.date(1970, 1, 1), recruited_on=None, ratings=())
    result = eligibility(person, D)
    assert result.codes == ["AGE", "SERVICE", "ASSESSMENT"]
    assert len(result.reasons()) == 3 and "45 tuổi" in result.reasons()[0]


def test_rule_set_by_category_and_date(candidate):
    cc, vc = candidate(), candidate(category="VC")
    assert eligibility(cc, D).rule.rule_set.code == "ND171_2025"
    assert eligibility(cc, D).rule.commitment_multiple == 3
    assert eligibility(cc, datetime.date(2025, 6, 30)).rule.rule_set.code == "ND101_2017"
    assert eligibility(cc, datetime.date(2025, 6, 30)).rule.commitment_multiple == 2
    assert eligibility(cc, datetime.date(2025, 7, 1)).rule.rule_set.code == "ND171_2025"
    assert eligibility(vc, D).rule.rule_set.code == "ND101_2017"
    # Values are data: a lower age for the viên chức' rule set applies to them only.
    PostgradRule.objects.filter(rule_set__code="ND101_2017").update(max_age=35)
    assert codes(vc) == ["AGE"] and codes(cc) == []
    # Without a value, the condition is not checked.
    PostgradRule.objects.filter(rule_set__code="ND101_2017").update(max_age=None, good_years=None)
    vc2 = candidate(category="VC", birth_date=datetime.date(1950, 1, 1), ratings=())
    assert codes(vc2) == []


def test_category_on_the_date(candidate):
    """A person who became công chức on 01/01/2026 (viên chức before) is judged under each category's rules."""
    person = candidate(category="VC")
    CategoryAssignment.objects.filter(person=person).update(valid_to=datetime.date(2025, 12, 31))
    CategoryAssignment.objects.create(person=person, category="CC", valid_from=datetime.date(2026, 1, 1))
    assert eligibility(person, datetime.date(2025, 12, 1)).category == "VC"
    assert eligibility(person, D).rule.rule_set.code == "ND171_2025"


def test_contract_workers_have_no_rule(candidate):
    result = eligibility(candidate(category="HD"), D)
    assert result.rule is None and not result.eligible


def test_report_rows(tree, candidate, django_assert_max_num_queries):
    ok = candidate(code="A1")
    old = candidate(code="A2", birth_date=datetime.date(1970, 1, 1))
    new = candidate(code="A3", category="VC", recruited_on=datetime.date(2024, 1, 1), ratings=(("y2025", "HTTNV"),))
    candidate(code="A4", category="CB")                           # cán bộ: not in the report
    candidate(code="A5", category="HD")
    candidate(code="B1", unit=tree.phong_b)                       # another subtree
    gone = candidate(code="A6")
    gone.left_on = datetime.date(2026, 1, 1)
    gone.save()
    for _i in range(5):
        candidate()
    with django_assert_max_num_queries(4):
        rows = eligibility_rows(tree.so_a, D)
    by_code = {r[0]: r for r in rows}
    assert by_code["A1"] == ("A1", 1, "")
    assert by_code["A2"] == ("A2", 0, "AGE")
    assert by_code["A3"] == ("A3", 0, "SERVICE;ASSESSMENT")
    assert not {"A4", "A5", "B1", "A6"} & set(by_code)
    assert len(rows) == 3 + 5
    assert {ok.code, old.code, new.code} <= set(by_code)


def test_report_command(tree, candidate):
    candidate(code="A1")
    candidate(code="A2", birth_date=datetime.date(1970, 1, 1), ratings=(("y2024", "KHTNV"),))
    out = StringIO()
    call_command("report", "postgrad-eligibility", "--unit", "SO_A", "--date", "2026-03-10", stdout=out)
    assert out.getvalue().splitlines() == ["code,eligible,reasons", "A1,1,", "A2,0,AGE;ASSESSMENT"]
