"""assessment-ratings (docs/domain.md §14.1): the people of CB/CC/VC placed in each child unit on 31 December of the
year, by their rating of the year, and those without one; checked against a hand count on a small tree."""
import datetime
import io

import pytest
from django.core.management import call_command

from dtbd.people.models import AnnualAssessment, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.reports.registry import get_report

pytestmark = pytest.mark.django_db

Y = 2024
HEADER = "unit,HTXSNV,HTTNV,HTNV,KHTNV,NONE,total"


def report(*args):
    out = io.StringIO()
    call_command("report", "assessment-ratings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def rated(tree):
    def person(unit, rating=None, year=Y, **kwargs):
        p = make_person(unit, **kwargs)
        if rating:
            AnnualAssessment.objects.create(person=p, year=year, rating=rating)
        return p

    person(tree.phong_a, "HTXSNV")
    person(tree.phong_a, "HTTNV")
    person(tree.phong_a)  # not rated
    person(tree.so_a, "KHTNV")  # placed in Sở Nội vụ itself
    person(tree.phong_b, "HTNV")
    person(tree.phong_b, "HTNV", category="HD")  # a contract worker: not counted
    gone = person(tree.phong_b, "HTTNV", left_on=datetime.date(Y, 6, 30))  # left in June: not there on 31/12
    UnitAssignment.objects.filter(person=gone).update(valid_to=gone.left_on)
    moved = person(tree.phong_b, "HTNV", valid_from=datetime.date(Y - 5, 1, 1))  # moved to Sở Nội vụ in May
    UnitAssignment.objects.filter(person=moved).update(valid_to=datetime.date(Y, 4, 30))
    UnitAssignment.objects.create(person=moved, unit=tree.phong_a, valid_from=datetime.date(Y, 5, 1))
    person(tree.xa, "HTTNV", year=Y - 1)  # rated for the year before only
    return tree


def test_the_figures_by_child_unit_against_a_hand_count(rated):
    assert report("--unit", "T01", "--year", str(Y)) == "\n".join([
        HEADER,
        "SO_A,1,1,1,1,1,5",
        "SO_B,0,0,1,0,0,1",
        "XA01,0,0,0,0,1,1",
        "ALL,1,1,2,1,2,7",
    ]) + "\n"
    # the unit's own staff on a row of their own, before its children
    assert report("--unit", "SO_A", "--year", str(Y)) == "\n".join([
        HEADER,
        "SO_A,0,0,0,1,0,1",
        "SO_A.P1,1,1,1,0,1,4",
        "ALL,1,1,1,1,1,5",
    ]) + "\n"
    # a year without ratings: everyone placed then is "chưa đánh giá" (the one who moved was in Sở Tài chính)
    assert report("--unit", "T01", "--year", str(Y - 1)).splitlines()[1:] == [
        "SO_A,0,0,0,0,4,4", "SO_B,0,0,0,0,3,3", "XA01,0,1,0,0,0,1", "ALL,0,1,0,0,7,8"]


def test_the_report_reads_the_year_and_labels_its_rows(rated, django_assert_max_num_queries):
    r = get_report("assessment-ratings")
    assert r.uses_year
    with django_assert_max_num_queries(2):
        rows = r.rows(rated.root, datetime.date(Y, 12, 31), Y)
    assert [r.row_label(row[0]) for row in rows] == ["Sở Nội vụ", "Sở Tài chính", "UBND xã Thử", "Tổng cộng"]
