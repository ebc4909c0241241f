"""The public disclosure /cong-khai/ (docs/domain.md §16.6): only what a province manager published, aggregates only,
no group under five, served from the cache (invalidated on publish and withdrawal), rate-limited, without login."""
import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from dtbd.evaluation import coverage, disclosure
from dtbd.evaluation import services as survey_services
from dtbd.evaluation.models import EffectivenessForm, Publication
from dtbd.people.models import AnnualAssessment, Rating
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, Result, TrainingClass
from dtbd.training.testing import make_class, make_provider

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _class(code, learners, tree, provider=None, rated=0):
    cls = make_class(code, capacity=40, status=TrainingClass.Status.FINISHED, provider=provider,
                     starts_on=datetime.date(YEAR, 5, 1), ends_on=datetime.date(YEAR, 5, 20))
    people = []
    for i in range(learners):
        person = make_person(tree.phong_a, code=f"{code}_{i}", full_name=f"Học Viên {code} Số {i}")
        done = i != 0  # one learner of each class failed
        enrolment = Enrollment.objects.create(training_class=cls, person=person, source="NOMINATED",
                                              state="COMPLETED" if done else "FAILED",
                                              completed_on=datetime.date(YEAR, 5, 20) if done else None)
        Result.objects.create(enrollment=enrolment, final_score=8 if done else 3, is_current=True, completed=done,
                              submitted_at=timezone.now())
        if i < rated:
            EffectivenessForm.objects.create(enrollment=enrolment, person=person, due_on=datetime.date(YEAR, 11, 20),
                                             manager_index=Decimal("8.50"), rated_at=timezone.now())
        people.append(person)
    return cls, people


@pytest.fixture
def year(tree):
    big, people = _class("CK_LON", 6, tree, rated=5)
    small, small_people = _class("CK_NHO", 4, tree, provider=make_provider("P_NHO", "Trường nhỏ"))
    return {"big": big, "small": small, "people": people + small_people}


def public():
    return Client(raise_request_exception=False)


def test_nothing_unpublished_is_shown(year, users):
    body = public().get("/cong-khai/").content.decode()
    assert 'id="nothing-published"' in body and "CK_LON" not in body
    assert public().get(f"/cong-khai/{YEAR}/").status_code == 404
    disclosure.publish(users.province, YEAR - 1)  # another year published: this one still hidden
    assert public().get(f"/cong-khai/{YEAR}/").status_code == 404
    assert "CK_LON" not in public().get("/cong-khai/").content.decode()


def test_a_published_year_shows_aggregates_and_no_group_under_five(year, users):
    disclosure.publish(users.province, YEAR)
    response = public().get(f"/cong-khai/{YEAR}/")
    assert response.status_code == 200
    body = response.content.decode()
    classes = body[body.index('id="by-class"'):]
    assert "CK_LON" in classes and "CK_NHO" not in body  # four learners: left out, only counted
    assert "1 nhóm dưới 5 học viên không được hiển thị." in body
    assert "Trường nhỏ" not in body  # the small class's provider has only those four learners
    row = classes[classes.index("CK_LON"):classes.index("</tr>", classes.index("CK_LON"))]
    assert ">6<" in row and "83,3" in row and "8,50" in row  # 6 learners, 5 of 6 completed, effectiveness index
    for person in year["people"]:  # no personal data
        assert person.full_name not in body and person.code not in body


def test_an_index_of_fewer_than_five_forms_is_not_shown(year, users, tree):
    _class("CK_BON", 7, tree, rated=4)
    disclosure.publish(users.province, YEAR)
    body = public().get("/cong-khai/").content.decode()
    row = body[body.index("CK_BON"):]
    row = row[:row.index("</tr>")]
    assert "8,50" not in row


def test_withdrawal_and_republication_are_seen_at_once(year, users):
    publication = disclosure.publish(users.province, YEAR)
    assert "CK_LON" in public().get("/cong-khai/").content.decode()
    disclosure.withdraw(publication, users.province)
    assert public().get(f"/cong-khai/{YEAR}/").status_code == 404
    assert "CK_LON" not in public().get("/cong-khai/").content.decode()
    disclosure.publish(users.province, YEAR, training_results=False, assessments=True)
    body = public().get("/cong-khai/").content.decode()
    assert "CK_LON" not in body and 'id="by-unit"' in body


def test_the_assessment_distribution_hides_small_units_and_small_cells(year, users, tree):
    for person in year["people"][:8]:  # Phòng Tổ chức, under Sở Nội vụ
        AnnualAssessment.objects.create(person=person, year=YEAR, rating=Rating.HTTNV)
    AnnualAssessment.objects.filter(person=year["people"][0]).update(rating=Rating.KHTNV)
    for i in range(3):  # Sở Tài chính: three people
        AnnualAssessment.objects.create(person=make_person(tree.phong_b, code=f"CK_B{i}"), year=YEAR,
                                        rating=Rating.HTNV)
    disclosure.publish(users.province, YEAR, training_results=False, assessments=True)
    body = public().get("/cong-khai/").content.decode()
    table = body[body.index('id="by-unit"'):body.index("</table>", body.index('id="by-unit"'))]
    assert tree.so_a.name in table and tree.so_b.name not in table
    assert "&lt; 5" in table and ">7<" in table and ">8<" in table  # 7 HTTNV, 1 KHTNV shown as "< 5", total 8
    assert "1 đơn vị dưới 5 người không được hiển thị." in body


def test_served_from_the_cache_in_one_query(year, users, django_assert_max_num_queries):
    disclosure.publish(users.province, YEAR)
    client = public()
    client.get("/cong-khai/")
    with django_assert_max_num_queries(1):
        response = client.get("/cong-khai/")
    assert "CK_LON" in response.content.decode()
    assert "public" in response["Cache-Control"]


def test_rate_limited(year, users, settings):
    settings.DTBD_RATE_LIMITS = [("/cong-khai/", None, 3, 60)]
    client = public()
    statuses = [client.get("/cong-khai/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_only_a_province_manager_publishes_and_withdraws(year, users):
    for role in ("officer", "leader", "institution", "learner"):
        client = Client()
        client.force_login(getattr(users, role))
        assert client.get("/danh-gia-chat-luong/cong-bo/").status_code == 403
        assert client.post("/danh-gia-chat-luong/cong-bo/", {"year": YEAR, "training_results": "1"}).status_code == 403
    assert not Publication.objects.exists()
    manager = Client()
    manager.force_login(users.province)
    assert manager.post("/danh-gia-chat-luong/cong-bo/", {"year": YEAR, "training_results": "1"}).status_code == 302
    publication = Publication.objects.current().get()
    assert publication.published_by == users.province
    officer = Client()
    officer.force_login(users.officer)
    assert officer.post(f"/danh-gia-chat-luong/cong-bo/{publication.pk}/rut-lai/").status_code == 403
    assert manager.post(f"/danh-gia-chat-luong/cong-bo/{publication.pk}/rut-lai/").status_code == 302
    assert not Publication.objects.current().exists()
    assert manager.post("/danh-gia-chat-luong/cong-bo/", {"year": "abc"}).status_code == 200


def _answer_survey(cls, people, score=9):
    survey = survey_services.open_survey(cls)
    blocks = survey_services.form_blocks(survey.template, cls)
    slots = survey_services.scored_slots(blocks)
    for person in people:
        filled = survey_services.Filled(scores={(item.pk, lec.pk if lec else None): score for item, lec in slots})
        survey_services.submit(survey, person.pk, filled, blocks)
    return survey


def test_the_survey_index_and_band_are_shown_from_five_valid_forms(year, users):
    big_people = [p for p in year["people"] if p.code.startswith("CK_LON")][1:]  # the five who completed
    _answer_survey(year["big"], big_people, score=9)
    disclosure.publish(users.province, YEAR)
    body = public().get("/cong-khai/").content.decode()
    row = body[body.index("CK_LON", body.index('id="by-class"')):]
    row = row[:row.index("</tr>")]
    assert "9,00" in row and "Tốt" in row


def test_coverage_against_the_twenty_percent_rule_and_the_warning_from_october(tree, users, monkeypatch):
    school = make_provider("P_PHU", "Trường phủ")
    this_year = timezone.localdate().year
    classes = []
    for i in range(6):
        cls = make_class(f"PHU{i}", capacity=10, status=TrainingClass.Status.FINISHED, provider=school,
                         starts_on=datetime.date(this_year, 1, 2), ends_on=datetime.date(this_year, 1, 5))
        classes.append(cls)
    learner = make_person(tree.phong_a, code="PHU_HV")
    Enrollment.objects.create(training_class=classes[0], person=learner, source="NOMINATED", state="COMPLETED")
    _answer_survey(classes[0], [learner])
    row = coverage.provider_coverage(school, this_year)
    assert (row.finished, row.evaluated, row.required, row.missing, row.meets) == (6, 1, 2, 1, False)
    client = Client()
    client.force_login(users.province)
    monkeypatch.setattr(coverage, "today", lambda: datetime.date(this_year, 9, 30))
    body = client.get(f"/dao-tao/co-so/{school.pk}/").content.decode()
    assert 'id="bao-phu-danh-gia"' in body and 'id="coverage-warning"' not in body
    monkeypatch.setattr(coverage, "today", lambda: datetime.date(this_year, 10, 1))
    body = client.get(f"/dao-tao/co-so/{school.pk}/").content.decode()
    assert 'id="coverage-warning"' in body and "cần đánh giá thêm 1 khoá" in body
    listing = client.get(f"/danh-gia-chat-luong/bao-phu/?year={this_year}").content.decode()
    assert "Trường phủ" in listing and "16,7" in listing
