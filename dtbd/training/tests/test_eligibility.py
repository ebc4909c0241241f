"""The eligibility-and-conflict check (services.eligibility, docs/domain.md §10.1): the entry conditions of trung cấp
LLCT (Quy định 350-QĐ/TW) at their boundaries, the conflicts, the fixed query count, and the confirmations."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dtbd.people.models import AnnualAssessment, Qualification, Rating
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import EntryCondition, Enrollment
from dtbd.training.services import eligibility
from dtbd.training.testing import make_class, make_program

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


def _llct_class(code="TC_LLCT", form="IN_PERSON", starts_on=START):
    program = make_program("T_LLCT_TC", name="Trung cấp lý luận chính trị", category="LLCT", kind="DEGREE",
                           duration_tiet=1200, grants_type="LLCT", grants_level="TC")
    return make_class(code, program=program, form=form, starts_on=starts_on,
                      ends_on=starts_on + datetime.timedelta(days=90))


def _eligible(unit, **fields):
    """A party member with a bachelor's degree rated HTTNV in 2024 and HTXSNV in 2025: meets every condition."""
    defaults = dict(party_member=True, party_joined_on=datetime.date(2015, 1, 1), education="DH")
    defaults.update(fields)
    person = make_person(unit, **defaults)
    AnnualAssessment.objects.create(person=person, year=2024, rating=Rating.HTTNV)
    AnnualAssessment.objects.create(person=person, year=2025, rating=Rating.HTXSNV)
    return person


def _codes(cls, person, on=START):
    return [w.code for w in eligibility.check(cls, person, on)]


def test_seeded_rule_is_qd_350():
    rule = EntryCondition.objects.get(qualification_type="LLCT", level="TC")
    assert rule.valid_from == datetime.date(2025, 8, 29) and "350-QĐ/TW" in rule.legal_basis
    assert (rule.party_member, rule.min_education, rule.good_years) == (True, "CD", 2)
    assert (rule.part_time_min_age_women, rule.part_time_min_age_men) == (28, 30)


def test_eligible_person_has_no_warning(tree):
    assert _codes(_llct_class(), _eligible(tree.phong_a)) == []


def test_each_failed_condition_is_named(tree):
    cls = _llct_class()
    person = make_person(tree.phong_a, full_name="Lò Văn Chưa", education="TC")
    AnnualAssessment.objects.create(person=person, year=2025, rating=Rating.HTNV)
    found = eligibility.check(cls, person, START)
    assert [w.code for w in found] == [eligibility.ENTRY_PARTY, eligibility.ENTRY_EDUCATION, eligibility.ENTRY_ASSESSMENT]
    party, education, assessment = (w.text for w in found)
    assert party == "Lò Văn Chưa chưa là đảng viên — điều kiện dự học trung cấp lý luận chính trị."
    assert "trình độ trung cấp, chưa đạt cao đẳng trở lên" in education
    assert "năm 2024 chưa có xếp loại; năm 2025: hoàn thành nhiệm vụ" in assessment


def test_party_membership_is_dated_and_college_suffices(tree):
    cls = _llct_class()
    later = _eligible(tree.phong_a, party_joined_on=datetime.date(2026, 3, 3), education="CD")
    assert _codes(cls, later, on=datetime.date(2026, 3, 2)) == [eligibility.ENTRY_PARTY]
    assert _codes(cls, later, on=datetime.date(2026, 3, 3)) == []
    no_degree = _eligible(tree.phong_a, education=None)
    [w] = eligibility.check(cls, no_degree, START)
    assert w.code == eligibility.ENTRY_EDUCATION and "chưa có trình độ chuyên môn trong hồ sơ" in w.text


@pytest.mark.parametrize("gender,age,warned", [("NU", 27, True), ("NU", 28, False), ("NAM", 29, True), ("NAM", 30, False)])
def test_part_time_age_boundaries(tree, gender, age, warned):
    """Part-time study from 28 (women) and 30 (men) completed on the class's first day: the birthday on that day
    counts; a full-time class has no age condition."""
    birth = START.replace(year=START.year - age)
    person = _eligible(tree.phong_a, gender=gender, birth_date=birth)
    part_time = _llct_class("TC_KTT", form="BLENDED")
    assert _codes(part_time, person) == ([eligibility.ENTRY_AGE] if warned else [])
    assert _codes(_llct_class("TC_TT"), person) == []
    if warned:
        text = eligibility.check(part_time, person, START)[0].text
        assert f"{age} tuổi vào ngày khai giảng 02/03/2026" in text and f"từ đủ {age + 1} tuổi" in text
    else:  # the birthday falls on the first day; a day later, and they are a year short
        younger = _eligible(tree.phong_a, gender=gender, birth_date=birth + datetime.timedelta(days=1))
        assert _codes(part_time, younger) == [eligibility.ENTRY_AGE]


def test_rule_chosen_by_the_class_date(tree):
    person = make_person(tree.phong_a)
    before = _llct_class("TC_OLD", starts_on=datetime.date(2025, 8, 28))
    assert _codes(before, person) == []  # no rule entered before Quy định 350 here
    assert eligibility.ENTRY_PARTY in _codes(_llct_class("TC_NEW", starts_on=datetime.date(2025, 8, 29)), person)


def test_conflicts_held_same_programme(tree):
    program = make_program("QLNN_CV", name="QLNN chuyên viên", grants_type="QLNN", grants_level="CV")
    cls = make_class("CV1", program=program, starts_on=START, ends_on=START + datetime.timedelta(days=10))
    done = make_class("CV0", program=program, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 2, 1))
    person = make_person(tree.phong_a, qualifications=[("QLNN", "CVC")])
    Enrollment.objects.create(training_class=done, person=person, source="NOMINATED", state="COMPLETED")
    assert _codes(cls, person) == [eligibility.HOLDS_GRANT, eligibility.SAME_PROGRAMME]


def test_fixed_number_of_queries(tree, django_assert_max_num_queries):
    program = make_program("LLCT_TC_AUD", name="TC LLCT", category="LLCT", kind="DEGREE", duration_tiet=1200,
                           grants_type="LLCT", grants_level="TC", audience_categories="CB", audience_post_levels="TP")
    cls = make_class("TC_Q", program=program, form="BLENDED", starts_on=START)
    few = [make_person(tree.phong_a) for _ in range(2)]
    many = few + [make_person(tree.phong_a) for _ in range(30)]
    with django_assert_max_num_queries(9) as small:
        eligibility.check_many(cls, [p.pk for p in few], START)
    with django_assert_max_num_queries(len(small.captured_queries)):
        found = eligibility.check_many(cls, [p.pk for p in many], START)
    assert all(eligibility.ENTRY_PARTY in [w.code for w in ws] for ws in found.values())


def test_learner_cannot_confirm_a_hard_conflict(tree, users):
    cls = make_class("HARD1")  # QLNN CVC
    person = users.learner.person
    Qualification.objects.create(person=person, type="QLNN", level="CVC")
    with pytest.raises(eligibility.SelfRegistrationRefused):
        services.request_enrollment(cls, person, Enrollment.Source.SELF, users.learner, confirm_warnings=True)
    assert not Enrollment.objects.exists()
    # the unit may still nominate them, confirming the warning
    with pytest.raises(eligibility.WarningsNotConfirmed):
        services.nominate_many(cls, [person], user=users.officer)
    created, _skipped = services.nominate_many(cls, [person], user=users.officer, confirm_warnings=True)
    assert len(created) == 1


def test_self_registration_page_asks_confirmation_and_hard_refusal_has_no_box(client, tree, users):
    cls = make_class("HARD2")
    client.force_login(users.learner)
    url = reverse("training:self_register", args=[cls.pk])
    Qualification.objects.create(person=users.learner.person, type="QLNN", level="CVC")
    html = client.post(url, {"confirm_warnings": "1"}).content.decode()
    assert 'data-code="HOLDS_GRANT"' in html and 'name="confirm_warnings"' not in html
    assert "Không thể tự đăng ký" in html and not Enrollment.objects.exists()


def test_approve_many_refuses_unconfirmed_flagged_requests_only(tree, users):
    cls = make_class("BULK1", capacity=5)
    fine = make_person(tree.phong_a)
    flagged = make_person(tree.phong_a, qualifications=[("QLNN", "CVC")])
    requests = [Enrollment.objects.create(training_class=cls, person=p, source="SELF") for p in (fine, flagged)]
    enrolled, waitlisted, refused = services.approve_many(requests, users.officer)
    assert [e.person_id for e in enrolled] == [fine.pk]
    [(enrolment, message)] = refused
    assert enrolment.person_id == flagged.pk and "Cần xác nhận" in message and "đã có" in message
    enrolled, _w, refused = services.approve_many([requests[1]], users.officer, confirm_warnings=True)
    assert len(enrolled) == 1 and refused == []


def test_approve_needs_confirmation_from_an_officer_not_from_the_system(tree, users):
    cls = make_class("APP_A")
    person = make_person(tree.phong_a, qualifications=[("QLNN", "CVC")])
    request = Enrollment.objects.create(training_class=cls, person=person, source="SELF")
    with pytest.raises(ValidationError) as refused:
        services.approve(request, users.officer)
    assert isinstance(refused.value, eligibility.WarningsNotConfirmed)
    request.refresh_from_db()
    assert request.state == Enrollment.State.REQUESTED
    services.approve(request, users.officer, confirm_warnings=True)
    assert request.state == Enrollment.State.ENROLLED
