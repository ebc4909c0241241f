"""Data of the API tests: two departments' people (so_a: the unit officer's; so_b: another unit's), a class run by
the so_b school with one learner of each side, their attendance, submitted results and certificates."""
import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from dtbd.api.tokens import create_token
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Attendance, Result, TrainingClass
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program, school_provider


def token_client(user, days=90):
    _token, key = create_token(user, "test", days)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(tree, users):
    a = make_person(tree.phong_a, code="A001", full_name="Lê Văn An", citizen_id="001085000111", phone="0912000111",
                    qualifications=[("LLCT", "TC", datetime.date(2015, 6, 1))])
    b = make_person(tree.phong_b, code="B001", full_name="Phạm Thị Bình", citizen_id="001085000222",
                    qualifications=[("LLCT", "SC", datetime.date(2016, 6, 1))])
    provider = school_provider(tree)
    start = timezone.localdate() - datetime.timedelta(days=10)
    cls = make_class("API01", capacity=5, provider=provider, program=make_program(), sessions=2,
                     starts_on=start, ends_on=start + datetime.timedelta(days=2))
    enr_a, enr_b = enroll(cls, a), enroll(cls, b)
    services.change_status(cls, TrainingClass.Status.RUNNING)
    cls.refresh_from_db()
    for session in cls.sessions.all():
        for enr in (enr_a, enr_b):
            Attendance.objects.create(session=session, enrollment=enr, status=Attendance.Status.PRESENT)
    now = timezone.now()
    for enr in (enr_a, enr_b):
        Result.objects.create(enrollment=enr, version=1, final_score=8, grade=Result.Grade.GOOD, attendance_pct=100,
                              completed=True, is_current=True, submitted_at=now)
        services.record_outcome(enr, True)
    cert_a = certificates.issue(enr_a)
    cert_b = certificates.issue(enr_b)
    return SimpleNamespace(
        a=a, b=b, cls=cls, enr_a=enr_a, enr_b=enr_b, cert_a=cert_a, cert_b=cert_b, provider=provider,
        qual_a=Qualification.objects.get(person=a, type="LLCT"), qual_b=Qualification.objects.get(person=b, type="LLCT"),
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limit counts in the cache (dtbd.api.throttling), which outlives a test: every test starts at zero."""
    cache.clear()
    yield
    cache.clear()
