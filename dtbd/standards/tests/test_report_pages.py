"""The compliance and annual-hours reports on the web: same CSV as the command, scoped like every report."""
import pytest
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.standards.models import Requirement

pytestmark = pytest.mark.django_db


def url(name, fmt=None):
    return reverse("reports:download", args=[name, fmt]) if fmt else reverse("reports:report", args=[name])


def test_compliance_csv_download_and_refusal(client, users, tree):
    make_person(tree.so_a, post_level="TP", education="CD")
    make_person(tree.so_b, post_level="TP", education="DH")
    client.force_login(users.officer)
    response = client.get(url("compliance", "csv"), {"unit": tree.so_a.pk, "date": "01/09/2025"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "requirement,applicable,met,missing"
    # The learner of phong_a (CC, no post) and the TP of so_a.
    assert sorted(lines[1:]) == ["ANNUAL_HOURS,2,0,2", "POST_DEGREE,1,0,1", "POST_LDQL,1,0,1", "POST_LLCT,1,0,1"]
    assert client.get(url("compliance", "csv"), {"unit": tree.so_b.pk, "date": "01/09/2025"}).status_code == 404
    page = client.get(url("compliance"), {"unit": tree.so_a.pk, "date": "01/09/2025"})
    name = Requirement.objects.filter(code="POST_DEGREE").order_by("pk").first().name
    assert page.status_code == 200 and name in page.content.decode()  # the page names it; the CSV keeps the code


def test_annual_hours_page_reads_the_year(client, users, tree):
    client.force_login(users.province)
    response = client.get(url("annual-hours", "csv"), {"unit": tree.root.pk, "year": "2025"})
    assert response.status_code == 200
    assert response.content.decode() == "year,required_people,met,below\n2025,1,0,1\n"


def test_annual_hours_page_links_to_each_persons_hours(client, users, tree):
    client.force_login(users.province)
    page = client.get(url("annual-hours"), {"unit": tree.root.pk, "year": "2025"})
    link = f'{reverse("standards:review_code", args=["ANNUAL_HOURS"])}?unit={tree.root.pk}&amp;date=31/12/2025'
    assert page.status_code == 200 and link in page.content.decode()
