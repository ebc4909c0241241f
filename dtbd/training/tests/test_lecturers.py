"""The register of lecturers (docs/domain.md §15.1): internal or external, assigned to sessions, hours per year,
the lecturer's page, who reads and writes it."""
import datetime

import pytest
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.training.models import ClassSession, Lecturer, TrainingClass
from dtbd.training.services.lecturers import (
    class_lecturers,
    external_lecturer,
    hours_by_year,
    hours_in_year,
    lecturer_rows,
    split_title,
)
from dtbd.training.testing import make_class

pytestmark = pytest.mark.django_db


def test_titles_are_read_off_free_text():
    assert split_title("PGS.TS.  Phạm Văn  Tuấn") == ("PGS", "Phạm Văn Tuấn")
    assert split_title("ThS. Trần Văn Hùng") == ("THS", "Trần Văn Hùng")
    assert split_title("Đại tá Vũ Văn Long") == ("", "Đại tá Vũ Văn Long")
    assert split_title("TS.") == ("", "TS.")


def test_free_text_becomes_one_external_lecturer_per_name():
    first = external_lecturer("TS. Nguyễn Thị Hà")
    assert external_lecturer("nguyễn thị  hà") == first
    assert (first.academic_title, first.name, first.internal) == ("TS", "Nguyễn Thị Hà", False)


def test_teaching_hours_per_year_leave_out_cancelled_classes(tree):
    lecturer = Lecturer.objects.create(name="Giảng Viên Giờ")
    day = datetime.date(2025, 12, 30)
    taught = make_class("GIO1", status=TrainingClass.Status.FINISHED, starts_on=day, ends_on=day + datetime.timedelta(days=5))
    cancelled = make_class("GIO2", status=TrainingClass.Status.CANCELLED, starts_on=day, ends_on=day)
    for cls, date, tiet in ((taught, day, 4), (taught, day + datetime.timedelta(days=3), 8), (cancelled, day, 4)):
        ClassSession.objects.create(training_class=cls, date=date, tiet=tiet, lecturer=lecturer)
    assert hours_by_year(lecturer) == [(2026, 8, 1), (2025, 4, 1)]
    assert hours_in_year(2025) == {lecturer.pk: 4}
    row = lecturer_rows(Lecturer.objects.filter(pk=lecturer.pk), 2026).get()
    assert (row.year_tiet, row.class_count) == (8, 1)
    assert class_lecturers(taught) == [lecturer]


def test_the_list_runs_the_same_queries_whatever_the_number_of_lecturers(client, users, django_assert_max_num_queries):
    for i in range(30):
        Lecturer.objects.create(name=f"Giảng Viên {i}")
    client.force_login(users.institution)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("training:lecturer_list"))
    assert page.status_code == 200 and "Giảng Viên 29" in page.content.decode()


def test_who_reads_and_writes_the_register(client, tree, users):
    lecturer = Lecturer.objects.create(name="Giảng Viên Phạm Vi")
    client.force_login(users.learner)
    assert client.get(reverse("training:lecturer_list")).status_code == 403
    assert client.get(reverse("training:lecturer_detail", args=[lecturer.pk])).status_code == 404
    client.force_login(users.officer)
    assert client.get(reverse("training:lecturer_detail", args=[lecturer.pk])).status_code == 200
    assert client.post(reverse("training:lecturer_edit", args=[lecturer.pk]), {"name": "Khác"}).status_code == 403
    client.force_login(users.institution)
    reply = client.post(reverse("training:lecturer_edit", args=[lecturer.pk]),
                        {"name": "Giảng Viên Đã Sửa", "academic_title": "TS", "active": "on"})
    assert reply.status_code == 302
    lecturer.refresh_from_db()
    assert lecturer.name == "Giảng Viên Đã Sửa"


def test_an_internal_lecturer_is_a_person_of_the_callers_scope(client, tree, users):
    inside = make_person(tree.phong_b, code="GVNB", full_name="Cán Bộ Giảng Dạy")
    outside = make_person(tree.phong_a, code="GVNGOAI", full_name="Cán Bộ Ngoài Phạm Vi")
    client.force_login(users.institution)  # scoped to so_b
    url = reverse("training:lecturer_create")
    reply = client.post(url, {"person_code": "GVNGOAI", "active": "on"})
    assert reply.status_code == 200 and outside.full_name not in reply.content.decode()
    assert client.post(url, {"person_code": "gvnb", "active": "on"}).status_code == 302
    lecturer = Lecturer.objects.get(person=inside)
    assert lecturer.internal and str(lecturer) == "Cán Bộ Giảng Dạy"
    assert client.post(url, {"active": "on"}).status_code == 200  # neither a person nor a name
    assert Lecturer.objects.count() == 1


def test_the_lecturer_page_lists_the_classes_taught(client, users):
    lecturer = Lecturer.objects.create(name="Giảng Viên Trang")
    cls = make_class("GVT1", sessions=2)
    cls.sessions.update(lecturer=lecturer)
    client.force_login(users.province)
    page = client.get(reverse("training:lecturer_detail", args=[lecturer.pk])).content.decode()
    assert "GVT1" in page and "Số tiết giảng theo năm" in page
    # The class page links the lecturer of each session.
    assert reverse("training:lecturer_detail", args=[lecturer.pk]) in client.get(
        reverse("training:class_detail", args=[cls.pk])).content.decode()
