"""The funding app's reminders (docs/domain.md §19): a postgraduate course ending within 30 days without a recorded
return (to the unit officers), a service commitment ending within 60 days (officers and the person); once each."""
import datetime

import pytest

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.funding import services
from dtbd.notices import reminders
from dtbd.notices.models import Notice

from .test_services import sent as dispatched

pytestmark = pytest.mark.django_db

END = datetime.date(2028, 4, 1)  # the planned end of the test dispatch


def run(code, day):
    return reminders.run(day)[code]


def test_return_due_reminds_the_unit_officers_30_days_before(candidate, users):
    dispatch = dispatched(candidate(), users.officer)
    assert run("dispatch_return_due", END - datetime.timedelta(days=31)) == 0
    assert run("dispatch_return_due", END - datetime.timedelta(days=30)) == 1
    assert run("dispatch_return_due", END - datetime.timedelta(days=29)) == 0
    notice = Notice.objects.get(user=users.officer, kind=Notice.Kind.REMINDER)
    assert "01/04/2028" in notice.title and notice.url == f"/dao-tao-sau-dai-hoc/{dispatch.pk}/"


def test_no_return_reminder_once_graduated_and_the_commitment_reminder_at_its_end(candidate, users):
    person = candidate()
    account = make_user("camket", Role.LEARNER, person=person)
    dispatch = dispatched(person, users.officer)
    services.start_studying(dispatch)
    services.record_graduation(dispatch, END, certificate_no="TS-01")
    dispatch.refresh_from_db()
    ends = dispatch.commitment_ends_on
    assert run("dispatch_return_due", END - datetime.timedelta(days=30)) == 0
    assert run("commitment_ending", ends - datetime.timedelta(days=61)) == 0
    assert run("commitment_ending", ends - datetime.timedelta(days=60)) == 2  # the officer and the person
    assert run("commitment_ending", ends - datetime.timedelta(days=60)) == 0
    assert Notice.objects.filter(user=account, kind=Notice.Kind.REMINDER).count() == 1
