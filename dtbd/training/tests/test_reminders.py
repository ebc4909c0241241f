"""The training app's reminders (docs/domain.md §19) at their boundaries: a class starting in N days (N+1 days
before: nothing; N days before: sent; the next days: not again), a registration deadline with requests waiting, a
certificate expiring within its window (foreign language, IT, defence; not other types)."""
import datetime

import pytest

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices import reminders
from dtbd.notices.models import Notice
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import enroll, make_class

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 3, 15)


def days_before(n, day=START):
    return day - datetime.timedelta(days=n)


def sent(code, day):
    return reminders.run(day)[code]


@pytest.fixture
def learner(tree):
    person = make_person(tree.phong_a, code="NH001", full_name="Lê Văn Nhắc")
    return person, make_user("nhac", Role.LEARNER, person=person, email="nhac@example.vn")


def test_class_starting_n_days_before(learner, settings):
    person, user = learner
    cls = make_class("NH01", capacity=5, starts_on=START)
    enroll(cls, person)
    assert reminders.get("class_starting").window() == 7
    assert sent("class_starting", days_before(8)) == 0
    assert sent("class_starting", days_before(7)) == 1
    assert sent("class_starting", days_before(7)) == 0  # the same day again
    assert sent("class_starting", days_before(6)) == 0  # the next day
    notice = Notice.objects.get(user=user, kind=Notice.Kind.REMINDER)
    assert "NH01" in notice.title and "15/03/2027" in notice.title and "còn 7 ngày" in notice.title
    # Postponed: a new start date is a new occasion.
    TrainingClass.objects.filter(pk=cls.pk).update(starts_on=START + datetime.timedelta(days=3))
    assert sent("class_starting", days_before(4)) == 1
    # The window is a setting.
    settings.DTBD_REMINDER_DAYS = {"class_starting": 2}
    assert reminders.get("class_starting").window() == 2


def test_class_starting_only_for_enrolled_learners_who_did_not_switch_it_off(tree, learner):
    person, user = learner
    other = make_person(tree.phong_a, code="NH002")
    make_user("khac", Role.LEARNER, person=other)
    cls = make_class("NH02", capacity=1, starts_on=START)
    enroll(cls, person)
    assert enroll(cls, other).state == Enrollment.State.WAITLISTED
    reminders.save_preferences(user, [])
    assert sent("class_starting", days_before(7)) == 0


def test_registration_closing_reminds_officers_and_the_waiting_learner(tree, users, learner):
    person, user = learner
    cls = make_class("NH03", capacity=5, starts_on=START, registration_closes=days_before(10))
    services.request_enrollment(cls, person, Enrollment.Source.SELF, user)
    closes = cls.registration_closes
    assert sent("registration_closing", days_before(4, closes)) == 0
    assert sent("registration_closing", days_before(3, closes)) == 2  # the learner and so_a's unit officer
    assert sent("registration_closing", days_before(2, closes)) == 0
    officer_notice = Notice.objects.get(user=users.officer, kind=Notice.Kind.REMINDER)
    assert "1 đăng ký chờ duyệt" in officer_notice.title and "Lê Văn Nhắc" in officer_notice.body
    assert Notice.objects.filter(user=user, kind=Notice.Kind.REMINDER).count() == 1
    # Mandatory: switching off changes nothing.
    reminders.save_preferences(users.officer, [])
    cls2 = make_class("NH04", capacity=5, starts_on=START, registration_closes=closes)
    services.request_enrollment(cls2, make_person(tree.phong_a, code="NH005"), Enrollment.Source.SELF, None)
    assert sent("registration_closing", days_before(1, closes)) == 1


def test_certificate_expiring_within_its_validity_window(learner):
    person, user = learner
    expires = datetime.date(2027, 6, 30)
    Qualification.objects.create(person=person, type="LANG", level="B1", language="Tiếng Anh", valid_until=expires,
                                 certificate_no="NN-1")
    Qualification.objects.create(person=person, type="LLCT", level="TC", valid_until=expires)  # no reminder: type
    Qualification.objects.create(person=person, type="IT", level="CO_BAN")  # no validity: never expires
    assert sent("certificate_expiring", days_before(61, expires)) == 0
    assert sent("certificate_expiring", days_before(60, expires)) == 1
    assert sent("certificate_expiring", days_before(30, expires)) == 0
    assert sent("certificate_expiring", expires + datetime.timedelta(days=1)) == 0
    notice = Notice.objects.get(user=user, kind=Notice.Kind.REMINDER)
    assert "30/06/2027" in notice.title and "NN-1" in notice.body
