import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.org.models import Unit
from dtbd.org.testing import make_unit

pytestmark = pytest.mark.django_db

PAST = datetime.date(2025, 6, 30)


def detail(unit):
    return reverse("org:unit_detail", args=[unit.pk])


# ---------- tree browser ----------


def test_tree_shows_scope_root_and_children_only(client, users, tree):
    client.force_login(users.officer)
    response = client.get(reverse("org:unit_list"))
    assert response.status_code == 200
    codes = [u.code for u in response.context["rows"]]
    assert codes == ["SO_A", "SO_A.P1"]
    html = response.content.decode()
    assert "Sở Tài chính" not in html and "UBND tỉnh Thử" not in html


def test_tree_is_ordered_by_path_and_lazy_loads_children(client, users, tree):
    deep = make_unit("SO_A.P1.T1", "Tổ Một", parent=tree.phong_a, kind="KHAC")
    client.force_login(users.province)
    rows = list(client.get(reverse("org:unit_list")).context["rows"])
    assert [u.code for u in rows] == ["T01", "SO_A", "SO_B", "XA01"]
    so_a = next(u for u in rows if u.code == "SO_A")
    assert so_a.child_count == 1
    # the children endpoint returns the rows to insert under a node
    response = client.get(reverse("org:unit_children", args=[tree.phong_a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [u.code for u in response.context["rows"]] == [deep.code]
    assert 'data-path="%s"' % deep.path in response.content.decode()


def test_children_of_a_unit_outside_scope_is_404(client, users, tree):
    client.force_login(users.officer)
    assert client.get(reverse("org:unit_children", args=[tree.so_b.pk])).status_code == 404


def test_search_is_accent_insensitive_and_filters(client, users, tree):
    client.force_login(users.province)
    response = client.get(reverse("org:unit_list"), {"q": "so noi vu"})
    assert [u.code for u in response.context["rows"]] == ["SO_A"]
    response = client.get(reverse("org:unit_list"), {"kind": "PHONG"})
    assert {u.code for u in response.context["rows"]} == {"SO_A.P1", "SO_B.P1"}
    response = client.get(reverse("org:unit_list"), {"level": "XA"})
    assert [u.code for u in response.context["rows"]] == ["XA01"]


def test_search_stays_in_scope(client, users, tree):
    client.force_login(users.officer)
    response = client.get(reverse("org:unit_list"), {"q": "phong"})
    assert [u.code for u in response.context["rows"]] == ["SO_A.P1"]


def test_htmx_filter_returns_only_the_results(client, users, tree):
    client.force_login(users.province)
    response = client.get(reverse("org:unit_list"), {"q": "tai chinh"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-results")
    html = response.content.decode()
    assert "Sở Tài chính" in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_dissolved_and_district_units_hidden_unless_asked_and_greyed(client, users, tree):
    make_unit("H01", "UBND huyện Cũ", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN", valid_to=PAST)
    make_unit("H02", "Phòng Lưu trữ huyện", parent=tree.root, kind="PHONG", admin_level="HUYEN")
    client.force_login(users.province)
    codes = [u.code for u in client.get(reverse("org:unit_list")).context["rows"]]
    assert "H01" not in codes and "H02" in codes
    response = client.get(reverse("org:unit_list"), {"dissolved": "on"})
    codes = [u.code for u in response.context["rows"]]
    assert "H01" in codes
    html = response.content.decode()
    assert "30/06/2025" in html and "đã giải thể" in html and "is-muted" in html


# ---------- unit page ----------


def test_unit_page_links_to_staff_list_filtered_by_unit(client, users, tree):
    client.force_login(users.officer)
    html = client.get(detail(tree.so_a)).content.decode()
    people_url = reverse("people:person_list")
    assert f"{people_url}?unit={tree.so_a.pk}" in html


def test_unit_page_shows_audit_history(client, users, tree):
    client.force_login(users.province)
    client.post(reverse("org:unit_edit", args=[tree.so_a.pk]), _form(tree.so_a, name="Sở Nội vụ tỉnh Thử"))
    entries = LogEntry.objects.get_for_object(tree.so_a)
    assert entries.filter(action=LogEntry.Action.UPDATE, actor=users.province).exists()
    html = client.get(detail(tree.so_a)).content.decode()
    assert "Sở Nội vụ tỉnh Thử" in html and "Cập nhật" in html and "tinh" in html


def test_officer_sees_ancestors_outside_scope_without_links(client, users, tree):
    client.force_login(users.officer)
    html = client.get(detail(tree.phong_a)).content.decode()
    assert "UBND tỉnh Thử" in html
    assert reverse("org:unit_detail", args=[tree.root.pk]) not in html


@pytest.mark.parametrize("role", ["officer", "leader", "institution", "learner"])
def test_units_outside_scope_are_404_for_every_role(client, users, tree, role):
    client.force_login(getattr(users, role))
    outside = tree.so_a if role == "institution" else tree.so_b
    for url in (
        detail(outside),
        detail(tree.root),
        reverse("org:unit_edit", args=[outside.pk]),
        reverse("org:unit_children", args=[outside.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("org:unit_edit", args=[outside.pk]), _form(outside, name="X")).status_code == 404
    outside.refresh_from_db()
    assert outside.name != "X"


def test_learner_sees_no_units(client, users, tree):
    client.force_login(users.learner)
    response = client.get(reverse("org:unit_list"))
    assert response.status_code == 200
    assert list(response.context["rows"]) == []


# ---------- create / edit ----------


def _form(unit=None, **overrides):
    data = {"code": "", "name": "", "kind": "PHONG", "admin_level": "TINH", "parent": "", "valid_from": "", "valid_to": ""}
    if unit is not None:
        data.update(
            code=unit.code, name=unit.name, kind=unit.kind, admin_level=unit.admin_level, parent=unit.parent_id or ""
        )
    data.update(overrides)
    return data


def test_officer_creates_a_unit_in_scope(client, users, tree):
    client.force_login(users.officer)
    response = client.post(
        reverse("org:unit_create"),
        _form(code="SO_A.P2", name="Phòng Công chức", parent=tree.so_a.pk, valid_from="01/07/2025"),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="SO_A.P2")
    assert unit.parent == tree.so_a and unit.path.startswith(tree.so_a.path)
    assert unit.valid_from == datetime.date(2025, 7, 1)
    assert LogEntry.objects.get_for_object(unit).filter(action=LogEntry.Action.CREATE, actor=users.officer).exists()


def test_create_form_offers_only_parents_in_scope_and_refuses_others(client, users, tree):
    client.force_login(users.officer)
    response = client.get(reverse("org:unit_create"), {"parent": tree.so_a.pk})
    parents = list(response.context["form"].fields["parent"].queryset.values_list("code", flat=True))
    assert parents == ["SO_A", "SO_A.P1"]
    response = client.post(reverse("org:unit_create"), _form(code="NEW", name="Mới", parent=tree.so_b.pk))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    response = client.post(reverse("org:unit_create"), _form(code="NEW", name="Mới"))
    assert "parent" in response.context["form"].errors  # an officer cannot create a root
    assert not Unit.objects.filter(code="NEW").exists()
    assert client.get(reverse("org:unit_create"), {"parent": tree.so_b.pk}).status_code == 404


def test_validity_dates_must_be_ordered(client, users, tree):
    client.force_login(users.province)
    response = client.post(
        reverse("org:unit_create"),
        _form(code="NEW", name="Mới", parent=tree.root.pk, valid_from="01/07/2025", valid_to="01/07/2025"),
    )
    errors = response.context["form"].errors
    assert "Ngày hết hiệu lực (01/07/2025) phải sau ngày hiệu lực (01/07/2025)." in errors["valid_to"]
    response = client.post(
        reverse("org:unit_create"), _form(code="NEW", name="Mới", parent=tree.root.pk, valid_from="31/02/2025")
    )
    assert "valid_from" in response.context["form"].errors
    assert not Unit.objects.filter(code="NEW").exists()


def test_no_new_district_units(client, users, tree):
    client.force_login(users.province)
    response = client.post(
        reverse("org:unit_create"), _form(code="H9", name="UBND huyện Mới", kind="UBND_HUYEN", admin_level="HUYEN", parent=tree.root.pk)
    )
    assert response.status_code == 200
    assert not Unit.objects.filter(code="H9").exists()


def test_duplicate_code_is_refused(client, users, tree):
    client.force_login(users.province)
    response = client.post(reverse("org:unit_create"), _form(code="SO_B", name="Trùng", parent=tree.root.pk))
    assert "code" in response.context["form"].errors


def test_province_manager_moves_a_unit_and_its_subtree(client, users, tree):
    client.force_login(users.province)
    response = client.post(reverse("org:unit_edit", args=[tree.so_a.pk]), _form(tree.so_a, parent=tree.so_b.pk))
    assert response.status_code == 302
    tree.phong_a.refresh_from_db()
    assert tree.phong_a.path.startswith(tree.so_b.path)


def test_a_unit_cannot_move_under_its_own_subtree(client, users, tree):
    client.force_login(users.province)
    response = client.post(reverse("org:unit_edit", args=[tree.so_a.pk]), _form(tree.so_a, parent=tree.phong_a.pk))
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_officer_edits_own_root_but_cannot_move_it(client, users, tree):
    client.force_login(users.officer)
    response = client.post(
        reverse("org:unit_edit", args=[tree.so_a.pk]), _form(tree.so_a, name="Sở Nội vụ (mới)", parent=tree.so_b.pk)
    )
    assert response.status_code == 302
    tree.so_a.refresh_from_db()
    assert tree.so_a.name == "Sở Nội vụ (mới)" and tree.so_a.parent == tree.root


@pytest.mark.parametrize("role", ["leader", "institution"])
def test_read_only_roles_cannot_create_or_edit(client, users, tree, role):
    user = getattr(users, role)
    client.force_login(user)
    own = user.scope_unit
    assert client.get(detail(own)).status_code == 200
    assert client.get(reverse("org:unit_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("org:unit_edit", args=[own.pk]), _form(own, name="X")).status_code == 403
    assert client.get(reverse("org:unit_create")).status_code == 403
    own.refresh_from_db()
    assert own.name != "X"
    assert "org/unit_edit" not in client.get(detail(own)).content.decode()


def test_search_results_are_paginated_keeping_the_filters(client, users, tree):
    for i in range(60):
        make_unit(f"P{i:03d}", f"Phòng Lưu trữ {i}", parent=tree.so_b, kind="PHONG")
    client.force_login(users.province)
    response = client.get(reverse("org:unit_list"), {"q": "luu tru"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-results")
    html = response.content.decode()
    assert len(response.context["rows"]) == 50
    assert 'hx-get="?q=luu+tru&amp;page=2"' in html and 'hx-target="#unit-results"' in html and 'hx-push-url="true"' in html
    assert "1–50 trên 60" in html
    response = client.get(reverse("org:unit_list"), {"q": "luu tru", "page": 2})
    assert len(response.context["rows"]) == 10


def test_audit_history_hides_technical_fields(client, users, tree):
    client.force_login(users.province)
    client.post(reverse("org:unit_edit", args=[tree.so_b.pk]), _form(tree.so_b, valid_from="01/01/2008"))
    html = client.get(detail(tree.so_b)).content.decode()
    assert "01/01/2008" in html
    assert "org.Unit.None" not in html and "UnitAssignment.None" not in html


@pytest.mark.browser
def test_tree_expands_and_collapses_in_chromium(live_server, page, users, tree):
    """htmx loads a node's children under its row; collapsing removes them (static/dtbd/app.js)."""
    from playwright.sync_api import expect

    make_unit("SO_A.P1.T1", "Tổ Lưu trữ", parent=tree.phong_a, kind="KHAC")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "donvi")
    page.fill("input[name=password]", "demo12345")
    page.click(".login-card button[type=submit]")
    page.goto(live_server.url + reverse("org:unit_list"))
    row = page.locator(f'tr[data-path="{tree.phong_a.path}"]')
    assert page.locator("text=Tổ Lưu trữ").count() == 0
    row.locator(".tree-expand").click()
    page.locator("text=Tổ Lưu trữ").wait_for()
    assert "is-open" in row.get_attribute("class")
    row.locator(".tree-collapse").click()
    assert page.locator("text=Tổ Lưu trữ").count() == 0
    # filtering by an unaccented name swaps the results without reloading the page
    page.fill("#unit-q", "to chuc")
    expect(page.locator("#unit-results tbody tr")).to_have_count(1)  # no string eval: the CSP forbids it
    assert "Phòng Tổ chức" in page.locator("#unit-results tbody").inner_text()
    assert "q=to" in page.url  # hx-push-url keeps the filter in the address bar


def test_unit_list_runs_the_same_queries_for_few_and_many_units(client, users, tree, django_assert_num_queries):
    """The search results and the tree: the number of queries does not grow with the number of units."""
    client.force_login(users.province)
    url = reverse("org:unit_list")
    search = {"q": "phong"}
    client.get(url, search)  # warm the session

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx)

    few_search, few_tree = count(search), count({})
    for i in range(60):  # more than a page of results, and more children under the departments
        make_unit(f"SO_A.Q{i:02d}", f"Phòng số {i}", parent=tree.so_a if i % 2 else tree.so_b, kind="PHONG")
    with django_assert_num_queries(few_search):
        response = client.get(url, search)
    assert response.context["page_obj"].paginator.count == 62 and len(response.context["rows"]) == 50
    with django_assert_num_queries(few_tree):
        client.get(url)
