"""A notice e-mail that fails is tried again later, with a growing delay (a task of the job framework, django-tasks,
run after the delay), a bounded number of times; its final failure is visible to admins (Django admin: the
notices with a failed e-mail). Tested with an e-mail backend that fails."""
import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices import services, tasks
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person

FAILING = "dtbd.notices.tests.test_retry.FailingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    """The province's mail server refusing every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Máy chủ thư không trả lời")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # reset by django-tasks' signal
    settings.EMAIL_BACKEND = FAILING


@pytest.fixture
def recipient(tree):
    person = make_person(tree.phong_a, code="HV888", full_name="Lê Văn Thử")
    return person, make_user("thu", Role.LEARNER, person=person, email="thu@example.vn")


def _ready_tasks():
    return DBTaskResult.objects.filter(status="READY").order_by("pk")


def _time_passes():
    """Every waiting retry is due now (as if its delay had passed)."""
    _ready_tasks().update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# transactional_db: the worker closes its DB connections, which a wrapping test transaction cannot survive (PostgreSQL).
def test_a_failed_email_is_retried_with_back_off_then_marked_failed(transactional_db, database_tasks, recipient,
                                                                   django_capture_on_commit_callbacks):
    person, user = recipient
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.APPROVED, "Được duyệt vào lớp")
    notice = Notice.objects.get(user=user)
    delays = []
    for attempt in range(1, tasks.EMAIL_ATTEMPTS + 1):
        started = timezone.now()
        _worker()
        notice.refresh_from_db()
        assert notice.email_attempts == attempt and notice.emailed_at is None
        assert "Máy chủ thư không trả lời" in notice.email_error
        if attempt < tasks.EMAIL_ATTEMPTS:
            retry, = _ready_tasks()
            assert retry.args_kwargs["args"][0] == [notice.pk]
            assert retry.run_after == notice.email_retry_at
            delays.append((retry.run_after - started).total_seconds())
            _worker()  # not yet due: nothing sent, nothing counted
            notice.refresh_from_db()
            assert notice.email_attempts == attempt
            _time_passes()
    assert delays == sorted(delays) and delays[0] >= 60 and len(set(delays)) == len(delays)  # growing delays
    assert not _ready_tasks().exists()  # bounded: no further attempt
    assert notice.email_retry_at is None
    assert list(Notice.objects.email_failed()) == [notice]


def test_a_retry_that_succeeds_clears_the_error(transactional_db, database_tasks, recipient, settings,
                                                django_capture_on_commit_callbacks):
    person, user = recipient
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.APPROVED, "Được duyệt vào lớp")
    _worker()
    notice = Notice.objects.get(user=user)
    assert notice.email_attempts == 1 and notice.email_retry_at is not None
    settings.EMAIL_BACKEND = WORKING  # the server is back
    _time_passes()
    _worker()
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.email_error == "" and notice.email_retry_at is None
    assert notice.email_attempts == 2 and len(mail.outbox) == 1
    assert not Notice.objects.email_failed().exists()


def test_without_a_backend_that_can_wait_the_failure_is_final_at_once(recipient, settings,
                                                                      django_capture_on_commit_callbacks):
    """The immediate backend (tests, TASKS_BACKEND=…ImmediateBackend) cannot run a task later: no retry loop."""
    person, user = recipient
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.APPROVED, "Được duyệt vào lớp")
    notice = Notice.objects.get(user=user)
    assert notice.email_attempts == 1 and notice.email_retry_at is None and notice.emailed_at is None
    assert list(Notice.objects.email_failed()) == [notice]


def test_admins_list_the_notices_whose_email_failed(client, users, recipient, settings,
                                                    django_capture_on_commit_callbacks):
    person, user = recipient
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.APPROVED, "Thư không đi được")
    settings.EMAIL_BACKEND = WORKING
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.REJECTED, "Thư đã đi")
    client.force_login(users.admin)
    url = reverse("admin:notices_notice_changelist")
    page = client.get(url).content.decode()
    assert "Thư không đi được" in page and "Thư đã đi" in page
    failed = client.get(url, {"email": "failed"}).content.decode()
    assert "Thư không đi được" in failed and "Thư đã đi" not in failed
    assert "Máy chủ thư không trả lời" in failed
    sent = client.get(url, {"email": "sent"}).content.decode()
    assert "Thư đã đi" in sent and "Thư không đi được" not in sent
