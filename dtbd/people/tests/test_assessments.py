"""The annual assessment (docs/domain.md §14.1): who is assessed in a unit for a year, the grid page (scope of every
person posted, read-only roles, a fixed number of queries), the one writer (upsert, audit), the staff page, the API."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from rest_framework.test import APIClient

from dtbd.people import assessments, queries
from dtbd.people.models import AnnualAssessment, CategoryAssignment, UnitAssignment
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year - 1
URL = reverse("people:assessment_grid")


@pytest.fixture
def staff(tree, users):
    """In Sở Nội vụ (the officer's scope): A1, A2 in its office, a contract worker (HĐ, not assessed), someone who
    left before YEAR and someone who moved in during YEAR; in Sở Tài chính: B1 (outside the officer's scope)."""
    a1 = make_person(tree.phong_a, code="A1", full_name="An Văn Một")
    a2 = make_person(tree.so_a, code="A2", full_name="Bình Thị Hai")
    make_person(tree.so_a, code="HD1", category="HD")
    gone = make_person(tree.phong_a, code="GONE", left_on=datetime.date(YEAR - 1, 6, 30))
    UnitAssignment.objects.filter(person=gone).update(valid_to=gone.left_on)
    moved = make_person(tree.phong_b, code="MOVED", valid_from=datetime.date(YEAR - 3, 1, 1))
    UnitAssignment.objects.filter(person=moved).update(valid_to=datetime.date(YEAR, 4, 30))
    UnitAssignment.objects.create(person=moved, unit=tree.phong_a, valid_from=datetime.date(YEAR, 5, 1))
    b1 = make_person(tree.phong_b, code="B1", full_name="Cao Văn Ngoàiphạmvi")
    return {"a1": a1, "a2": a2, "moved": moved, "b1": b1, "learner": users.learner.person}


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_the_people_assessed_in_a_unit_for_a_year(tree, staff):
    assert codes(assessments.assessed_people(tree.so_a, YEAR)) == ["A1", "A2", "HV001", "MOVED"]
    # the one who moved in May was in Sở Tài chính too that year
    assert codes(assessments.assessed_people(tree.so_b, YEAR)) == ["B1", "MOVED"]
    assert codes(assessments.assessed_people(tree.so_a, YEAR - 1)) == ["A1", "A2", "GONE", "HV001"]


def test_record_assessments_upserts_one_row_per_person_and_year(users, staff):
    a1, a2 = staff["a1"], staff["a2"]
    rows = [{"person": a1.pk, "rating": "HTTNV", "assessed_on": datetime.date(YEAR, 12, 20), "note": ""},
            {"person": a2.pk, "rating": "HTNV", "assessed_on": None, "note": "Nghỉ ốm 2 tháng"}]
    outcome, _saved = assessments.record_assessments(users.officer, YEAR, rows)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (2, 0, 0)
    entries = LogEntry.objects.count()
    outcome, _saved = assessments.record_assessments(users.officer, YEAR, rows)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 0, 2)
    assert LogEntry.objects.count() == entries
    rows[0]["rating"] = "HTXSNV"
    outcome, saved = assessments.record_assessments(users.officer, YEAR, rows)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 1, 1)
    assert AnnualAssessment.objects.filter(person=a1).count() == 1
    assert AnnualAssessment.objects.get(person=a1).rating == "HTXSNV"
    change = LogEntry.objects.get_for_object(saved[a1.pk]).order_by("-pk").first()
    assert change.action == LogEntry.Action.UPDATE and change.changes["rating"] == ["HTTNV", "HTXSNV"]
    # the person's change history (staff page) shows it
    assert change in list(queries.audit_entries(a1))


def test_record_assessments_refuses_outsiders_read_only_roles_and_bad_values(users, staff):
    inside = {"person": staff["a1"].pk, "rating": "HTTNV", "assessed_on": None, "note": ""}
    outsider = {"person": staff["b1"].pk, "rating": "HTTNV", "assessed_on": None, "note": ""}
    with pytest.raises(Http404) as refused:
        assessments.record_assessments(users.officer, YEAR, [inside, outsider])
    assert "B1" not in str(refused.value) and "Ngoàiphạmvi" not in str(refused.value)
    with pytest.raises(Http404):
        assessments.record_assessments(users.officer, YEAR, [{**inside, "person": 10**9}])
    with pytest.raises(PermissionDenied):
        assessments.record_assessments(users.leader, YEAR, [inside])
    with pytest.raises(ValidationError):
        assessments.record_assessments(users.officer, datetime.date.today().year + 1, [inside])
    with pytest.raises(ValidationError):
        assessments.record_assessments(users.officer, YEAR, [{**inside, "assessed_on": datetime.date(YEAR, 9, 30)}])
    assert not AnnualAssessment.objects.exists()
    assessments.record_assessments(users.province, YEAR, [inside, outsider])
    assert AnnualAssessment.objects.count() == 2


def grid_post(pks, **values):
    data = {"person": [str(pk) for pk in pks]}
    for pk in pks:
        data.update({f"p{pk}-rating": values.get("rating", "HTTNV"), f"p{pk}-assessed_on": values.get("on", ""),
                     f"p{pk}-note": values.get("note", "")})
    return data


def test_the_grid_shows_the_unit_and_saves_the_changed_rows(client, tree, users, staff):
    AnnualAssessment.objects.create(person=staff["a2"], year=YEAR, rating="HTNV")
    client.force_login(users.officer)
    response = client.get(URL, {"year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    for code in ("A1", "A2", "HV001", "MOVED"):
        assert f">{code}<" in html
    assert ">B1<" not in html and ">HD1<" not in html
    assert 'value="HTNV" selected' in html
    # the office only
    html = client.get(URL, {"year": YEAR, "unit": tree.phong_a.pk}).content.decode()
    assert ">A1<" in html and ">A2<" not in html
    a1, a2 = staff["a1"], staff["a2"]
    data = grid_post([a1.pk, a2.pk], on=f"15/12/{YEAR}")
    response = client.post(f"{URL}?year={YEAR}", data)
    assert response.status_code == 302
    assert dict(AnnualAssessment.objects.values_list("person__code", "rating")) == {"A1": "HTTNV", "A2": "HTTNV"}
    assert AnnualAssessment.objects.get(person=a1).assessed_on == datetime.date(YEAR, 12, 15)


def test_the_grid_refuses_a_bad_date_and_an_outsider_and_saves_nothing(client, users, staff):
    client.force_login(users.officer)
    a1, b1 = staff["a1"], staff["b1"]
    response = client.post(f"{URL}?year={YEAR}", grid_post([a1.pk], on=f"30/09/{YEAR}"))
    assert response.status_code == 400 and f"01/10/{YEAR}" in response.content.decode()
    response = client.post(f"{URL}?year={YEAR}", grid_post([a1.pk, b1.pk]))
    assert response.status_code == 404
    # the outsider's name, or its code as a page prints it (a bare "B1" could be part of a random token on the page)
    body = response.content.decode()
    assert "Ngoàiphạmvi" not in body and ">B1<" not in body and "B1 " not in body and "(B1)" not in body
    assert not AnnualAssessment.objects.exists()


def test_the_grid_for_the_other_roles(client, tree, users, staff):
    client.force_login(users.leader)
    assert client.get(URL, {"year": YEAR}).status_code == 200
    assert client.post(f"{URL}?year={YEAR}", grid_post([staff["a1"].pk])).status_code == 403
    client.force_login(users.officer)
    assert client.get(URL, {"unit": tree.so_b.pk}).status_code == 404
    client.force_login(users.learner)
    assert client.get(URL).status_code == 404
    assert client.post(URL, grid_post([staff["a1"].pk])).status_code == 404
    assert not AnnualAssessment.objects.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_grid_runs_a_fixed_number_of_queries(client, tree, users, count, django_assert_max_num_queries):
    people = [make_person(tree.phong_a) for _ in range(count)]
    for person in people[::2]:
        AnnualAssessment.objects.create(person=person, year=YEAR, rating="HTNV")
    client.force_login(users.officer)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200 and response.content.decode().count('name="person"') == count + 1
    with django_assert_max_num_queries(14 + 3 * count):  # the write: one lookup, one save and audit entry per row
        response = client.post(f"{URL}?year={YEAR}", grid_post([p.pk for p in people]))
    assert response.status_code == 302 and AnnualAssessment.objects.filter(rating="HTTNV").count() == count


def test_the_staff_page_lists_the_ratings_by_year(client, users, staff):
    AnnualAssessment.objects.create(person=staff["a1"], year=YEAR, rating="HTXSNV", note="Chiến sĩ thi đua")
    AnnualAssessment.objects.create(person=staff["a1"], year=YEAR - 1, rating="HTNV")
    client.force_login(users.leader)
    html = client.get(reverse("people:person_detail", args=[staff["a1"].pk])).content.decode()
    assert html.index(f">{YEAR}<") < html.index(f">{YEAR - 1}<")
    assert "Hoàn thành xuất sắc nhiệm vụ" in html and "Chiến sĩ thi đua" in html
    html = client.get(reverse("people:person_detail", args=[staff["a2"].pk])).content.decode()
    assert "Chưa có kết quả đánh giá" in html


# ---------------------------------------------------------------- API


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


LIST = "/api/v1/assessments/"


def test_the_api_lists_within_the_scope_with_filters(tree, users, staff):
    for code, year, rating in (("a1", YEAR, "HTTNV"), ("a1", YEAR - 1, "HTNV"), ("a2", YEAR, "KHTNV"), ("b1", YEAR, "HTTNV")):
        AnnualAssessment.objects.create(person=staff[code], year=year, rating=rating)
    officer = api(users.officer)
    body = officer.get(LIST).json()
    assert body["count"] == 3 and {r["person_code"] for r in body["results"]} == {"A1", "A2"}
    assert {r["person_code"] for r in officer.get(LIST, {"year": YEAR}).json()["results"]} == {"A1", "A2"}
    assert [r["rating"] for r in officer.get(LIST, {"person": staff["a1"].pk}).json()["results"]] == ["HTTNV", "HTNV"]
    assert {r["person_code"] for r in officer.get(LIST, {"unit": tree.phong_a.pk}).json()["results"]} == {"A1"}
    assert officer.get(LIST, {"unit": tree.phong_b.pk}).json()["count"] == 0
    assert api(users.province).get(LIST, {"unit": tree.so_b.pk}).json()["count"] == 1
    assert officer.get(LIST, {"year": "abc"}).status_code == 400


def test_the_api_writes_through_the_service(users, staff):
    officer = api(users.officer)
    a1 = staff["a1"]
    response = officer.post(LIST, {"person": a1.pk, "year": YEAR, "rating": "HTTNV", "assessed_on": f"{YEAR}-12-10"},
                            format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    # a second POST for the same person and year replaces the rating: still one row
    response = officer.post(LIST, {"person": a1.pk, "year": YEAR, "rating": "HTXSNV"}, format="json")
    assert response.status_code == 201 and response.json()["id"] == pk
    response = officer.patch(f"{LIST}{pk}/", {"rating": "HTNV", "note": "Sửa lại"}, format="json")
    assert response.status_code == 200 and response.json()["rating"] == "HTNV"
    a = AnnualAssessment.objects.get()
    assert (a.rating, a.note, a.year) == ("HTNV", "Sửa lại", YEAR)
    assert officer.post(LIST, {"person": a1.pk, "year": YEAR, "rating": "HTNV", "assessed_on": f"{YEAR}-09-01"},
                        format="json").status_code == 400
    assert officer.post(LIST, {"person": a1.pk, "year": 1999, "rating": "HTNV"}, format="json").status_code == 400
    assert officer.post(LIST, {"person": a1.pk, "year": YEAR, "rating": "TOT"}, format="json").status_code == 400


def test_the_api_refuses_outsiders_and_read_only_roles(users, staff):
    outside = AnnualAssessment.objects.create(person=staff["b1"], year=YEAR, rating="HTTNV")
    inside = AnnualAssessment.objects.create(person=staff["a1"], year=YEAR, rating="HTTNV")
    officer = api(users.officer)
    assert officer.get(f"{LIST}{outside.pk}/").status_code == 404
    assert officer.patch(f"{LIST}{outside.pk}/", {"rating": "HTNV"}, format="json").status_code == 404
    response = officer.post(LIST, {"person": staff["b1"].pk, "year": YEAR, "rating": "HTNV"}, format="json")
    assert response.status_code == 404 and "B1" not in response.content.decode()
    leader = api(users.leader)
    assert leader.get(f"{LIST}{inside.pk}/").status_code == 200
    assert leader.patch(f"{LIST}{inside.pk}/", {"rating": "HTNV"}, format="json").status_code == 403
    assert leader.post(LIST, {"person": staff["a1"].pk, "year": YEAR, "rating": "HTNV"}, format="json").status_code == 403
    assert api(users.learner).get(LIST).json()["count"] == 0
    assert set(AnnualAssessment.objects.values_list("rating", flat=True)) == {"HTTNV"}
