"""The reminders machinery (docs/domain.md §19): a day run twice sends nothing twice, the next day of the window sends
nothing again, a new occasion is a new reminder; optional kinds can be switched off per user, mandatory ones cannot;
in-app notice and e-mail; the preferences page; the daily run is the worker's."""
import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices import reminders
from dtbd.notices.models import Notice, ReminderPreference, SentReminder

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 5)


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people():
    return make_user("nhan", Role.LEARNER, email="nhan@example.vn"), make_user("khac", Role.LEARNER, email="k@example.vn")


@pytest.fixture
def kinds(monkeypatch, people):
    """Only two test kinds: 'deadline' (optional; the object's date is the occasion, due 3 days ahead) and 'must'
    (mandatory, to the first user)."""
    first, second = people
    deadlines = {"a": datetime.date(2026, 10, 8)}

    def collect(day, days):
        for key, when in deadlines.items():
            if day <= when <= day + datetime.timedelta(days=days):
                for user in (first, second):
                    yield reminders.Due(user.pk, f"obj:{key}", when, f"Hạn {key}", "Nội dung", "/x/")

    def must(day, days):
        yield reminders.Due(first.pk, "obj:m", datetime.date(2026, 12, 31), "Bắt buộc")

    monkeypatch.setattr(reminders, "_KINDS", {})
    reminders.register(reminders.ReminderKind("deadline", "Hạn", "Mô tả", collect, days=3, optional=True))
    reminders.register(reminders.ReminderKind("must", "Bắt buộc", "Mô tả", must, optional=False))
    return deadlines


def test_a_day_run_twice_sends_nothing_twice(kinds, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.run(DAY) == {"deadline": 2, "must": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.run(DAY) == {"deadline": 0, "must": 0}
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["k@example.vn", "nhan@example.vn", "nhan@example.vn"]
    log = SentReminder.objects.get(kind="deadline", user=people[0])
    assert (log.object_key, log.day, log.notice.title) == ("obj:a", datetime.date(2026, 10, 8), "Hạn a")


def test_window_boundary_and_no_repeat_on_the_next_days(kinds):
    assert reminders.run(DAY - datetime.timedelta(days=1))["deadline"] == 0  # 4 days before: outside the window
    assert reminders.run(DAY)["deadline"] == 2  # 3 days before: sent
    assert reminders.run(DAY + datetime.timedelta(days=1))["deadline"] == 0  # 2 days before: not again
    assert reminders.run(datetime.date(2026, 10, 8))["deadline"] == 0  # the day itself: not again
    # The date moves (a new occasion): a new reminder.
    kinds["a"] = datetime.date(2026, 10, 12)
    assert reminders.run(datetime.date(2026, 10, 9))["deadline"] == 2


def test_optional_kinds_can_be_switched_off_mandatory_ones_not(kinds, people):
    first, second = people
    reminders.save_preferences(first, [])  # everything optional off
    assert ReminderPreference.objects.get(user=first, kind="deadline").enabled is False
    assert not ReminderPreference.objects.filter(kind="must").exists()
    assert reminders.run(DAY) == {"deadline": 1, "must": 1}
    assert not Notice.objects.filter(user=first, title="Hạn a").exists()
    assert Notice.objects.filter(user=first, title="Bắt buộc").exists()
    # On again: what was not sent is sent at the next run inside the window.
    reminders.save_preferences(first, ["deadline"])
    assert reminders.run(DAY + datetime.timedelta(days=1))["deadline"] == 1


def test_a_concurrent_run_that_got_there_first_wins(kinds, people, monkeypatch):
    real = SentReminder.objects.bulk_create

    def racing(rows, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(SentReminder.objects, "bulk_create", racing)
    assert reminders.run(DAY)["deadline"] == 0
    assert not Notice.objects.exists()  # rolled back with the log rows
    monkeypatch.setattr(SentReminder.objects, "bulk_create", real)
    assert reminders.run(DAY)["deadline"] == 2


def test_a_failing_kind_does_not_stop_the_others(kinds, monkeypatch):
    def broken(day, days):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    reminders.register(reminders.ReminderKind("broken", "Hỏng", "", broken, order=0))
    assert reminders.run(DAY) == {"broken": 0, "deadline": 2, "must": 1}


def test_preferences_page(client, kinds, people):
    first, _second = people
    client.force_login(first)
    page = client.get("/thong-bao/nhac-viec/").content.decode()
    assert 'name="kind" value="deadline"' in page and "checked" in page and 'value="must"' not in page
    response = client.post("/thong-bao/nhac-viec/", {})
    assert response.status_code == 302
    assert dict((k.code, on) for k, on in reminders.preferences(first)) == {"deadline": False, "must": True}
    client.post("/thong-bao/nhac-viec/", {"kind": ["deadline", "must"]})
    assert dict((k.code, on) for k, on in reminders.preferences(first)) == {"deadline": True, "must": True}


def test_command_and_daily_task(kinds, capsys):
    call_command("send-reminders", "--date", DAY.isoformat())
    assert "deadline: 2" in capsys.readouterr().out
    assert "dtbd.notices.reminders.send_reminders" in settings.DTBD_DAILY_TASKS
    assert reminders.send_reminders.enqueue().return_value == {"deadline": 0, "must": 0}  # today: nothing new


def test_registered_kinds_of_the_apps():
    """The apps above notices register their kinds from AppConfig.ready (the registry itself imports none)."""
    codes = {k.code for k in reminders.kinds()}
    assert {"registration_closing", "class_starting", "certificate_expiring", "annual_hours_missing",
            "dispatch_return_due", "commitment_ending"} <= codes
    assert {k.code for k in reminders.kinds() if not k.optional} == {"registration_closing", "dispatch_return_due"}
