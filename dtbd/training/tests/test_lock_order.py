"""Lock order of the enrolment and results writes: every write that locks both takes the class row first, then its
enrolments (services.approve / withdraw, results.submit), so two of them at once wait for each other instead of
deadlocking. PostgreSQL only: SQLite has one writer at a time (BEGIN IMMEDIATE), no row locks to cross."""
import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from dtbd.org.testing import make_unit
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services import enrolment, results
from dtbd.training.testing import enroll, make_class

@pytest.mark.postgresql  # SQLite serialises writers: there are no row locks to take in the wrong order
@pytest.mark.parametrize("first", ["withdraw", "approve"])
def test_a_withdrawal_or_approval_and_the_submission_of_results_at_once_do_not_deadlock(transactional_db, monkeypatch,
                                                                                       first):
    """Thread A withdraws (or approves) an enrolment and, once its locks are taken, waits for thread B to start
    submitting the class's results; then it frees (or takes) the seat. With the enrolment locked before the class,
    B would hold the class and wait for the enrolment while A waits for the class: PostgreSQL's deadlock error."""
    unit = make_unit("S_LOCK", "Sở khoá")
    start = timezone.localdate() - datetime.timedelta(days=5)
    cls = make_class("L_LOCK", capacity=10, starts_on=start, ends_on=start + datetime.timedelta(days=2), sessions=2)
    leaving, staying = (enroll(cls, make_person(unit, education=None)) for _ in range(2))
    requested = services.request_enrollment(cls, make_person(unit, education=None), Enrollment.Source.SELF)
    TrainingClass.objects.filter(pk=cls.pk).update(status=TrainingClass.Status.RUNNING)
    cls.refresh_from_db()
    target = leaving if first == "withdraw" else requested

    a_locked, b_started = threading.Event(), threading.Event()
    original_locked = enrolment._locked

    def locked_then_wait(enrollment, states, action):
        row = original_locked(enrollment, states, action)
        if threading.current_thread().name == "A":
            a_locked.set()
            b_started.wait(timeout=10)
            threading.Event().wait(1.5)  # B takes what it can meanwhile (the class, when free) and waits
        return row

    monkeypatch.setattr(enrolment, "_locked", locked_then_wait)
    errors = []

    def run_a():
        try:
            enrollment = Enrollment.objects.select_related("training_class", "person").get(pk=target.pk)
            if first == "withdraw":
                services.withdraw(enrollment, reason="Chuyển công tác")
            else:
                services.approve(enrollment)
        except Exception as exc:  # noqa: BLE001 — every error fails the test
            errors.append(repr(exc))
        finally:
            connection.close()

    def run_b():
        try:
            a_locked.wait(timeout=10)
            b_started.set()
            results.submit(TrainingClass.objects.get(pk=cls.pk))
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_a, name="A"), threading.Thread(target=run_b, name="B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    staying.refresh_from_db()
    target.refresh_from_db()
    assert staying.state in (Enrollment.State.COMPLETED, Enrollment.State.FAILED)
    if first == "withdraw":
        assert target.state == Enrollment.State.WITHDRAWN
    else:  # enrolled, and in the results when the approval came first
        assert target.state in (Enrollment.State.ENROLLED, Enrollment.State.COMPLETED, Enrollment.State.FAILED)
    cls.refresh_from_db()
    assert cls.results_submitted_at is not None
