"""Create/edit a person (validation, dated changes), qualifications, leave, delete; refusals for read-only roles."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dtbd.core.models import Source
from dtbd.core.text import vn_sort_key
from dtbd.people.models import (
    CategoryAssignment,
    Ethnicity,
    JobAssignment,
    Person,
    PlannedPost,
    PostAssignment,
    Qualification,
    Rank,
    RankAssignment,
    UnitAssignment,
)
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

CREATE = reverse("people:person_create")


def valid_data(tree, **overrides):
    data = {
        "code": "M001",
        "full_name": "  Phạm   Thị Mai ",
        "birth_date": "12/03/1990",
        "gender": "NU",
        "ethnicity": Ethnicity.objects.get(name="Tày").pk,
        "citizen_id": "008190001234",
        "email": "mai@example.vn",
        "phone": "0912 345 678",
        "recruited_on": "01/09/2012",
        "party_member": "on",
        "party_joined_on": "03/02/2015",
        "unit": tree.phong_a.pk,
        "category": "CC",
        "rank": "01.003",
        "post_title": "Phó trưởng phòng",
        "post_level": "PTP",
        "job_position": "Chuyên viên tổ chức",
        "planned_levels": ["TP"],
        "effective_from": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def rank_pk(code):
    return Rank.objects.get(code=code).pk


def post(client, url, data):
    data = dict(data)
    if "rank" in data and data["rank"] and not str(data["rank"]).isdigit():
        data["rank"] = rank_pk(data["rank"])
    return client.post(url, data)


def test_officer_creates_a_person_with_present_situation(client, users, tree):
    client.force_login(users.officer)
    response = post(client, CREATE, valid_data(tree))
    person = Person.objects.get(code="M001")
    assert response.status_code == 302 and response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert person.full_name == "Phạm Thị Mai" and person.name_folded == "pham thi mai"
    assert person.phone == "0912345678" and person.party_joined_on == datetime.date(2015, 2, 3)
    unit = UnitAssignment.objects.get(person=person)
    assert unit.unit == tree.phong_a and unit.valid_from is None and unit.source == Source.ENTERED  # unknown start
    assert CategoryAssignment.objects.get(person=person).category == "CC"
    assert RankAssignment.objects.get(person=person).rank.code == "01.003"
    assert PostAssignment.objects.get(person=person).level == "PTP"
    assert JobAssignment.objects.get(person=person).job_position.name == "Chuyên viên tổ chức"
    assert list(PlannedPost.objects.filter(person=person).values_list("level", flat=True)) == ["TP"]
    assert LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.CREATE, actor=users.officer).exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("citizen_id", "12345", "Số CCCD phải gồm đúng 12 chữ số."),
        ("citizen_id", "008090001234", "Chữ số thứ 4 của số CCCD phải là 1"),  # female born 1990 -> 1
        ("citizen_id", "008188001234", "Chữ số thứ 5–6 của số CCCD phải là 90"),
        ("birth_date", "01/01/2020", "phải từ 16 đến 75"),
        ("birth_date", "31/02/1990", "Ngày không hợp lệ"),
        ("recruited_on", "01/01/2004", "Ngày tuyển dụng trước khi đủ 16 tuổi."),
        ("phone", "12345", "Số điện thoại phải gồm 10 chữ số"),
        ("email", "mai@", "Địa chỉ email không hợp lệ."),
        ("code", "M 001", "Mã chỉ gồm chữ cái không dấu"),
        ("rank", "999999", "Mã ngạch không có trong danh mục"),
        ("unit", "", "Trường này là bắt buộc"),
    ],
)
def test_create_refuses_bad_values_with_precise_messages(client, users, tree, field, value, message):
    client.force_login(users.officer)
    response = post(client, CREATE, valid_data(tree, **{field: value}))
    assert response.status_code == 200
    assert not Person.objects.filter(code__in=["M001", "M 001"]).exists()
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors, (field, response.context["form"].errors)
    assert "Hồ sơ chưa được lưu" in response.content.decode()


def test_party_date_only_for_members(client, users, tree):
    client.force_login(users.officer)
    data = valid_data(tree)
    del data["party_member"]
    response = post(client, CREATE, data)
    assert "Chỉ nhập ngày vào Đảng khi cán bộ là đảng viên." in response.context["form"].errors["party_joined_on"]


def test_citizen_id_and_code_must_be_unique(client, users, tree):
    make_person(tree.so_a, code="M001", citizen_id="008190001234", birth_date=datetime.date(1990, 3, 12), gender="NU")
    client.force_login(users.province)
    response = post(client, CREATE, valid_data(tree))
    errors = response.context["form"].errors
    assert "Mã cán bộ này đã có trong hệ thống." in errors["code"]
    assert "Số CCCD này đã có trong hệ thống" in errors["citizen_id"][0]


def test_unit_must_be_in_writable_scope(client, users, tree):
    client.force_login(users.officer)
    response = post(client, CREATE, valid_data(tree, unit=tree.so_b.pk))
    assert "không thuộc phạm vi bạn được cập nhật" in response.context["form"].errors["unit"][0]
    assert not Person.objects.filter(code="M001").exists()


def test_edit_records_dated_changes_and_keeps_history(client, users, tree):
    person = make_person(tree.phong_a, code="E001", full_name="Hoàng Văn Em", rank="01.003", post_level="PTP", post_title="Phó trưởng phòng")
    PostAssignment.objects.create(person=person, title="Tổ trưởng công đoàn", level="", valid_from=datetime.date(2022, 1, 1))
    client.force_login(users.officer)
    url = reverse("people:person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    assert form.initial["unit"] == tree.phong_a.pk and form.initial["post_level"] == "PTP"
    data = valid_data(
        tree, code="E001", full_name="Hoàng Văn Em", birth_date="17/05/1985", gender="NAM", citizen_id="", unit=tree.so_a.pk,
        rank="01.002", post_title="Trưởng phòng", post_level="TP", planned_levels=["PGD"], effective_from="01/07/2025",
        job_position="", party_member=None, party_joined_on="",
    )
    response = post(client, url, data)
    assert response.status_code == 302, response.context["form"].errors
    units = list(UnitAssignment.objects.filter(person=person).order_by("pk").values_list("unit__code", "valid_from", "valid_to"))
    assert units == [("SO_A.P1", None, datetime.date(2025, 6, 30)), ("SO_A", datetime.date(2025, 7, 1), None)]
    ranks = list(RankAssignment.objects.filter(person=person).order_by("pk").values_list("rank__code", "valid_to"))
    assert ranks == [("01.003", datetime.date(2025, 6, 30)), ("01.002", None)]
    open_posts = set(PostAssignment.objects.filter(person=person, valid_to__isnull=True).values_list("title", "level"))
    assert open_posts == {("Trưởng phòng", "TP"), ("Tổ trưởng công đoàn", "")}  # the kiêm nhiệm post stays
    assert PostAssignment.objects.get(person=person, level="PTP").valid_to == datetime.date(2025, 6, 30)
    assert PlannedPost.objects.get(person=person).valid_from == datetime.date(2025, 7, 1)


def test_a_name_edit_moves_the_person_in_the_alphabetical_order(client, users, tree):
    person = make_person(tree.phong_a, code="E004", full_name="Vũ Thị Hoa", gender="NU", rank="01.003")
    assert person.name_sort == vn_sort_key("Vũ Thị Hoa")
    client.force_login(users.officer)
    data = valid_data(
        tree, code="E004", full_name="Đỗ Thị Hoa", citizen_id="", post_title="", post_level="", job_position="",
        planned_levels=[], effective_from="",
    )
    response = post(client, reverse("people:person_edit", args=[person.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.name_sort == vn_sort_key("Đỗ Thị Hoa")
    person.full_name = "Dương Thị Hoa"
    person.save(update_fields=["full_name"])  # a save naming only the name keeps the derived columns up too
    person.refresh_from_db()
    assert (person.name_folded, person.name_sort) == ("duong thi hoa", vn_sort_key("Dương Thị Hoa"))


def test_edit_without_changes_of_situation_touches_no_history(client, users, tree):
    person = make_person(tree.phong_a, code="E002", full_name="Vũ Thị Hoa", gender="NU", rank="01.003", birth_date=datetime.date(1990, 3, 12))
    client.force_login(users.officer)
    url = reverse("people:person_edit", args=[person.pk])
    data = valid_data(
        tree, code="E002", full_name="Vũ Thị Hoa", citizen_id="", post_title="", post_level="", job_position="",
        planned_levels=[], email="hoa@example.vn", effective_from="",
    )
    response = post(client, url, data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.email == "hoa@example.vn"
    assert UnitAssignment.objects.filter(person=person).count() == 1 and RankAssignment.objects.filter(person=person).count() == 1


def test_edit_needs_a_date_when_the_situation_changes(client, users, tree):
    person = make_person(tree.phong_a, code="E003", full_name="Đỗ Văn Cường")
    client.force_login(users.officer)
    data = valid_data(
        tree, code="E003", full_name="Đỗ Văn Cường", birth_date="17/05/1985", gender="NAM", citizen_id="", unit=tree.so_a.pk,
        rank="", post_title="", post_level="", job_position="", planned_levels=[], effective_from="",
    )
    response = post(client, reverse("people:person_edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "Nhập ngày áp dụng" in response.context["form"].errors["effective_from"][0]
    assert UnitAssignment.objects.get(person=person).unit == tree.phong_a


# ---------- qualifications ----------


def test_add_and_edit_a_qualification(client, users, tree):
    person = make_person(tree.phong_a, code="Q001", education="DH")
    client.force_login(users.officer)
    url = reverse("people:qualification_create", args=[person.pk])
    response = client.post(
        url,
        {"type_level": "QLNN:CVC", "issuer": "Học viện Hành chính Quốc gia", "issued_on": "15/06/2024", "certificate_no": "QLNN-7"},
    )
    assert response.status_code == 302
    q = Qualification.objects.get(person=person, type="QLNN")
    assert (q.level, q.level_order, q.source, q.issued_on) == ("CVC", 3, Source.ENTERED, datetime.date(2024, 6, 15))
    edit = reverse("people:qualification_edit", args=[person.pk, q.pk])
    assert client.get(edit).context["form"].initial["type_level"] == "QLNN:CVC"
    client.post(edit, {"type_level": "QLNN:CVCC", "issuer": "Học viện", "issued_on": "15/06/2024", "certificate_no": "QLNN-7"})
    q.refresh_from_db()
    assert q.level == "CVCC" and q.level_order == 4
    assert LogEntry.objects.get_for_object(q).filter(action=LogEntry.Action.UPDATE).exists()


def test_qualification_validation(client, users, tree):
    person = make_person(tree.phong_a, code="Q002")
    client.force_login(users.officer)
    url = reverse("people:qualification_create", args=[person.pk])
    response = client.post(url, {"type_level": "LANG:B1", "issued_on": "01/01/2099"})
    errors = response.context["form"].errors
    assert "Nhập tên ngoại ngữ" in errors["language"][0] and "Ngày cấp ở tương lai." in errors["issued_on"]
    response = client.post(url, {"type_level": "EDU:XX"})
    assert "type_level" in response.context["form"].errors
    assert not Qualification.objects.filter(person=person, type="LANG").exists()


def test_qualification_of_another_person_is_404(client, users, tree):
    a = make_person(tree.phong_a, code="Q003")
    b = make_person(tree.phong_a, code="Q004")
    q = b.qualifications.first()
    client.force_login(users.officer)
    assert client.get(reverse("people:qualification_edit", args=[a.pk, q.pk])).status_code == 404


# ---------- leave, delete ----------


def test_record_leave_ends_open_records(client, users, tree):
    person = make_person(tree.phong_a, code="L001", rank="01.003")
    client.force_login(users.officer)
    url = reverse("people:person_leave", args=[person.pk])
    response = client.post(url, {"on_date": "01/01/2099", "reason": "RETIRED"})
    assert "Ngày thôi công tác không được ở tương lai." in response.context["form"].errors["on_date"]
    response = client.post(url, {"on_date": "31/03/2025", "reason": "RETIRED"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == datetime.date(2025, 3, 31) and person.leave_reason == "RETIRED"
    assert not UnitAssignment.objects.filter(person=person, valid_to__isnull=True).exists()
    assert UnitAssignment.objects.get(person=person).valid_to == datetime.date(2025, 3, 31)


def test_delete_only_for_admin_and_province_manager(client, users, tree):
    person = make_person(tree.phong_a, code="D001", full_name="Nhập Nhầm")
    url = reverse("people:person_delete", args=[person.pk])
    client.force_login(users.officer)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(users.province)
    response = client.get(url)
    assert response.status_code == 200 and "Chỉ xoá hồ sơ tạo nhầm" in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302 and not Person.objects.filter(pk=person.pk).exists()
    entry = LogEntry.objects.filter(object_id=person.pk, action=LogEntry.Action.DELETE, content_type__model="person").get()
    assert entry.actor == users.province


# ---------- refusals ----------


@pytest.mark.parametrize("role", ["leader", "institution", "learner"])
def test_read_only_roles_cannot_reach_any_write_url(client, users, tree, role):
    user = getattr(users, role)
    person = users.learner.person if role == "learner" else make_person(tree.so_b if role == "institution" else tree.so_a)
    q = person.qualifications.first()
    client.force_login(user)
    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 200  # may read it
    urls = [
        reverse("people:person_create"),
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:person_leave", args=[person.pk]),
        reverse("people:person_delete", args=[person.pk]),
        reverse("people:qualification_create", args=[person.pk]),
        reverse("people:qualification_edit", args=[person.pk, q.pk]),
    ]
    for url in urls:  # a record they can see: refused (403), not hidden
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"on_date": "01/01/2025", "reason": "OTHER"}).status_code == 403, url
    person.refresh_from_db()
    assert person.left_on is None and Person.objects.filter(pk=person.pk).exists()
    # a record outside their scope stays not found (404), as reading it
    other = make_person(tree.phong_a if role == "institution" else tree.phong_b, code="OUT1")
    assert client.get(reverse("people:person_detail", args=[other.pk])).status_code == 404
    for name in ("person_edit", "person_leave", "person_delete", "qualification_create"):
        assert client.get(reverse(f"people:{name}", args=[other.pk])).status_code == 404, name
        assert client.post(reverse(f"people:{name}", args=[other.pk])).status_code == 404, name


def test_officer_cannot_edit_another_department(client, users, tree):
    other = make_person(tree.so_b, code="B009")
    client.force_login(users.officer)
    for name in ("person_edit", "person_leave", "person_delete", "qualification_create"):
        assert client.get(reverse(f"people:{name}", args=[other.pk])).status_code == 404
