"""The promotion gate: unmet requirements of a target post level or rank, appointments refused or recorded (with an
audited exception), the set-based succession check and the needs grouping."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from dtbd.core.models import Source
from dtbd.people.models import Person, PlannedPost, PostAssignment, Rank, RankAssignment
from dtbd.people.testing import make_person
from dtbd.standards import gate
from dtbd.standards.models import Appointment, Requirement
from dtbd.standards.needs import need_people_q, needs_by_requirement

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2025, 9, 1)


def codes(items):
    return sorted(item["code"] for item in items)


def test_target_post_lists_the_unmet_requirements_of_that_level_only(tree):
    # Holds nothing yet: the requirements of GD are degree, LLCT cao cấp, LĐQL cấp sở.
    p = make_person(tree.so_a, rank="01.003", qualifications=[("QLNN", "CV"), ("LLCT", "TC")])
    unmet = gate.unmet_for_target(p, DAY, post_level="GD")
    assert codes(unmet) == ["POST_LDQL", "POST_LLCT"]
    llct = next(i for i in unmet if i["code"] == "POST_LLCT")
    assert "Cao cấp" in llct["required"] and "29/2024" in llct["legal_basis"]
    # Trung cấp is enough for a head of office; the LĐQL cấp phòng is still missing.
    assert codes(gate.unmet_for_target(p, DAY, post_level="TP")) == ["POST_LDQL"]
    # The current rank's requirement (met) and the planned-post rules are not part of a post target.
    assert gate.unmet_for_target(p, DAY) == []


def test_equivalence_and_dates_count_on_the_target_date(tree):
    p = make_person(tree.so_a, qualifications=[("LLCT", "CN"), ("LDQL", "CAP_SO", D(2025, 9, 2))])
    assert codes(gate.unmet_for_target(p, DAY, post_level="GD")) == ["POST_LDQL"]  # cử nhân = cao cấp
    assert gate.unmet_for_target(p, D(2025, 9, 2), post_level="GD") == []


def test_target_rank_needs_the_qlnn_certificate_of_that_rank(tree):
    p = make_person(tree.so_a, rank="01.003", qualifications=[("QLNN", "CV")])
    unmet = gate.unmet_for_target(p, DAY, rank="01.002")
    assert codes(unmet) == ["RANK_QLNN"]
    assert "Chuyên viên chính" in unmet[0]["required"]
    # A public-administration master's counts as QLNN CVC (equivalence).
    q = make_person(tree.so_a, rank="01.003", education="THS", qualifications=[])
    q.qualifications.filter(type="EDU").update(major="Quản lý công")
    assert gate.unmet_for_target(q, DAY, rank=Rank.objects.get(code="01.002")) == []
    assert codes(gate.unmet_for_target(q, DAY, rank="01.001")) == ["RANK_QLNN"]


def test_person_with_two_posts_is_checked_against_the_target(tree):
    p = make_person(tree.so_a, post_level="TP", post_title="Trưởng phòng", qualifications=[("LLCT", "TC"), ("LDQL", "CAP_PHONG")])
    PostAssignment.objects.create(person=p, level="PTP", title="Phó trưởng phòng kiêm nhiệm", unit=tree.phong_a, source=Source.IMPORTED)
    assert gate.unmet_for_target(p, DAY, post_level="TP") == []
    assert codes(gate.unmet_for_target(p, DAY, post_level="PGD")) == ["POST_LDQL"]


# -- appointments -----------------------------------------------------------------------------------------------------
def appoint(user, person, **kwargs):
    kwargs.setdefault("kind", Appointment.Kind.POST)
    kwargs.setdefault("effective_on", DAY)
    kwargs.setdefault("decision_no", "123/QĐ-UBND")
    return gate.record_appointment(user, person, **kwargs)


def test_refused_appointment_lists_the_unmet_items_and_changes_nothing(users, tree):
    p = make_person(tree.so_a, post_level="TP", post_title="Trưởng phòng", valid_from=D(2020, 1, 1), qualifications=[("LLCT", "TC")])
    with pytest.raises(gate.GateRefused) as refused:
        appoint(users.officer, p, post_title="Phó Giám đốc Sở", post_level="PGD")
    assert codes(refused.value.unmet) == ["POST_LDQL"]
    text = " ".join(refused.value.messages)
    assert "chưa đạt 1 tiêu chuẩn" in text and "POST_LDQL" in text and "cấp sở" in text
    assert not Appointment.objects.exists()
    assert list(PostAssignment.objects.filter(person=p).values_list("level", "valid_to")) == [("TP", None)]


def test_unit_officer_cannot_record_an_exception(users, tree):
    p = make_person(tree.so_a, qualifications=[])
    with pytest.raises(PermissionDenied):
        appoint(users.officer, p, post_level="PTP", exception_reason="Yêu cầu công tác")
    assert not Appointment.objects.exists() and not PostAssignment.objects.filter(person=p).exists()


def test_province_manager_exception_with_reason_is_recorded_and_audited(users, tree):
    p = make_person(tree.so_a, post_level="TP", valid_from=D(2020, 1, 1), qualifications=[])
    a = appoint(users.province, p, post_title="Giám đốc Sở", post_level="GD", exception_reason="  Điều động theo yêu cầu  ")
    assert a.is_exception and a.exception_by == users.province and a.created_by == users.province
    assert a.exception_reason == "Điều động theo yêu cầu"
    assert codes(a.unmet) == ["POST_LDQL", "POST_LLCT"]
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Appointment), object_pk=str(a.pk))
    assert entry.action == LogEntry.Action.CREATE and entry.actor == users.province
    assert "Điều động theo yêu cầu" in str(entry.changes)
    assert PostAssignment.objects.get(person=p, valid_to__isnull=True).level == "GD"


def test_satisfied_appointment_applies_the_dated_change(users, tree):
    p = make_person(tree.so_a, post_level="TP", post_title="Trưởng phòng", valid_from=D(2020, 1, 1),
                    qualifications=[("LLCT", "CC"), ("LDQL", "CAP_SO")])
    PostAssignment.objects.create(person=p, level="PTP", title="Kiêm nhiệm", unit=tree.so_a, valid_from=D(2021, 1, 1), source=Source.IMPORTED)
    a = appoint(users.officer, p, post_title="Phó Giám đốc Sở", post_level="PGD", unit=tree.so_a)
    assert not a.is_exception and a.unmet == []
    old = PostAssignment.objects.get(person=p, level="TP")
    assert old.valid_to == D(2025, 8, 31)  # the day before
    new = PostAssignment.objects.get(person=p, level="PGD")
    assert (new.valid_from, new.valid_to, new.source, new.decision_no, new.unit) == (DAY, None, Source.DECISION, "123/QĐ-UBND", tree.so_a)
    assert PostAssignment.objects.get(person=p, level="PTP").valid_to is None  # kiêm nhiệm stays
    # An exception reason is not kept when nothing was missing.
    q = make_person(tree.so_a, qualifications=[("LLCT", "TC"), ("LDQL", "CAP_PHONG")])
    b = appoint(users.province, q, post_level="PTP", exception_reason="không cần")
    assert not b.is_exception and b.exception_by is None


def test_rank_appointment(users, tree):
    p = make_person(tree.so_a, rank="01.003", valid_from=D(2018, 1, 1), qualifications=[("QLNN", "CVC")])
    a = appoint(users.officer, p, kind=Appointment.Kind.RANK, rank="01.002", decision_no="45/QĐ-SNV")
    assert a.rank.code == "01.002"
    rows = list(RankAssignment.objects.filter(person=p).order_by("valid_from").values_list("rank__code", "valid_from", "valid_to", "decision_no"))
    assert rows == [("01.003", D(2018, 1, 1), D(2025, 8, 31), ""), ("01.002", DAY, None, "45/QĐ-SNV")]
    with pytest.raises(gate.GateRefused) as refused:
        appoint(users.officer, p, kind=Appointment.Kind.RANK, rank="01.001", effective_on=D(2026, 1, 1))
    assert codes(refused.value.unmet) == ["RANK_QLNN"]


def test_bad_input_and_out_of_scope_are_refused(users, tree):
    p = make_person(tree.so_a, rank="01.003", valid_from=DAY, qualifications=[("QLNN", "CVC")])
    with pytest.raises(ValidationError) as bad:
        appoint(users.officer, p, kind=Appointment.Kind.RANK, rank="01.002", decision_no=" ")
    assert bad.value.message_dict == {"decision_no": ["Nhập số quyết định."]}
    with pytest.raises(ValidationError) as bad:  # the present rank started on that very day
        appoint(users.officer, p, kind=Appointment.Kind.RANK, rank="01.002", effective_on=DAY)
    assert "01/09/2025" in bad.value.message_dict["effective_on"][0]
    with pytest.raises(ValidationError) as bad:
        appoint(users.officer, p, kind=Appointment.Kind.RANK, rank="01.003", effective_on=D(2026, 1, 1))
    assert "rank" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:
        appoint(users.officer, p, post_level="")
    assert "post_level" in bad.value.message_dict
    outsider = make_person(tree.so_b, qualifications=[("LLCT", "TC"), ("LDQL", "CAP_PHONG")])
    with pytest.raises(PermissionDenied):
        appoint(users.officer, outsider, post_level="PTP")
    with pytest.raises(PermissionDenied):
        appoint(users.leader, p, post_level="PTP")
    assert not Appointment.objects.exists()


# -- succession list and needs -------------------------------------------------------------------------------------------
def plan(person, level, title=""):
    PlannedPost.objects.create(person=person, level=level, title=title, source=Source.IMPORTED)


def test_succession_check_is_set_based(tree, django_assert_num_queries):
    ok = make_person(tree.so_a, code="OK", qualifications=[("LLCT", "CC"), ("LDQL", "CAP_SO")])
    bad = make_person(tree.phong_a, code="BAD", qualifications=[("LLCT", "TC")])
    plan(ok, "GD")
    plan(bad, "GD", "Giám đốc Sở")
    plan(make_person(tree.so_a, code="PGD"), "PGD")
    plan(make_person(tree.so_b, code="OUT"), "GD")
    with django_assert_num_queries(4):
        qs, rows = gate.succession_check(tree.so_a, DAY, "GD")
        people = list(qs)
    assert [p.code for p in people] == ["BAD", "OK"] or sorted(p.code for p in people) == ["BAD", "OK"]
    by_code = {p.code: p for p in people}
    assert codes(gate.unmet_of(by_code["BAD"], rows)) == ["POST_LDQL", "POST_LLCT"]
    assert gate.unmet_of(by_code["OK"], rows) == []
    assert by_code["BAD"].planned_title == "Giám đốc Sở" and by_code["BAD"].unit_name == tree.phong_a.name


def test_needs_are_grouped_by_what_satisfies_them(tree, django_assert_num_queries):
    # Head of office planned for director, with no LLCT: needs cao cấp once (it also clears trung cấp).
    a = make_person(tree.so_a, post_level="TP", qualifications=[])
    plan(a, "GD")
    make_person(tree.so_a, post_level="PTP", qualifications=[("LDQL", "CAP_PHONG")])  # needs LLCT TC
    make_person(tree.so_a, rank="01.003", qualifications=[])  # needs QLNN CV
    with django_assert_num_queries(4):
        needs = needs_by_requirement(tree.root, DAY)
    by_label = {(n.kind, n.qualification_type, n.min_level): n for n in needs}
    cc = by_label[("QUALIFICATION", "LLCT", "CC")]
    tc = by_label[("QUALIFICATION", "LLCT", "TC")]
    assert (cc.people, cc.missing, cc.codes) == (1, 1, ("PLAN_LLCT", "POST_LLCT"))
    assert (tc.people, tc.missing, tc.codes) == (1, 2, ("PLAN_LLCT", "POST_LLCT"))
    assert by_label[("QUALIFICATION", "QLNN", "CV")].people == 1
    assert by_label[("QUALIFICATION", "LDQL", "CAP_PHONG")].people == 1
    hours = by_label[("ANNUAL_HOURS", "", "")]
    assert hours.people == 3 and "40" in str(hours.label)
    assert "Lý luận chính trị" in str(cc.label)

    assert list(Person.objects.filter(need_people_q(DAY, tc)).order_by("pk").values_list("pk", flat=True))[0] == a.pk
    assert Person.objects.filter(need_people_q(DAY, tc)).count() == 2
