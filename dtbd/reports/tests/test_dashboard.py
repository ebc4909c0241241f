"""Dashboard /tong-quan/: figures computed in the database match the data, every figure links to the list behind
it (and that list shows exactly those rows), access is scoped, and the page runs a fixed number of queries."""
import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.reports import dashboard
from dtbd.reports.dashboard import Period
from dtbd.standards import engine
from dtbd.standards.models import Requirement
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.permissions import classes_for
from dtbd.training.testing import make_class, make_program

YEAR = 2025
PERIOD = Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31), datetime.date(YEAR, 12, 31))


pytestmark = pytest.mark.usefixtures("live_figures")


def completed(cls, person, on):
    return Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.NOMINATED,
                                     state=Enrollment.State.COMPLETED, completed_on=on)


@pytest.fixture
def province(tree):
    """People in so_a (3), its office (1) and the commune (2), with classes and completed enrolments in 2025."""
    a1 = make_person(tree.so_a, code="A1", gender="NU", birth_date=datetime.date(1995, 3, 1), post_level="GD",
                     qualifications=[("LLCT", "CC"), ("QLNN", "CVC")])
    a2 = make_person(tree.so_a, code="A2", ethnicity="Tày", education="THS", qualifications=[("LLCT", "TC")])
    a3 = make_person(tree.so_a, code="A3", education="CD")
    p1 = make_person(tree.phong_a, code="P1", gender="NU", qualifications=[("QLNN", "CV")])
    x1 = make_person(tree.xa, code="X1", birth_date=datetime.date(1996, 1, 1), education="TC")
    x2 = make_person(tree.xa, code="X2", gender="NU", category="HD")  # not CB/CC/VC: counted nowhere
    llct = make_program("LLCT_TC", name="Trung cấp LLCT", category="LLCT", kind="DEGREE", duration_tiet=800,
                        grants_type="LLCT", grants_level="TC")
    qlnn = make_program()
    c1 = make_class("C1", capacity=20, status=TrainingClass.Status.CLOSED, program=llct, starts_on=datetime.date(YEAR, 3, 1),
                    ends_on=datetime.date(YEAR, 4, 1), cost_estimate=100_000_000)
    c2 = make_class("C2", capacity=20, status=TrainingClass.Status.FINISHED, program=qlnn, starts_on=datetime.date(YEAR, 9, 1),
                    ends_on=datetime.date(YEAR, 9, 30), cost_estimate=40_500_000, abroad=True, country="SG",
                    form=TrainingClass.Form.ONLINE)
    make_class("C3", capacity=20, status=TrainingClass.Status.CANCELLED, program=qlnn, starts_on=datetime.date(YEAR, 10, 1),
               ends_on=datetime.date(YEAR, 10, 5), cost_estimate=7_000)
    make_class("C_OLD", capacity=20, status=TrainingClass.Status.CLOSED, program=qlnn, starts_on=datetime.date(YEAR - 1, 3, 1),
               ends_on=datetime.date(YEAR - 1, 4, 1), cost_estimate=1)
    for person in (a1, a2, p1, x1, x2):
        completed(c1, person, datetime.date(YEAR, 4, 1))
    for person in (a1, x1):
        completed(c2, person, datetime.date(YEAR, 9, 30))
    old = TrainingClass.objects.get(code="C_OLD")
    completed(old, a3, datetime.date(YEAR - 1, 4, 1))  # before the period
    Enrollment.objects.create(training_class=c2, person=a3, source="NOMINATED", state=Enrollment.State.FAILED)
    return type("P", (), dict(a1=a1, a2=a2, a3=a3, p1=p1, x1=x1, x2=x2, c1=c1, c2=c2))


def figures(pt):
    return {dim: {value: n for value, _label, n in rows} for dim, rows in pt.items()}


def test_person_times_by_dimension_and_group(tree, province):
    f = figures(dashboard.person_times(tree.root, PERIOD))
    assert f["all"][""] == 6  # 4 + 2 (X2 is HD; C_OLD before the period; the FAILED one not completed)
    assert f["category"]["LLCT"] == 4 and f["category"]["QLNN"] == 2 and f["category"]["CMNV"] == 0
    assert f["form"]["ONLINE"] == 2 and f["form"]["IN_PERSON"] == 4
    assert f["abroad"] == {"yes": 2, "no": 4}
    assert f["group"]["women"] == 3  # A1 twice, P1
    assert f["group"]["minority"] == 1  # A2 (Tày)
    assert f["group"]["under35"] == 4  # A1 (1995) twice, X1 (1996) twice
    assert f["group"]["leader"] == 2  # A1 holds a post
    assert f["group"]["commune"] == 2  # X1 twice
    # so_a's subtree only
    assert figures(dashboard.person_times(tree.so_a, PERIOD))["all"][""] == 4


def test_classes_and_cost_estimates(tree, province, users):
    rows, total = dashboard.classes_summary(classes_for(users.province), PERIOD)
    by_status = {s: (n, cost) for s, _l, n, cost in rows}
    assert by_status["CLOSED"] == (1, 100_000_000)
    assert by_status["FINISHED"] == (1, 40_500_000)
    assert by_status["CANCELLED"] == (1, 7_000)
    assert total == (2, 140_500_000)


def test_structures_call_the_registered_report(tree, province):
    edu, llct, qlnn = dashboard.build(tree.root, PERIOD, TrainingClass.objects.none(), with_targets=False).structures
    total = {code: n for code, _l, n in edu.rows[-1][2]}
    assert total["DH"] == 2 and total["THS"] == 1 and total["CD"] == 1 and total["TC"] == 1 and edu.rows[-1][3] == 5
    by_level = {row[0]: {code: n for code, _l, n in row[2]} for row in llct.rows}
    assert by_level["TINH"]["CC"] == 1 and by_level["TINH"]["TC"] == 1 and by_level["TINH"]["NONE"] == 2
    assert by_level["XA"]["NONE"] == 1 and by_level["ALL"]["NONE"] == 3
    qlnn_all = {code: n for code, _l, n in qlnn.rows[-1][2]}
    assert qlnn_all["CVC"] == 1 and qlnn_all["CV"] == 1 and qlnn_all["NONE"] == 3


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_dashboard_page_shows_figures_with_links(client, tree, province, users):
    response = _get(client, users.province, reverse("dashboard:index"), year=YEAR, unit=tree.root.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "140.500.000" in html  # Vietnamese number format
    assert f"/dao-tao/lop/?year={YEAR}&amp;status=CLOSED" in html
    assert "/tieu-chuan/ra-soat/" in html
    assert 'data-chart-for="pt-group"' in html and "chart.umd.min.js" in html and "dashboard.js" in html
    assert "<script>" not in html.replace("<script src", "")  # no inline scripts (CSP)
    match = re.search(r'href="(/tong-quan/luot-hoc/\?[^"]+dim=group&amp;value=women)"', html)
    assert match, "the women figure links to its list"
    drill = client.get(match.group(1).replace("&amp;", "&"))
    assert drill.status_code == 200
    codes = re.findall(r"<td>(A1|A2|A3|P1|X1|X2)</td>", drill.content.decode())
    assert sorted(codes) == ["A1", "A1", "P1"]


def test_compliance_rows_and_chart_labels_are_requirement_names(client, tree, province, users):
    """The compliance table and its chart read each requirement's name (e.g. the LLCT standard of a post), never its
    code (POST_LLCT, RANK_QLNN) on an axis."""
    html = _get(client, users.province, reverse("dashboard:index"), year=YEAR, unit=tree.root.pk).content.decode()
    section = html[html.index('id="compliance"'):]
    section = section[:section.index("</table>")]
    labels = re.findall(r'data-label="([^"]*)"', section)
    assert labels, "the compliance chart has labels"
    codes = set(Requirement.objects.values_list("code", flat=True))
    names = set(Requirement.objects.values_list("name", flat=True))
    assert not codes & set(labels) and set(labels) <= names
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th>', section)
    assert rows and not codes & set(rows)


def test_structure_cell_drills_down_to_people(client, tree, province, users):
    response = _get(client, users.province, reverse("dashboard:index"), year=YEAR, unit=tree.root.pk)
    html = response.content.decode()
    match = re.search(r'href="(/tong-quan/can-bo/\?[^"]+qtype=LLCT&amp;code=NONE&amp;level=TINH)"', html)
    assert match
    drill = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert sorted(re.findall(r"<td>(A1|A2|A3|P1|X1|X2)</td>", drill)) == ["A3", "P1"]


def test_date_range_period(client, tree, province, users):
    response = _get(client, users.province, reverse("dashboard:index"), unit=tree.root.pk,
                    date_from="01/01/2025", date_to="30/06/2025")
    assert response.status_code == 200
    board = response.context["board"]
    assert figures(board.person_times)["all"][""] == 4  # only C1 (April)
    bad = client.get(reverse("dashboard:index"), {"unit": tree.root.pk, "date_from": "01/07/2025"})
    assert bad.context["board"] is None and "Nhập đủ cả" in bad.content.decode()


def test_scope(client, tree, province, users):
    # the leader of so_a opens on so_a by default and may not read so_b or the root
    response = _get(client, users.leader, reverse("dashboard:index"), year=YEAR)
    assert response.status_code == 200 and response.context["board"].unit == tree.so_a
    assert figures(response.context["board"].person_times)["all"][""] == 4
    units = list(response.context["form"].fields["unit"].queryset)
    assert tree.so_b not in units and tree.root not in units
    assert client.get(reverse("dashboard:index"), {"unit": tree.so_b.pk}).status_code == 404
    assert client.get(reverse("dashboard:enrolments"), {"unit": tree.root.pk, "year": YEAR}).status_code == 404
    assert _get(client, users.learner, reverse("dashboard:index")).status_code == 403
    assert _get(client, users.learner, reverse("dashboard:people")).status_code == 403
    client.logout()
    assert client.get(reverse("dashboard:index")).status_code == 302


def test_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    """3 people vs 30 people and enrolments: the same number of queries."""
    program = make_program()
    cls = make_class("Q1", capacity=100, status=TrainingClass.Status.CLOSED, program=program,
                     starts_on=datetime.date(YEAR, 3, 1), ends_on=datetime.date(YEAR, 3, 9))
    client.force_login(users.province)
    url = reverse("dashboard:index")
    params = {"unit": tree.root.pk, "year": YEAR}

    def add(n):
        for _i in range(n):
            completed(cls, make_person(tree.so_a, post_level="TP", qualifications=[("LLCT", "TC")]), datetime.date(YEAR, 3, 9))

    add(3)
    client.get(url, params)  # warm caches (session, content types)

    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    add(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, params)
    assert figures(response.context["board"].person_times)["all"][""] == 30
    drill = reverse("dashboard:enrolments")
    with django_assert_max_num_queries(12):
        assert client.get(drill, {**params, "dim": "all"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboard:people"), {**params, "qtype": "LLCT", "code": "TC"}).status_code == 200


def test_class_drill_down_runs_the_same_queries_for_few_and_many_classes(client, tree, users, django_assert_num_queries):
    def add(n, start):
        for i in range(n):
            make_class(f"D{start + i:03d}", status=TrainingClass.Status.CLOSED,
                       starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 4, 9))

    client.force_login(users.province)
    url, params = reverse("dashboard:classes"), {"unit": tree.root.pk, "year": YEAR}
    add(3, 0)
    client.get(url, params)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    add(55, 3)
    with django_assert_num_queries(len(few)):
        response = client.get(url, params)
    assert response.context["page_obj"].paginator.count == 58 and len(response.context["page_obj"].object_list) == 50


def test_unknown_drill_down_figure_is_404(client, tree, users):
    client.force_login(users.province)
    params = {"unit": tree.root.pk, "year": YEAR}
    assert client.get(reverse("dashboard:enrolments"), {**params, "dim": "group", "value": "x"}).status_code == 404
    assert client.get(reverse("dashboard:people"), {**params, "qtype": "EDU", "code": "ZZ"}).status_code == 404
    assert client.get(reverse("dashboard:people"), {**params, "qtype": "EDU", "code": "DH", "level": "ZZ"}).status_code == 404


def test_cached_figures_say_when_they_were_computed(client, tree, province, users, settings):
    settings.DTBD_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(users.province)
    params = {"unit": tree.root.pk, "year": YEAR}
    first = client.get(reverse("dashboard:index"), params)
    assert "bản lưu tạm" not in first.content.decode()
    completed(province.c2, province.a2, datetime.date(YEAR, 9, 30))  # one more completed enrolment
    second = client.get(reverse("dashboard:index"), params)
    html = second.content.decode()
    assert "bản lưu tạm, tự tính lại sau 5 phút" in html and "Tính lại ngay" in html
    assert figures(second.context["board"].person_times)["all"][""] == 6  # the kept figures, said to be kept
    fresh = client.get(reverse("dashboard:index"), {**params, "refresh": "1"})
    assert figures(fresh.context["board"].person_times)["all"][""] == 7
    assert "bản lưu tạm" not in fresh.content.decode()
    cache.clear()


def test_annual_hours_equal_the_engine_summary(tree, province):
    make_person(tree.so_a, qualifications=[("BD", "GCN", datetime.date(YEAR, 5, 1))])
    for period in (PERIOD, Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31), datetime.date(YEAR, 6, 30)),
                   Period(datetime.date(YEAR - 1, 1, 1), datetime.date(YEAR - 1, 12, 31), datetime.date(YEAR, 6, 30))):
        board = dashboard.build(tree.root, period, TrainingClass.objects.none(), with_targets=False)
        expected = engine.annual_hours_summary(tree.root, period.date_to.year, dashboard.annual_hours_date(period))
        assert board.annual_hours == expected and expected[0] > 0


def test_the_dashboard_is_not_a_second_overview_and_says_whom_it_counts(client, tree, province, users):
    """The home page (Tổng quan) counts everyone in the register; the dashboard's figures count CB, CC and VC only
    (docs/domain.md §2): a distinct title, and a note near the staff figures with the number left out."""
    home = _get(client, users.province, reverse("home:home")).content.decode()
    response = _get(client, users.province, reverse("dashboard:index"), year=YEAR, unit=tree.root.pk)
    html = response.content.decode()

    def h1(page):
        return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()

    def title(page):
        return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()

    assert h1(home) == "Tổng quan"
    assert "Tổng quan" not in h1(html) and "Tổng quan" not in title(html) and h1(html).startswith("Bảng số liệu")
    sidebar = html[html.index('<aside class="sidebar" id="side-menu">'):html.index("</aside>")]
    assert ">Bảng số liệu</a>" in sidebar
    note = re.search(r'<p [^>]*id="staff-count-note"[^>]*>(.*?)</p>', html, re.S)
    assert note, "a note near the staff figures"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", note.group(1)))
    assert "cán bộ, công chức, viên chức" in text and "không tính 1 người lao động hợp đồng" in text


def test_the_funding_block_links_its_reports_by_title_not_code(client, tree, province, users):
    html = _get(client, users.province, reverse("dashboard:index"), year=YEAR, unit=tree.root.pk).content.decode()
    assert "postgrad-study, commitments" not in html
    assert 'href="/bao-cao/postgrad-study/"' in html
