"""Requirement data: refusals of bad codes, the programme kind, people who left, the person panel."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from dtbd.people.models import CategoryAssignment, JobAssignment, JobPosition, PostAssignment, Qualification
from dtbd.people.services import record_leave
from dtbd.people.testing import make_person
from dtbd.standards.engine import person_status, requirement_counts
from dtbd.standards.models import Equivalence, Requirement

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2025, 9, 1)


def test_bad_codes_are_refused_with_the_field():
    r = Requirement(code="X", name="Thử", kind="QUALIFICATION", qualification_type="LLCT", min_level="DH",
                    post_levels="GD,XX", categories="CC")
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert set(exc.value.message_dict) == {"min_level", "post_levels"}
    assert "XX" in exc.value.message_dict["post_levels"][0]
    with pytest.raises(ValidationError) as exc:
        Requirement(code="H", name="Giờ", kind="ANNUAL_HOURS", valid_from=D(2025, 2, 1), valid_to=D(2025, 1, 1)).full_clean()
    assert set(exc.value.message_dict) == {"hours", "valid_to"}
    with pytest.raises(ValidationError) as exc:
        Equivalence(from_type="EDU", from_level="CN", to_type="QLNN", to_level="CVC").full_clean()
    assert set(exc.value.message_dict) == {"from_level"}


def test_min_level_order_is_computed():
    r = Requirement.objects.create(code="X", name="Thử", kind="QUALIFICATION", qualification_type="EDU", min_level="THS")
    assert r.min_level_order == 6


def test_programme_requirement_is_missing_until_programmes_exist(tree):
    Requirement.objects.create(code="PROG", name="Chương trình thử", kind="PROGRAMME", programme_code="P1",
                               within_years=5, post_levels="TP")
    make_person(tree.so_a, post_level="TP")
    counts = {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(tree.root, DAY)}
    assert counts["PROG"] == (1, 0, 1)


def test_a_person_who_left_is_not_reviewed_after_their_last_day(tree):
    p = make_person(tree.so_a, post_level="TP")
    record_leave(p, D(2025, 8, 31), "RETIRED")
    assert {c.code for c in requirement_counts(tree.root, D(2025, 8, 31))} >= {"POST_DEGREE", "ANNUAL_HOURS"}
    assert requirement_counts(tree.root, DAY) == []


def test_filters_narrow_the_people(tree):
    make_person(tree.so_a, category="CC", post_level="TP")
    make_person(tree.so_a, category="VC", post_level="TP")

    vc = Q(pk__in=CategoryAssignment.objects.filter(category="VC").values("person_id"))
    counts = {c.code: c.applicable for c in requirement_counts(tree.root, DAY, people_q=vc)}
    assert counts["POST_DEGREE"] == 1


def test_person_status_lists_the_codes_of_the_person(tree):
    p = make_person(tree.so_a, post_level="PTP", rank="01.003", qualifications=[("LLCT", "TC")])
    PostAssignment.objects.filter(person=p).update(valid_to=D(2025, 12, 31))
    status = {s["code"]: (s["missing"], s["evidence_id"]) for s in person_status(p, DAY)}
    llct = Qualification.objects.get(person=p, type="LLCT").pk
    edu = Qualification.objects.get(person=p, type="EDU").pk
    assert status == {
        "ANNUAL_HOURS": (True, None),
        "RANK_QLNN": (True, None),
        "POST_DEGREE": (False, edu),
        "POST_LLCT": (False, llct),
        "POST_LDQL": (True, None),
    }
    assert {s["code"] for s in person_status(p, D(2026, 1, 1))} == {"ANNUAL_HOURS", "RANK_QLNN"}


def test_criteria_columns_rank_code_unit_and_job_position(tree):
    job = JobPosition.objects.create(name="Kế toán")
    Requirement.objects.create(code="R_RANK", name="Ngạch", rank_code="01.002", kind="QUALIFICATION",
                               qualification_type="IT", min_level="CO_BAN")
    Requirement.objects.create(code="R_XA", name="Cấp xã", unit_levels="XA", kind="QUALIFICATION",
                               qualification_type="IT", min_level="CO_BAN")
    Requirement.objects.create(code="R_PHONG", name="Phòng", unit_kinds="PHONG", kind="QUALIFICATION",
                               qualification_type="IT", min_level="NANG_CAO")
    Requirement.objects.create(code="R_JOB", name="Vị trí", job_position=job, categories="CC", kind="QUALIFICATION",
                               qualification_type="IT", min_level="CO_BAN")
    make_person(tree.so_a, rank="01.002", qualifications=[("IT", "CO_BAN")])
    make_person(tree.so_a, rank="01.003", qualifications=[("IT", "CO_BAN")])
    make_person(tree.xa, category="CB")
    make_person(tree.phong_a, qualifications=[("IT", "CO_BAN")])
    accountant = make_person(tree.phong_b, category="VC")
    JobAssignment.objects.create(person=accountant, job_position=job, source="IMPORTED")
    cc_accountant = make_person(tree.phong_b, qualifications=[("IT", "NANG_CAO")])
    JobAssignment.objects.create(person=cc_accountant, job_position=job, source="IMPORTED")
    counts = {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(tree.root, DAY)}
    assert counts["R_RANK"] == (1, 1, 0)
    assert counts["R_XA"] == (1, 0, 1)
    # Units of kind PHONG: one person in phong_a (CO_BAN, below NANG_CAO) and two in phong_b (one NANG_CAO).
    assert counts["R_PHONG"] == (3, 1, 2)
    assert counts["R_JOB"] == (1, 1, 0)  # the VC accountant is outside categories=CC
