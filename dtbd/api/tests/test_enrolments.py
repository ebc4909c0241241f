"""Writes through the API go through training.services, with the web UI's permission checks."""
import pytest

from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import enroll, make_class

from .conftest import token_client

URL = "/api/v1/enrolments/"


@pytest.fixture
def full_class(tree):
    cls = make_class("FULL1", capacity=1)
    enroll(cls, make_person(tree.phong_a, code="SEAT1"))
    return cls


def test_nomination_to_a_full_class_is_waitlisted(tree, users, full_class):
    person = make_person(tree.phong_a, code="A100")
    response = token_client(users.officer).post(URL, {"training_class": full_class.pk, "person": person.pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "WAITLISTED" and data["source"] == "NOMINATED" and data["person"] == person.pk
    full_class.refresh_from_db()
    assert full_class.seats_taken == 1


def test_nomination_with_a_free_seat_is_enrolled_and_assignment_by_the_province(tree, users):
    cls = make_class("FREE1", capacity=3)
    a = make_person(tree.phong_a, code="A101")
    b = make_person(tree.phong_b, code="B101")
    assert token_client(users.officer).post(URL, {"training_class": cls.pk, "person": a.pk}, format="json").json()["state"] == "ENROLLED"
    data = token_client(users.province).post(URL, {"training_class": cls.pk, "person": b.pk}, format="json").json()
    assert data["state"] == "ENROLLED" and data["source"] == "ASSIGNED"


def test_out_of_scope_person_is_a_404_as_reading_them_and_nothing_written(tree, users):
    """A person outside the caller's scope is neither named nor confirmed: the same 404 as GET /staff/<id>/, whether
    they exist or not, and before the class's own refusals (a closed class)."""
    cls = make_class("FREE2", capacity=3)
    closed = make_class("DONE2", capacity=3, status=TrainingClass.Status.CLOSED)
    other = make_person(tree.phong_b, code="B102", full_name="Phạm Văn Ngoài")
    client = token_client(users.officer)
    assert client.get(f"/api/v1/staff/{other.pk}/").status_code == 404
    for class_id, person_id in ((cls.pk, other.pk), (cls.pk, 987654), (closed.pk, other.pk)):
        response = client.post(URL, {"training_class": class_id, "person": person_id}, format="json")
        assert response.status_code == 404, response.content
        body = response.content.decode()
        assert "Ngoài" not in body and "B102" not in body
    assert not Enrollment.objects.filter(training_class=cls).exists()


def test_read_only_roles_cannot_nominate(tree, users):
    cls = make_class("FREE3", capacity=3)
    person = make_person(tree.phong_a, code="A103")
    for user in (users.leader, users.institution):
        assert token_client(user).post(URL, {"training_class": cls.pk, "person": person.pk}, format="json").status_code == 403
    assert not Enrollment.objects.exists()


def test_validation_from_the_services_is_a_400(tree, users):
    closed = make_class("DONE1", capacity=3, status=TrainingClass.Status.CLOSED)
    person = make_person(tree.phong_a, code="A104")
    client = token_client(users.officer)
    response = client.post(URL, {"training_class": closed.pk, "person": person.pk}, format="json")
    assert response.status_code == 400 and "không thể cử" in str(response.json())
    cls = make_class("FREE4", capacity=3)
    assert client.post(URL, {"training_class": cls.pk, "person": person.pk}, format="json").status_code == 201
    again = client.post(URL, {"training_class": cls.pk, "person": person.pk}, format="json")
    assert again.status_code == 400 and "đã có trong danh sách lớp" in str(again.json())
    assert client.post(URL, {"training_class": 999999, "person": person.pk}, format="json").status_code == 404
    assert client.post(URL, {"person": person.pk}, format="json").status_code == 400


def test_learner_self_registers_then_officer_approves(users):
    cls = make_class("SELF1", capacity=1)
    response = token_client(users.learner).post(URL, {"training_class": cls.pk}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "REQUESTED" and data["source"] == "SELF" and data["person"] == users.learner.person_id
    pk = data["id"]
    assert token_client(users.learner).post(f"{URL}{pk}/approve/").status_code == 403
    assert token_client(users.leader).post(f"{URL}{pk}/approve/").status_code == 403
    approved = token_client(users.officer).post(f"{URL}{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["state"] == "ENROLLED"


def test_reject_needs_a_reason_and_withdraw_promotes(tree, users):
    cls = make_class("WD1", capacity=1)
    client = token_client(users.officer)
    a = make_person(tree.phong_a, code="A105")
    b = make_person(tree.phong_a, code="A106")
    first = client.post(URL, {"training_class": cls.pk, "person": a.pk}, format="json").json()
    second = client.post(URL, {"training_class": cls.pk, "person": b.pk}, format="json").json()
    assert (first["state"], second["state"]) == ("ENROLLED", "WAITLISTED")
    assert client.post(f"{URL}{second['id']}/reject/", {"reason": ""}, format="json").status_code == 400
    withdrawn = client.post(f"{URL}{first['id']}/withdraw/", {"reason": "Bận công tác"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "WITHDRAWN"
    assert client.get(f"{URL}{second['id']}/").json()["state"] == "ENROLLED"


def test_officer_cannot_act_on_another_units_enrolment(tree, users):
    cls = make_class("WD2", capacity=2)
    other = Enrollment.objects.create(training_class=cls, person=make_person(tree.phong_b, code="B107"),
                                      source=Enrollment.Source.SELF)
    client = token_client(users.officer)
    for action in ("approve", "reject", "withdraw"):
        assert client.post(f"{URL}{other.pk}/{action}/", {"reason": "x"}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.state == Enrollment.State.REQUESTED
