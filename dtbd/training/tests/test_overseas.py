"""Reports after a course abroad (docs/domain.md §10.2): due within 15 days of return — day 15 on time, day 16 late;
the portal task, the upload and who may read the file, the officers' list of late reports, the daily reminders."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, OverseasReminder, OverseasReport
from dtbd.training.services import overseas
from dtbd.training.testing import make_class, make_program

pytestmark = pytest.mark.django_db

RETURN = datetime.date(2026, 10, 1)  # the class's last day


def _abroad(code="NN01", ends_on=RETURN):
    program = make_program("NN_QLNN", name="Bồi dưỡng ở nước ngoài", grants_type="", grants_level="")
    return make_class(code, program=program, abroad=True, country="SG", status="FINISHED",
                      starts_on=ends_on - datetime.timedelta(days=20), ends_on=ends_on)


def _went(cls, person):
    return Enrollment.objects.create(training_class=cls, person=person, source="NOMINATED", state="COMPLETED")


def _pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 bao cao", content_type="application/pdf")


@pytest.fixture
def trip(tree, users):
    cls = _abroad()
    return cls, _went(cls, users.learner.person)


def test_due_on_day_15_and_late_on_day_16(trip, users):
    cls, enrolment = trip
    day15, day16 = RETURN + datetime.timedelta(days=15), RETURN + datetime.timedelta(days=16)
    assert overseas.due_on(cls) == day15
    assert not overseas.is_late(cls, day15) and overseas.is_late(cls, day16)
    assert list(overseas.rows(users.province, day15)) == []
    assert [r.pk for r in overseas.rows(users.province, day16)] == [enrolment.pk]
    [task] = overseas.tasks_of(users.learner.person, day15)
    assert task.due == day15 and task.days_left == 0 and not task.late


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def test_report_sent_on_day_15_is_on_time_and_on_day_16_late(trip, users, media_root):
    cls, enrolment = trip
    report = overseas.submit(enrolment, _pdf(), users.learner, now=_at(datetime.date(2026, 10, 16)))
    assert not overseas.is_late(cls, datetime.date(2026, 10, 20), report)
    report = overseas.submit(enrolment, _pdf("lan-2.docx"), users.learner, now=_at(datetime.date(2026, 10, 17)))
    assert overseas.is_late(cls, datetime.date(2026, 10, 20), report)
    assert OverseasReport.objects.count() == 1 and report.file_name == "lan-2.docx"


def test_upload_page_and_file_served_only_in_scope(client, tree, users, trip, media_root):
    cls, enrolment = trip
    client.force_login(users.learner)
    portal = client.get(reverse("training:portal")).content.decode()
    assert "Báo cáo sau khoá học ở nước ngoài" in portal and "Hạn nộp: 16/10/2026" in portal
    url = reverse("training:overseas_upload", args=[enrolment.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and "không phải PDF" in bad.content.decode()
    assert client.post(url, {"file": _pdf()}).status_code == 302
    report = OverseasReport.objects.get()
    file_url = reverse("training:overseas_file", args=[report.pk])
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(users.officer)  # so_a: the learner's unit is under it
    assert client.get(file_url).status_code == 200
    other = make_user("donvi_b", Role.UNIT_OFFICER, scope_unit=tree.so_b)
    client.force_login(other)
    assert client.get(file_url).status_code == 404
    assert client.get(url).status_code == 404
    stranger = make_user("hv_khac", Role.LEARNER, person=make_person(tree.phong_a))
    client.force_login(stranger)
    assert client.get(file_url).status_code == 404 and client.post(url, {"file": _pdf()}).status_code == 404
    client.force_login(users.leader)  # sees the enrolment, does not send for others
    assert client.get(url).status_code == 403


def test_late_list_is_scoped_and_fixed_queries(client, tree, users, django_assert_max_num_queries):
    day16 = timezone.localdate() - datetime.timedelta(days=16)  # back 16 days ago: late today
    mine = make_person(tree.phong_a, full_name="Người Đi Học")
    theirs = make_person(tree.phong_b, full_name="Người Sở Khác")
    _went(_abroad("NN02", day16), mine)
    _went(_abroad("NN03", day16), theirs)
    _went(_abroad("NN04", day16 + datetime.timedelta(days=1)), make_person(tree.phong_a, full_name="Còn Trong Hạn"))
    client.force_login(users.officer)
    url = reverse("training:overseas_reports")
    with django_assert_max_num_queries(12) as few:
        html = client.get(url).content.decode()
    assert "Người Đi Học" in html and "Người Sở Khác" not in html and "Còn Trong Hạn" not in html
    for i in range(10):
        _went(_abroad(f"NN1{i}", day16), make_person(tree.phong_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("Quá hạn") >= 11
    client.force_login(users.learner)
    assert client.get(url).status_code == 403


def test_reminders_are_sent_once(tree, users, trip):
    officer_notices = Notice.objects.filter(user=users.officer)
    assert overseas.send_reminders(RETURN - datetime.timedelta(days=1)) == {"due": 0, "late": 0}  # still abroad
    assert overseas.send_reminders(RETURN) == {"due": 1, "late": 0}
    assert overseas.send_reminders(RETURN) == {"due": 0, "late": 0}  # the same day again: nothing twice
    assert overseas.send_reminders(RETURN + datetime.timedelta(days=15)) == {"due": 0, "late": 0}
    assert overseas.send_reminders(RETURN + datetime.timedelta(days=16)) == {"due": 0, "late": 1}
    assert overseas.send_reminders(RETURN + datetime.timedelta(days=16)) == {"due": 0, "late": 0}
    learner = Notice.objects.filter(user=users.learner)
    assert learner.count() == 2 and "16/10/2026" in learner.order_by("id").first().title
    assert officer_notices.count() == 1 and "quá hạn" in officer_notices.get().title
    assert OverseasReminder.objects.count() == 2


def test_no_late_reminder_once_reported(tree, users, trip, media_root):
    _cls, enrolment = trip
    overseas.submit(enrolment, _pdf(), users.learner, now=_at(datetime.date(2026, 10, 5)))
    assert overseas.send_reminders(RETURN + datetime.timedelta(days=20)) == {"due": 0, "late": 0}
