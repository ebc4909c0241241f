"""Every change of a class or an enrolment is audited and marks the dashboard's summary tables, also the changes
written by one queryset UPDATE (the withdrawals of a cancelled class: dtbd.core.signals.rows_updated)."""
import contextvars
import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.utils import timezone

from dtbd.people.testing import make_person
from dtbd.reports.models import SummaryDirty, SummaryPeriod
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services import classes as class_services
from dtbd.training.testing import enroll, make_class

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
State = Enrollment.State
TODAY = timezone.localdate()


def _period():
    return SummaryPeriod.objects.create(date_from=datetime.date(TODAY.year, 1, 1), date_to=TODAY, as_of=TODAY)


def _marked_units():
    return set(SummaryDirty.objects.values_list("unit_id", flat=True))


def _audited(obj, after=0):
    entries = LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.UPDATE, pk__gt=after)
    return list(entries.order_by("pk"))


def _last_entry():
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_status_change_is_audited_and_marks_the_learners_units(tree, users):
    cls = make_class("AU1", capacity=3)
    enroll(cls, make_person(tree.phong_b))
    _period()

    def change():  # as a request does (auditlog's middleware), in a context of its own that does not outlive it
        with set_actor(users.province):
            services.change_status(cls, Status.RUNNING, users.province)

    contextvars.copy_context().run(change)
    entry, = [e for e in _audited(cls) if "status" in e.changes_dict]
    assert entry.changes_dict["status"] == ["OPEN", "RUNNING"] and entry.actor == users.province
    assert tree.phong_b.pk in _marked_units()


def test_the_withdrawals_of_a_cancellation_are_audited_and_mark_the_summaries(tree, users):
    cls = make_class("AU2", capacity=1)
    seated, waiting = make_person(tree.phong_a), make_person(tree.phong_b)
    enrolments = [enroll(cls, seated), enroll(cls, waiting)]
    _period()
    before = _last_entry()
    class_services.change_status(cls, Status.CANCELLED, users.province)
    for enrolment, old in zip(enrolments, (State.ENROLLED, State.WAITLISTED), strict=True):
        entry, = _audited(enrolment, after=before)
        assert entry.changes_dict["state"] == [old, State.WITHDRAWN]
        assert entry.changes_dict["reason"][1] == "Lớp bị huỷ"
        assert entry.actor == users.province
    assert {tree.phong_a.pk, tree.phong_b.pk} <= _marked_units()
