"""The web lists and the API lists share one FilterSet per model (people.filters.PersonFilterSet,
training.filters.ClassFilterSet, org.filters.UnitFilterSet): the same query string finds the same records on both."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.org.testing import make_unit
from dtbd.people.services import record_leave
from dtbd.people.testing import make_person
from dtbd.training.models import TrainingClass
from dtbd.training.testing import make_class, make_program

from .conftest import token_client


@pytest.fixture
def web(client, users):
    client.force_login(users.province)
    return client


def web_staff(web, params):
    response = web.get(reverse("people:person_list"), params)
    assert response.status_code == 200
    return {row.code for row in response.context["rows"]}


def api_codes(api, path, params):
    response = api.get(path, {**params, "page_size": 200})
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_staff_web_and_api_find_the_same_people(world, tree, users, web):
    make_person(tree.phong_a, code="A0010", full_name="Đặng Thị Viên", category="VC", gender="NU")
    left = make_person(tree.phong_b, code="A0020", full_name="Vũ Văn Nghỉ")
    record_leave(left, datetime.date(2024, 1, 31), "Nghỉ hưu")
    api = token_client(users.province)
    cases = [
        {"active": "true"},
        {"active": "false"},
        {"include_left": "on"},
        {"q": "a00", "include_left": "on"},  # a code by its beginning, case-insensitive
        {"code": "a00", "active": "true"},
        {"code": "A001", "include_left": "on"},  # A001 and A0010: the rule is a prefix on both channels
        {"q": "dang thi vien", "active": "true"},  # the name, accent-insensitive
        {"unit": tree.so_a.pk, "active": "true"},
        {"unit": tree.so_b.pk, "include_left": "on"},
        {"category": "VC", "include_left": "on"},
        {"gender": "NU", "active": "true"},
        {"llct": "TC", "active": "true"},
        {"unit": tree.so_b.pk, "active": "false"},
    ]
    for params in cases:
        found = web_staff(web, params)
        assert found == api_codes(api, "/api/v1/staff/", params), params
    # the rules themselves, once
    assert web_staff(web, {"code": "A001", "include_left": "on"}) == {"A001", "A0010"}
    assert web_staff(web, {"active": "false"}) == {"A0020"}
    assert web_staff(web, {"unit": tree.so_b.pk, "include_left": "on"}) == {"B001", "A0020"}
    # the defaults: the page lists people in service, the API everyone in scope (both documented)
    assert web_staff(web, {}) == api_codes(api, "/api/v1/staff/", {"active": "true"})
    assert api_codes(api, "/api/v1/staff/", {}) == web_staff(web, {"include_left": "on"})
    assert "A0020" not in web_staff(web, {})


def test_classes_web_and_api_find_the_same_classes(world, users, web):
    today = timezone.localdate()
    other = make_program("TH_CB", name="Tin học cơ bản", category="TIN_HOC")
    make_class("BD2026-01", status=TrainingClass.Status.OPEN, program=other, starts_on=today + datetime.timedelta(days=5))
    make_class("bd2026-02", status=TrainingClass.Status.PLANNED, starts_on=today + datetime.timedelta(days=400))
    make_class("XY01", status=TrainingClass.Status.OPEN, abroad=True, registration_closes=today - datetime.timedelta(days=1))
    api = token_client(users.province)
    cases = [
        {},
        {"code": "bd2026"},  # prefix, case-insensitive
        {"code": "API"},
        {"q": "tin hoc"},  # programme name, accent-insensitive
        {"status": "OPEN"},
        {"program": other.pk},
        {"provider": world.provider.pk},
        {"abroad": "yes"},
        {"abroad": "no", "status": "OPEN"},
        {"open_now": "on"},
        {"year": today.year + 1},
        {"starts_from": (today + datetime.timedelta(days=1)).isoformat()},
        {"starts_to": today.isoformat()},
        {"category": "TIN_HOC"},
    ]
    for params in cases:
        response = web.get(reverse("training:class_list"), params)
        assert response.status_code == 200
        found = {cls.code for cls in response.context["classes"]}
        assert found == api_codes(api, "/api/v1/classes/", params), params
    assert api_codes(api, "/api/v1/classes/", {"code": "bd2026"}) == {"BD2026-01", "bd2026-02"}
    assert api_codes(api, "/api/v1/classes/", {"open_now": "true"}) == {"BD2026-01"}


def test_staff_unit_outside_scope_is_refused_without_naming_it(world, tree, users):
    api = token_client(users.officer)  # scoped to so_a
    assert api_codes(api, "/api/v1/staff/", {"unit": tree.so_a.pk}) == {"A001", "HV001"}
    for unit in (tree.so_b.pk, 10**12):  # another unit's and a unit that does not exist: the same answer
        response = api.get("/api/v1/staff/", {"unit": unit})
        assert response.status_code == 400
        assert "unit" in response.json()
        assert tree.so_b.name not in response.content.decode() and "SO_B" not in response.content.decode()


def test_units_web_and_api_find_the_same_units(tree, users, web):
    make_unit("SO_A.P2", "Phòng Lưu trữ cũ", parent=tree.so_a, kind="PHONG", valid_to=datetime.date(2024, 12, 31))
    make_unit("XA02", "UBND xã Sông Lô", parent=tree.root, kind="UBND_XA", admin_level="XA")
    api = token_client(users.province)
    cases = [
        {"q": "so_a", "dissolved": "false"},  # a code by its beginning: the department and its offices
        {"q": "so_a", "dissolved": "true"},
        {"code": "so_a.p", "dissolved": "true"},
        {"q": "phong", "dissolved": "false"},  # words of the name, accent-insensitive
        {"kind": "PHONG", "dissolved": "on"},
        {"level": "XA", "dissolved": "false"},
        {"admin_level": "XA", "dissolved": "false"},
        {"parent": tree.so_a.pk, "dissolved": "true"},
    ]
    for params in cases:
        response = web.get(reverse("org:unit_list"), params)
        assert response.status_code == 200 and response.context["mode"] == "search"
        found = {unit.code for unit in response.context["rows"]}
        assert found == api_codes(api, "/api/v1/units/", params), params
    assert api_codes(api, "/api/v1/units/", {"q": "so_a", "dissolved": "false"}) == {"SO_A", "SO_A.P1"}
    assert api_codes(api, "/api/v1/units/", {"level": "XA"}) == {"XA01", "XA02"}
    # the defaults: the page hides dissolved units, the API lists every unit in scope
    assert "SO_A.P2" not in {u.code for u in web.get(reverse("org:unit_list"), {"q": "so_a"}).context["rows"]}
    assert "SO_A.P2" in api_codes(api, "/api/v1/units/", {"q": "so_a"})


def numbers(rows):
    return {row.number for row in rows}


def test_certificates_web_and_api_find_the_same_certificates(world, users, web):
    """The certificate page's names (q, co_so, nam, lop) answer the same in the API (CertificateFilterSet)."""
    api = token_client(users.province)
    year = world.cert_a.year
    cases = [
        {},
        {"q": "le van an"},  # the learner's name, accent-insensitive
        {"q": world.cert_b.number[-4:]},  # the number, anywhere
        {"co_so": world.provider.pk},
        {"nam": year},
        {"nam": year - 1},
        {"lop": world.cls.pk},
    ]
    for params in cases:
        response = web.get(reverse("training:certificate_list"), params)
        assert response.status_code == 200
        found = numbers(response.context["certificates"])
        response = api.get("/api/v1/certificates/", {**params, "page_size": 200})
        assert response.status_code == 200, response.content
        assert found == {row["number"] for row in response.json()["results"]}, params
    # the API's own names are the same filters
    by_year = api.get("/api/v1/certificates/", {"year": year}).json()["results"]
    assert {row["number"] for row in by_year} == {world.cert_a.number, world.cert_b.number}
    prefix = world.cert_a.number[:3].lower()
    assert api.get("/api/v1/certificates/", {"number": prefix}).json()["count"] == 2  # the beginning of the number
    assert api.get("/api/v1/certificates/", {"number": world.cert_a.number[1:]}).json()["count"] == 0


def test_programmes_web_and_api_find_the_same_programmes(world, users, web):
    make_program("TH_CB", name="Tin học cơ bản", category="TIN_HOC", kind="BRIEFING")
    api = token_client(users.province)
    for params in ({}, {"q": "tin hoc"}, {"q": "qlnn"}, {"category": "QLNN"}, {"kind": "BRIEFING"}):
        response = web.get(reverse("training:program_list"), params)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.num_pages == 1  # the whole result on the page
        found = {p.code for p in response.context["programs"]}
        assert found == api_codes(api, "/api/v1/programmes/", params), params
    assert api_codes(api, "/api/v1/programmes/", {"code": "th_"}) == {"TH_CB"}
    assert api_codes(api, "/api/v1/programmes/", {"kind": "BRIEFING"}) >= {"TH_CB"}
