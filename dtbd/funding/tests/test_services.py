"""Dispatch, commitment and reimbursement cases (docs/domain.md §14.2–14.3)."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from dtbd.funding import services
from dtbd.funding.models import Dispatch, DispatchCost, Payment, ReimbursementCase
from dtbd.people import services as people_services
from dtbd.people.models import Qualification

from .conftest import D

pytestmark = pytest.mark.django_db


def new_dispatch(person, **extra):
    values = dict(person=person, level="THS", field="Quản lý công", institution="Học viện Hành chính Quốc gia",
                  decision_no="12/QĐ-UBND", decision_date=D, signer="Chủ tịch", starts_on=datetime.date(2026, 4, 1),
                  planned_end=datetime.date(2028, 4, 1), field_matches_position=True)
    values.update(extra)
    return Dispatch(**values)


def sent(person, user, **extra):
    dispatch = services.create_dispatch(new_dispatch(person, **extra), user)
    DispatchCost.objects.create(dispatch=dispatch, item="TUITION", source="NSTINH", amount=60_000_000)
    DispatchCost.objects.create(dispatch=dispatch, item="LIVING", source="DON_VI", amount=36_000_000)
    DispatchCost.objects.create(dispatch=dispatch, item="TRAVEL", source="CA_NHAN", amount=4_000_000)  # not the agency's
    return dispatch


def test_months():
    assert services.study_months(datetime.date(2023, 9, 1), datetime.date(2025, 9, 1)) == 24
    assert services.study_months(datetime.date(2023, 9, 1), datetime.date(2025, 8, 31)) == 24
    assert services.study_months(datetime.date(2023, 9, 1), datetime.date(2025, 9, 2)) == 25
    assert services.months_served(datetime.date(2025, 9, 1), datetime.date(2026, 8, 31)) == 11
    assert services.months_served(datetime.date(2025, 9, 1), datetime.date(2026, 9, 1)) == 12
    assert services.add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert services.add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_dispatch_records_the_rule_and_its_multiple(candidate, users):
    dispatch = services.create_dispatch(new_dispatch(candidate()), users.officer)
    assert dispatch.rule_set.code == "ND171_2025" and dispatch.commitment_multiple == 3 and dispatch.unmet == []
    assert LogEntry.objects.get_for_object(dispatch).exists()
    vc = services.create_dispatch(new_dispatch(candidate(category="VC")), users.officer)
    assert vc.rule_set.code == "ND101_2017" and vc.commitment_multiple == 2


def test_an_ineligible_person_is_refused_with_the_reasons(candidate, users):
    person = candidate(birth_date=datetime.date(1970, 1, 1), ratings=(("y2025", "HTTNV"),))
    with pytest.raises(ValidationError) as error:
        services.create_dispatch(new_dispatch(person, field_matches_position=False), users.officer)
    text = " ".join(error.value.messages)
    assert "45 tuổi" in text and "hoàn thành tốt nhiệm vụ" in text and "vị trí việc làm" in text
    assert not Dispatch.objects.exists()
    # A manager may send them all the same, with the reason recorded; an officer may not.
    with pytest.raises(ValidationError):
        services.create_dispatch(new_dispatch(person), users.officer, override_reason="Chuyên gia hiếm", may_override=False)
    with pytest.raises(ValidationError):
        services.create_dispatch(new_dispatch(person), users.province, override_reason="  ", may_override=True)
    dispatch = services.create_dispatch(new_dispatch(person), users.province, override_reason="Chuyên gia hiếm",
                                        may_override=True)
    assert dispatch.unmet == ["AGE", "ASSESSMENT"] and dispatch.override_by == users.province


def test_graduation_creates_the_diploma_and_the_commitment(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.start_studying(dispatch)
    services.record_graduation(dispatch, datetime.date(2028, 4, 1), certificate_no="TS-01")
    dispatch.refresh_from_db()
    diploma = dispatch.diploma
    assert (diploma.type, diploma.level, diploma.major, diploma.certificate_no) == ("EDU", "THS", "Quản lý công", "TS-01")
    assert Qualification.objects.filter(person=dispatch.person, level="THS").count() == 1
    assert dispatch.commitment_months == 3 * 24 and dispatch.commitment_ends_on == datetime.date(2034, 4, 1)
    assert services.agency_cost(dispatch) == 96_000_000
    with pytest.raises(ValidationError):
        services.record_graduation(dispatch, datetime.date(2028, 5, 1))


def test_leaving_with_an_unfinished_commitment_opens_one_case(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.record_graduation(dispatch, datetime.date(2028, 4, 1))
    person = dispatch.person
    people_services.record_leave(person, datetime.date(2030, 4, 15), "RESIGNED")  # 24 months served of 72
    case = ReimbursementCase.objects.get()
    assert (case.case, case.cost, case.commitment_months, case.served_months) == ("unfinished", 96_000_000, 72, 24)
    assert case.amount == 64_000_000 and case.status == "OPEN"
    # Leaving again (the hook called twice) opens nothing new.
    services.person_left(person, datetime.date(2030, 4, 15), "RESIGNED")
    services.person_left(person, datetime.date(2030, 5, 1), "RESIGNED")
    assert ReimbursementCase.objects.count() == 1


def test_leaving_after_the_commitment_or_without_a_dispatch_opens_nothing(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.record_graduation(dispatch, datetime.date(2028, 4, 1))
    people_services.record_leave(dispatch.person, datetime.date(2034, 4, 1), "RETIRED")
    people_services.record_leave(candidate(), datetime.date(2026, 1, 1), "RESIGNED")
    assert not ReimbursementCase.objects.exists()


def test_leaving_during_the_course_owes_the_whole_cost(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.start_studying(dispatch)
    people_services.record_leave(dispatch.person, datetime.date(2026, 10, 1), "RESIGNED")
    case = ReimbursementCase.objects.get()
    assert (case.case, case.amount) == ("dropped_out", 96_000_000)


def test_drop_out_opens_the_case_once(candidate, users):
    dispatch = sent(candidate(), users.officer)
    case = services.record_end_without_diploma(dispatch, Dispatch.Status.FAILED, datetime.date(2028, 4, 1))
    assert (case.case, case.amount) == ("no_diploma", 96_000_000)
    people_services.record_leave(dispatch.person, datetime.date(2028, 5, 1), "RESIGNED")
    assert ReimbursementCase.objects.count() == 1


def test_decision_and_payments(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.record_graduation(dispatch, datetime.date(2028, 4, 1))
    people_services.record_leave(dispatch.person, datetime.date(2030, 4, 15), "RESIGNED")
    case = ReimbursementCase.objects.get()
    with pytest.raises(ValidationError):
        services.add_payment(case, datetime.date(2030, 6, 1), 1000)  # not decided yet
    with pytest.raises(ValidationError):
        services.decide_case(case, case="illness", decision_no="5/QĐ-HĐ", decision_date=datetime.date(2030, 6, 1))
    services.decide_case(case, case="unfinished", decision_no="5/QĐ-HĐ", decision_date=datetime.date(2030, 6, 1),
                         amount_decided=60_000_000)
    assert case.status == "DECIDED" and case.amount_due == 60_000_000
    services.add_payment(case, datetime.date(2030, 7, 1), 20_000_000)
    with pytest.raises(ValidationError):
        services.add_payment(case, datetime.date(2030, 8, 1), 40_000_001)
    services.add_payment(case, datetime.date(2030, 8, 1), 40_000_000)
    case.refresh_from_db()
    assert case.status == "PAID" and Payment.objects.filter(case=case).count() == 2


def test_an_exemption_closes_the_case(candidate, users):
    dispatch = sent(candidate(), users.officer)
    services.record_graduation(dispatch, datetime.date(2028, 4, 1))
    people_services.record_leave(dispatch.person, datetime.date(2030, 4, 15), "TRANSFERRED")
    case = ReimbursementCase.objects.get()
    services.decide_case(case, case="transfer", decision_no="7/QĐ-HĐ", decision_date=datetime.date(2030, 6, 1),
                         exemption_reason="Điều động theo quyết định của Ban Thường vụ")
    assert (case.amount, case.amount_decided, case.status) == (0, 0, "CLOSED")
