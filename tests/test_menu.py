"""The menu and the buttons of every page follow the signed-in user's scope: officers' tools are not offered to
learners."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_learner_is_offered_neither_api_keys_nor_the_appointment_check(client, users):
    person = users.learner.person
    body = page(client, users.learner, reverse("people:person_detail", args=[person.pk]))
    assert reverse("api:tokens") not in body
    assert reverse("standards:gate_check", args=[person.pk]) not in body


def test_an_officer_is_offered_both(client, users):
    person = users.learner.person  # of the officer's department
    body = page(client, users.officer, reverse("people:person_detail", args=[person.pk]))
    assert reverse("api:tokens") in body
    assert reverse("standards:gate_check", args=[person.pk]) in body
