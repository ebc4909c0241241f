"""Acceptance: the same conflicting registration is warned about identically through each door — the learner's own
registration, the approval of a request, nomination by name, nomination from the standards review and the API — with
the codes and Vietnamese texts of training.services.eligibility; each door refuses until the warnings are confirmed,
then acts (docs/domain.md §10.1)."""
import datetime
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.api.tests.conftest import token_client
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment
from dtbd.training.services import eligibility
from dtbd.training.testing import make_class, make_program

pytestmark = pytest.mark.django_db

WARNING_RE = re.compile(r'<li class="enrolment-warning" data-code="([A-Z_]+)">⚠ (.*?)</li>', re.S)
EXPECTED = {eligibility.SAME_PROGRAMME, eligibility.OVERLAP, eligibility.AUDIENCE_CATEGORY, eligibility.ENTRY_PARTY,
            eligibility.ENTRY_EDUCATION, eligibility.ENTRY_ASSESSMENT}


def _shown(content):
    return [(code, html_lib.unescape(text)) for code, text in WARNING_RE.findall(content.decode())]


@pytest.fixture
def conflict(tree):
    """A trung cấp LLCT class (full-time) for cán bộ only, and a công chức — head of division deputy, so the review
    finds her missing POST_LLCT — with an intermediate education, no party membership and no ratings, already enrolled
    in another full-time class of the same programme at the same time."""
    program = make_program("LLCT_TC_T", name="Trung cấp lý luận chính trị", category="LLCT", kind="DEGREE",
                           duration_tiet=1200, grants_type="LLCT", grants_level="TC", audience_categories="CB")
    start = timezone.localdate() + datetime.timedelta(days=30)
    cls = make_class("LLCT_A", capacity=5, program=program, starts_on=start, ends_on=start + datetime.timedelta(days=60))
    other = make_class("LLCT_B", capacity=5, program=program, starts_on=start + datetime.timedelta(days=10),
                       ends_on=start + datetime.timedelta(days=40))
    person = make_person(tree.phong_a, full_name="Hoàng Thị Xung", gender="NU", category="CC", post_level="PTP",
                         education="TC")
    user = make_user("hv_xung", Role.LEARNER, person=person)
    Enrollment.objects.create(training_class=other, person=person, source=Enrollment.Source.NOMINATED,
                              state=Enrollment.State.ENROLLED)
    expected = [(w.code, w.text) for w in eligibility.check(cls, person)]
    assert {code for code, _t in expected} == EXPECTED
    return cls, person, user, expected


def _self(client, tree, users, cls, person, user):
    client.force_login(user)
    url = reverse("training:self_register", args=[cls.pk])
    refused = _shown(client.post(url, {"next": "/dao-tao/hoc-vien/"}).content)
    assert not Enrollment.objects.filter(training_class=cls, person=person).exists()
    client.post(url, {"next": "/dao-tao/hoc-vien/", "confirm_warnings": "1"})
    return refused


def _approval(client, tree, users, cls, person, user):
    enrolment = Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.SELF)
    client.force_login(users.officer)
    listed = _shown(client.get(reverse("training:enrolment_queue")).content)
    url = reverse("training:enrolment_approve", args=[enrolment.pk])
    refused = _shown(client.post(url, HTTP_HX_REQUEST="true").content)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.REQUESTED
    assert listed == refused
    client.post(url, {"confirm_warnings": "1"})
    return refused


def _nomination(client, tree, users, cls, person, user):
    client.force_login(users.officer)
    url = reverse("training:nominate", args=[cls.pk])
    preview = _shown(client.post(url, {"step": "preview", "person": [person.pk]}).content)
    refused = _shown(client.post(url, {"step": "confirm", "person": [person.pk]}).content)
    assert not Enrollment.objects.filter(training_class=cls, person=person).exists()
    assert preview == refused
    client.post(url, {"step": "confirm", "person": [person.pk], "confirm_warnings": "1"})
    return refused


def _review(client, tree, users, cls, person, user):
    client.force_login(users.officer)
    url = reverse("training:nominate_from_review", args=[cls.pk])
    query = f"unit={tree.so_a.pk}&code=POST_LLCT"
    page = client.get(url + "?" + query).content.decode()
    box = re.search(rf'<input type="checkbox" name="person" value="{person.pk}"[^>]*>', page).group(0)
    assert "checked" not in box  # flagged: not pre-ticked
    refused = _shown(client.post(url, {"person": [person.pk], "query": query}, follow=True).content)
    assert not Enrollment.objects.filter(training_class=cls, person=person).exists()
    client.post(url, {"person": [person.pk], "query": query, "confirm_warnings": "1"})
    return refused


def _api(client, tree, users, cls, person, user):
    api = token_client(users.officer)
    response = api.post("/api/v1/enrolments/", {"training_class": cls.pk, "person": person.pk}, format="json")
    assert response.status_code == 400
    assert not Enrollment.objects.filter(training_class=cls, person=person).exists()
    refused = [(w["code"], w["text"]) for w in response.json()["warnings"]]
    response = api.post("/api/v1/enrolments/", {"training_class": cls.pk, "person": person.pk,
                                                "confirm_warnings": True}, format="json")
    assert response.status_code == 201
    return refused


@pytest.mark.parametrize("door", [_self, _approval, _nomination, _review, _api], ids=lambda f: f.__name__.strip("_"))
def test_same_warnings_at_every_door_and_confirmation_required(client, tree, users, conflict, door):
    cls, person, user, expected = conflict
    shown = door(client, tree, users, cls, person, user)
    assert shown == expected
    enrolment = Enrollment.objects.get(training_class=cls, person=person)
    assert enrolment.state in (Enrollment.State.REQUESTED, Enrollment.State.ENROLLED)
    if door is not _self:
        assert enrolment.state == Enrollment.State.ENROLLED
