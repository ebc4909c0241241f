"""Review pages (counts, drill-down, .xlsx export) and the rule catalogue: scoped, with a fixed number of queries."""
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.org.testing import make_unit
from dtbd.people.catalog import LEVELS
from dtbd.people.testing import make_person
from dtbd.standards.models import Requirement

pytestmark = pytest.mark.django_db

DAY = "01/09/2025"


def review(client, **params):
    return client.get(reverse("standards:review"), {"date": DAY, **params})


def drill(client, code, **params):
    return client.get(reverse("standards:review_code", args=[code]), {"date": DAY, **params})


@pytest.fixture
def staff(tree):
    """In so_a: a TP with LLCT TC (meets POST_LLCT) and a TP without (misses it); in so_b a TP without."""
    ok = make_person(tree.phong_a, code="OK1", full_name="Nguyễn Văn Đạt", post_level="TP",
                     qualifications=[("LLCT", "TC", datetime.date(2020, 1, 2))])
    missing = make_person(tree.phong_a, code="MISS1", full_name="Trần Văn Thiếu", post_level="TP")
    other = make_person(tree.so_b, code="B1", full_name="Lê Văn Khác", post_level="TP")
    return ok, missing, other


def test_review_counts_with_names_and_links(client, users, tree, staff):
    client.force_login(users.officer)
    response = review(client)  # default unit: the officer's scope unit
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sở Nội vụ" in body
    counts = {c.code: c for c in response.context["rows"] and [r["counts"] for r in response.context["rows"]]}
    assert (counts["POST_LLCT"].applicable, counts["POST_LLCT"].met, counts["POST_LLCT"].missing) == (2, 1, 1)
    assert "Trung cấp LLCT trở lên" in body and "Nghị định 29/2024" in body
    assert reverse("standards:review_code", args=["POST_LLCT"]) + "?unit=" in body
    assert "missing=1" in body
    # per-unit breakdown: everyone of so_a works in phong_a
    assert [item["unit"].pk for item in response.context["by_unit"]] == [tree.phong_a.pk]


def test_review_filters_by_category_and_post_level(client, users, tree, staff):
    client.force_login(users.province)
    codes = lambda r: {row["counts"].code: row["counts"].applicable for row in r.context["rows"]}  # noqa: E731
    everyone = codes(review(client, unit=tree.root.pk))
    assert everyone["POST_LLCT"] == 3
    assert codes(review(client, unit=tree.root.pk, post_level="GD")) == {}
    assert codes(review(client, unit=tree.root.pk, category="VC")) == {}
    assert codes(review(client, unit=tree.root.pk, category="CC", post_level="TP"))["POST_LLCT"] == 3


def test_drill_down_lists_missing_people_with_evidence(client, users, tree, staff):
    ok, missing, other = staff
    client.force_login(users.officer)
    response = drill(client, "POST_LLCT", unit=tree.so_a.pk, missing="1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Trần Văn Thiếu" in body and "Nguyễn Văn Đạt" not in body and "Lê Văn Khác" not in body
    everyone = drill(client, "POST_LLCT", unit=tree.so_a.pk).content.decode()
    assert "Nguyễn Văn Đạt" in everyone and "Trung cấp" in everyone and "02/01/2020" in everyone
    assert "Phòng Tổ chức" in everyone
    assert drill(client, "NO_SUCH_CODE", unit=tree.so_a.pk).status_code == 404


def test_pages_name_requirements_not_their_codes(client, users, tree, staff):
    """The drill-down's title, breadcrumb and the per-unit table of the review read the requirement's name, not its
    code (POST_LLCT is for the machine)."""
    client.force_login(users.officer)
    name = Requirement.objects.filter(code="POST_LLCT").order_by("pk").first().name
    body = drill(client, "POST_LLCT", unit=tree.so_a.pk).content.decode()
    title = body[body.index("<h1>"):body.index("</h1>")]
    assert name in title and "POST_LLCT" not in title
    assert "POST_LLCT" not in body[body.index("<title>"):body.index("</title>")]
    units = review(client).content.decode()
    table = units[units.index('id="review-units"'):]
    header = table[:table.index("</thead>")]
    assert name in header and ">POST_LLCT<" not in header and "<code>POST_LLCT</code>" not in header


def test_drill_down_htmx_partial_and_pagination(client, users, tree):
    for i in range(55):
        make_person(tree.phong_a, code=f"P{i:03d}", full_name=f"Người {i:03d}", post_level="PTP")
    client.force_login(users.officer)
    response = drill(client, "POST_LLCT", unit=tree.so_a.pk, missing="1")
    assert len(response.context["page_obj"].object_list) == 50
    partial = client.get(
        reverse("standards:review_code", args=["POST_LLCT"]),
        {"date": DAY, "unit": tree.so_a.pk, "missing": "1", "page": "2"},
        headers={"HX-Request": "true", "HX-Target": "review-people"},
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body and body.count("badge-warn") == 5


def test_export_xlsx_of_the_drill_down(client, users, tree, staff):
    client.force_login(users.officer)
    response = client.get(
        reverse("standards:review_export", args=["POST_LLCT"]), {"date": DAY, "unit": tree.so_a.pk, "missing": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "POST_LLCT" in rows[0][0]
    data = [r for r in rows[3:] if r[0] != ""]
    assert len(data) == 1 and data[0][1] == "MISS1" and data[0][2] == "Trần Văn Thiếu" and data[0][5] == "Chưa đạt"
    assert data[0][3] == datetime.date(1985, 5, 17)  # a real date cell
    bad = client.get(reverse("standards:review_export", args=["POST_LLCT"]), {"date": "31/02/2025", "unit": tree.so_a.pk})
    assert bad.status_code == 400 and "Ngày rà soát" in bad.content.decode()


def _query_counts(client, tree):
    export = reverse("standards:review_export", args=["POST_LLCT"])
    counts = []
    for get in (
        lambda: review(client, unit=tree.so_a.pk),
        lambda: drill(client, "POST_LLCT", unit=tree.so_a.pk),
        lambda: drill(client, "POST_LLCT", unit=tree.so_a.pk, missing="1", category="CC", post_level="TP"),
        lambda: client.get(export, {"date": DAY, "unit": tree.so_a.pk}),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert get().status_code == 200
        counts.append(len(ctx))
    return counts


def _add_people(tree, n):
    for i in range(n):
        make_person(tree.phong_a, post_level="TP" if i % 2 else "PTP", qualifications=[("LLCT", "TC")] if i % 3 else [])


def test_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    """5 people or 50: the same number of queries on the review page, the drill-down and the export."""
    client.force_login(users.officer)
    _add_people(tree, 5)
    with_5 = _query_counts(client, tree)
    _add_people(tree, 45)
    assert _query_counts(client, tree) == with_5
    with django_assert_max_num_queries(20):
        review(client, unit=tree.so_a.pk)
    with django_assert_max_num_queries(15):  # + the unread-notices count of the menu
        drill(client, "POST_LLCT", unit=tree.so_a.pk)


def test_scope_refusals(client, users, tree, staff):
    client.force_login(users.officer)
    assert review(client, unit=tree.so_b.pk).status_code == 404
    assert review(client, unit="abc").status_code == 404
    assert drill(client, "POST_LLCT", unit=tree.so_b.pk).status_code == 404
    assert client.get(reverse("standards:review_export", args=["POST_LLCT"]), {"unit": tree.so_b.pk}).status_code == 404
    client.force_login(users.learner)
    assert review(client).status_code == 403
    assert drill(client, "POST_LLCT", unit=tree.phong_a.pk).status_code == 403
    assert client.get(reverse("standards:review_export", args=["POST_LLCT"]), {"unit": tree.phong_a.pk}).status_code == 403
    client.logout()
    assert review(client).status_code == 302


def test_unit_picker_is_limited_to_the_scope(client, users, tree):
    client.force_login(users.officer)
    units = set(review(client).context["form"].fields["unit"].queryset.values_list("pk", flat=True))
    assert units == {tree.so_a.pk, tree.phong_a.pk}
    client.force_login(users.province)
    response = review(client)
    assert response.context["params"].unit == tree.root


def test_catalogue_equivalences_give_level_names(client, users):
    """Thạc sĩ (hành chính) counts as the QLNN certificate for chuyên viên chính: levels by name, not THS / CVC."""
    client.force_login(users.officer)
    body = client.get(reverse("standards:catalogue")).content.decode()
    table = body[body.rindex("<table"):]
    assert "Thạc sĩ" in table and "Chuyên viên chính" in table
    assert " THS<" not in table and " CVC<" not in table and " CN<" not in table


def test_catalogue_reads_for_everyone_edits_for_managers(client, users):
    client.force_login(users.officer)
    page = client.get(reverse("standards:catalogue"))
    body = page.content.decode()
    assert page.status_code == 200 and "POST_LLCT" in body and "Nghị định 29/2024" in body
    assert "Cử nhân chính trị tương đương" in body  # equivalences
    assert reverse("standards:requirement_create") not in body
    r = Requirement.objects.filter(code="POST_DEGREE").first()
    for user in (users.officer, users.leader, users.learner):
        client.force_login(user)
        assert client.get(reverse("standards:requirement_create")).status_code == 403
        assert client.get(reverse("standards:requirement_edit", args=[r.pk])).status_code == 403
        assert client.post(reverse("standards:requirement_edit", args=[r.pk]), {"name": "x"}).status_code == 403
    assert Requirement.objects.get(pk=r.pk).name != "x"


def form_data(**overrides):
    data = {
        "code": "IT_BASIC", "name": "Tin học cơ bản", "legal_basis": "Thông tư 03/2014/TT-BTTTT", "kind": "QUALIFICATION",
        "qualification_type": "TH", "min_level": "CB", "categories": "cc", "valid_from": "01/01/2026",
    }
    data.update(overrides)
    return data


def test_manager_adds_and_edits_a_requirement(client, users):
    qtype = "TH" if "TH" in LEVELS else next(iter(LEVELS))
    level = next(iter(LEVELS[qtype]))
    client.force_login(users.province)
    response = client.post(reverse("standards:requirement_create"), form_data(qualification_type=qtype, min_level=level))
    assert response.status_code == 302, response.context["form"].errors
    r = Requirement.objects.get(code="IT_BASIC")
    assert r.categories == "CC" and r.valid_from == datetime.date(2026, 1, 1) and r.min_level_order is not None
    response = client.post(
        reverse("standards:requirement_edit", args=[r.pk]),
        form_data(qualification_type=qtype, min_level=level, categories="CC,XX", valid_to="01/01/2025"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "XX" in str(errors["categories"]) and "valid_to" in errors
    client.force_login(users.admin)
    response = client.post(
        reverse("standards:requirement_edit", args=[r.pk]), form_data(qualification_type=qtype, min_level=level, name="Tin học")
    )
    assert response.status_code == 302 and Requirement.objects.get(pk=r.pk).name == "Tin học"
    assert "IT_BASIC" in client.get(reverse("standards:catalogue")).content.decode()


def test_staff_page_compliance_panel(client, users, tree, staff, django_assert_max_num_queries):
    ok, missing, other = staff
    client.force_login(users.officer)
    body = client.get(reverse("people:person_detail", args=[ok.pk])).content.decode()
    panel = body[body.index('id="tieu-chuan"'):]
    assert "POST_LLCT" in panel and "Đạt" in panel and "Trung cấp" in panel and "02/01/2020" in panel
    # a TP is subject to the row of the lower posts only: its name, not the first row's
    assert "Trung cấp LLCT trở lên" in panel and "Cao cấp hoặc cử nhân LLCT" not in panel
    assert "cấp phòng trở lên" in panel and "cấp sở" not in panel
    body = client.get(reverse("people:person_detail", args=[missing.pk])).content.decode()
    panel = body[body.index('id="tieu-chuan"'):]
    assert "POST_LLCT" in panel and "Chưa đạt" in panel
    # the menu links to the review page
    assert reverse("standards:review") in body
    # bounded: the panel adds the catalogue reads and one status query, whatever the number of requirement rows
    with django_assert_max_num_queries(31):
        client.get(reverse("people:person_detail", args=[ok.pk]))
    client.force_login(users.learner)
    assert reverse("standards:review") not in client.get(reverse("people:person_detail", args=[users.learner.person_id])).content.decode()


def test_review_form_errors_and_htmx_partial(client, users, tree, staff):
    client.force_login(users.officer)
    response = review(client, unit=tree.so_a.pk, date="31/02/2025")
    body = response.content.decode()
    assert response.status_code == 200 and "alert-error" in body and "Ngày rà soát" in body
    partial = client.get(
        reverse("standards:review"), {"unit": tree.so_a.pk, "date": DAY, "category": "CC"},
        headers={"HX-Request": "true", "HX-Target": "review-result"},
    )
    body = partial.content.decode()
    assert "<html" not in body and 'data-code="POST_LLCT"' in body and "Công chức" in body


def test_no_default_unit_asks_without_error(client, users, tree):
    make_unit("T02", "UBND tỉnh Khác", kind="UBND_TINH")  # two roots: no single default for a province manager
    client.force_login(users.province)
    body = client.get(reverse("standards:review")).content.decode()
    assert "alert-error" not in body and "Chọn đơn vị và ngày rà soát" in body


def test_drill_down_with_nobody_still_offers_the_export(client, users, tree, staff):
    client.force_login(users.officer)
    response = drill(client, "POST_LLCT", unit=tree.so_a.pk, missing="1", post_level="GD")
    body = response.content.decode()
    assert response.status_code == 200 and "Không có ai." in body and 'id="review-export"' in body
