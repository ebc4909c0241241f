"""The plan pages (docs/domain.md §13.2): scope and refusals, the whole flow through the pages, fixed query counts."""
import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from dtbd.org.testing import make_unit
from dtbd.plans.models import ClassLine, LineCost, Plan, PlanEvent
from dtbd.plans.services import workflow
from dtbd.training.models import TrainingClass
from dtbd.training.testing import make_program, school_provider

pytestmark = pytest.mark.django_db
S = Plan.Status
YEAR = 2027


def client_of(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _plan(user, unit, year=YEAR, title=None, lines=1, provider=None):
    plan = workflow.create_plan(user, unit, year, title or f"Kế hoạch ĐTBD {unit.name} {year}")
    for i in range(lines):
        workflow.add_line(plan, user, program=make_program(), provider=provider, people=10 + i, classes=1, quarter=1,
                          costs={"NSTINH": Decimal(1_000_000)})
    return plan


def _approve(plan, users):
    workflow.transition(plan, S.SUBMITTED, users.province)
    workflow.transition(plan, S.APPROVED, users.province, decision_no="1/QĐ")
    return Plan.objects.get(pk=plan.pk)


def test_list_is_scoped_and_filtered(tree, users):
    mine = _plan(users.officer, tree.so_a, title="Kế hoạch Sở Nội vụ")
    _plan(users.province, tree.so_b, title="Kế hoạch Sở Tài chính")
    body = client_of(users.officer).get("/ke-hoach/").content.decode()
    assert "Kế hoạch Sở Nội vụ" in body and "Kế hoạch Sở Tài chính" not in body
    body = client_of(users.province).get("/ke-hoach/").content.decode()
    assert "Kế hoạch Sở Nội vụ" in body and "Kế hoạch Sở Tài chính" in body
    body = client_of(users.province).get("/ke-hoach/", {"unit": tree.so_b.pk, "status": "DRAFT"}).content.decode()
    assert "Kế hoạch Sở Nội vụ" not in body and "Kế hoạch Sở Tài chính" in body
    body = client_of(users.province).get("/ke-hoach/", {"year": YEAR + 1}).content.decode()
    assert "Kế hoạch Sở" not in body
    leader = client_of(users.leader).get("/ke-hoach/")
    assert leader.status_code == 200 and "Kế hoạch Sở Nội vụ" in leader.content.decode()
    assert "Lập kế hoạch" not in leader.content.decode()
    assert client_of(users.learner).get("/ke-hoach/").status_code == 403
    assert client_of(users.officer).get(f"/ke-hoach/{mine.pk}/").status_code == 200


def test_list_runs_a_fixed_number_of_queries(tree, users, django_assert_max_num_queries):
    client = client_of(users.province)
    _plan(users.province, tree.root, lines=2)
    with django_assert_max_num_queries(12) as one:
        assert client.get("/ke-hoach/").status_code == 200
    for i in range(19):
        unit = make_unit(f"U_LIST{i}", f"Đơn vị {i}", parent=tree.root)
        _plan(users.province, unit, lines=3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/ke-hoach/")
    assert response.content.decode().count("/ke-hoach/") >= 20


def test_out_of_scope_plan_is_404_and_never_named(tree, users):
    other = _plan(users.province, tree.so_b, title="Kế hoạch bí mật Sở Tài chính")
    line = other.lines.get()
    client = client_of(users.officer)
    for url in (f"/ke-hoach/{other.pk}/", f"/ke-hoach/{other.pk}/sua/", f"/ke-hoach/{other.pk}/them-dong/",
                f"/ke-hoach/dong/{line.pk}/sua/", f"/ke-hoach/dong/{line.pk}/mo-lop/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "bí mật" not in response.content.decode()
    for url in (f"/ke-hoach/{other.pk}/chuyen-trang-thai/", f"/ke-hoach/{other.pk}/y-kien/",
                f"/ke-hoach/{other.pk}/dieu-chinh/", f"/ke-hoach/{other.pk}/tong-hop/",
                f"/ke-hoach/dong/{line.pk}/xoa/"):
        assert client.post(url, {"to": "SUBMITTED", "comment": "x"}).status_code == 404, url
    assert Plan.objects.get(pk=other.pk).status == S.DRAFT and other.lines.count() == 1


def test_leader_reads_but_gets_403_on_write_pages(tree, users):
    plan = _plan(users.officer, tree.so_a)
    line = plan.lines.get()
    client = client_of(users.leader)
    page = client.get(f"/ke-hoach/{plan.pk}/")
    assert page.status_code == 200 and "Trình phê duyệt" not in page.content.decode()
    assert client.get("/ke-hoach/lap-moi/").status_code == 403
    for url in (f"/ke-hoach/{plan.pk}/sua/", f"/ke-hoach/{plan.pk}/them-dong/", f"/ke-hoach/dong/{line.pk}/sua/"):
        assert client.get(url).status_code == 403, url
    for url, data in ((f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "SUBMITTED"}),
                      (f"/ke-hoach/{plan.pk}/y-kien/", {"comment": "x"}),
                      (f"/ke-hoach/dong/{line.pk}/xoa/", {})):
        assert client.post(url, data).status_code == 403, url
    assert Plan.objects.get(pk=plan.pk).status == S.DRAFT and plan.lines.count() == 1
    assert not PlanEvent.objects.filter(plan=plan, user=users.leader).exists()


def test_unit_officer_cannot_approve_through_the_page(tree, users):
    plan = _plan(users.officer, tree.so_a)
    client = client_of(users.officer)
    client.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "SUBMITTED"})
    assert Plan.objects.get(pk=plan.pk).status == S.SUBMITTED
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert 'value="APPROVED"' not in page
    response = client.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "APPROVED", "decision_no": "1"})
    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == S.SUBMITTED


def test_the_whole_flow_through_the_pages(tree, users):
    officer, province = client_of(users.officer), client_of(users.province)
    program, provider = make_program(), school_provider(tree)
    response = officer.post("/ke-hoach/lap-moi/", {"unit": tree.so_a.pk, "year": YEAR, "title": "Kế hoạch 2027"})
    plan = Plan.objects.get(unit=tree.so_a, year=YEAR)
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{plan.pk}/"
    again = officer.post("/ke-hoach/lap-moi/", {"unit": tree.so_a.pk, "year": YEAR, "title": "Lần hai"})
    assert again.status_code == 200 and "đã có kế hoạch năm 2027" in again.content.decode()
    line_data = {"program": program.pk, "target_group": "Chuyên viên", "people": 40, "classes": 1,
                 "form": "IN_PERSON", "provider": provider.pk, "quarter": 2, "cost_NSTINH": "120000000"}
    bad = officer.post(f"/ke-hoach/{plan.pk}/them-dong/", {**line_data, "cost_DON_VI": "-5"})
    assert bad.status_code == 200 and "Dự toán không được âm" in bad.content.decode()
    assert officer.post(f"/ke-hoach/{plan.pk}/them-dong/", line_data).status_code == 302
    line = plan.lines.get()
    assert LineCost.objects.get(line=line).amount == 120_000_000
    page = officer.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "120.000.000" in page and "Trình phê duyệt" in page
    officer.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "SUBMITTED"})
    province.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "DRAFT", "comment": "Ghi rõ đối tượng"})
    assert Plan.objects.get(pk=plan.pk).status == S.DRAFT
    officer.post(f"/ke-hoach/{plan.pk}/y-kien/", {"comment": "Đã bổ sung"})
    officer.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/", {"to": "SUBMITTED"})
    province.post(f"/ke-hoach/{plan.pk}/chuyen-trang-thai/",
                  {"to": "APPROVED", "decision_no": "45/QĐ-UBND", "approved_on": "20/12/2026"})
    plan.refresh_from_db()
    assert (plan.status, plan.decision_no, plan.approved_on) == (S.APPROVED, "45/QĐ-UBND", datetime.date(2026, 12, 20))
    page = officer.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Ghi rõ đối tượng" in page and "Đã bổ sung" in page and "Lịch sử thay đổi" in page
    # the approved plan's line cannot be edited: back to the plan with the reason
    edit = officer.post(f"/ke-hoach/dong/{line.pk}/sua/", {**line_data, "people": 1}, follow=True)
    assert "bản điều chỉnh" in edit.content.decode() and plan.lines.get().people == 40
    # open a class (the institution runs the school of so_b; here the manager opens it)
    form = province.get(f"/ke-hoach/dong/{line.pk}/mo-lop/")
    assert form.status_code == 200 and 'value="40"' in form.content.decode()
    opened = province.post(f"/ke-hoach/dong/{line.pk}/mo-lop/", {
        "code": "KH27-01", "name": "Lớp QLNN", "form": "IN_PERSON", "starts_on": "01/04/2027",
        "ends_on": "30/04/2027", "capacity": 40})
    cls = TrainingClass.objects.get(code="KH27-01")
    assert opened.status_code == 302 and opened["Location"] == f"/dao-tao/lop/{cls.pk}/"
    assert ClassLine.objects.get(training_class=cls).line == line
    assert Plan.objects.get(pk=plan.pk).status == S.IN_EXECUTION
    # revise: new revision, change, diff
    revised = officer.post(f"/ke-hoach/{plan.pk}/dieu-chinh/")
    rev = Plan.objects.get(previous=plan)
    assert revised["Location"] == f"/ke-hoach/{rev.pk}/"
    officer.post(f"/ke-hoach/dong/{rev.lines.get().pk}/sua/", {**line_data, "people": 55})
    diff = officer.get(f"/ke-hoach/{rev.pk}/so-sanh/").content.decode()
    assert "55" in diff and "40" in diff and "Dòng thay đổi" in diff
    assert officer.get(f"/ke-hoach/{plan.pk}/so-sanh/").status_code == 404  # revision 0 has no previous


def test_institution_sees_approved_plans_of_its_providers_and_opens_classes(tree, users):
    provider = school_provider(tree)
    plan = _approve(_plan(users.province, tree.so_a, provider=provider, title="Kế hoạch có lớp của trường"), users)
    _plan(users.province, tree.so_b, title="Kế hoạch không liên quan")
    client = client_of(users.institution)
    body = client.get("/ke-hoach/").content.decode()
    assert "Kế hoạch có lớp của trường" in body and "không liên quan" not in body
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Mở lớp" in page and "Lập bản điều chỉnh" not in page
    line = plan.lines.get()
    assert client.post(f"/ke-hoach/{plan.pk}/dieu-chinh/").status_code == 403
    response = client.post(f"/ke-hoach/dong/{line.pk}/mo-lop/", {
        "code": "TR-01", "name": "Lớp của trường", "form": "IN_PERSON", "starts_on": "01/04/2027",
        "ends_on": "30/04/2027", "capacity": 10})
    assert response.status_code == 302
    assert ClassLine.objects.get(training_class__code="TR-01").line == line


def test_the_lines_table_scrolls_sideways_so_its_buttons_stay_reachable(tree, users):
    """The lines table has a column per funding source after eight others: wider than the page's card at common screen
    widths. The card clips what overflows (.card.flush), so the table sits in a wrapper that scrolls sideways
    (.table-wrap) — otherwise the last column, with "Mở lớp", "Sửa" and "Xoá", could not be reached."""
    plan = _approve(_plan(users.province, tree.so_a, provider=school_provider(tree)), users)
    page = client_of(users.province).get(f"/ke-hoach/{plan.pk}/").content.decode()
    wrapped = re.search(r'<div class="table-wrap">\s*<table class="data plan-lines">(.*?)</table>\s*</div>', page, re.S)
    assert wrapped and "Mở lớp" in wrapped.group(1)
    with open(finders.find("dtbd/app.css"), encoding="utf-8") as css:
        assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", css.read())


def test_consolidation_page(tree, users):
    province_plan = _plan(users.province, tree.root, lines=0, title="Kế hoạch tỉnh")
    unit = _plan(users.officer, tree.so_a, lines=2)
    workflow.transition(unit, S.SUBMITTED, users.officer)
    client = client_of(users.province)
    assert "Sở Nội vụ" in client.get(f"/ke-hoach/{province_plan.pk}/").content.decode()
    client.post(f"/ke-hoach/{province_plan.pk}/tong-hop/")
    client.post(f"/ke-hoach/{province_plan.pk}/tong-hop/")
    assert province_plan.lines.count() == 2
    assert client_of(users.officer).post(f"/ke-hoach/{unit.pk}/tong-hop/").status_code == 403


def test_a_draft_is_deleted_by_post_only_by_who_may_change_it(tree, users):
    plan = _plan(users.officer, tree.so_a)
    assert client_of(users.officer).get(f"/ke-hoach/{plan.pk}/xoa/").status_code == 405
    assert client_of(users.leader).post(f"/ke-hoach/{plan.pk}/xoa/").status_code == 403
    response = client_of(users.officer).post(f"/ke-hoach/{plan.pk}/xoa/")
    assert response.status_code == 302 and response["Location"] == "/ke-hoach/"
    assert not Plan.objects.filter(unit=tree.so_a).exists()


def test_plan_page_runs_a_fixed_number_of_queries(tree, users, django_assert_max_num_queries):
    client = client_of(users.province)
    school = school_provider(tree)
    small = _approve(_plan(users.province, tree.so_a, lines=1, provider=school), users)
    big = _approve(_plan(users.province, tree.so_b, lines=15, provider=school), users)
    with django_assert_max_num_queries(40) as one:
        assert client.get(f"/ke-hoach/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/ke-hoach/{big.pk}/").status_code == 200
