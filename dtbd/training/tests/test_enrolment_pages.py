"""Enrolment: audience warnings, bulk warnings, nominate_many, the notices of every path, and the
pages — class roster with row actions, approval queue, nomination (search and from a review), self-registration —
with their refusals and query counts."""
import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

import dtbd as dtbd_package
from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core.models import Source
from dtbd.notices.models import Notice
from dtbd.people.models import PlannedPost
from dtbd.people.testing import make_person
from dtbd.standards.engine import people_for
from dtbd.standards.models import Requirement
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import enroll, make_class, make_program, school_provider

State = Enrollment.State
Status = TrainingClass.Status
Kind = Notice.Kind
NOMINATED = Enrollment.Source.NOMINATED
ASSIGNED = Enrollment.Source.ASSIGNED
SELF = Enrollment.Source.SELF

pytestmark = pytest.mark.django_db


def _person_with_account(unit, username, **fields):
    person = make_person(unit, **fields)
    make_user(username, Role.LEARNER, person=person)
    return person


def _notices(kind, user=None, person=None):
    qs = Notice.objects.filter(kind=kind)
    if user is not None:
        qs = qs.filter(user=user)
    if person is not None:
        qs = qs.filter(user__person=person)
    return list(qs)


# --- audience and bulk warnings ------------------------------------------------------------------------------------

def test_audience_warning_on_category(tree):
    program = make_program("AUD_CAT", audience_categories="CB,CC", grants_type="", grants_level="")
    cls = make_class("L_AUD", program=program)
    assert services.nomination_warnings(cls, make_person(tree.phong_a, category="CC")) == []
    vc = make_person(tree.phong_a, full_name="Vũ Văn Viên", category="VC")
    [warning] = services.nomination_warnings(cls, vc)
    assert "Vũ Văn Viên" in warning and "không thuộc đối tượng" in warning


def test_audience_warning_on_post_level_held_or_planned(tree):
    program = make_program("AUD_POST", audience_post_levels="TP,PTP", grants_type="", grants_level="")
    cls = make_class("L_POST", program=program)
    head = make_person(tree.phong_a, post_level="TP")
    planned = make_person(tree.phong_a)
    PlannedPost.objects.create(person=planned, level="PTP", source=Source.ENTERED)
    ended = make_person(tree.phong_a, full_name="Đỗ Văn Cũ")
    PlannedPost.objects.create(person=ended, level="TP", valid_from=datetime.date(2015, 1, 1),
                               valid_to=datetime.date(2020, 1, 1), source=Source.ENTERED)
    other = make_person(tree.phong_a, post_level="GD")
    assert services.nomination_warnings(cls, head) == []
    assert services.nomination_warnings(cls, planned) == []
    [w1] = services.nomination_warnings(cls, ended)  # planning ended: outside the audience today
    assert "Đỗ Văn Cũ" in w1 and "quy hoạch" in w1
    assert len(services.nomination_warnings(cls, other)) == 1


def test_empty_audience_is_anyone(tree):
    program = make_program("AUD_NONE", grants_type="", grants_level="")
    cls = make_class("L_NONE", program=program)
    assert services.nomination_warnings(cls, make_person(tree.phong_a, category="VC")) == []


def test_warnings_for_many_runs_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    program = make_program("AUD_ALL", audience_categories="CC", audience_post_levels="TP",
                           grants_type="QLNN", grants_level="CVC")
    cls = make_class("L_MANY", program=program)
    few = [make_person(tree.phong_a, category="VC", qualifications=[("QLNN", "CVCC")]) for _ in range(3)]
    many = few + [make_person(tree.phong_a, category="VC", qualifications=[("QLNN", "CVCC")]) for _ in range(27)]
    with django_assert_max_num_queries(6):
        small = services.warnings_for_many(cls, few)
    with django_assert_max_num_queries(6):
        large = services.warnings_for_many(cls, many)
    assert len(large) == 30 and all(len(w) == 3 for w in large.values())  # held, category, post level
    assert small[few[0].pk] == large[few[0].pk]
    assert services.nomination_warnings(cls, few[0]) == small[few[0].pk]


# --- nominate_many and notices -------------------------------------------------------------------------------------

def test_nominate_many_fills_then_waitlists_and_notifies(tree, users):
    cls = make_class("L_FULL", capacity=1, status=Status.PLANNED)
    a = _person_with_account(tree.phong_a, "a", full_name="An")
    b = _person_with_account(tree.so_a, "b", full_name="Bình")
    created, skipped = services.nominate_many(cls, [a, b], NOMINATED, users.officer)
    assert skipped == []
    assert [(e.person_id, e.state, e.source) for e in created] == [(a.pk, State.ENROLLED, NOMINATED),
                                                                    (b.pk, State.WAITLISTED, NOMINATED)]
    assert all(e.decided_by == users.officer and e.requested_by == users.officer for e in created)
    cls.refresh_from_db()
    assert cls.seats_taken == 1
    [na] = _notices(Kind.NOMINATED, person=a)
    [nb] = _notices(Kind.NOMINATED, person=b)
    assert "xếp lớp" in na.body and "danh sách chờ" in nb.body
    assert na.url == services.portal_url()
    assert not Notice.objects.filter(kind__in=[Kind.APPROVED, Kind.WAITLISTED]).exists()
    # again: both skipped with a reason, nothing new
    created, skipped = services.nominate_many(cls, [a, b], NOMINATED, users.officer)
    assert created == [] and len(skipped) == 2 and "đã có trong danh sách lớp" in skipped[0][1]


def test_nominate_many_refuses_people_outside_scope(tree, users):
    cls = make_class("L_SCOPE")
    inside = make_person(tree.phong_a)
    outside = make_person(tree.phong_b, full_name="Người Ngoài")
    # outside the officer's scope: not found (as reading them), never named; checked before the class's status
    with pytest.raises(Http404) as refused:
        services.nominate_many(cls, [inside, outside], NOMINATED, users.officer)
    assert "Người Ngoài" not in str(refused.value) and outside.code not in str(refused.value)
    running = make_class("L_SCOPE_RUN", status=Status.RUNNING)
    with pytest.raises(Http404):
        services.nominate_many(running, [outside], NOMINATED, users.officer)
    assert not Enrollment.objects.exists()
    with pytest.raises(PermissionDenied):  # the leader sees `inside` but may not nominate
        services.nominate_many(cls, [inside], NOMINATED, users.leader)
    # the province assigns anyone
    created, _skipped = services.nominate_many(cls, [inside, outside], ASSIGNED, users.province)
    assert {e.source for e in created} == {ASSIGNED}


def test_nominate_many_refuses_a_running_class(tree, users):
    cls = make_class("L_RUN", status=Status.RUNNING)
    with pytest.raises(ValidationError, match="không thể cử thêm"):
        services.nominate_many(cls, [make_person(tree.phong_a)], NOMINATED, users.officer)
    assert not Enrollment.objects.exists()


def test_notices_of_self_registration_approval_rejection_and_promotion(tree, users):
    cls = make_class("L_NOTE", capacity=1)
    learner = users.learner.person
    enr = services.request_enrollment(cls, learner, SELF, users.learner)
    [requested] = _notices(Kind.REQUESTED)
    assert requested.user == users.officer and "Trần Thị Học" in requested.title
    assert not _notices(Kind.REQUESTED, user=users.leader)  # unit officers only
    services.approve(enr, users.officer)
    [approved] = _notices(Kind.APPROVED, user=users.learner)
    assert "L_NOTE" in approved.title
    other = _person_with_account(tree.phong_a, "other")
    waiting = services.approve(services.request_enrollment(cls, other, SELF), users.officer)
    assert waiting.state == State.WAITLISTED
    assert len(_notices(Kind.WAITLISTED, person=other)) == 1
    services.withdraw(enr, users.learner)
    [promoted] = _notices(Kind.PROMOTED, person=other)
    assert "L_NOTE" in promoted.title
    third = _person_with_account(tree.phong_a, "third")
    rejected = services.request_enrollment(cls, third, SELF)
    services.reject(rejected, users.officer, "Không đúng đối tượng")
    [notice] = _notices(Kind.REJECTED, person=third)
    assert "Không đúng đối tượng" in notice.body


# --- class roster ----------------------------------------------------------------------------------------------------

def _fill(cls, units, n):
    """n REQUESTED nominations of people spread over `units` (with accounts), decided by nobody yet."""
    for i in range(n):
        person = make_person(units[i % len(units)])
        services.request_enrollment(cls, person, NOMINATED)


@pytest.mark.parametrize("role", ["officer", "province"])
def test_class_roster_query_count_is_fixed(client, tree, users, role, django_assert_max_num_queries):
    user = getattr(users, role)
    client.force_login(user)
    small = make_class("L_S", capacity=1)
    large = make_class("L_L", capacity=1)
    _fill(small, [tree.phong_a], 3)
    _fill(large, [tree.phong_a, tree.so_a], 30)
    enroll(small, make_person(tree.phong_a))
    enroll(small, make_person(tree.phong_a))  # waitlisted
    client.get(reverse("training:class_enrolments", args=[small.pk]))  # warm caches (session, content types)
    # 12, and three for the eligibility warnings of the rows to approve (services.eligibility)
    with django_assert_max_num_queries(15) as few:
        r1 = client.get(reverse("training:class_enrolments", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        r2 = client.get(reverse("training:class_enrolments", args=[large.pk]))
    assert r1.status_code == r2.status_code == 200
    assert "Thứ tự chờ: 1" in r1.content.decode()
    assert r2.content.decode().count('id="enr-') == 30


def test_roster_shows_only_visible_enrolments_and_actions(client, tree, users):
    cls = make_class("L_VIS")
    mine = make_person(tree.phong_a, full_name="Người Sở A")
    theirs = make_person(tree.phong_b, full_name="Người Sở B")
    e1 = services.request_enrollment(cls, mine, NOMINATED)
    services.request_enrollment(cls, theirs, NOMINATED)
    client.force_login(users.officer)
    html = client.get(reverse("training:class_enrolments", args=[cls.pk])).content.decode()
    assert "Người Sở A" in html and "Người Sở B" not in html
    assert reverse("training:enrolment_approve", args=[e1.pk]) in html
    assert "Phòng Tổ chức" in html  # current unit column (the officer’s scope note names Sở Nội vụ only)
    client.force_login(users.leader)
    html = client.get(reverse("training:class_enrolments", args=[cls.pk])).content.decode()
    assert "Người Sở A" in html and reverse("training:enrolment_approve", args=[e1.pk]) not in html
    client.force_login(users.province)
    html = client.get(reverse("training:class_enrolments", args=[cls.pk]) + "?state=REQUESTED").content.decode()
    assert "Người Sở A" in html and "Người Sở B" in html


def test_row_approve_reject_withdraw_with_htmx(client, tree, users):
    cls = make_class("L_ROW", capacity=1)
    a = make_person(tree.phong_a, full_name="Phạm An")
    b = make_person(tree.phong_a, full_name="Phạm Bình")
    ea = services.request_enrollment(cls, a, SELF)
    eb = services.request_enrollment(cls, b, SELF)
    client.force_login(users.officer)
    hx = {"HTTP_HX_REQUEST": "true"}
    r = client.post(reverse("training:enrolment_approve", args=[ea.pk]), **hx)
    assert r.status_code == 200 and f'id="enr-{ea.pk}"' in r.content.decode()
    assert Enrollment.objects.get(pk=ea.pk).state == State.ENROLLED
    # reject needs a reason
    r = client.post(reverse("training:enrolment_reject", args=[eb.pk]), {"reason": "  "}, **hx)
    assert "Cần ghi lý do từ chối." in r.content.decode()
    assert Enrollment.objects.get(pk=eb.pk).state == State.REQUESTED
    client.post(reverse("training:enrolment_approve", args=[eb.pk]), **hx)
    assert Enrollment.objects.get(pk=eb.pk).state == State.WAITLISTED
    # withdrawing the enrolled one promotes the waitlisted one: the page reloads with a message
    r = client.post(reverse("training:enrolment_withdraw", args=[ea.pk]), **hx)
    assert r.status_code == 204 and r["HX-Refresh"] == "true"
    assert Enrollment.objects.get(pk=eb.pk).state == State.ENROLLED
    html = client.get(reverse("training:class_enrolments", args=[cls.pk])).content.decode()
    assert "Đã xếp từ danh sách chờ vào lớp: Phạm Bình." in html
    # without htmx: redirect back to the roster
    c = services.request_enrollment(cls, make_person(tree.phong_a), SELF)
    r = client.post(reverse("training:enrolment_reject", args=[c.pk]), {"reason": "Trùng lịch"})
    assert r.status_code == 302 and Enrollment.objects.get(pk=c.pk).state == State.REJECTED


def test_row_action_refusals(client, tree, users):
    provider = school_provider(tree)
    cls = make_class("L_REF", provider=provider)
    outside = services.request_enrollment(cls, make_person(tree.phong_b), NOMINATED)
    inside = services.request_enrollment(cls, make_person(tree.phong_a), NOMINATED)
    client.force_login(users.officer)
    assert client.post(reverse("training:enrolment_approve", args=[outside.pk])).status_code == 404
    client.force_login(users.leader)
    assert client.post(reverse("training:enrolment_approve", args=[inside.pk])).status_code == 403
    client.force_login(users.institution)  # runs the class: sees every row, decides none
    assert client.post(reverse("training:enrolment_approve", args=[inside.pk])).status_code == 403
    assert client.post(reverse("training:enrolment_reject", args=[inside.pk]), {"reason": "x"}).status_code == 403
    client.force_login(users.learner)
    assert client.post(reverse("training:enrolment_withdraw", args=[inside.pk])).status_code == 404
    assert Enrollment.objects.filter(state=State.REQUESTED).count() == 2
    # the learner withdraws their own enrolment, but cannot approve it
    own = services.request_enrollment(cls, users.learner.person, SELF)
    assert client.post(reverse("training:enrolment_approve", args=[own.pk])).status_code == 403
    assert client.post(reverse("training:enrolment_withdraw", args=[own.pk])).status_code == 302
    assert Enrollment.objects.get(pk=own.pk).state == State.WITHDRAWN


# --- approval queue ------------------------------------------------------------------------------------------------

def test_queue_bulk_approval_reports_each_outcome(client, tree, users):
    full = make_class("L_Q1", capacity=1)
    other = make_class("L_Q2", capacity=5)
    reqs = [services.request_enrollment(full, make_person(tree.phong_a), SELF) for _ in range(2)]
    reqs.append(services.request_enrollment(other, make_person(tree.so_a), SELF))
    outside = services.request_enrollment(other, make_person(tree.phong_b), SELF)
    client.force_login(users.officer)
    html = client.get(reverse("training:enrolment_queue")).content.decode()
    assert html.count('name="ids"') == 3
    r = client.post(reverse("training:enrolment_queue"), {"ids": [e.pk for e in reqs] + [outside.pk]}, follow=True)
    text = r.content.decode()
    assert "Đã duyệt 2 người vào lớp, 1 người vào danh sách chờ; 1 đăng ký không duyệt được." in text
    states = sorted(Enrollment.objects.filter(pk__in=[e.pk for e in reqs]).values_list("state", flat=True))
    assert states == [State.ENROLLED, State.ENROLLED, State.WAITLISTED]
    assert Enrollment.objects.get(pk=outside.pk).state == State.REQUESTED
    html = client.get(reverse("training:enrolment_queue") + "?state=WAITLISTED").content.decode()
    assert "Thứ tự chờ: 1" in html


def test_queue_filters_and_refusals(client, tree, users):
    c1 = make_class("L_F1")
    c2 = make_class("L_F2")
    services.request_enrollment(c1, make_person(tree.phong_a, full_name="Ở Phòng"), SELF)
    services.request_enrollment(c2, make_person(tree.so_a, full_name="Ở Sở"), SELF)
    client.force_login(users.officer)
    html = client.get(reverse("training:enrolment_queue"), {"training_class": c1.pk}).content.decode()
    assert "Ở Phòng" in html and "Ở Sở" not in html
    html = client.get(reverse("training:enrolment_queue"), {"unit": tree.phong_a.pk}).content.decode()
    assert "Ở Phòng" in html and "Ở Sở" not in html
    for role in ("leader", "institution", "learner"):
        client.force_login(getattr(users, role))
        assert client.get(reverse("training:enrolment_queue")).status_code == 403


def test_queue_query_count_is_fixed(client, tree, users, django_assert_max_num_queries):
    client.force_login(users.officer)
    cls = make_class("L_QC", capacity=50)
    _fill(cls, [tree.phong_a], 3)
    client.get(reverse("training:enrolment_queue"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("training:enrolment_queue"))
    _fill(make_class("L_QC2", capacity=50), [tree.phong_a, tree.so_a], 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(reverse("training:enrolment_queue"))
    assert r.content.decode().count('name="ids"') == 30


# --- nomination pages ------------------------------------------------------------------------------------------------

def test_nominate_search_preview_confirm(client, tree, users):
    cls = make_class("L_NOM", capacity=1, status=Status.PLANNED)
    a = make_person(tree.phong_a, full_name="Nguyễn Văn Đức", qualifications=[("QLNN", "CVCC")])
    b = make_person(tree.so_a, full_name="Nguyễn Thị Đào")
    make_person(tree.phong_b, full_name="Nguyễn Văn Ngoài")
    client.force_login(users.officer)
    html = client.get(reverse("training:nominate", args=[cls.pk]), {"q": "nguyen"}).content.decode()
    assert "Nguyễn Văn Đức" in html and "Nguyễn Thị Đào" in html and "Nguyễn Văn Ngoài" not in html
    html = client.get(reverse("training:nominate", args=[cls.pk]), {"q": "duc"}).content.decode()
    assert "Nguyễn Văn Đức" in html and "Nguyễn Thị Đào" not in html
    r = client.post(reverse("training:nominate", args=[cls.pk]), {"step": "preview", "person": [a.pk, b.pk]})
    html = r.content.decode()
    assert "Xác nhận cử" in html and "Nguyễn Văn Đức đã có" in html
    assert not Enrollment.objects.exists()
    # Đức holds the certificate: without the officer's confirmation nothing is created, the warning listed again
    r = client.post(reverse("training:nominate", args=[cls.pk]), {"step": "confirm", "person": [a.pk, b.pk]})
    html = r.content.decode()
    assert "Cần xác nhận các lưu ý" in html and 'data-code="HOLDS_GRANT"' in html
    assert not Enrollment.objects.exists()
    r = client.post(reverse("training:nominate", args=[cls.pk]),
                    {"step": "confirm", "person": [a.pk, b.pk], "confirm_warnings": "1"}, follow=True)
    assert "Đã cử 2 người: 1 xếp lớp, 1 vào danh sách chờ." in r.content.decode()
    assert set(Enrollment.objects.values_list("source", flat=True)) == {NOMINATED}
    assert Notice.objects.filter(kind=Kind.NOMINATED).count() == 0  # nobody has an account here


def test_nominate_refusals(client, tree, users):
    cls = make_class("L_NREF")
    outside = make_person(tree.phong_b)
    inside = make_person(tree.phong_a)
    client.force_login(users.officer)
    # someone outside the officer's scope, or an id of nobody: 404 as reading them, whichever page posts it
    for url in (reverse("training:nominate", args=[cls.pk]), reverse("training:nominate_from_review", args=[cls.pk])):
        for step in ("preview", "confirm"):
            for ids in ([inside.pk, outside.pk], [inside.pk, 987654]):
                r = client.post(url, {"step": step, "person": ids})
                assert r.status_code == 404, (url, step, ids)
                assert outside.full_name not in r.content.decode()
    assert not Enrollment.objects.exists()
    for role in ("leader", "institution", "learner"):
        client.force_login(getattr(users, role))
        assert client.get(reverse("training:nominate", args=[cls.pk])).status_code == 403
        assert client.post(reverse("training:nominate", args=[cls.pk]),
                           {"step": "confirm", "person": [inside.pk]}).status_code == 403
    assert not Enrollment.objects.exists()
    running = make_class("L_NRUN", status=Status.RUNNING)
    client.force_login(users.officer)
    assert "không thể cử thêm học viên" in client.get(reverse("training:nominate", args=[running.pk])).content.decode()
    r = client.post(reverse("training:nominate", args=[running.pk]), {"step": "confirm", "person": [inside.pk]}, follow=True)
    assert "không thể cử thêm học viên" in r.content.decode()
    assert not Enrollment.objects.exists()


def test_province_assigns(client, tree, users):
    cls = make_class("L_ASSIGN")
    person = _person_with_account(tree.phong_b, "pb")
    client.force_login(users.province)
    client.post(reverse("training:nominate", args=[cls.pk]), {"step": "confirm", "person": [person.pk]})
    enr = Enrollment.objects.get()
    assert enr.source == ASSIGNED and enr.state == State.ENROLLED
    [notice] = _notices(Kind.NOMINATED, person=person)
    assert "Tỉnh phân công" in notice.body


def _cvc_person(unit, **fields):
    return make_person(unit, rank="01.002", **fields)  # chuyên viên chính: needs QLNN CVC (RANK_QLNN)


def test_nominate_from_review_lists_missing_people(client, tree, users, django_assert_max_num_queries):
    cls = make_class("L_REV", capacity=10)  # programme QLNN_CVC grants QLNN CVC
    missing = _cvc_person(tree.phong_a, full_name="Thiếu Chứng Chỉ")
    _cvc_person(tree.phong_a, full_name="Đã Có Chứng Chỉ", qualifications=[("QLNN", "CVC")])
    already = _cvc_person(tree.so_a, full_name="Đã Trong Lớp")
    services.request_enrollment(cls, already, NOMINATED)
    _cvc_person(tree.phong_b, full_name="Ở Sở Khác")


    today = timezone.localdate()
    expected = set(people_for(tree.so_a, today, "RANK_QLNN", missing_only=True).values_list("pk", flat=True))
    assert set(services.missing_people(tree.so_a, ["RANK_QLNN"], today).values_list("pk", flat=True)) == expected
    assert missing.pk in expected and already.pk in expected
    client.force_login(users.officer)
    url = reverse("training:nominate_from_review", args=[cls.pk])
    html = client.get(url).content.decode()
    assert "RANK_QLNN" in html
    assert "Thiếu Chứng Chỉ" in html
    assert "Đã Có Chứng Chỉ" not in html and "Đã Trong Lớp" not in html and "Ở Sở Khác" not in html
    assert f'value="{missing.pk}"' in html and "checked" in html
    # fixed number of queries for the listing
    with django_assert_max_num_queries(30) as few:
        client.get(url, {"unit": tree.so_a.pk, "code": "RANK_QLNN"})
    for _ in range(20):
        _cvc_person(tree.phong_a, category="VC")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url, {"unit": tree.so_a.pk, "code": "RANK_QLNN"}).content.decode()
    assert html.count('name="person"') == 21
    r = client.post(url, {"person": [missing.pk]}, follow=True)
    assert "Đã cử 1 người" in r.content.decode()
    assert Enrollment.objects.get(person=missing).state == State.ENROLLED
    # a unit outside the officer's scope is refused by the form (nothing listed)
    html = client.get(url, {"unit": tree.so_b.pk}).content.decode()
    assert "Ở Sở Khác" not in html
    client.force_login(users.leader)
    assert client.get(url).status_code == 403


# --- self-registration ---------------------------------------------------------------------------------------------

def test_self_register_and_withdraw(client, tree, users):
    cls = make_class("L_SELF")
    client.force_login(users.learner)
    r = client.post(reverse("training:self_register", args=[cls.pk]), follow=True)
    enr = Enrollment.objects.get()
    assert (enr.person, enr.source, enr.state) == (users.learner.person, SELF, State.REQUESTED)
    assert "Đã gửi đăng ký học lớp L_SELF" in r.content.decode()
    assert len(_notices(Kind.REQUESTED, user=users.officer)) == 1
    r = client.post(reverse("training:self_register", args=[cls.pk]), follow=True)
    assert "đã có trong danh sách lớp" in r.content.decode()
    client.post(reverse("training:self_withdraw", args=[cls.pk]))
    assert Enrollment.objects.get().state == State.WITHDRAWN


def test_self_register_first_come_first_served(client, tree, users):
    """Registration on demand: the learner is enrolled at once while a seat is left (no approval, no request to the
    unit officers), then waitlisted; a withdrawal promotes the waitlisted learner."""
    cls = make_class("L_FCFS", capacity=1, first_come_first_served=True)
    other = _person_with_account(tree.phong_a, "hv_fcfs")
    client.force_login(users.learner)
    r = client.post(reverse("training:self_register", args=[cls.pk]), follow=True)
    enr = Enrollment.objects.get(person=users.learner.person)
    assert (enr.source, enr.state, enr.decided_at is not None) == (SELF, State.ENROLLED, True)
    assert "Bạn đã được xếp vào lớp L_FCFS" in r.content.decode()
    assert len(_notices(Kind.APPROVED, user=users.learner)) == 1
    assert _notices(Kind.REQUESTED) == []
    client.force_login(_user_of(other))
    r = client.post(reverse("training:self_register", args=[cls.pk]), follow=True)
    assert Enrollment.objects.get(person=other).state == State.WAITLISTED
    assert "đã đủ chỗ: bạn ở danh sách chờ" in r.content.decode()
    assert len(_notices(Kind.WAITLISTED, person=other)) == 1
    cls.refresh_from_db()
    assert cls.seats_taken == 1
    # a second registration is refused and takes no seat
    r = client.post(reverse("training:self_register", args=[cls.pk]), follow=True)
    assert "đã có trong danh sách lớp" in r.content.decode()
    client.force_login(users.learner)
    client.post(reverse("training:self_withdraw", args=[cls.pk]))
    assert Enrollment.objects.get(person=other).state == State.ENROLLED
    cls.refresh_from_db()
    assert cls.seats_taken == 1


def test_self_register_query_count(client, tree, users, django_assert_num_queries, django_capture_on_commit_callbacks):
    """The request of a registration rush (bench/registration_rush.py) runs a fixed number of SQL queries: session,
    user, class with its programme, the person with their accounts (one query), the eligibility check
    (services.eligibility: the entry conditions, the qualifications held, the other enrolments, the categories for the
    programme's audience), then in one transaction (a savepoint here) the seat
    UPDATE, the enrolment INSERT, the reports summary check, the audit-log INSERT, the notice INSERT; after commit
    (not run here) the e-mail job INSERT. Seat taken and waitlisted alike; the notice and the audit entry are written."""
    from auditlog.models import LogEntry

    ContentType.objects.get_for_model(Enrollment)  # cached once per process
    cls = make_class("L_RUSH", capacity=1, first_come_first_served=True)
    other = _person_with_account(tree.phong_a, "hv_rush")
    url = reverse("training:self_register", args=[cls.pk])
    for user, state, kind in ((users.learner, State.ENROLLED, Kind.APPROVED),
                              (_user_of(other), State.WAITLISTED, Kind.WAITLISTED)):
        client.force_login(user)
        with django_assert_num_queries(16), django_capture_on_commit_callbacks() as callbacks:
            response = client.post(url, {"next": "/dao-tao/hoc-vien/"})
        assert response.status_code == 302 and response["Location"] == "/dao-tao/hoc-vien/"
        assert len(callbacks) == 1  # the e-mail job, queued after commit (one more query in production)
        enrolment = Enrollment.objects.get(training_class=cls, person=user.person)
        assert enrolment.state == state
        assert [n.user for n in _notices(kind, person=user.person)] == [user]
        entry = LogEntry.objects.get_for_object(enrolment).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == user
    cls.refresh_from_db()
    assert cls.seats_taken == 1


def _user_of(person):
    return get_user_model().objects.get(person=person)


def test_self_register_refusals(client, tree, users):
    planned = make_class("L_PLAN", status=Status.PLANNED)
    client.force_login(users.learner)
    r = client.post(reverse("training:self_register", args=[planned.pk]), follow=True)
    assert "chưa nhận tự đăng ký" in r.content.decode()
    assert not Enrollment.objects.exists()
    closed = make_class("L_CLOSED", registration_closes=datetime.date(2020, 1, 1))
    r = client.post(reverse("training:self_register", args=[closed.pk]), follow=True)
    assert "đã hết hạn đăng ký" in r.content.decode()
    assert client.get(reverse("training:self_register", args=[closed.pk])).status_code == 405
    assert client.post(reverse("training:self_withdraw", args=[closed.pk])).status_code == 404
    client.force_login(users.officer)  # no person: cannot self-register
    assert client.post(reverse("training:self_register", args=[planned.pk])).status_code == 403
    assert not Enrollment.objects.exists()


def test_roster_pagination_answers_htmx_with_the_table(client, tree, users):
    cls = make_class("L_PAGE", capacity=100)
    _fill(cls, [tree.phong_a], 55)
    client.force_login(users.province)
    r = client.get(reverse("training:class_enrolments", args=[cls.pk]), {"page": 2}, HTTP_HX_REQUEST="true",
                   HTTP_HX_TARGET="enrolment-list")  # as the pagination links ask (hx-target="#enrolment-list")
    html = r.content.decode()
    assert "<html" not in html and html.count('id="enr-') == 5


def test_province_review_defaults_to_the_root(client, tree, users):
    cls = make_class("L_ROOT", capacity=10)
    a = _cvc_person(tree.phong_a, full_name="Thiếu Ở A")
    b = _cvc_person(tree.phong_b, full_name="Thiếu Ở B")
    client.force_login(users.province)
    html = client.get(reverse("training:nominate_from_review", args=[cls.pk])).content.decode()
    assert "Thiếu Ở A" in html and "Thiếu Ở B" in html
    client.post(reverse("training:nominate_from_review", args=[cls.pk]), {"person": [a.pk, b.pk]})
    assert set(Enrollment.objects.values_list("source", "state")) == {(ASSIGNED, State.ENROLLED)}


def test_review_codes_come_from_what_the_programme_grants(client, tree, users):
    cls = make_class("L_CODES", capacity=10)
    codes = dict(services.requirement_codes_for(cls.program))
    assert "RANK_QLNN" in codes and "CVC" in codes["RANK_QLNN"]
    assert "ANNUAL_HOURS" not in codes
    Requirement.objects.create(code="X_PROG", name="Hoàn thành chương trình QLNN CVC", kind="PROGRAMME",
                               programme_code=cls.program.code, categories="CC")
    assert [c for c, _n in services.requirement_codes_for(cls.program)] == ["RANK_QLNN", "X_PROG"]
    _cvc_person(tree.phong_a, full_name="Có Chứng Chỉ", qualifications=[("QLNN", "CVC")])
    client.force_login(users.officer)
    url = reverse("training:nominate_from_review", args=[cls.pk])
    html = client.get(url).content.decode()  # default: every code → the union
    assert "Mọi tiêu chuẩn mà lớp này đáp ứng" in html and "Có Chứng Chỉ" in html
    html = client.get(url, {"unit": tree.so_a.pk, "code": "RANK_QLNN"}).content.decode()
    assert "Có Chứng Chỉ" not in html


def test_a_row_s_error_wraps_inside_a_narrow_note_and_keeps_the_table_s_layout(client, tree, users):
    """The actions cell does not wrap its buttons (white-space: nowrap); the error of a reject without a reason is a
    note of bounded width that wraps, so it cannot widen the cell and push the buttons out of the table."""
    cls = make_class("L_NOTE", capacity=1)
    enrolment = services.request_enrollment(cls, make_person(tree.phong_a, full_name="Phạm Chi"), SELF)
    client.force_login(users.officer)
    r = client.post(reverse("training:enrolment_reject", args=[enrolment.pk]), {"reason": ""}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    note = re.search(r'<(p|div) class="([^"]*)"[^>]*>Cần ghi lý do từ chối.</\1>', html)
    assert note and "row-note" in note.group(2).split(), html
    css = (Path(dtbd_package.__file__).parent / "static" / "dtbd" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"td\.enrolment-actions \.row-note \{([^}]*)\}", css)
    assert rule and "max-width" in rule.group(1) and "white-space: normal" in rule.group(1)
