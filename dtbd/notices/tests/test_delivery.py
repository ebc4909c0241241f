"""E-mail delivery of notices: after commit only, never to a user without an address, failures recorded and never
raised, queued as a task row with the database backend and sent by the worker; unit officers by scope."""
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices import services
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://dtbd.example.vn"


@pytest.fixture
def person_with_user(tree):
    person = make_person(tree.phong_a, code="HV777", full_name="Lê Văn Nhận")
    user = make_user("nhan", Role.LEARNER, person=person, email="nhan@example.vn")
    return person, user


def test_email_is_sent_only_after_commit(person_with_user, django_capture_on_commit_callbacks):
    person, user = person_with_user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            services.notify_person(person, Notice.Kind.APPROVED, "Được duyệt vào lớp", "Chào bạn", "/dao-tao/lop/1/")
            assert Notice.objects.filter(user=user).count() == 1
            assert mail.outbox == []  # nothing inside the transaction
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nhan@example.vn"]
    assert message.subject == "[dtbd] Được duyệt vào lớp"
    assert "https://dtbd.example.vn/dao-tao/lop/1/" in message.body
    notice = Notice.objects.get(user=user)
    assert notice.emailed_at is not None and notice.email_error == ""


def test_rolled_back_transaction_sends_nothing(person_with_user, django_capture_on_commit_callbacks):
    person, user = person_with_user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify_person(person, Notice.Kind.APPROVED, "Sẽ bị huỷ")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []
    assert not Notice.objects.filter(user=user).exists()


def test_user_without_address_gets_the_notice_but_no_email(users, django_capture_on_commit_callbacks):
    users.learner.email = ""
    users.learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([users.learner], Notice.Kind.OTHER, "Không có thư")
    notice = Notice.objects.get(user=users.learner)
    assert mail.outbox == [] and notice.emailed_at is None


def test_smtp_failure_is_recorded_and_not_raised(person_with_user, django_capture_on_commit_callbacks):
    person, user = person_with_user
    with mock.patch("dtbd.notices.tasks.send_mail", side_effect=OSError("SMTP 421 máy chủ bận")):
        with django_capture_on_commit_callbacks(execute=True):
            notices = services.notify_person(person, Notice.Kind.RESULTS, "Có kết quả")
    assert len(notices) == 1
    notice = Notice.objects.get(user=user)
    assert notice.emailed_at is None and "SMTP 421" in notice.email_error
    assert mail.outbox == []


def test_duplicates_and_inactive_users_are_skipped(users, django_capture_on_commit_callbacks):
    users.officer.is_active = False
    users.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify([users.learner, users.learner, users.officer, None], Notice.Kind.OTHER, "Một lần")
    assert [n.user_id for n in created] == [users.learner.pk]


# transactional_db: the worker closes its DB connections, which a wrapping test transaction cannot survive (PostgreSQL).
def test_database_backend_queues_a_task_and_the_worker_sends_it(transactional_db, person_with_user, settings,
                                                                django_capture_on_commit_callbacks):
    person, user = person_with_user
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # reset by django-tasks' signal
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_person(person, Notice.Kind.NOMINATED, "Được cử đi học")
    assert mail.outbox == []  # nothing sent during the request
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and task.args_kwargs["args"][0] == [Notice.objects.get(user=user).pk]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nhan@example.vn"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notice.objects.get(user=user).emailed_at is not None


def test_unit_officers_of_the_unit_or_an_ancestor_are_notified(users, tree, django_capture_on_commit_callbacks):
    other = make_user("donvi_b", Role.UNIT_OFFICER, scope_unit=tree.so_b)
    root_officer = make_user("donvi_tinh", Role.UNIT_OFFICER, scope_unit=tree.root)
    deeper = make_user("donvi_phong", Role.UNIT_OFFICER, scope_unit=tree.phong_a)
    assert {u.pk for u in services.unit_officers_for(tree.phong_a)} == {users.officer.pk, root_officer.pk, deeper.pk}
    assert {u.pk for u in services.unit_officers_for(tree.so_a)} == {users.officer.pk, root_officer.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_unit_officers(tree.phong_a, Notice.Kind.REQUESTED, "Có đăng ký chờ duyệt")
    receivers = set(Notice.objects.values_list("user__username", flat=True))
    assert receivers == {"donvi", "donvi_tinh", "donvi_phong"}
    assert other.pk not in set(Notice.objects.values_list("user_id", flat=True))
    # the leader (scoped to so_a too) and the learner are not unit officers
    assert not Notice.objects.filter(user__in=[users.leader, users.learner]).exists()
    assert services.notify_unit_officers(None, Notice.Kind.OTHER, "x") == []
