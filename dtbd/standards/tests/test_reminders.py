"""The annual-hours reminder (docs/domain.md §19): in the last quarter only (30/09 nothing, 01/10 sent), once a month
(not again on 15/10, again on 01/11), to people below the minimum only."""
import datetime

import pytest

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices import reminders
from dtbd.notices.models import Notice
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

D = datetime.date


def run(day):
    return reminders.run(day)["annual_hours_missing"]


def test_last_quarter_once_a_month_to_people_below_the_minimum(tree):
    below = make_person(tree.so_a, code="THIEU", category="CC")
    enough = make_person(tree.so_a, code="DU", category="CC")
    Qualification.objects.create(person=below, type="BD", level="GCN", issued_on=D(2026, 3, 1), hours=16)
    Qualification.objects.create(person=enough, type="BD", level="GCN", issued_on=D(2026, 3, 1), hours=40)
    user = make_user("thieu", Role.LEARNER, person=below)
    make_user("du", Role.LEARNER, person=enough)
    assert run(D(2026, 9, 30)) == 0
    assert run(D(2026, 10, 1)) == 1
    assert run(D(2026, 10, 1)) == 0
    assert run(D(2026, 10, 15)) == 0
    assert run(D(2026, 11, 1)) == 1
    notice = Notice.objects.filter(user=user, kind=Notice.Kind.REMINDER).first()
    assert "2026" in notice.title and "16 tiết" in notice.body and "24 tiết" in notice.body
    # Switched off: nothing in December.
    reminders.save_preferences(user, [])
    assert run(D(2026, 12, 1)) == 0
