"""Effectiveness after training (level 3; docs/domain.md §16.4): forms created when due, reminders once per interval
(a day's run repeated sends nothing twice), scores by the direct manager of the learner's subtree only, the learner's
self-assessment, and the result beside the annual assessment on the staff page."""
import datetime

import pytest
from django.core import mail
from django.test import Client

from dtbd.evaluation import effectiveness
from dtbd.evaluation.models import EffectivenessForm, EffectivenessSetting
from dtbd.notices.models import Notice
from dtbd.people.models import AnnualAssessment, Rating
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 15)
DONE = datetime.date(2026, 3, 10)  # six months and five days before TODAY


def completed(cls, person, on=DONE):
    return Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.NOMINATED,
                                     state=Enrollment.State.COMPLETED, completed_on=on)


@pytest.fixture
def world(tree, users):
    cls = make_class("HQ01", capacity=30, status=TrainingClass.Status.FINISHED, starts_on=DONE - datetime.timedelta(
        days=20), ends_on=DONE)
    inside = users.learner.person  # Phòng Tổ chức of Sở Nội vụ: the officer's and the leader's subtree
    outside = make_person(tree.phong_b, code="HQ_B", full_name="Phan Văn Ngoàiphạmvi")
    return {"cls": cls, "inside": completed(cls, inside), "outside": completed(cls, outside), "outsider": outside}


def client_of(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_forms_are_created_when_due_and_only_once(world):
    assert effectiveness.run_daily(TODAY - datetime.timedelta(days=6))[0] == 0  # five months and 29 days: not due
    created, _managers, _learners = effectiveness.run_daily(TODAY)
    assert created == 2
    form = EffectivenessForm.objects.get(enrollment=world["inside"])
    assert form.due_on == datetime.date(2026, 9, 10) and form.person_id == world["inside"].person_id
    assert effectiveness.run_daily(TODAY)[0] == 0
    assert EffectivenessForm.objects.count() == 2


def test_the_months_are_set_per_programme(world, tree):
    short = make_program("CMNV_NGAN", name="Bồi dưỡng ngắn", category="CMNV", kind="BRIEFING", duration_tiet=16,
                         grants_type="", grants_level="")
    EffectivenessSetting.objects.create(program=short, months=3)
    cls = make_class("HQ02", program=short, status=TrainingClass.Status.FINISHED,
                     starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 6, 10))
    enrolment = completed(cls, make_person(tree.phong_a, code="HQ_3M"), on=datetime.date(2026, 6, 10))
    effectiveness.run_daily(TODAY)
    assert EffectivenessForm.objects.get(enrollment=enrolment).due_on == datetime.date(2026, 9, 10)


def test_a_day_run_twice_sends_nothing_twice_and_reminders_follow_the_interval(world, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    users.officer.email, users.learner.email = "donvi@example.vn", "hocvien@example.vn"
    users.officer.save(), users.learner.save()
    effectiveness.run_daily(TODAY)
    notices = Notice.objects.count()
    officer_notices = Notice.objects.filter(user=users.officer).count()
    assert officer_notices == 1  # the form of their subtree's person only
    assert Notice.objects.filter(user=users.learner).count() == 1
    assert Notice.objects.filter(user=users.leader).count() == 0  # leader of Sở Nội vụ, not of the learner's office
    sent = len(mail.outbox)
    assert effectiveness.run_daily(TODAY) == (0, 0, 0)
    assert Notice.objects.count() == notices and len(mail.outbox) == sent
    assert effectiveness.run_daily(TODAY + datetime.timedelta(days=6)) == (0, 0, 0)
    # A week later, both sides that have not answered are reminded again, once.
    form = EffectivenessForm.objects.get(enrollment=world["inside"])
    effectiveness.self_assess(form, users.learner, 7, "Áp dụng vào báo cáo tháng")
    assert effectiveness.run_daily(TODAY + datetime.timedelta(days=7)) == (0, 2, 1)
    assert effectiveness.run_daily(TODAY + datetime.timedelta(days=7)) == (0, 0, 0)
    assert Notice.objects.filter(user=users.officer).count() == 2


def test_a_unit_officer_sees_and_rates_only_their_subtree_forms(world, users):
    effectiveness.run_daily(TODAY)
    mine = EffectivenessForm.objects.get(enrollment=world["inside"])
    other = EffectivenessForm.objects.get(enrollment=world["outside"])
    officer = client_of(users.officer)
    listing = officer.get("/danh-gia-chat-luong/hieu-qua/")
    body = listing.content.decode()
    assert listing.status_code == 200
    assert f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/" in body
    assert world["outsider"].full_name not in body and f"/hieu-qua/{other.pk}/" not in body
    # The refusal: reading or rating a form outside the subtree is "not found", never naming its person.
    for response in (officer.get(f"/danh-gia-chat-luong/hieu-qua/{other.pk}/"),
                     officer.post(f"/danh-gia-chat-luong/hieu-qua/{other.pk}/",
                                  {"side": "manager", "score_applied": 9, "score_performance": 9,
                                   "score_relevance": 9, "score_product": 9, "product_kind": "NONE"})):
        assert response.status_code == 404
        assert world["outsider"].full_name not in response.content.decode()
    other.refresh_from_db()
    assert other.rated_at is None
    # Inside the subtree: rated, index the mean of the four scores.
    response = officer.post(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/", {
        "side": "manager", "score_applied": 8, "score_performance": 7, "score_relevance": 9, "score_product": 7,
        "product_kind": "INITIATIVE", "product_title": "Sáng kiến số hoá hồ sơ", "product_description": "Áp dụng"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert str(mine.manager_index) == "7.75" and mine.rated_by == users.officer
    assert mine.product_kind == "INITIATIVE"


def test_the_leader_rates_the_institution_sees_no_form_the_learner_only_self_assesses(world, users, tree):
    effectiveness.run_daily(TODAY)
    mine = EffectivenessForm.objects.get(enrollment=world["inside"])
    scores = {"side": "manager", "score_applied": 6, "score_performance": 6, "score_relevance": 6,
              "score_product": 6, "product_kind": "REPORT", "product_title": "Báo cáo chuyên đề"}
    assert client_of(users.leader).post(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/", scores).status_code == 302
    assert client_of(users.institution).get("/danh-gia-chat-luong/hieu-qua/").status_code == 403
    assert client_of(users.institution).get(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/").status_code == 404
    learner = client_of(users.learner)
    assert learner.post(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/", {**scores, "score_applied": 10}).status_code == 403
    assert learner.post(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/",
                        {"side": "learner", "self_score": 11}).status_code == 400
    assert learner.post(f"/danh-gia-chat-luong/hieu-qua/{mine.pk}/",
                        {"side": "learner", "self_score": 8, "self_comment": "Tốt"}).status_code == 302
    mine.refresh_from_db()
    assert (mine.score_applied, mine.self_score) == (6, 8)


def test_a_product_needs_a_title_and_scores_are_1_to_10(world, users):
    effectiveness.run_daily(TODAY)
    form = EffectivenessForm.objects.get(enrollment=world["inside"])
    response = client_of(users.officer).post(f"/danh-gia-chat-luong/hieu-qua/{form.pk}/", {
        "side": "manager", "score_applied": 0, "score_performance": 7, "score_relevance": 9, "score_product": 7,
        "product_kind": "PROJECT", "product_title": " "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Điểm phải từ 1 đến 10." in body and "Ghi tên sản phẩm." in body


def test_the_staff_page_shows_the_result_beside_the_year_assessment(world, users):
    effectiveness.run_daily(TODAY)
    form = EffectivenessForm.objects.get(enrollment=world["inside"])
    effectiveness.rate(form, users.officer, dict.fromkeys(EffectivenessForm.SCORE_FIELDS, 9), "PROPOSAL",
                       "Đề xuất quy trình một cửa")
    AnnualAssessment.objects.create(person=form.person, year=2026, rating=Rating.HTXSNV)
    body = client_of(users.officer).get(f"/can-bo/{form.person_id}/").content.decode()
    panel = body[body.index('id="hieu-qua-sau-dao-tao"'):]
    assert "9,00" in panel and "Đề xuất quy trình một cửa" in panel and "Hoàn thành xuất sắc nhiệm vụ" in panel
    # The institution, which sees the person through the class it runs, gets no level-3 rows.
    assert client_of(users.province).get(f"/can-bo/{world['outsider'].pk}/").content.decode().count(
        'id="hieu-qua-sau-dao-tao"') == 1
    assert 'id="hieu-qua-sau-dao-tao"' not in client_of(users.institution).get(
        f"/can-bo/{world['outsider'].pk}/").content.decode()


def test_the_list_reads_a_fixed_number_of_queries(world, users, tree, django_assert_max_num_queries):
    cls = world["cls"]
    for i in range(15):
        completed(cls, make_person(tree.phong_a, code=f"HQ_N{i}"))
    effectiveness.run_daily(TODAY)
    client = client_of(users.officer)
    client.get("/danh-gia-chat-luong/hieu-qua/")
    with django_assert_max_num_queries(12):
        assert client.get("/danh-gia-chat-luong/hieu-qua/").status_code == 200


def test_the_learner_portal_lists_the_forms_awaiting_self_assessment(world, users):
    effectiveness.run_daily(TODAY)
    form = EffectivenessForm.objects.get(enrollment=world["inside"])
    client = client_of(users.learner)
    body = client.get("/dao-tao/hoc-vien/").content.decode()
    assert 'id="hieu-qua-cho-tu-danh-gia"' in body and f"/danh-gia-chat-luong/hieu-qua/{form.pk}/" in body
    effectiveness.self_assess(form, users.learner, 8)
    assert 'id="hieu-qua-cho-tu-danh-gia"' not in client.get("/dao-tao/hoc-vien/").content.decode()
