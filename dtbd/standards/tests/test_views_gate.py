"""Gate pages: eligibility check, appointment form (scope, roles, refusal, exception), succession-list check
(fixed number of queries)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.core.models import Source
from dtbd.people.models import PlannedPost, PostAssignment
from dtbd.people.testing import make_person
from dtbd.standards.models import Appointment

pytestmark = pytest.mark.django_db

D = datetime.date


def check_url(person, **params):
    from urllib.parse import urlencode

    return reverse("standards:gate_check", args=[person.pk]) + ("?" + urlencode(params) if params else "")


def test_check_page_lists_unmet_or_says_eligible(client, users, tree):
    p = make_person(tree.phong_a, rank="01.003", qualifications=[("LLCT", "TC"), ("QLNN", "CV")])
    client.force_login(users.officer)
    html = client.get(check_url(p, post_level="GD", date="01/09/2025")).content.decode()
    assert "Chưa đủ điều kiện" in html and "POST_LLCT" in html and "POST_LDQL" in html and "Nghị định 29/2024" in html
    html = client.get(check_url(p, rank="01.003")).content.decode()
    assert "Đủ điều kiện: đạt mọi tiêu chuẩn" in html
    html = client.get(check_url(p, rank="01.002")).content.decode()
    assert "RANK_QLNN" in html
    html = client.get(check_url(p, date="31/02/2025", post_level="GD")).content.decode()
    assert "Ngày không hợp lệ" in html
    # A read-only leader in scope may check; out of scope is 404 for everyone.
    client.force_login(users.leader)
    assert client.get(check_url(p, post_level="TP")).status_code == 200
    outsider = make_person(tree.so_b)
    assert client.get(check_url(outsider, post_level="TP")).status_code == 404
    client.force_login(users.officer)
    assert client.get(check_url(outsider, post_level="TP")).status_code == 404


def form_data(**extra):
    data = {"kind": "POST", "post_title": "Phó trưởng phòng", "post_level": "PTP", "effective_on": "01/09/2025", "decision_no": "12/QĐ-SNV"}
    data.update(extra)
    return data


def test_appointment_form_refuses_with_the_list_and_changes_nothing(client, users, tree):
    p = make_person(tree.phong_a, qualifications=[("LLCT", "TC")])
    client.force_login(users.officer)
    url = reverse("standards:appointment_create", args=[p.pk])
    page = client.get(url + "?post_level=PTP").content.decode()
    assert "Ghi nhận ngoại lệ" not in page  # unit officers are not offered the exception
    response = client.post(url, form_data())
    html = response.content.decode()
    assert response.status_code == 200 and "chưa đạt 1 tiêu chuẩn" in html and "POST_LDQL" in html
    assert not Appointment.objects.exists() and not PostAssignment.objects.filter(person=p).exists()
    # A forged exception from a unit officer is ignored: still refused.
    response = client.post(url, form_data(record_exception="on", exception_reason="Cần gấp"))
    assert "POST_LDQL" in response.content.decode() and not Appointment.objects.exists()


def test_appointment_form_records_a_satisfied_appointment(client, users, tree):
    p = make_person(tree.phong_a, post_level="PTP", post_title="Phó trưởng phòng", valid_from=D(2020, 1, 1),
                    qualifications=[("LLCT", "TC"), ("LDQL", "CAP_PHONG")])
    client.force_login(users.officer)
    response = client.post(reverse("standards:appointment_create", args=[p.pk]),
                           form_data(post_title="Trưởng phòng", post_level="TP", unit=tree.phong_a.pk))
    assert response.status_code == 302 and response.url == reverse("people:person_detail", args=[p.pk])
    assert PostAssignment.objects.get(person=p, level="PTP").valid_to == D(2025, 8, 31)
    new = PostAssignment.objects.get(person=p, level="TP")
    assert (new.valid_from, new.decision_no, new.source) == (D(2025, 9, 1), "12/QĐ-SNV", Source.DECISION)
    html = client.get(reverse("standards:appointment_create", args=[p.pk])).content.decode()
    assert "12/QĐ-SNV" in html and "Đủ tiêu chuẩn" in html
    # Bad input: a clear message on the field.
    html = client.post(reverse("standards:appointment_create", args=[p.pk]),
                       form_data(effective_on="2025/13/01", decision_no="")).content.decode()
    assert "Ngày không hợp lệ" in html and Appointment.objects.count() == 1


def test_province_manager_records_an_exception_with_a_reason(client, users, tree):
    p = make_person(tree.phong_a, qualifications=[])
    client.force_login(users.province)
    url = reverse("standards:appointment_create", args=[p.pk])
    assert "Ghi nhận ngoại lệ" in client.get(url).content.decode()
    html = client.post(url, form_data(record_exception="on")).content.decode()
    assert "Nhập lý do khi ghi nhận ngoại lệ" in html and not Appointment.objects.exists()
    response = client.post(url, form_data(record_exception="on", exception_reason="Điều động cán bộ"))
    assert response.status_code == 302
    a = Appointment.objects.get()
    assert a.exception_by == users.province and a.exception_reason == "Điều động cán bộ"
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(a).get().actor == users.province


def test_appointment_form_scope_and_roles(client, users, tree):
    inside = make_person(tree.phong_a)
    outsider = make_person(tree.so_b)
    client.force_login(users.officer)
    assert client.get(reverse("standards:appointment_create", args=[outsider.pk])).status_code == 404
    assert client.post(reverse("standards:appointment_create", args=[outsider.pk]), form_data()).status_code == 404
    for user in (users.leader, users.learner):
        client.force_login(user)
        assert client.get(reverse("standards:appointment_create", args=[inside.pk])).status_code in (403, 404)
    client.force_login(users.leader)
    assert client.get(reverse("standards:appointment_create", args=[inside.pk])).status_code == 403
    assert client.post(reverse("standards:appointment_create", args=[inside.pk]), form_data()).status_code == 403
    client.force_login(users.learner)
    assert client.get(reverse("standards:appointment_create", args=[users.learner.person_id])).status_code == 403
    assert not Appointment.objects.exists()


def _planned(n, unit):
    for i in range(n):
        p = make_person(unit, qualifications=[("LLCT", "TC")] if i % 2 else [])
        PlannedPost.objects.create(person=p, level="TP", title="Trưởng phòng", source=Source.IMPORTED)


def test_succession_page_lists_unmet_items_with_a_fixed_number_of_queries(client, users, tree, django_assert_num_queries):
    client.force_login(users.officer)
    url = reverse("standards:succession") + f"?unit={tree.so_a.pk}&level=TP&date=01/09/2025"
    _planned(5, tree.phong_a)
    client.get(url)  # warm the session

    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert html.count("POST_LDQL") == 5 and html.count("POST_LLCT") == 3
    _planned(45, tree.phong_a)
    _planned(3, tree.phong_b)  # outside the unit
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    html = response.content.decode()
    assert "50 người được quy hoạch" in html


def test_succession_page_scope(client, users, tree):
    client.force_login(users.officer)
    assert client.get(reverse("standards:succession") + f"?unit={tree.so_b.pk}&level=TP").status_code == 404
    assert client.get(reverse("standards:succession") + "?unit=abc&level=TP").status_code == 404
    html = client.get(reverse("standards:succession") + "?level=TP").content.decode()
    assert "0 người được quy hoạch" in html or "Không có ai được quy hoạch" in html
    client.force_login(users.learner)
    assert client.get(reverse("standards:succession")).status_code == 403


@pytest.mark.django_db
def test_staff_page_links_to_the_gate_and_only_writers_get_the_appointment_form(client, users, tree):
    person = make_person(tree.phong_a, code="LINK1")
    gate, form = reverse("standards:gate_check", args=[person.pk]), reverse("standards:appointment_create", args=[person.pk])
    client.force_login(users.officer)
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert gate in page and form in page
    client.force_login(users.leader)
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert gate in page and form not in page
