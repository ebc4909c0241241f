import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.standards.models import Requirement

pytestmark = pytest.mark.django_db

URL = "/dao-tao/nhu-cau/"


@pytest.fixture
def rules(db):
    Requirement.objects.all().delete()
    Requirement.objects.create(code="T_LLCT", name="LLCT cao cấp", kind="QUALIFICATION", categories="CC",
                               qualification_type="LLCT", min_level="CC")
    Requirement.objects.create(code="T_QLNN", name="QLNN chuyên viên", kind="QUALIFICATION", categories="CC",
                               qualification_type="QLNN", min_level="CV")


def _rows(resp):
    return {need.codes: (need.people, {p.code for p in programs}) for need, programs in resp.context["rows"]}


def test_needs_map_to_programmes(client, users, tree, rules):
    # learner (phong_a) has nothing; one more has LLCT TC only; one has all
    make_person(tree.phong_a, qualifications=[("LLCT", "TC")])
    make_person(tree.phong_a, qualifications=[("LLCT", "CC"), ("QLNN", "CVC")])
    make_person(tree.so_b)  # outside so_a
    client.force_login(users.officer)
    resp = client.get(URL, {"unit": tree.so_a.pk, "date": "01/06/2026"})
    assert resp.status_code == 200
    rows = _rows(resp)
    assert rows[("T_LLCT",)] == (2, {"LLCT_CC"})
    assert rows[("T_QLNN",)] == (2, {"QLNN_CV", "QLNN_CVC", "QLNN_CVCC"})
    text = resp.content.decode()
    assert "Cao cấp lý luận chính trị" in text


def test_default_unit_is_scope_and_out_of_scope_is_404(client, users, tree, rules):
    client.force_login(users.officer)
    resp = client.get(URL)
    assert resp.status_code == 200
    assert resp.context["unit"] == tree.so_a
    assert client.get(URL, {"unit": tree.so_b.pk}).status_code == 404
    assert client.get(URL, {"unit": tree.root.pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    client.force_login(users.learner)
    assert client.get(URL, {"unit": tree.phong_a.pk}).status_code == 403


def test_bad_date_is_reported(client, users, tree, rules):
    client.force_login(users.province)
    resp = client.get(URL, {"unit": tree.root.pk, "date": "31/02/2026"})
    assert resp.status_code == 200
    assert "Ngày không hợp lệ" in resp.content.decode()


def test_needs_fixed_query_count(client, users, tree, rules):
    client.force_login(users.province)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(URL, {"unit": tree.root.pk, "date": "01/06/2026"})
        assert resp.status_code == 200
        return len(ctx)

    for _ in range(5):
        make_person(tree.phong_a)
    small = count()
    for _ in range(45):
        make_person(tree.phong_b, qualifications=[("LLCT", "TC")])
    assert count() == small
    Requirement.objects.create(code="T_QPAN", name="QPAN", kind="QUALIFICATION", categories="CC",
                               qualification_type="QPAN", min_level="DT4")
    assert count() == small


def test_unit_picker_scoped(client, users, tree, rules):
    client.force_login(users.officer)
    resp = client.get(URL, {"date": datetime.date(2026, 6, 1).strftime("%d/%m/%Y")})
    units = set(resp.context["form"].fields["unit"].queryset)
    assert tree.so_a in units and tree.phong_a in units and tree.so_b not in units
