"""Every API resource is scoped like the web UI: a unit officer (users.officer, scoped to so_a) does not see another
unit's (so_b's) records in the list, and gets 404 for them by id — and does see their own."""
import pytest

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user

from .conftest import token_client

# (resource, list URL, attribute of `world` with the so_a record, attribute with the so_b record)
RESOURCES = [
    ("units", "/api/v1/units/", None, None),  # ids from `tree` (see _ids)
    ("staff", "/api/v1/staff/", "a", "b"),
    ("qualifications", "/api/v1/qualifications/", "qual_a", "qual_b"),
    ("enrolments", "/api/v1/enrolments/", "enr_a", "enr_b"),
    ("certificates", "/api/v1/certificates/", "cert_a", "cert_b"),
]


def _ids(world, tree, resource, own_attr, other_attr):
    if resource == "units":
        return tree.so_a.pk, tree.so_b.pk
    return getattr(world, own_attr).pk, getattr(world, other_attr).pk


def _list_ids(client, url):
    response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource,url,own_attr,other_attr", RESOURCES, ids=[r[0] for r in RESOURCES])
def test_officer_refused_other_units_records(world, tree, users, resource, url, own_attr, other_attr):
    own, other = _ids(world, tree, resource, own_attr, other_attr)
    client = token_client(users.officer)
    listed = _list_ids(client, url)
    assert own in listed
    assert other not in listed
    assert client.get(f"{url}{own}/").status_code == 200
    assert client.get(f"{url}{other}/").status_code == 404


@pytest.mark.parametrize("resource,url,own_attr,other_attr", RESOURCES, ids=[r[0] for r in RESOURCES])
def test_manager_sees_both(world, tree, users, resource, url, own_attr, other_attr):
    own, other = _ids(world, tree, resource, own_attr, other_attr)
    listed = _list_ids(token_client(users.province), url)
    assert {own, other} <= listed


# Nested and derived endpoints of one record: the other unit's record answers 404.
DETAIL_ACTIONS = [
    ("/api/v1/staff/{}/compliance/", "person"),
    ("/api/v1/staff/{}/fostering-history/", "person"),
    ("/api/v1/units/{}/compliance/", "unit"),
]


@pytest.mark.parametrize("template,kind", DETAIL_ACTIONS, ids=[t for t, _k in DETAIL_ACTIONS])
def test_officer_refused_other_units_derived_records(world, tree, users, template, kind):
    own, other = (world.a.pk, world.b.pk) if kind == "person" else (tree.so_a.pk, tree.so_b.pk)
    client = token_client(users.officer)
    assert client.get(template.format(own)).status_code == 200
    assert client.get(template.format(other)).status_code == 404


@pytest.mark.parametrize("action", ["attendance", "results"])
def test_class_roster_scoped(world, users, action):
    """A class is visible to all (the class offer), its attendance and results only for the people the user sees;
    the institution that runs it sees the whole roster (permissions.can_run_class)."""
    url = f"/api/v1/classes/{world.cls.pk}/{action}/"
    officer_rows = token_client(users.officer).get(url).json()["results"]
    assert officer_rows and {r["person"] for r in officer_rows} == {world.a.pk}
    institution_rows = token_client(users.institution).get(url).json()["results"]
    assert {r["person"] for r in institution_rows} == {world.a.pk, world.b.pk}
    learner_rows = token_client(users.learner).get(url).json()["results"]
    assert learner_rows == []


def test_reports_scoped_by_unit_code(world, users):
    client = token_client(users.officer)
    ok = client.get("/api/v1/reports/compliance/", {"unit": "SO_A"})
    assert ok.status_code == 200
    assert ok.json()["rows"] == [{"requirement": "ANNUAL_HOURS", "applicable": 2, "met": 0, "missing": 2}]
    assert client.get("/api/v1/reports/compliance/", {"unit": "SO_B"}).status_code == 404
    assert client.get("/api/v1/reports/no-such-report/", {"unit": "SO_A"}).status_code == 404
    assert client.get("/api/v1/reports/compliance/").status_code == 400
    assert client.get("/api/v1/reports/compliance/", {"unit": "SO_A", "date": "31/12/2026"}).status_code == 400
    assert token_client(users.learner).get("/api/v1/reports/").status_code == 403


def test_report_rows_as_in_the_csv(world, users):
    data = token_client(users.province).get(
        "/api/v1/reports/qualification-structure/", {"unit": "T01", "date": "2026-11-01"}
    ).json()
    assert [c["key"] for c in data["columns"]] == ["level", "TS", "THS", "DH", "CD", "TC", "SC", "CQDT", "total"]
    assert data["rows"][-1]["level"] == "ALL"
    assert data["rows"][-1]["DH"] == data["rows"][-1]["total"] == 3


def test_learner_sees_only_own_records(world, users):
    client = token_client(users.learner)
    people = client.get("/api/v1/staff/").json()["results"]
    assert [p["code"] for p in people] == ["HV001"]
    assert client.get(f"/api/v1/staff/{world.a.pk}/").status_code == 404
    assert client.get("/api/v1/enrolments/").json()["results"] == []


def test_citizen_id_and_phone_masked_for_read_only_roles(world, users):
    leader = token_client(users.leader).get(f"/api/v1/staff/{world.a.pk}/").json()
    assert leader["citizen_id"] == "********0111"
    assert leader["phone"] == "******0111"
    officer = token_client(users.officer).get(f"/api/v1/staff/{world.a.pk}/").json()
    assert officer["citizen_id"] == "001085000111"
    assert officer["phone"] == "0912000111"


def test_shared_catalogues_visible_to_every_scoped_user(world, users):
    """Programmes, requirements and the class offer are not unit records: every user with a scope reads them; a
    user without any scope reads nothing."""
    for url in ("/api/v1/programmes/", "/api/v1/requirements/", "/api/v1/classes/"):
        assert token_client(users.officer).get(url).json()["count"] > 0
    nobody = make_user("nobody", Role.UNIT_OFFICER)  # no scope unit: no scope
    assert token_client(nobody).get("/api/v1/programmes/").status_code == 403
