"""The pages under /dao-tao-sau-dai-hoc/: scope, refusals, fixed queries (docs/domain.md §14.2–14.3)."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dtbd.funding import services
from dtbd.funding.models import Dispatch, DispatchCost, ReimbursementCase
from dtbd.people import services as people_services

from .conftest import D
from .test_services import new_dispatch

pytestmark = pytest.mark.django_db


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


@pytest.fixture
def records(tree, users, candidate):
    """A graduated dispatch in so_a (person A1, who then leaves: a case) and one in so_b (B1), with costs."""
    made = {}
    for code, unit in (("A1", tree.phong_a), ("B1", tree.phong_b)):
        dispatch = services.create_dispatch(new_dispatch(candidate(code=code, unit=unit, full_name=f"Người {code}")),
                                            users.province)
        DispatchCost.objects.create(dispatch=dispatch, item="TUITION", source="NSTINH", amount=77_700_000)
        services.record_graduation(dispatch, datetime.date(2028, 4, 1))
        made[code] = dispatch
    people_services.record_leave(made["A1"].person, datetime.date(2030, 4, 15), "RESIGNED")
    people_services.record_leave(made["B1"].person, datetime.date(2030, 4, 15), "RESIGNED")
    made["case_a"] = ReimbursementCase.objects.get(person=made["A1"].person)
    made["case_b"] = ReimbursementCase.objects.get(person=made["B1"].person)
    return made


def test_officer_sees_only_their_subtree(users, records):
    c = client(users.officer)
    page = c.get("/dao-tao-sau-dai-hoc/").content.decode()
    assert "Người A1" in page and "77.700.000" in page and "Người B1" not in page
    assert c.get(f"/dao-tao-sau-dai-hoc/{records['A1'].pk}/").status_code == 200
    assert c.get(f"/dao-tao-sau-dai-hoc/{records['B1'].pk}/").status_code == 404
    cases = c.get("/dao-tao-sau-dai-hoc/den-bu/").content.decode()
    assert "Người A1" in cases and "Người B1" not in cases
    assert c.get(f"/dao-tao-sau-dai-hoc/den-bu/{records['case_b'].pk}/").status_code == 404
    assert c.post(f"/dao-tao-sau-dai-hoc/den-bu/{records['case_b'].pk}/nop/", {}).status_code == 404


def test_leader_reads_without_writing_and_sees_no_other_unit(users, records):
    c = client(users.leader)
    page = c.get("/dao-tao-sau-dai-hoc/").content.decode()
    assert "Người A1" in page and "Người B1" not in page
    detail = c.get(f"/dao-tao-sau-dai-hoc/den-bu/{records['case_a'].pk}/")
    assert detail.status_code == 200 and "Ghi nhận quyết định" not in detail.content.decode()
    assert c.post(f"/dao-tao-sau-dai-hoc/den-bu/{records['case_a'].pk}/quyet-dinh/", {}).status_code == 403
    assert c.post(f"/dao-tao-sau-dai-hoc/{records['A1'].pk}/kinh-phi/", {}).status_code == 403
    assert c.get("/dao-tao-sau-dai-hoc/cu-di/").status_code == 403
    # Another unit's records (and their amounts) are not shown at all.
    other = c.get(f"/dao-tao-sau-dai-hoc/{records['B1'].pk}/")
    assert other.status_code == 404 and "77.700.000" not in other.content.decode()
    assert "77.700.000" in page  # their own unit's record, yes


def test_institution_and_learner_are_refused(users, records):
    for user in (users.institution, users.learner):
        c = client(user)
        assert c.get("/dao-tao-sau-dai-hoc/").status_code == 403
        assert c.get(f"/dao-tao-sau-dai-hoc/{records['B1'].pk}/").status_code == 403


def test_list_pages_run_a_fixed_number_of_queries(users, records, candidate, django_assert_max_num_queries):
    for i in range(6):
        d = services.create_dispatch(new_dispatch(candidate(code=f"X{i}")), users.province)
        DispatchCost.objects.create(dispatch=d, item="TUITION", source="NSTINH", amount=1_000_000)
    c = client(users.province)
    for url in ("/dao-tao-sau-dai-hoc/", "/dao-tao-sau-dai-hoc/den-bu/", "/dao-tao-sau-dai-hoc/cam-ket/?thang=120"):
        with django_assert_max_num_queries(12):
            assert c.get(url).status_code == 200


def test_dispatch_form_checks_eligibility(users, candidate):
    ok, old = candidate(code="OK1"), candidate(code="OLD1", birth_date=datetime.date(1970, 1, 1))
    c = client(users.officer)
    data = {"person_code": "OLD1", "level": "THS", "field": "Luật", "institution": "ĐH Luật Hà Nội",
            "country": "Việt Nam", "decision_no": "9/QĐ", "decision_date": D.strftime("%d/%m/%Y"), "signer": "",
            "starts_on": "01/04/2026", "planned_end": "01/04/2028", "field_matches_position": "on", "note": ""}
    checked = c.post("/dao-tao-sau-dai-hoc/cu-di/", {**data, "check": "1"})
    assert checked.status_code == 200 and "Quá 45 tuổi" in checked.content.decode()
    refused = c.post("/dao-tao-sau-dai-hoc/cu-di/", data)
    assert refused.status_code == 400 and "Không đủ điều kiện" in refused.content.decode()
    assert not Dispatch.objects.exists()
    # The officer cannot override; the province manager can, with a reason.
    assert "override_reason" not in c.get("/dao-tao-sau-dai-hoc/cu-di/").content.decode()
    manager = client(users.province)
    saved = manager.post("/dao-tao-sau-dai-hoc/cu-di/", {**data, "override_reason": "Chuyên gia đầu ngành"})
    assert saved.status_code == 302 and Dispatch.objects.get().unmet == ["AGE"]
    # An eligible person: saved by the officer.
    assert c.post("/dao-tao-sau-dai-hoc/cu-di/", {**data, "person_code": "OK1"}).status_code == 302
    # Someone outside the officer's scope is not found (and not named).
    candidate(code="BOUT", unit=users.institution.scope_unit)
    outside = c.post("/dao-tao-sau-dai-hoc/cu-di/", {**data, "person_code": "BOUT"})
    assert outside.status_code == 400 and "Không tìm thấy cán bộ" in outside.content.decode()
    assert ok


def test_outcome_decision_and_payment_through_the_pages(users, candidate):
    dispatch = services.create_dispatch(new_dispatch(candidate(code="P1")), users.officer)
    DispatchCost.objects.create(dispatch=dispatch, item="TUITION", source="DON_VI", amount=72_000_000)
    c = client(users.officer)
    assert c.post(f"/dao-tao-sau-dai-hoc/{dispatch.pk}/ket-qua/", {"outcome": "GRADUATED", "on_date": "01/04/2028",
                                                                  "certificate_no": "X-1"}).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status == "GRADUATED" and dispatch.commitment_months == 72
    people_services.record_leave(dispatch.person, datetime.date(2034, 3, 1), "RESIGNED")  # 71 of 72 months
    case = ReimbursementCase.objects.get()
    assert case.amount == 1_000_000
    assert c.post(f"/dao-tao-sau-dai-hoc/den-bu/{case.pk}/quyet-dinh/", {
        "case": "unfinished", "decision_no": "1/QĐ-HĐ", "decision_date": "01/05/2034"}).status_code == 302
    assert c.post(f"/dao-tao-sau-dai-hoc/den-bu/{case.pk}/nop/", {"paid_on": "02/05/2034",
                                                                 "amount": "1000000"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "PAID"
    page = c.get(f"/dao-tao-sau-dai-hoc/den-bu/{case.pk}/").content.decode()
    assert "1.000.000" in page


def test_bad_input_is_a_message_not_an_error(users, records):
    c = client(users.province)
    pk = records["A1"].pk
    for data in ({}, {"outcome": "GRADUATED"}, {"outcome": "nope"}, {"outcome": "FAILED", "on_date": "31/02/2030"}):
        assert c.post(f"/dao-tao-sau-dai-hoc/{pk}/ket-qua/", data).status_code == 302
    assert c.post(f"/dao-tao-sau-dai-hoc/{pk}/kinh-phi/", {"item": "TUITION", "source": "X", "amount": "-1"}).status_code == 302
    assert c.get("/dao-tao-sau-dai-hoc/?year=abc&status=zzz&q=%00").status_code == 200
    assert c.get("/dao-tao-sau-dai-hoc/cam-ket/?thang=-5").status_code == 200


def test_commitments_ending_in_the_next_months(users, candidate):
    today = timezone.localdate()
    soon = services.create_dispatch(new_dispatch(candidate(code="SOON", full_name="Người Sắp Hết")), users.province)
    later = services.create_dispatch(new_dispatch(candidate(code="LATE", full_name="Người Còn Lâu")), users.province)
    for dispatch, ends in ((soon, services.add_months(today, 3)), (later, services.add_months(today, 30))):
        dispatch.status, dispatch.returned_on = Dispatch.Status.GRADUATED, dispatch.starts_on
        dispatch.commitment_months, dispatch.commitment_ends_on = 36, ends
        dispatch.save()
    c = client(users.officer)
    page = c.get("/dao-tao-sau-dai-hoc/cam-ket/?thang=6").content.decode()
    assert "Người Sắp Hết" in page and "Người Còn Lâu" not in page
    page = c.get("/dao-tao-sau-dai-hoc/cam-ket/?thang=36").content.decode()
    assert "Người Sắp Hết" in page and "Người Còn Lâu" in page
