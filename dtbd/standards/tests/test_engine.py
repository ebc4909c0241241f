"""The compliance engine per rule kind, at its boundaries, and the `compliance` / `annual-hours` reports."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from dtbd.core.models import Source
from dtbd.people.models import CategoryAssignment, Person, PlannedPost, PostAssignment, Qualification, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.standards.engine import Catalogue, annual_hours, people_for, person_status, requirement_counts, unit_counts
from dtbd.standards.models import Requirement, RuleSet

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2025, 9, 1)


def counts(unit, date=DAY):
    return {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(unit, date)}


def status(unit, code, date=DAY):
    return {p.code: (p.is_missing, p.evidence_id) for p in people_for(unit, date, code)}


def report(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_seeded_codes_are_those_of_the_interfaces():
    # The codes of the interface table, plus the public employees' title certificates (docs/domain.md §7.5).
    assert set(Requirement.objects.values_list("code", flat=True)) == {
        "ANNUAL_HOURS", "RANK_QLNN", "POST_DEGREE", "POST_LLCT", "POST_LDQL", "PLAN_LLCT", "TITLE_CDNN",
    }
    assert set(RuleSet.objects.values_list("code", flat=True)) == {"ND101_2017", "ND171_2025", "ND29_2024", "QD350_2025"}
    # Every seeded row names its rule set and its legal basis.
    assert not Requirement.objects.filter(rule_set__isnull=True).exists()
    assert all(Requirement.objects.values_list("legal_basis", flat=True))


def test_rank_qlnn_certificate_obtained_the_day_after_does_not_count(tree):
    p = make_person(tree.so_a, code="A", rank="01.003", qualifications=[("QLNN", "CV", D(2025, 9, 2))])
    assert status(tree.root, "RANK_QLNN") == {"A": (True, None)}
    q = Qualification.objects.get(person=p, type="QLNN")
    assert status(tree.root, "RANK_QLNN", D(2025, 9, 2)) == {"A": (False, q.pk)}
    # A lower tier's certificate does not satisfy a higher rank; a higher one does.
    make_person(tree.so_a, code="B", rank="01.002", qualifications=[("QLNN", "CV")])
    make_person(tree.so_a, code="C", rank="01.003", qualifications=[("QLNN", "CVCC")])
    make_person(tree.so_a, code="D", rank="01.004")  # cán sự: no QLNN requirement
    assert counts(tree.root)["RANK_QLNN"] == (3, 1, 2)


def test_an_expired_certificate_does_not_count(tree):
    p = make_person(tree.so_a, code="A", rank="01.003", qualifications=[("QLNN", "CV")])
    Qualification.objects.filter(person=p, type="QLNN").update(valid_until=D(2025, 8, 31))
    assert counts(tree.root)["RANK_QLNN"] == (1, 0, 1)
    assert counts(tree.root, D(2025, 8, 31))["RANK_QLNN"] == (1, 1, 0)


def test_an_expired_rule_does_not_apply(tree):
    make_person(tree.so_a, code="A", post_level="TP", education="CD")
    Requirement.objects.filter(code="POST_DEGREE").update(valid_to=D(2025, 8, 31))
    assert counts(tree.root, D(2025, 8, 31))["POST_DEGREE"] == (1, 0, 1)
    assert "POST_DEGREE" not in counts(tree.root)


def test_equivalent_qualifications_satisfy(tree):
    make_person(tree.so_a, code="CN", post_level="GD", qualifications=[("LLCT", "CN")])
    make_person(tree.so_a, code="TC", post_level="GD", qualifications=[("LLCT", "TC")])
    mpa = make_person(tree.so_a, code="MPA", rank="01.002", education=None)
    Qualification.objects.create(person=mpa, type="EDU", level="THS", major="Quản lý hành chính công")
    other = make_person(tree.so_a, code="THS", rank="01.002", education=None)
    Qualification.objects.create(person=other, type="EDU", level="THS", major="Kinh tế")
    assert counts(tree.root)["POST_LLCT"] == (2, 1, 1)
    rank = status(tree.root, "RANK_QLNN")
    assert rank["MPA"] == (False, Qualification.objects.get(person=mpa).pk)
    assert rank["THS"] == (True, None)


def test_two_posts_give_the_union_of_requirements(tree):
    p = make_person(tree.so_a, code="A", post_level="TP", qualifications=[("LDQL", "CAP_PHONG"), ("LLCT", "TC")])
    assert counts(tree.root)["POST_LDQL"] == (1, 1, 0)
    PostAssignment.objects.create(person=p, level="PGD", title="Phó giám đốc", source=Source.IMPORTED)
    # Now also PGD: the cấp sở certificate is required; the TC of LLCT still suffices for PGD.
    assert counts(tree.root)["POST_LDQL"] == (1, 0, 1)
    assert counts(tree.root)["POST_LLCT"] == (1, 1, 0)
    PostAssignment.objects.create(person=p, level="GD", title="Giám đốc (kiêm)", source=Source.IMPORTED)
    assert counts(tree.root)["POST_LLCT"] == (1, 0, 1)


def test_civil_servant_and_public_employee_get_their_own_rule_set(tree):
    nd171, nd101 = RuleSet.objects.get(code="ND171_2025"), RuleSet.objects.get(code="ND101_2017")
    for rs, level in ((nd171, "THS"), (nd101, "DH")):
        Requirement.objects.create(code="X_EDU", name="Thử", rule_set=rs, post_levels="TP", kind="QUALIFICATION",
                                   qualification_type="EDU", min_level=level)
    make_person(tree.so_a, code="CC", category="CC", post_level="TP", education="DH")
    make_person(tree.so_a, code="VC", category="VC", post_level="TP", education="DH")
    # From 01/07/2025 civil servants fall under Decree 171 (master's in this test rule), employees stay under 101.
    assert status(tree.root, "X_EDU") == {"CC": (True, None), "VC": (False, Qualification.objects.get(person__code="VC").pk)}
    before = status(tree.root, "X_EDU", D(2025, 6, 30))
    assert before["CC"][0] is False and before["VC"][0] is False


def test_plan_llct_not_applied_to_someone_holding_a_post_at_the_planned_level(tree):
    a = make_person(tree.so_a, code="PLAN", qualifications=[("LLCT", "SC")])
    b = make_person(tree.so_a, code="HOLD", post_level="TP", qualifications=[("LLCT", "TC")])
    c = make_person(tree.so_a, code="UP", post_level="TP", qualifications=[("LLCT", "TC")])
    PlannedPost.objects.create(person=a, level="TP", source=Source.IMPORTED)
    PlannedPost.objects.create(person=b, level="TP", source=Source.IMPORTED)
    PlannedPost.objects.create(person=c, level="GD", source=Source.IMPORTED)
    assert status(tree.root, "PLAN_LLCT") == {"PLAN": (True, None), "UP": (True, None)}
    assert counts(tree.root)["PLAN_LLCT"] == (2, 0, 2)


def test_annual_hours_is_zero_without_credited_tiet_and_applies_to_cc_vc_only(tree):
    make_person(tree.so_a, code="CC", category="CC")
    make_person(tree.so_a, code="VC", category="VC")
    make_person(tree.xa, code="CB", category="CB")
    make_person(tree.xa, code="HD", category="HD")

    assert set(annual_hours(Person.objects.all(), 2025).values_list("hours", flat=True)) == {0}
    assert counts(tree.root)["ANNUAL_HOURS"] == (2, 0, 2)
    assert report("annual-hours", "--unit", "T01", "--year", "2025", "--date", "2025-09-01") == (
        "year,required_people,met,below\n2025,2,0,2\n"
    )


def test_category_valid_on_the_date(tree):
    p = make_person(tree.so_a, code="A", category="HD")
    CategoryAssignment.objects.filter(person=p).update(valid_to=D(2025, 8, 31))
    CategoryAssignment.objects.create(person=p, category="CC", valid_from=D(2025, 9, 1), source=Source.DECISION)
    assert "ANNUAL_HOURS" not in counts(tree.root, D(2025, 8, 31))
    assert counts(tree.root)["ANNUAL_HOURS"] == (1, 0, 1)


def test_unit_counts(tree):
    make_person(tree.so_a, code="A", post_level="TP", education="DH")
    make_person(tree.phong_b, code="B", post_level="PTP", education="CD")
    by_unit = unit_counts(tree.root, DAY)
    get = lambda unit: {c.code: (c.applicable, c.met, c.missing) for c in by_unit[unit.pk]}  # noqa: E731
    assert get(tree.so_a)["POST_DEGREE"] == (1, 1, 0)
    assert get(tree.phong_b)["POST_DEGREE"] == (1, 0, 1)
    assert tree.so_b.pk not in by_unit


def test_compliance_csv_on_a_small_tree(tree):
    make_person(tree.so_a, code="GD", post_level="GD", rank="01.002",
                qualifications=[("LLCT", "CN"), ("LDQL", "CAP_SO"), ("QLNN", "CVC")])
    make_person(tree.phong_a, code="TP", post_level="TP", rank="01.003", education="CD", qualifications=[("LLCT", "TC")])
    vc = make_person(tree.phong_b, code="VC", category="VC", rank="01.003", qualifications=[("QLNN", "CV")])
    PlannedPost.objects.create(person=vc, level="PTP", source=Source.IMPORTED)
    make_person(tree.xa, code="HD", category="HD", post_level="TP", education="CQDT")  # not counted
    out = report("compliance", "--unit", "T01", "--date", "2025-09-01")
    lines = out.splitlines()
    assert lines[0] == "requirement,applicable,met,missing"
    assert sorted(lines[1:]) == [
        "ANNUAL_HOURS,3,0,3",
        "PLAN_LLCT,1,0,1",
        "POST_DEGREE,2,1,1",
        "POST_LDQL,2,1,1",
        "POST_LLCT,2,2,0",
        "RANK_QLNN,3,2,1",
    ]
    # The department alone: only its two people.
    assert sorted(report("compliance", "--unit", "SO_A", "--date", "2025-09-01").splitlines()[1:]) == [
        "ANNUAL_HOURS,2,0,2",
        "POST_DEGREE,2,1,1",
        "POST_LDQL,2,1,1",
        "POST_LLCT,2,2,0",
        "RANK_QLNN,2,1,1",
    ]


@pytest.mark.parametrize("n", [5, 50])
def test_query_count_does_not_grow_with_people(tree, n, django_assert_max_num_queries):
    for i in range(n):
        p = make_person(tree.so_a, post_level="TP", rank="01.003", qualifications=[("LLCT", "TC")])
        PlannedPost.objects.create(person=p, level="GD", source=Source.IMPORTED)
    with django_assert_max_num_queries(4):
        result = requirement_counts(tree.root, DAY)
    assert {c.code: c.applicable for c in result}["POST_LLCT"] == n
    with django_assert_max_num_queries(4):
        unit_counts(tree.root, DAY)
    with django_assert_max_num_queries(4):
        assert len(list(people_for(tree.root, DAY, "PLAN_LLCT"))) == n


def test_person_status_names_the_rows_the_person_is_subject_to(tree):
    head = make_person(tree.so_a, code="TP1", post_level="TP", qualifications=[("LLCT", "TC")])
    director = make_person(tree.so_a, code="GD1", post_level="GD", qualifications=[("LLCT", "TC")])
    head_llct = next(s for s in person_status(head, DAY) if s["code"] == "POST_LLCT")
    director_llct = next(s for s in person_status(director, DAY) if s["code"] == "POST_LLCT")
    assert head_llct["names"] == [head_llct["name"]] and head_llct["name"].startswith("Trung cấp LLCT")
    assert head_llct["missing"] is False and head_llct["evidence_id"] is not None
    assert director_llct["name"].startswith("Cao cấp hoặc cử nhân LLCT") and director_llct["missing"] is True


def test_annual_hours_count_certificate_tiet_of_the_year_only(tree):
    full = make_person(tree.so_a, code="FULL", category="CC")
    short = make_person(tree.so_a, code="SHORT", category="VC")
    make_person(tree.so_a, code="NONE", category="CC")
    for person, issued_on, hours in (
        (full, D(2025, 3, 1), 24), (full, D(2025, 11, 30), 16),  # 40 tiết in 2025: met
        (short, D(2025, 6, 1), 39), (short, D(2024, 12, 31), 40),  # 39 in 2025; the 2024 course does not count
    ):
        Qualification.objects.create(person=person, type="QPAN", level="DT4", issued_on=issued_on, hours=hours)
    hours = dict(annual_hours(Person.objects.all(), 2025).values_list("code", "hours"))
    assert hours == {"FULL": 40, "SHORT": 39, "NONE": 0}
    assert counts(tree.root, D(2025, 12, 31))["ANNUAL_HOURS"] == (3, 1, 2)
    assert status(tree.root, "ANNUAL_HOURS", D(2025, 12, 31)) == {"FULL": (False, None), "SHORT": (True, None), "NONE": (True, None)}
    assert report("annual-hours", "--unit", "T01", "--year", "2025") == "year,required_people,met,below\n2025,3,1,2\n"
    assert counts(tree.root, D(2024, 12, 31))["ANNUAL_HOURS"] == (3, 1, 2)  # SHORT's 40 tiết of 2024


def test_counts_restricted_to_some_people_read_only_their_rows_and_add_up(tree):
    """unit_counts(people_q=…) narrows every list its conditions read to those people (Catalogue.people: the cost of
    an incremental summary refresh): the counts of each person alone add up to the counts of everyone, for every
    kind of rule (qualifications, posts, planned posts, ranks, categories, annual hours)."""
    from collections import Counter


    make_person(tree.so_a, code="GD", post_level="GD", rank="01.002",
                qualifications=[("LLCT", "CN"), ("LDQL", "CAP_SO"), ("QLNN", "CVC")])
    make_person(tree.phong_a, code="TP", post_level="TP", rank="01.003", education="CD", qualifications=[("LLCT", "TC")])
    vc = make_person(tree.phong_b, code="VC", category="VC", rank="01.003", qualifications=[("QLNN", "CV")])
    PlannedPost.objects.create(person=vc, level="PTP", source=Source.IMPORTED)
    make_person(tree.phong_b, code="VC2", category="VC", rank="01.003")
    make_person(tree.xa, code="HD", category="HD", post_level="TP", education="CQDT")
    everyone = Counter()
    for unit_id, rows in unit_counts(tree.root, DAY).items():
        for c in rows:
            everyone[(unit_id, c.code)] += c.applicable * 1000 + c.missing
    alone = Counter()
    for person in Person.objects.all():
        for unit_id, rows in unit_counts(tree.root, DAY, people_q=Q(pk=person.pk)).items():
            for c in rows:
                alone[(unit_id, c.code)] += c.applicable * 1000 + c.missing
    assert alone == everyone and {code for _u, code in everyone} >= {"PLAN_LLCT", "POST_LLCT", "RANK_QLNN",
                                                                      "ANNUAL_HOURS", "POST_DEGREE"}
    # the narrowed query reads the people's rows only: every subquery carries the restriction

    cat = Catalogue.on(DAY, people=Person.objects.filter(code="VC").values("pk"))
    subject, missing = cat.code_qs("PLAN_LLCT", ref="person_id", staff_base=True)
    sql = str(UnitAssignment.objects.filter(missing).query)
    assert sql.count('."code" = VC') >= 2  # the planned posts and the qualifications held, each over VC only
