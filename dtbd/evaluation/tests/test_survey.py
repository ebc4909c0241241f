"""The learners' survey of a class (docs/domain.md §15.3): opened when the class finishes, answered once by those who
completed it, anonymously with no path back, invalid forms counted apart, aggregates with bands, reminders."""
import datetime
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core.importing import read_first_sheet
from dtbd.evaluation import paper, queries, services
from dtbd.evaluation.models import Answer, Band, ClassSurvey, Respondent, Response
from dtbd.evaluation.testing import finished_class, full_answers
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person
from dtbd.training import services as training
from dtbd.training.models import TrainingClass
from dtbd.training.testing import enroll, make_class, school_provider

pytestmark = pytest.mark.django_db


def test_a_finished_class_opens_its_survey_and_asks_those_who_completed_it(tree):
    cls, people, _lecturers = finished_class(tree, people=2, failed=1)
    survey = cls.survey
    assert survey.template.code == "TT10-2017" and survey.anonymous
    assert survey.closes_on == survey.opens_on + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS)
    # Accounts made after the opening get the next day's reminder, not a second one today.
    for person in people:
        make_user(f"u_{person.code}", Role.LEARNER, person=person)
    assert services.remind(survey, timezone.localdate()) == 0
    assert services.send_reminders(timezone.localdate() + datetime.timedelta(days=1)) == 2
    assert services.send_reminders(timezone.localdate() + datetime.timedelta(days=1)) == 0  # idempotent
    assert Notice.objects.filter(url=services.survey_url(cls)).count() == 2


def test_only_learners_who_completed_the_class_answer_and_only_once(tree):
    cls, people, _lecturers = finished_class(tree, people=2, failed=1)
    survey = cls.survey
    failed = cls.enrollments.get(state="FAILED").person
    stranger = make_person(tree.phong_b, code="LA", full_name="Người Ngoài Lớp")
    assert "hoàn thành" in services.answer_refusal(survey, failed.pk)
    assert "hoàn thành" in services.answer_refusal(survey, stranger.pk)
    with pytest.raises(ValidationError):
        services.submit(survey, failed.pk, full_answers(survey))
    services.submit(survey, people[0].pk, full_answers(survey))
    with pytest.raises(ValidationError, match="đã trả lời"):
        services.submit(survey, people[0].pk, full_answers(survey))
    assert Response.objects.filter(survey=survey).count() == 1
    # A closed survey takes no more answers.
    late = timezone.localdate() + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS + 5)
    assert "hết hạn" in services.answer_refusal(survey, people[1].pk, late)
    with pytest.raises(ValidationError, match="hết hạn"):
        services.submit(survey, people[1].pk, full_answers(survey), today=late)


def test_a_class_not_finished_has_no_survey_to_answer(tree, users):
    cls = make_class("CHUA", status=TrainingClass.Status.OPEN, provider=school_provider(tree))
    person = users.learner.person
    enroll(cls, person)
    assert not ClassSurvey.objects.filter(training_class=cls).exists()
    assert services.answer_refusal(None, person.pk)


def _rows_naming(person, tables):
    """Rows of `tables` holding the person's id in any column (every column compared as text)."""
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 — table names from the model registry
            names = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for name, value in zip(names, row):
                    if name.endswith("person_id") and value == person.pk:
                        found.append((table, name))
    return found


def test_an_anonymous_answer_has_no_path_back_to_its_person(tree, users, client):
    cls, people, lecturers = finished_class(tree, people=2)
    survey = cls.survey
    person = people[0]
    audit_before = LogEntry.objects.count()
    response = services.submit(survey, person.pk, full_answers(survey, score=7))
    # The database: the form and its answers name nobody, carry no time, have random keys.
    response.refresh_from_db()
    assert response.person_id is None
    assert not _rows_naming(person, [Response._meta.db_table, Answer._meta.db_table])
    assert not [f.name for f in Response._meta.fields + Answer._meta.fields
                if f.get_internal_type() in ("DateField", "DateTimeField")]
    assert Response._meta.pk.get_internal_type() == "UUIDField" and Answer._meta.pk.get_internal_type() == "UUIDField"
    # The record that the person has answered holds no link to the form.
    respondent = Respondent.objects.get(person=person)
    assert not [f for f in Respondent._meta.fields if f.is_relation and f.related_model in (Response, Answer)]
    assert respondent.training_class_id == cls.pk
    # The audit: nothing written by the answer.
    assert LogEntry.objects.count() == audit_before
    # The exports: the class's results page and the paper template do not name who answered (the reports neither:
    # dtbd/reports/tests/test_survey_reports.py).
    client.force_login(users.institution)
    page = client.get(f"/danh-gia-chat-luong/lop/{cls.pk}/").content.decode()
    assert person.full_name not in page and person.code not in page
    rows = read_first_sheet(io.BytesIO(paper.write_template(survey)))
    assert person.code not in json.dumps(rows, default=str)  # only those who have not answered
    # Answered: not reminded any more; the other learner still is.
    assert services.pending_person_ids(survey) == {people[1].pk}


def test_a_named_survey_keeps_the_person(tree):
    cls, people, _lecturers = finished_class(tree, people=1)
    services.set_options(cls.survey, anonymous=False, closes_on=cls.survey.closes_on)
    response = services.submit(cls.survey, people[0].pk, full_answers(cls.survey))
    assert response.person_id == people[0].pk


def test_anonymity_is_chosen_before_the_first_answer_and_locked_after(tree):
    cls, people, _lecturers = finished_class(tree, people=2)
    survey = cls.survey
    services.set_options(survey, anonymous=False, closes_on=survey.closes_on)
    services.set_options(survey, anonymous=True, closes_on=survey.closes_on)
    services.submit(survey, people[0].pk, full_answers(survey))
    with pytest.raises(ValidationError, match="ẩn danh"):
        services.set_options(survey, anonymous=False, closes_on=survey.closes_on)
    # The closing date still moves.
    later = survey.closes_on + datetime.timedelta(days=7)
    services.set_options(survey, anonymous=True, closes_on=later)
    assert ClassSurvey.objects.get(pk=survey.pk).closes_on == later
    with pytest.raises(ValidationError):
        services.set_options(survey, anonymous=True, closes_on=survey.opens_on - datetime.timedelta(days=1))


def test_a_form_keeps_the_template_version_it_was_answered_on(tree):
    cls, people, _lecturers = finished_class(tree, people=1)
    response = services.submit(cls.survey, people[0].pk, full_answers(cls.survey))
    assert response.template_id == cls.survey.template_id


def test_invalid_forms_are_counted_apart_and_left_out_of_the_index(tree):
    # One lecturer: 14 scored items + 6 lecturer items = 20; one unanswered is exactly 5 % (valid), two is 10 %.
    cls, people, lecturers = finished_class(tree, people=3, lecturers=1)
    survey = cls.survey
    assert len(services.scored_slots(services.form_blocks(survey.template, cls))) == 20
    services.submit(survey, people[0].pk, full_answers(survey, score=8, skip=1))
    services.submit(survey, people[1].pk, full_answers(survey, score=6))
    invalid = services.submit(survey, people[2].pk, full_answers(survey, score=1, skip=2))
    assert not invalid.valid and invalid.unanswered_items == 2
    results = queries.class_results(survey)
    assert (results.forms, results.valid, results.invalid) == (3, 2, 1)
    # (19 × 8 + 20 × 6) / 39 = 6,97…: the invalid form's 1s are not counted.
    assert str(results.overall.index) == "6.97" and results.overall.band == Band.FAIR
    lecturer, figure = results.lecturers[0]
    assert lecturer == lecturers[0] and figure.index is not None


def test_aggregates_per_lecturer_class_programme_provider_and_year(tree, users):
    cls_a, people_a, lecturers_a = finished_class(tree, code="KA", people=2, lecturers=2)
    cls_b, people_b, _lecturers_b = finished_class(tree, code="KB", people=1, lecturers=1)
    for person in people_a:
        services.submit(cls_a.survey, person.pk, full_answers(cls_a.survey, score=9))
    services.submit(cls_b.survey, people_b[0].pk, full_answers(cls_b.survey, score=3))
    surveys = ClassSurvey.objects.restrict(users.institution)
    by_class = {row.key: row for row in queries.index_rows(surveys, queries.CLASS)[0]}
    assert by_class[cls_a.pk].figure.band == Band.GOOD and by_class[cls_b.pk].figure.band == Band.WEAK
    assert by_class[cls_a.pk].forms_valid == 2
    (provider,) = queries.index_rows(surveys, queries.PROVIDER)[0]
    assert provider.forms_valid == 3 and provider.figure.index is not None
    (year,) = queries.index_rows(surveys, queries.YEAR)[0]
    assert year.key == cls_a.ends_on.year
    lecturers = {row.key: row for row in queries.index_rows(surveys, queries.LECTURER)[0]}
    assert lecturers[lecturers_a[0].pk].figure.index == 9 and lecturers[lecturers_a[0].pk].forms_valid == 2
    # Out of scope: the unit officer reads no survey.
    assert not ClassSurvey.objects.restrict(users.officer).exists()


def test_the_daily_reminders_stop_at_the_closing_date(tree):
    cls, people, _lecturers = finished_class(tree, people=1)
    make_user("nhac", Role.LEARNER, person=people[0])
    survey = cls.survey
    after = survey.closes_on + datetime.timedelta(days=1)
    assert services.send_reminders(survey.closes_on) == 1
    assert services.send_reminders(after) == 0
