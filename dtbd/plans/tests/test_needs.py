"""The needs register (docs/domain.md §13.1): needs from the review, unit requests and their dedup, scope, pages."""
import datetime
import io
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.models import ExportLog, Source
from dtbd.people.models import JobAssignment, JobPosition, PlannedPost, Qualification
from dtbd.people.testing import make_person
from dtbd.plans.models import Need, NeedRequest, Priority, Reason
from dtbd.plans.services import needs as services
from dtbd.standards.models import Requirement
from dtbd.training.models import Program
from dtbd.training.testing import make_program

pytestmark = pytest.mark.django_db

YEAR = 2027
ON = datetime.date(2026, 6, 1)


@pytest.fixture
def cat(tree):
    """A catalogue of our own: the seeded rules and programmes put aside."""
    Requirement.objects.all().delete()
    for p in Program.objects.filter(active=True):
        p.active = False
        p.save()
    job = JobPosition.objects.create(name="Thanh tra viên")
    progs = SimpleNamespace(
        llct_tc=make_program("T_LLCT_TC", name="Trung cấp LLCT", category="LLCT", grants_type="LLCT", grants_level="TC"),
        llct_cc=make_program("T_LLCT_CC", name="Cao cấp LLCT", category="LLCT", grants_type="LLCT", grants_level="CC"),
        llct_cc2=make_program("T_LLCT_CC_Z", name="Cao cấp LLCT (khác)", category="LLCT", grants_type="LLCT",
                              grants_level="CC"),
        phong=make_program("T_QLLD_P", name="Bồi dưỡng lãnh đạo cấp phòng", category="LDQL", grants_type="LDQL",
                           grants_level="CAP_PHONG"),
        tt=make_program("T_NV_TT", name="Nghiệp vụ thanh tra", category="CMNV", grants_type="", grants_level=""),
    )
    rules = [
        dict(code="TP_LLCT", name="Trưởng phòng: LLCT trung cấp", post_levels="TP", kind="QUALIFICATION",
             qualification_type="LLCT", min_level="TC"),
        dict(code="TP_QLLD", name="Trưởng phòng: bồi dưỡng cấp phòng", post_levels="TP", kind="QUALIFICATION",
             qualification_type="LDQL", min_level="CAP_PHONG"),
        dict(code="QH_GD_LLCT", name="Quy hoạch giám đốc: LLCT cao cấp", planned_levels="GD", kind="QUALIFICATION",
             qualification_type="LLCT", min_level="CC"),
        dict(code="VTVL_TT", name="Thanh tra viên: nghiệp vụ thanh tra", job_position=job, kind="PROGRAMME",
             programme_code="T_NV_TT"),
        dict(code="HOURS", name="40 tiết mỗi năm", kind="ANNUAL_HOURS", hours=40),
    ]
    for rule in rules:
        Requirement.objects.create(**rule)
    return SimpleNamespace(job=job, p=progs)


def _planned(person, level="GD", valid_to=None):
    PlannedPost.objects.create(person=person, level=level, valid_to=valid_to, source=Source.IMPORTED)


@pytest.fixture
def staff(tree, cat):
    a = make_person(tree.phong_a, code="A_TP", post_level="TP")
    b = make_person(tree.phong_a, code="B_OK", post_level="TP", qualifications=[("LLCT", "TC"), ("LDQL", "CAP_PHONG")])
    c = make_person(tree.phong_a, code="C_TPQH", post_level="TP", qualifications=[("LDQL", "CAP_PHONG")])
    _planned(c, valid_to=datetime.date(2030, 12, 31))
    d = make_person(tree.so_a, code="D_QH", qualifications=[("LLCT", "TC")])
    _planned(d, valid_to=datetime.date(2029, 6, 30))
    e = make_person(tree.so_a, code="E_TT")
    JobAssignment.objects.create(person=e, job_position=cat.job, source=Source.IMPORTED)
    f = make_person(tree.phong_b, code="F_NGOAI", full_name="Phan Văn Ngoàiphạmvi", post_level="TP")
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f)


def rows():
    return {
        (n.person.code, n.program.code): (n.reason, n.reasons, n.requirement_codes, n.due_on, n.waiting_since, n.met)
        for n in Need.objects.select_related("person", "program")
    }


def test_collect_from_review_builds_one_row_per_person_and_programme(tree, users, staff):
    counts = services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    assert rows() == {
        # post held: both gaps of a head of office, due now
        ("A_TP", "T_LLCT_TC"): ("LEGAL", "LEGAL", "TP_LLCT", ON, ON, False),
        ("A_TP", "T_QLLD_P"): ("LEGAL", "LEGAL", "TP_QLLD", ON, ON, False),
        # missing TC (post held) and CC (planned): one course, the CC one (lowest code), both reasons
        ("C_TPQH", "T_LLCT_CC"): ("LEGAL", "LEGAL,PLANNED_POST", "QH_GD_LLCT,TP_LLCT", ON, ON, False),
        # planned post only: due at the end of the planning term
        ("D_QH", "T_LLCT_CC"): ("PLANNED_POST", "PLANNED_POST", "QH_GD_LLCT", datetime.date(2029, 6, 30), ON, False),
        ("E_TT", "T_NV_TT"): ("JOB_POSITION", "JOB_POSITION", "VTVL_TT", None, ON, False),
    }
    assert counts == {"created": 5, "changed": 0, "unchanged": 0, "met": 0}
    assert set(Need.objects.values_list("unit__code", flat=True)) == {"SO_A.P1", "SO_A"}
    assert LogEntry.objects.filter(content_type__model="need", action=LogEntry.Action.CREATE).count() == 5


def test_recollecting_is_idempotent_and_keeps_waiting_since(tree, users, staff):
    services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    first = rows()
    later = datetime.date(2026, 9, 1)
    counts = services.collect_from_review(tree.so_a, YEAR, users.officer, date=later)
    after = rows()
    assert counts["created"] == 0 and counts["met"] == 0
    assert {k: v[4] for k, v in after.items()} == {k: v[4] for k, v in first.items()}  # waiting_since kept
    assert after[("A_TP", "T_LLCT_TC")][3] == later  # a legal gap is due on the review date
    assert Need.objects.count() == 5
    # A gap closed: the row stays, marked met; nothing else moves.
    Qualification.objects.create(person=staff.a, type="LLCT", level="TC", source=Source.IMPORTED)
    counts = services.collect_from_review(tree.so_a, YEAR, users.officer, date=later)
    assert counts["met"] == 1 and Need.objects.count() == 5
    assert rows()[("A_TP", "T_LLCT_TC")][5] is True
    assert rows()[("A_TP", "T_LLCT_TC")][4] == ON


def test_collect_is_scoped(tree, users, staff):
    with pytest.raises(PermissionDenied):
        services.collect_from_review(tree.so_b, YEAR, users.officer, date=ON)
    with pytest.raises(PermissionDenied):
        services.collect_from_review(tree.so_a, YEAR, users.leader, date=ON)
    assert not Need.objects.exists()
    services.collect_from_review(tree.root, YEAR, users.province, date=ON)
    assert ("F_NGOAI", "T_LLCT_TC") in rows()


def _request(unit, program, count=3, people=(), user=None, **fields):
    req = NeedRequest(year=YEAR, unit=unit, program=program, people_count=count, **fields)
    return services.save_request(user, req, people)


def test_named_people_join_the_review_needs_without_a_second_row(tree, users, staff, cat):
    services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    g = make_person(tree.phong_a, code="G_MOI")
    req = _request(tree.phong_a, cat.p.llct_cc, people=[staff.c, g], user=users.officer, priority=Priority.HIGH)
    assert not Need.objects.filter(request=req).exists()  # a draft puts nobody in the register
    services.submit_request(users.officer, req)
    req.refresh_from_db()
    assert req.status == NeedRequest.Status.SUBMITTED and req.submitted_at is not None
    got = rows()
    assert got[("C_TPQH", "T_LLCT_CC")][:2] == ("LEGAL", "LEGAL,PLANNED_POST,REQUEST")
    assert got[("G_MOI", "T_LLCT_CC")][:2] == ("REQUEST", "REQUEST")
    assert Need.objects.filter(person=staff.c, program=cat.p.llct_cc).count() == 1
    assert set(Need.objects.filter(request=req).values_list("person__code", flat=True)) == {"C_TPQH", "G_MOI"}
    # The review no longer finds C's gap: the row keeps the request, not the review's reasons.
    Qualification.objects.create(person=staff.c, type="LLCT", level="CC", source=Source.IMPORTED)
    services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    c_row = rows()[("C_TPQH", "T_LLCT_CC")]
    assert c_row[:3] == ("REQUEST", "REQUEST", "") and c_row[5] is False
    # The review finding a need the unit requested first: one row, the review's reason becomes the main one.
    d_req = _request(tree.so_a, cat.p.tt, people=[staff.d], user=users.officer)
    services.submit_request(users.officer, d_req)
    JobAssignment.objects.create(person=staff.d, job_position=cat.job, source=Source.IMPORTED)
    services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    assert rows()[("D_QH", "T_NV_TT")][:2] == ("JOB_POSITION", "JOB_POSITION,REQUEST")


def test_a_sent_request_cannot_be_edited_or_sent_again(tree, users, staff, cat, client):
    req = _request(tree.phong_a, cat.p.tt, user=users.officer)
    services.submit_request(users.officer, req)
    client.force_login(users.officer)
    response = client.post(reverse("plans:request_edit", args=[req.pk]), {"people_count": 9})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.people_count == 3
    client.post(reverse("plans:request_submit", args=[req.pk]))
    assert "đã được gửi" in client.get(reverse("plans:request_detail", args=[req.pk])).content.decode()


# -- pages -----------------------------------------------------------------------------------------------------------
def _form(unit, program, **extra):
    data = {"year": YEAR, "unit": unit.pk, "program": program.pk, "people_count": 2, "priority": 1, "quarter": 2,
            "justification": "Chuẩn bị bổ nhiệm", "people_codes": ""}
    data.update(extra)
    return data


def test_officer_creates_edits_and_submits_a_request(tree, users, staff, cat, client):
    client.force_login(users.officer)
    assert client.get(reverse("plans:request_create")).status_code == 200
    response = client.post(reverse("plans:request_create"), _form(tree.phong_a, cat.p.phong, people_codes="A_TP"))
    req = NeedRequest.objects.get()
    assert response.status_code == 302 and req.created_by == users.officer and req.status == "DRAFT"
    assert list(req.people.values_list("code", flat=True)) == ["A_TP"]
    response = client.post(reverse("plans:request_edit", args=[req.pk]),
                           _form(tree.phong_a, cat.p.phong, people_count=5, people_codes="A_TP, C_TPQH"))
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.people_count == 5 and req.people.count() == 2
    client.post(reverse("plans:request_submit", args=[req.pk]))
    assert set(Need.objects.filter(request=req).values_list("person__code", "reason")) == {
        ("A_TP", "REQUEST"), ("C_TPQH", "REQUEST")}
    listing = client.get(reverse("plans:request_list")).content.decode()
    assert "T_QLLD_P" in listing and "Đã gửi" in listing


def test_officer_cannot_request_for_another_unit_or_name_an_outsider(tree, users, staff, cat, client):
    client.force_login(users.officer)
    response = client.post(reverse("plans:request_create"), _form(tree.phong_b, cat.p.phong))
    assert response.status_code == 400 and not NeedRequest.objects.exists()
    response = client.post(reverse("plans:request_create"), _form(tree.phong_a, cat.p.phong, people_codes="F_NGOAI"))
    body = response.content.decode()
    assert response.status_code == 400 and not NeedRequest.objects.exists()
    assert "Không có cán bộ mã F_NGOAI trong phạm vi quản lý của bạn." in body
    assert staff.f.full_name not in body
    response = client.post(reverse("plans:request_create"), _form(tree.phong_a, cat.p.phong, people_count=1,
                                                                    people_codes="A_TP,C_TPQH"))
    assert response.status_code == 400 and "ít hơn số cán bộ được nêu tên" in response.content.decode()


def test_others_requests_are_404_and_the_leader_is_read_only(tree, users, staff, cat, client):
    theirs = _request(tree.phong_b, cat.p.phong, user=users.province)
    mine = _request(tree.phong_a, cat.p.phong, user=users.officer)
    client.force_login(users.officer)
    for name in ("plans:request_detail", "plans:request_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("plans:request_submit", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "DRAFT"
    assert "T_QLLD_P" not in client.get(reverse("plans:request_list") + "?year=2026").content.decode()
    client.force_login(users.leader)
    assert client.get(reverse("plans:request_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("plans:request_create")).status_code == 403
    assert client.get(reverse("plans:request_edit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("plans:request_submit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("plans:need_collect"), {"collect-year": YEAR, "collect-unit": tree.so_a.pk}).status_code == 403
    assert client.get(reverse("plans:need_list")).status_code == 200
    mine.refresh_from_db()
    assert mine.status == "DRAFT" and not Need.objects.exists()


def test_collect_page_runs_for_the_officer_subtree_only(tree, users, staff, client):
    client.force_login(users.officer)
    response = client.post(reverse("plans:need_collect"), {"collect-year": YEAR, "collect-unit": tree.so_b.pk})
    assert response.status_code == 302 and not Need.objects.exists()
    response = client.post(reverse("plans:need_collect"), {"collect-year": YEAR, "collect-unit": tree.so_a.pk})
    assert response.status_code == 302 and Need.objects.count() > 0
    assert not Need.objects.filter(person=staff.f).exists()
    page = client.get(response.url).content.decode()
    assert "Đã tổng hợp nhu cầu năm 2027" in page and "A_TP" in page


def test_register_filters_and_counts(tree, users, staff, client):
    services.collect_from_review(tree.root, YEAR, users.province, date=ON)
    client.force_login(users.officer)
    page = client.get(reverse("plans:need_list"), {"year": YEAR}).content.decode()
    assert "A_TP" in page and "F_NGOAI" not in page and staff.f.full_name not in page
    page = client.get(reverse("plans:need_list"), {"year": YEAR, "reason": "PLANNED_POST"}).content.decode()
    assert "D_QH" in page and "A_TP" not in page
    per_programme, per_reason = services.register_counts(services.needs_for(users.officer).filter(year=YEAR))
    assert {p["program__code"]: p["total"] for p in per_programme} == {
        "T_LLCT_TC": 1, "T_QLLD_P": 1, "T_LLCT_CC": 2, "T_NV_TT": 1}
    assert per_reason == {"LEGAL": 3, "PLANNED_POST": 1, "JOB_POSITION": 1, "REQUEST": 0}
    assert client.get(reverse("plans:need_list"), {"year": "abc"}).status_code == 200


def test_register_runs_a_fixed_number_of_queries(tree, users, cat, client, django_assert_max_num_queries):
    client.force_login(users.officer)

    def queries_for(n):
        for i in range(n):
            make_person(tree.phong_a, code=f"Q{n}_{i}", post_level="TP")
        services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("plans:need_list"), {"year": YEAR}).status_code == 200
        return len(ctx.captured_queries)

    few, many = queries_for(2), queries_for(30)
    assert few == many
    with django_assert_max_num_queries(15):
        client.get(reverse("plans:need_list"), {"year": YEAR, "page": 2})


def test_collect_is_set_based(tree, users, cat, django_assert_max_num_queries):
    """The queries do not grow with the people: one per rule a programme clears, plus a fixed few."""
    for i in range(40):
        make_person(tree.phong_a, code=f"S{i}", post_level="TP")
    with django_assert_max_num_queries(25):
        counts = services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    assert counts["created"] == 80


def test_bad_input_never_answers_500(tree, users, staff, cat, client):
    client.force_login(users.officer)
    for params in ({"year": "abc"}, {"unit": "x"}, {"unit": "999999"}, {"program": "-1"}, {"reason": "NOPE"},
                   {"met": "2"}, {"page": "abc"}, {"year": "99999999999999999999"}):
        assert client.get(reverse("plans:need_list"), params).status_code == 200, params
    assert client.get(reverse("plans:request_list"), {"year": "x", "page": "-3"}).status_code == 200
    for data in ({}, {"collect-year": "x", "collect-unit": "y"}, {"collect-year": 2027, "collect-unit": 999999}):
        assert client.post(reverse("plans:need_collect"), data).status_code == 302
    for data in ({}, {"year": "abc", "people_count": "-1", "quarter": "9", "priority": "7", "unit": "z",
                      "program": "q", "people_codes": ";;;"}):
        assert client.post(reverse("plans:request_create"), data).status_code == 400
    assert not Need.objects.exists() and not NeedRequest.objects.exists()


def test_register_export_is_scoped_and_logged(tree, users, staff, client):
    services.collect_from_review(tree.root, YEAR, users.province, date=ON)
    client.force_login(users.officer)
    response = client.get(reverse("plans:need_export"), {"year": YEAR, "reason": "LEGAL"})
    assert response.status_code == 200 and "nhu-cau-2027.xlsx" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["Năm", "Mã cán bộ", "Họ và tên"]
    assert sorted((r[1], r[5]) for r in sheet[1:]) == [
        ("A_TP", "T_LLCT_TC"), ("A_TP", "T_QLLD_P"), ("C_TPQH", "T_LLCT_CC")]
    c_row = next(r for r in sheet[1:] if r[1] == "C_TPQH")
    assert c_row[8] == "Tiêu chuẩn ngạch, chức vụ đang giữ (bắt buộc), Chức vụ quy hoạch"
    assert staff.f.full_name not in {r[2] for r in sheet}
    log = ExportLog.objects.get()
    assert (log.user, log.rows, log.filters) == (users.officer, 3, {"year": "2027", "reason": "LEGAL"})
    assert client.get(reverse("plans:need_export"), {"year": "abc"}).status_code == 400


def test_a_registered_programme_that_clears_the_gap_is_kept(tree, users, staff, cat):
    # The unit asked for D on the other cao cấp programme before the review: the review joins that row.
    req = _request(tree.so_a, cat.p.llct_cc2, people=[staff.d], user=users.officer)
    services.submit_request(users.officer, req)
    services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    got = rows()
    assert got[("D_QH", "T_LLCT_CC_Z")][:2] == ("PLANNED_POST", "PLANNED_POST,REQUEST")
    assert ("D_QH", "T_LLCT_CC") not in got
    # A programme added later with a lower code does not move the needs already registered.
    make_program("T_LLCT_CC_A", name="Cao cấp LLCT (mới)", category="LLCT", grants_type="LLCT", grants_level="CC")
    counts = services.collect_from_review(tree.so_a, YEAR, users.officer, date=ON)
    assert counts["created"] == 0 and counts["met"] == 0 and rows().keys() == got.keys()


def test_changes_of_the_named_people_are_audited(tree, users, staff, cat):
    req = _request(tree.phong_a, cat.p.tt, people=[staff.a], user=users.officer)
    services.save_request(users.officer, req, [staff.a, staff.c])
    entries = LogEntry.objects.get_for_object(req)
    assert any((e.changes or {}).get("people", {}).get("type") == "m2m" for e in entries)
