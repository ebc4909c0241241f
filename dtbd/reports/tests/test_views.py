"""Report pages: list, form limited to the user's scope, table on screen, downloads; refusals by URL."""
import datetime

import pytest
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person

from .test_seed_000 import build_seed_000

pytestmark = pytest.mark.django_db

NAME = "qualification-structure"
PAGE = reverse("reports:report", args=[NAME])


def download_url(fmt):
    return reverse("reports:download", args=[NAME, fmt])


@pytest.fixture
def staff(users, tree):
    make_person(tree.so_a, education="THS")
    make_person(tree.so_b, education="TS")
    make_person(tree.xa, category="CB", education="TC")
    return users


def test_index_is_at_bao_cao_and_lists_the_reports(client, staff):
    assert reverse("reports:index") == "/bao-cao/"
    client.force_login(staff.officer)
    html = client.get("/bao-cao/").content.decode()
    assert "Cơ cấu trình độ chuyên môn theo cấp hành chính" in html
    assert f'href="{PAGE}"' in html


def test_anonymous_is_sent_to_login(client, staff):
    for url in ("/bao-cao/", PAGE, download_url("csv")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_learner_has_no_unit_reports(client, staff):
    client.force_login(staff.learner)
    assert client.get("/bao-cao/").status_code == 403
    assert client.get(PAGE).status_code == 403


def test_unknown_report_or_format_is_404(client, staff, tree):
    client.force_login(staff.province)
    assert client.get(reverse("reports:report", args=["khong-co"])).status_code == 404
    assert client.get(download_url("odt"), {"unit": tree.root.pk, "date": "01/07/2026"}).status_code == 404


def test_officer_picks_only_units_of_their_subtree(client, staff, tree):
    client.force_login(staff.officer)
    response = client.get(PAGE)
    assert response.status_code == 200
    choices = {option.value for option, _label in response.context["form"].fields["unit"].choices}
    assert choices == {tree.so_a.pk, tree.phong_a.pk}
    assert response.context["form"]["unit"].value() == tree.so_a.pk  # their scope's root preselected
    assert response.context["result"] is None


def test_officer_is_refused_another_units_report_by_url(client, staff, tree):
    client.force_login(staff.officer)
    for unit in (tree.so_b, tree.phong_b, tree.root, tree.xa):
        query = {"unit": unit.pk, "date": "01/07/2026"}
        assert client.get(PAGE, query).status_code == 404
        assert client.get(download_url("csv"), query).status_code == 404
        assert client.get(download_url("xlsx"), query).status_code == 404
        assert client.get(download_url("pdf"), query).status_code == 404
    for bad in ("SO_B", "999999", ""):
        assert client.get(PAGE, {"unit": bad}).status_code == 404
    assert client.get(download_url("csv")).status_code == 404


def test_leader_is_read_only_but_sees_reports_of_their_subtree(client, staff, tree):
    client.force_login(staff.leader)
    assert client.get(PAGE, {"unit": tree.so_a.pk, "date": "01/07/2026"}).status_code == 200
    assert client.get(PAGE, {"unit": tree.so_b.pk, "date": "01/07/2026"}).status_code == 404


def test_table_on_screen_and_download_links(client, staff, tree):
    client.force_login(staff.officer)
    response = client.get(PAGE, {"unit": tree.so_a.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    result = response.context["result"]
    # The learner (CC, ĐH, in phong_a) and a ThS in so_a.
    assert result.rows == [("TINH", 0, 1, 1, 0, 0, 0, 0, 2), ("ALL", 0, 1, 1, 0, 0, 0, 0, 2)]
    html = response.content.decode()
    assert "Cấp tỉnh" in html and "Tổng cộng" in html and "01/07/2026" in html
    assert f'href="{download_url("csv")}?unit={tree.so_a.pk}&amp;date=01%2F07%2F2026"' in html
    for fmt in ("xlsx", "pdf"):  # built by a background job (dtbd.reports.jobs): a POST form to start it
        job_url = reverse("reports:download_job", args=[NAME, fmt])
        assert f'action="{job_url}?unit={tree.so_a.pk}&amp;date=01%2F07%2F2026"' in html


def test_csv_download_is_the_command_output(client, staff, tree):
    client.force_login(staff.province)
    response = client.get(download_url("csv"), {"unit": tree.root.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="co-cau-trinh-do-chuyen-mon-theo-cap-hanh-chinh-T01-2026-07-01.csv"' in response["Content-Disposition"]
    assert response.content.decode() == (
        "level,TS,THS,DH,CD,TC,SC,CQDT,total\n"
        "TINH,1,1,1,0,0,0,0,3\n"
        "XA,0,0,0,0,1,0,0,1\n"
        "ALL,1,1,1,0,1,0,0,4\n"
    )


def test_xlsx_download_opens_with_calamine(client, staff, tree):
    from python_calamine import CalamineWorkbook

    client.force_login(staff.province)
    response = client.get(download_url("xlsx"), {"unit": tree.root.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert [[r[0]] + [int(v) for v in r[1:]] for r in sheet[5:]] == [
        ["Cấp tỉnh", 1, 1, 1, 0, 0, 0, 0, 3],
        ["Cấp xã", 0, 0, 0, 0, 1, 0, 0, 1],
        ["Tổng cộng", 1, 1, 1, 0, 1, 0, 0, 4],
    ]


def test_bad_date_is_explained(client, staff, tree):
    client.force_login(staff.officer)
    response = client.get(PAGE, {"unit": tree.so_a.pk, "date": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "Ngày báo cáo" in response.content.decode()
    response = client.get(download_url("csv"), {"unit": tree.so_a.pk, "date": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày báo cáo" in response.content.decode()


def test_htmx_request_gets_only_the_result(client, staff, tree):
    client.force_login(staff.officer)
    response = client.get(
        PAGE, {"unit": tree.so_a.pk, "date": "01/07/2026"}, headers={"HX-Request": "true", "HX-Target": "report-result"}
    )
    html = response.content.decode()
    assert "<html" not in html and "Tổng cộng" in html


def test_numbers_are_shown_vietnamese_style(client):
    root = build_seed_000()
    client.force_login(make_user("tinh", Role.PROVINCE))
    html = client.get(PAGE, {"unit": root.pk, "date": "31/12/2024"}).content.decode()
    for figure in ("3.923", "4.845", "2.945", "7.594", "8.641"):
        assert f'<td class="num">{figure}</td>' in html
