"""The people app's figures on the unit pages (registered on org.extensions): staff per unit in the tree, the subtree's
headcounts on the unit page, in a fixed number of queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.org.testing import make_unit
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def detail(unit):
    return reverse("org:unit_detail", args=[unit.pk])


@pytest.mark.parametrize("count", [5, 50])
def test_tree_and_search_run_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries, count):
    for i in range(count):
        unit = make_unit(f"N{i:03d}", f"Phòng số {i}", parent=tree.so_a, kind="PHONG")
        make_person(unit)
    client.force_login(users.province)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("org:unit_list"))
    assert len(response.context["rows"]) == 4
    with django_assert_max_num_queries(6):
        response = client.get(reverse("org:unit_children", args=[tree.so_a.pk]))
    assert len(response.context["rows"]) == count + 1
    with django_assert_max_num_queries(7):
        response = client.get(reverse("org:unit_list"), {"q": "phong so"})
    assert len(response.context["rows"]) == count
    with django_assert_max_num_queries(11):  # + the unit's lineage (predecessors, successors)
        response = client.get(detail(tree.so_a))
    assert response.context["counts"]["total"] == count + 1  # + the learner in phong_a


def test_unit_page_shows_details_breadcrumbs_children_and_subtree_headcounts(client, users, tree):
    make_person(tree.so_a, category="CC", gender="NU", ethnicity="Tày", party_member=True, education="THS")
    make_person(tree.phong_a, category="VC", education="")
    make_person(tree.so_b, category="CC")  # other subtree
    left = make_person(tree.so_a, category="CC")
    left.left_on = datetime.date(2025, 1, 1)
    left.save()
    client.force_login(users.province)
    response = client.get(detail(tree.so_a))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["total"] == 3  # learner + 2, not the one who left nor Sở Tài chính
    assert counts["category"] == {"CB": 0, "CC": 2, "VC": 1, "HD": 0}
    assert counts["gender"] == {"NAM": 2, "NU": 1}
    assert counts["minority"] == 1 and counts["party"] == 1
    assert counts["education"]["THS"] == 1 and counts["education"]["DH"] == 1 and counts["education"][None] == 1
    html = response.content.decode()
    assert "UBND tỉnh Thử" in html  # breadcrumbs
    assert "Phòng Tổ chức" in html  # children
    assert "SO_A" in html and "không rõ ngày" in html


def test_query_counts_do_not_grow_with_the_number_of_units(client, users, tree):
    client.force_login(users.province)
    urls = [
        reverse("org:unit_list"),
        reverse("org:unit_list") + "?q=phong",
        reverse("org:unit_children", args=[tree.so_a.pk]),
        detail(tree.so_a),
        reverse("home:home"),
    ]

    def measure():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    for i in range(5):
        make_person(make_unit(f"A{i:03d}", f"Phòng A{i}", parent=tree.so_a, kind="PHONG"))
    small = measure()
    for i in range(45):
        make_person(make_unit(f"B{i:03d}", f"Phòng B{i}", parent=tree.so_a, kind="PHONG"))
    assert measure() == small
