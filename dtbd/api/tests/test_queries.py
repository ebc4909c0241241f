"""List endpoints run a fixed number of queries whatever the number of rows (3 rows vs 30 rows)."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Attendance, Enrollment, Result, TrainingClass
from dtbd.training.services import certificates
from dtbd.training.testing import make_class

from .conftest import user_client

MAX_QUERIES = 6  # scope (1) + count + page + prefetch, whatever the rows


def _populate(tree, n, code):
    """n people in so_a, each enrolled, attending, with a submitted result and a certificate, in one class."""
    start = timezone.localdate() - datetime.timedelta(days=5)
    cls = make_class(code, capacity=200, sessions=2, starts_on=start, ends_on=start + datetime.timedelta(days=2))
    people = [make_person(tree.phong_a, code=f"{code}-{i}", qualifications=[("LLCT", "TC")]) for i in range(n)]
    enrolments = [Enrollment.objects.create(training_class=cls, person=p, source=Enrollment.Source.NOMINATED,
                                            state=Enrollment.State.ENROLLED) for p in people]
    TrainingClass.objects.filter(pk=cls.pk).update(status=TrainingClass.Status.RUNNING, seats_taken=n)
    cls.refresh_from_db()
    now = timezone.now()
    for enr in enrolments:
        for session in cls.sessions.all():
            Attendance.objects.create(session=session, enrollment=enr, status=Attendance.Status.PRESENT)
        Result.objects.create(enrollment=enr, version=1, final_score=7, completed=True, is_current=True, submitted_at=now)
        services.record_outcome(enr, True)
        certificates.issue(enr)
    return cls


LISTS = ["units", "staff", "qualifications", "enrolments", "certificates", "classes", "programmes", "requirements"]
ROSTERS = ["attendance", "results"]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries), response.json()["count"]


def test_list_query_count_does_not_grow(tree, users):
    """Every list endpoint, and a class's attendance and results, with 3 rows then 30 rows: same number of queries."""
    client = user_client(users.province)
    small = _populate(tree, 3, "Q3")
    before = {name: _count(client, f"/api/v1/{name}/") for name in LISTS}
    before.update({name: _count(client, f"/api/v1/classes/{small.pk}/{name}/") for name in ROSTERS})
    big = _populate(tree, 30, "Q30")
    after = {name: _count(client, f"/api/v1/{name}/") for name in LISTS}
    after.update({name: _count(client, f"/api/v1/classes/{big.pk}/{name}/") for name in ROSTERS})
    for name, (queries, rows) in before.items():
        assert queries <= MAX_QUERIES, (name, queries)
        assert after[name][0] <= queries, (name, queries, after[name][0])
    for name in ("staff", "qualifications", "enrolments", "certificates", "attendance", "results"):
        assert after[name][1] - before[name][1] >= 27, (name, before[name], after[name])


def test_staff_list_fixed_queries(tree, users, django_assert_max_num_queries):
    for i in range(30):
        make_person(tree.phong_a, code=f"S{i:03d}", qualifications=[("LLCT", "TC")])
    client = user_client(users.officer)
    with django_assert_max_num_queries(4):  # count, page and the export log row
        response = client.get("/api/v1/staff/", {"page_size": 100})
    assert response.json()["count"] == 31  # with the learner HV001
    assert Qualification.objects.count() >= 60
