"""The learner portal: open classes, own enrolments (state, result, waitlist position), certificates, this year's
tiết against the minimum, what the current and planned posts still require with programmes and open classes; fixed
number of queries; users without a staff record are sent away."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core.models import Source
from dtbd.people.models import PlannedPost, Qualification, Rank, RankAssignment
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment, Result, TrainingClass
from dtbd.training.queries import enrolments_of, learning_standing
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program

pytestmark = pytest.mark.django_db

URL = "/dao-tao/hoc-vien/"
def today():
    return timezone.localdate()


def test_url_name():
    assert reverse("training:portal") == URL


def test_user_without_a_staff_record_is_sent_home(client, users):
    client.force_login(users.province)
    response = client.get(URL, follow=True)
    assert response.redirect_chain[0][0] == reverse("home:home")
    assert "chưa gắn với hồ sơ cán bộ" in response.content.decode()


def test_anonymous_must_log_in(client):
    assert client.get(URL).status_code == 302


def test_open_classes_exclude_closed_windows_and_own_classes(client, users):
    person = users.learner.person
    open_one = make_class("MO01", capacity=3)  # open, no window
    make_class("MO02", capacity=3, registration_closes=today() - datetime.timedelta(days=1))  # window over
    make_class("MO03", capacity=3, registration_opens=today() + datetime.timedelta(days=3))  # not yet
    make_class("MO04", capacity=3, status=TrainingClass.Status.PLANNED)
    mine = make_class("MO05", capacity=3)
    enroll(mine, person)
    client.force_login(users.learner)
    body = client.get(URL).content.decode()
    section = body.split('id="portal-open"')[1].split("</section>")[0]
    assert "MO01" in section
    assert f'action="{reverse("training:self_register", args=[open_one.pk])}"' in section  # POST button
    # already in MO05, of the same programme and at the same time: the warnings are shown for the learner to confirm
    response = client.post(reverse("training:self_register", args=[open_one.pk]), {"next": URL})
    assert response.status_code == 200 and 'data-code="SAME_PROGRAMME"' in response.content.decode()
    assert not Enrollment.objects.filter(training_class=open_one, person=person).exists()
    response = client.post(reverse("training:self_register", args=[open_one.pk]), {"next": URL, "confirm_warnings": "1"})
    assert response.status_code == 302 and response["Location"] == URL  # back to the portal
    assert Enrollment.objects.filter(training_class=open_one, person=person, source="SELF").exists()
    assert "MO01" not in client.get(URL).content.decode().split('id="portal-open"')[1].split("</section>")[0]
    for code in ("MO02", "MO03", "MO04", "MO05"):
        assert code not in section, code


def test_enrolments_show_state_result_and_waitlist_position(client, tree, users):
    person = users.learner.person
    full = make_class("FULL", capacity=1)
    enroll(full, make_person(tree.so_a, code="FIRST"))
    enroll(full, make_person(tree.so_a, code="SECOND"))  # waitlisted 1st
    enroll(full, person)  # waitlisted 2nd
    done = make_class("DONE", capacity=5, sessions=2, starts_on=today() - datetime.timedelta(days=10),
                      ends_on=today() - datetime.timedelta(days=1))
    enr = enroll(done, person)
    TrainingClass.objects.filter(pk=done.pk).update(status=TrainingClass.Status.RUNNING)
    enr.refresh_from_db()
    services.record_outcome(enr, True)
    Result.objects.create(enrollment=enr, version=1, grade=Result.Grade.EXCELLENT, final_score="9.25", completed=True,
                          is_current=True, submitted_at=timezone.now())
    cert = certificates.issue(enr)

    rows = {e.training_class.code: e for e in enrolments_of(person)}
    assert rows["FULL"].state == Enrollment.State.WAITLISTED and rows["FULL"].waitlist_ahead == 1
    assert rows["DONE"].grade == "XS"

    client.force_login(users.learner)
    body = client.get(URL).content.decode()
    assert "thứ 2 trong danh sách chờ" in body
    assert "Xuất sắc (9,25)" in body
    assert cert.number in body and reverse("training:certificate_pdf", args=[cert.pk]) in body
    # This year's tiết: 2 sessions × 4 = 8 of the 40 required (the learner is a CC).
    assert "<strong>8</strong> / 40" in body
    assert 'aria-valuenow="8"' in body and "width: 20%" in body


def test_standing_lists_missing_items_with_programmes_and_open_classes(tree):
    person = make_person(tree.so_a, code="CVC9", category="CC", rank="01.002", post_level="TP",
                         qualifications=[("LLCT", "TC")])
    PlannedPost.objects.create(person=person, level="GD", title="Giám đốc sở", source=Source.IMPORTED)
    open_cvc = make_class("CVC_OPEN", capacity=5, program=make_program("QLNN_CVC"))
    standing = learning_standing(person, today())
    current = {e["code"] for e in standing["current"]}
    assert {"RANK_QLNN", "ANNUAL_HOURS", "POST_LDQL"} <= current
    assert "POST_LLCT" not in current  # TC suffices for a trưởng phòng
    rank_need = next(e["need"] for e in standing["current"] if e["code"] == "RANK_QLNN")
    assert "QLNN_CVC" in [p.code for p in standing["programmes"][rank_need]]
    assert standing["classes"][open_cvc.program_id] == [open_cvc]
    assert standing["hours"] == 0 and standing["hours_required"] == 40 and standing["hours_pct"] == 0
    (planned,) = standing["planned"]
    assert planned["title"] == "Giám đốc sở"
    planned_codes = {e["code"] for e in planned["unmet"]}
    assert "POST_LLCT" in planned_codes and "POST_LDQL" in planned_codes  # cao cấp LLCT, cấp sở for a director


def test_portal_page_shows_requirements_and_planned_post(client, tree, users):
    person = users.learner.person
    RankAssignment.objects.create(person=person, rank=Rank.objects.get(code="01.002"), source=Source.IMPORTED)
    PlannedPost.objects.create(person=person, level="TP", title="Trưởng phòng", source=Source.IMPORTED)
    make_class("CVC_OPEN", capacity=5, program=make_program("QLNN_CVC"))
    client.force_login(users.learner)
    body = client.get(URL).content.decode()
    needs = body.split('id="portal-needs"')[1].split("</section>")[0]
    assert "QLNN ngạch CVC" in needs and "CVC_OPEN" in needs
    assert "Theo quy hoạch" in needs and "Trưởng phòng" in needs


def _enrolments(person, n):
    for i in range(n):
        cls = make_class(f"N{person.code}{i}", capacity=5, sessions=1)
        enroll(cls, person)


def test_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    few, many = make_person(tree.so_a, code="FEW", rank="01.002"), make_person(tree.so_a, code="MANY", rank="01.002")
    for p in (few, many):
        PlannedPost.objects.create(person=p, level="TP", source=Source.IMPORTED)
    _enrolments(few, 2)
    _enrolments(many, 20)
    make_class("OPEN_X", capacity=5, program=make_program("QLNN_CVC"))
    client.force_login(make_user("few", Role.LEARNER, person=few))
    with django_assert_max_num_queries(27) as small:
        assert client.get(URL).status_code == 200
    client.force_login(make_user("many", Role.LEARNER, person=many))
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(URL).content.decode()
    assert body.count("<code>NMANY") == 20


def _withdraw_form(body, cls):
    action = reverse("training:self_withdraw", args=[cls.pk])
    return f'action="{action}"' in body


def test_the_portal_offers_to_withdraw_where_the_rules_allow_it(client, tree, users):
    person = users.learner.person
    enrolled = make_class("W_ENR", capacity=5)
    enroll(enrolled, person)
    requested = make_class("W_REQ", capacity=5)
    services.request_enrollment(requested, person, Enrollment.Source.SELF, users.learner, confirm_warnings=True)
    finished = make_class("W_DONE", capacity=5)
    done = enroll(finished, person)
    done.state = Enrollment.State.COMPLETED
    done.save(update_fields=["state"])
    client.force_login(users.learner)
    body = client.get(URL).content.decode()
    assert _withdraw_form(body, enrolled) and _withdraw_form(body, requested)
    assert not _withdraw_form(body, finished)
    assert 'name="next" value="/dao-tao/hoc-vien/"' in body

    response = client.post(reverse("training:self_withdraw", args=[enrolled.pk]), {"next": URL})
    assert response.status_code == 302 and response.url == URL
    assert Enrollment.objects.get(training_class=enrolled, person=person).state == Enrollment.State.WITHDRAWN
    body = client.get(URL).content.decode()
    assert not _withdraw_form(body, enrolled) and "Đã rút đăng ký học lớp W_ENR." in body


def test_a_teacher_sees_their_school_year_and_a_clerk_the_calendar_year(client, tree):
    teacher = make_person(tree.so_a, code="GV1", full_name="Lê Thị Giảng", category="VC", rank="V.07.05.14")
    Qualification.objects.create(person=teacher, type="BD", level="GCN", hours=30, issued_on=datetime.date(2026, 9, 1),
                                 source=Source.ENTERED)
    on_1_september = learning_standing(teacher, datetime.date(2026, 9, 1))
    assert on_1_september["hours_period"] == (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
    assert (on_1_september["hours"], on_1_september["hours_required"]) == (30, 120)
    on_31_august = learning_standing(teacher, datetime.date(2026, 8, 31))
    assert on_31_august["hours_period"] == (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))
    assert on_31_august["hours"] == 0
    clerk = make_person(tree.so_a, code="CV1", category="CC", rank="01.003")
    assert learning_standing(clerk, datetime.date(2026, 9, 1))["hours_period"] == (
        datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    user = make_user("gv1", Role.LEARNER, person=teacher)
    client.force_login(user)
    page = client.get(reverse("training:portal")).content.decode()
    assert "Số tiết bồi dưỡng từ" in page and "Giáo viên: bồi dưỡng thường xuyên 120 tiết mỗi năm học" in page
