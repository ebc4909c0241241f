"""Record page: identity, present values, histories with periods and sources, qualifications, audit; scope refusals."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dtbd.core.models import Source
from dtbd.people.models import PlannedPost, PostAssignment, Qualification
from dtbd.people.queries import audit_entries
from dtbd.people.services import change_single, record_leave
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def detail(person):
    return reverse("people:person_detail", args=[person.pk])


@pytest.fixture
def an(tree):
    person = make_person(
        tree.phong_a, code="A001", full_name="Nguyễn Văn An", rank="01.003", post_level="TP",
        post_title="Trưởng phòng Tổ chức", qualifications=[("LLCT", "TC"), ("QLNN", "CV")], citizen_id="001085012345",
    )
    # kiêm nhiệm: a second open post; a dated change of unit; a planned post
    PostAssignment.objects.create(person=person, title="Phó Chánh Văn phòng", level="PTP", valid_from=datetime.date(2024, 3, 1))
    change_single(person, type(person.unit_assignments.first()), datetime.date(2024, 1, 15), Source.DECISION, decision_no="12/QĐ-SNV", unit=tree.so_a)
    PlannedPost.objects.create(person=person, level="PGD", valid_from=datetime.date(2023, 6, 1))
    Qualification.objects.create(
        person=person, type="EDU", level="THS", major="Quản lý công", issuer="Học viện Hành chính Quốc gia",
        issued_on=datetime.date(2019, 5, 20), certificate_no="THS-0042", source=Source.ENTERED,
    )
    return person


def test_record_page_shows_identity_present_values_and_histories(client, users, an):
    client.force_login(users.officer)
    response = client.get(detail(an))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Nguyễn Văn An", "A001", "17/05/1985", "001085012345",
        "Trưởng phòng Tổ chức", "Phó Chánh Văn phòng", "kiêm nhiệm",  # two open posts
        "Sở Nội vụ", "Phòng Tổ chức",  # present unit and the earlier one
        "không rõ ngày – 14/01/2024", "15/01/2024 – nay", "12/QĐ-SNV", "Theo quyết định", "Nhập từ tệp",
        "Phó giám đốc sở", "01/06/2023 – nay",  # planned post
    ):
        assert text in html, text
    assert response.context["row"].unit_name == "Sở Nội vụ"


def test_qualifications_by_type_with_the_highest_marked(client, users, an):
    client.force_login(users.officer)
    response = client.get(detail(an))
    groups = {qtype: items for qtype, _label, items in response.context["qualification_groups"]}
    assert [(q.level, q.is_highest) for q in groups["EDU"]] == [("THS", True), ("DH", False)]
    assert [q.level for q in groups["LLCT"]] == ["TC"] and groups["LLCT"][0].is_highest
    html = response.content.decode()
    for text in ("Thạc sĩ", "Quản lý công", "Học viện Hành chính Quốc gia", "20/05/2019", "THS-0042", "Lý luận chính trị",
                 "Quản lý nhà nước", "Chuyên viên", "cao nhất"):
        assert text in html, text


def test_expired_certificate_is_not_the_highest(client, users, an):
    Qualification.objects.create(person=an, type="LANG", level="B2", language="Tiếng Anh", valid_until=datetime.date(2020, 1, 1))
    Qualification.objects.create(person=an, type="LANG", level="B1", language="Tiếng Anh")
    client.force_login(users.officer)
    groups = {qtype: items for qtype, _label, items in client.get(detail(an)).context["qualification_groups"]}
    assert [(q.level, q.is_highest) for q in groups["LANG"]] == [("B2", False), ("B1", True)]


def test_leave_status_and_last_unit_shown(client, users, an):
    record_leave(an, datetime.date(2025, 3, 31), "RETIRED")
    client.force_login(users.province)
    html = client.get(detail(an)).content.decode()
    assert "Đã thôi công tác" in html and "31/03/2025" in html and "Nghỉ hưu" in html
    assert "Sở Nội vụ" in html


def test_audit_history_of_person_and_their_records_in_few_queries(client, users, an, django_assert_max_num_queries):
    client.force_login(users.officer)
    client.post(
        reverse("people:qualification_create", args=[an.pk]),
        {"type_level": "IT:CO_BAN", "issuer": "Trường Chính trị tỉnh", "issued_on": "10/10/2024"},
    )
    qual = Qualification.objects.get(person=an, type="IT")
    qual_pk = qual.pk
    qual.delete()
    response = client.get(detail(an))
    entries = list(response.context["entries"])
    models = {e.content_type.model for e in entries}
    assert {"person", "qualification", "postassignment", "unitassignment"} <= models
    assert any(e.object_id == qual_pk and e.action == LogEntry.Action.DELETE for e in entries)  # deleted record kept
    assert "Trường Chính trị tỉnh" in response.content.decode()

    with django_assert_max_num_queries(1):  # the person's and their records' entries, with the actor, in one query
        assert len(list(audit_entries(an))) == len(entries)


def test_citizen_id_masked_for_read_only_roles(client, users, an):
    client.force_login(users.leader)
    html = client.get(detail(an)).content.decode()
    assert "001085012345" not in html and "********2345" in html


# ---------- scope: out of scope answers 404 ----------


@pytest.fixture
def other(tree):
    return make_person(tree.so_b, code="B001", full_name="Lê Văn Bình")


@pytest.mark.parametrize("role", ["officer", "leader", "learner"])
def test_person_of_another_department_is_404(client, users, other, role):
    client.force_login(getattr(users, role))
    assert client.get(detail(other)).status_code == 404


def test_institution_sees_its_own_subtree_only(client, users, an, other):
    client.force_login(users.institution)  # scoped to so_b
    assert client.get(detail(other)).status_code == 200
    assert client.get(detail(an)).status_code == 404


def test_learner_sees_own_record_but_not_a_colleague(client, users, an):
    client.force_login(users.learner)
    own = users.learner.person
    response = client.get(detail(own))
    assert response.status_code == 200 and "Trần Thị Học" in response.content.decode()
    assert client.get(detail(an)).status_code == 404  # same department, still not theirs


def test_missing_person_is_404(client, users):
    client.force_login(users.province)
    assert client.get(reverse("people:person_detail", args=[999999])).status_code == 404


def test_read_only_roles_see_no_edit_buttons(client, users, an):
    for user in (users.leader, users.learner):
        client.force_login(user)
        person = an if user is users.leader else user.person
        html = client.get(detail(person)).content.decode()
        for name in ("person_edit", "person_leave", "person_delete", "qualification_create"):
            assert reverse(f"people:{name}", args=[person.pk]) not in html, (user, name)
    client.force_login(users.officer)
    html = client.get(detail(an)).content.decode()
    assert reverse("people:person_edit", args=[an.pk]) in html
    assert reverse("people:person_delete", args=[an.pk]) not in html  # only admin / province manager
    client.force_login(users.province)
    assert reverse("people:person_delete", args=[an.pk]) in client.get(detail(an)).content.decode()
