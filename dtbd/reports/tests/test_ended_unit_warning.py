"""A report warns when people are still placed, on its date, in a unit that is no longer valid then (a
reorganisation that left them behind: docs/domain.md §15)."""
import datetime

import pytest
from django.urls import reverse

from dtbd.org.models import Unit
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def test_people_in_an_ended_unit_are_reported(client, users, tree):
    make_person(tree.phong_b, code="CU01")
    client.force_login(users.province)
    url = reverse("reports:report", args=["qualification-structure"])
    params = {"unit": tree.root.pk, "date": "01/07/2026"}
    assert "stranded-warning" not in client.get(url, params).content.decode()
    Unit.objects.filter(pk=tree.phong_b.pk).update(valid_to=datetime.date(2025, 6, 30))
    body = client.get(url, params).content.decode()
    assert "stranded-warning" in body and "1 người" in body
    # On a date when the unit was still valid there is nothing to warn about.
    assert "stranded-warning" not in client.get(url, {**params, "date": "30/06/2025"}).content.decode()
