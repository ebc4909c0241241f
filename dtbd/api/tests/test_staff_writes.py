"""Staff records written through the API (dtbd.api.staff): the record page's rules (people.services), its scope (a
unit officer writes only in their unit's subtree; leaders, institutions and learners only read), history kept
(a change of unit or post ends the open record), django-auditlog entries with the token's user as actor, and the
masking of citizen ID and phone in the answers."""
import datetime

from auditlog.models import LogEntry
from django.db.models import F

from dtbd.core.models import Source
from dtbd.core.text import vn_sort_key
from dtbd.org.testing import make_unit
from dtbd.people.models import CategoryAssignment, Person, PostAssignment, Qualification, UnitAssignment

from .conftest import token_client

STAFF = "/api/v1/staff/"


def new_person(unit, **extra):
    return {
        "code": "N001", "full_name": "  Đỗ   Thị Mới ", "birth_date": "1990-03-04", "gender": "NU", "ethnicity": "Kinh",
        "citizen_id": "001190000123", "phone": "0912 345 678", "unit": unit.pk, "category": "CC",
        "post_title": "Phó trưởng phòng", "post_level": "PTP", "planned_levels": ["TP"], **extra,
    }


def actors(obj, action):
    return [e.actor for e in LogEntry.objects.get_for_object(obj).filter(action=action)]


# -- create ------------------------------------------------------------------------------------------------------

def test_officer_creates_a_person_in_their_subtree(tree, users):
    response = token_client(users.officer).post(STAFF, new_person(tree.phong_a, rank_code="01.003"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    person = Person.objects.get(code="N001")
    assert data["id"] == person.pk and data["full_name"] == "Đỗ Thị Mới" and data["unit"] == tree.phong_a.pk
    assert data["citizen_id"] == "001190000123" and data["phone"] == "0912345678"  # the writer sees them in full
    assert (data["category"], data["post_level"], data["rank_code"]) == ("CC", "PTP", "01.003")
    assert UnitAssignment.objects.get(person=person).valid_from is None  # unknown start, as the web form without a date
    assert actors(person, LogEntry.Action.CREATE) == [users.officer]
    assert actors(UnitAssignment.objects.get(person=person), LogEntry.Action.CREATE) == [users.officer]


def test_create_refused_to_read_only_roles_and_outside_the_scope(tree, users):
    for user in (users.leader, users.learner, users.institution):
        response = token_client(user).post(STAFF, new_person(tree.phong_a), format="json")
        assert response.status_code == 403, user.role
    outside = token_client(users.officer).post(STAFF, new_person(tree.phong_b), format="json")
    assert outside.status_code == 404  # the same answer as reading the unit: GET /units/<id>/
    assert token_client(users.officer).get(f"/api/v1/units/{tree.phong_b.pk}/").status_code == 404
    assert "Ngân sách" not in outside.content.decode()
    missing = token_client(users.officer).post(STAFF, {**new_person(tree.phong_a), "unit": 10**12}, format="json")
    assert missing.status_code == 404  # the same answer as outside the scope: never says whether a unit exists
    assert not Person.objects.filter(code="N001").exists()
    assert token_client(users.province).post(STAFF, new_person(tree.phong_b), format="json").status_code == 201


def test_create_validation_in_vietnamese_by_field(tree, users, world):
    client = token_client(users.officer)
    bad = new_person(tree.phong_a, code="A001", citizen_id="001090000123", birth_date="2015-01-01", phone="12345",
                     ethnicity="Không có", category="XX", rank_code="99.999")
    errors = client.post(STAFF, bad, format="json").json()
    assert errors["code"] == ["Mã cán bộ này đã có trong hệ thống."]
    assert "phải từ 16 đến 75" in errors["birth_date"][0]
    assert errors["phone"][0].startswith("Số điện thoại phải gồm 10 chữ số")
    assert "Không có" in errors["ethnicity"][0] and "không có trong danh mục" in errors["ethnicity"][0]
    assert "99.999" in errors["rank_code"][0]
    assert errors["category"] == ["“XX” không phải là một giá trị được chọn."]  # DRF's messages said in Vietnamese
    errors = client.post(STAFF, new_person(tree.phong_a, planned_levels="TP", party_member="peut-être",
                                           post_title="x" * 201), format="json").json()
    assert errors == {"planned_levels": ["Cần một danh sách giá trị, nhận được kiểu “str”."],
                      "party_member": ["Cần giá trị đúng hoặc sai (true/false)."],
                      "post_title": ["Tối đa 200 ký tự."]}
    # Rules across fields: the 4th digit of the citizen ID against gender and birth year.
    errors = client.post(STAFF, new_person(tree.phong_a, citizen_id="001090000123"), format="json").json()
    assert errors == {"citizen_id": ["Chữ số thứ 4 của số CCCD phải là 1 (giới tính Nữ, sinh năm 1990)."]}
    errors = client.post(STAFF, new_person(tree.phong_a, citizen_id=world.a.citizen_id), format="json").json()
    assert "đã có trong hệ thống" in errors["citizen_id"][0]
    errors = client.post(STAFF, {"code": "N9"}, format="json").json()
    assert {"full_name", "birth_date", "gender", "ethnicity", "unit", "category"} <= set(errors)


# -- update, history ---------------------------------------------------------------------------------------------

def test_patch_identity_fields_audited_with_the_actor(world, users):
    response = token_client(users.officer).patch(f"{STAFF}{world.a.pk}/", {"phone": "0987.654.321"}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "0987654321"
    world.a.refresh_from_db()
    assert world.a.phone == "0987654321"
    entry = LogEntry.objects.get_for_object(world.a).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users.officer and entry.changes_dict["phone"] == ["0912000111", "0987654321"]
    assert UnitAssignment.objects.filter(person=world.a).count() == 1  # no placement change: no new history


def test_patch_of_the_name_updates_the_sort_key(world, users):
    response = token_client(users.officer).patch(f"{STAFF}{world.a.pk}/", {"full_name": "Đặng Văn An"}, format="json")
    assert response.status_code == 200
    world.a.refresh_from_db()
    assert world.a.name_sort == vn_sort_key("Đặng Văn An")


def test_patch_scope(world, users, tree):
    body = {"email": "a@example.vn"}
    assert token_client(users.officer).patch(f"{STAFF}{world.b.pk}/", body, format="json").status_code == 404
    for user in (users.leader, users.institution):
        visible = world.a if user == users.leader else world.b
        assert token_client(user).patch(f"{STAFF}{visible.pk}/", body, format="json").status_code == 403
    own = users.learner.person
    assert token_client(users.learner).patch(f"{STAFF}{own.pk}/", body, format="json").status_code == 403
    assert token_client(users.officer).put(f"{STAFF}{world.a.pk}/", body, format="json").status_code == 405
    world.a.refresh_from_db()
    assert world.a.email == ""


def test_move_to_another_unit_is_dated_history(world, users, tree):
    client = token_client(users.officer)
    url = f"{STAFF}{world.a.pk}/"
    undated = client.patch(url, {"unit": tree.so_a.pk}, format="json")
    assert undated.status_code == 400 and "Nhập ngày áp dụng" in undated.json()["effective_from"][0]
    moved = client.patch(url, {"unit": tree.so_a.pk, "post_title": "Trưởng phòng", "post_level": "TP",
                               "effective_from": "2024-07-01"}, format="json")
    assert moved.status_code == 200 and moved.json()["unit"] == tree.so_a.pk and moved.json()["post_level"] == "TP"
    units = list(UnitAssignment.objects.filter(person=world.a).order_by(F("valid_from").asc(nulls_first=True)).values_list(
        "unit_id", "valid_from", "valid_to"))
    assert units == [(tree.phong_a.pk, None, datetime.date(2024, 6, 30)), (tree.so_a.pk, datetime.date(2024, 7, 1), None)]
    post = PostAssignment.objects.get(person=world.a, valid_to__isnull=True)
    assert (post.title, post.level, post.valid_from) == ("Trưởng phòng", "TP", datetime.date(2024, 7, 1))
    assert CategoryAssignment.objects.filter(person=world.a).count() == 1  # unchanged: untouched
    entry = LogEntry.objects.get_for_object(UnitAssignment.objects.get(person=world.a, unit=tree.so_a))
    assert entry.get().actor == users.officer


def test_change_of_category_keeps_the_unit(world, users, tree):
    body = {"category": "VC", "job_position": "Chuyên viên tổ chức", "effective_from": "2024-01-01"}
    response = token_client(users.officer).patch(f"{STAFF}{world.a.pk}/", body, format="json")
    assert response.status_code == 200 and response.json()["category"] == "VC"
    assert list(UnitAssignment.objects.filter(person=world.a).values_list("unit_id", "valid_to")) == [(tree.phong_a.pk, None)]
    categories = CategoryAssignment.objects.filter(person=world.a).order_by(F("valid_from").asc(nulls_first=True))
    assert [(c.category, c.valid_to) for c in categories] == [("CC", datetime.date(2023, 12, 31)), ("VC", None)]


def test_move_outside_the_scope_refused(world, users, tree):
    url = f"{STAFF}{world.a.pk}/"
    body = {"unit": tree.phong_b.pk, "effective_from": "2024-07-01"}
    refused = token_client(users.officer).patch(url, body, format="json")
    # a unit outside the scope: the 404 of reading it (GET /units/<id>/), its name not given
    assert refused.status_code == 404 and "đơn vị" in refused.json()["detail"]
    assert "Ngân sách" not in refused.content.decode()
    assert list(UnitAssignment.objects.filter(person=world.a).values_list("unit_id", "valid_to")) == [(tree.phong_a.pk, None)]
    # The province manager may; the officer then no longer sees the person.
    assert token_client(users.province).patch(url, body, format="json").status_code == 200
    assert token_client(users.officer).patch(url, {"email": "x@example.vn"}, format="json").status_code == 404


def test_no_placement_in_a_dissolved_unit(world, users, tree):
    closed = make_unit("SO_A.P9", "Phòng đã giải thể", parent=tree.so_a, kind="PHONG",
                       valid_to=datetime.date(2020, 12, 31))
    body = {"unit": closed.pk, "effective_from": "2024-07-01"}
    response = token_client(users.officer).patch(f"{STAFF}{world.a.pk}/", body, format="json")
    assert response.status_code == 400 and response.json() == {"unit": ["Đơn vị đã giải thể."]}


# -- leave -------------------------------------------------------------------------------------------------------

def test_leave(world, users):
    url = f"{STAFF}{world.a.pk}/leave/"
    body = {"on_date": "2025-03-31", "reason": "RETIRED"}
    assert token_client(users.leader).post(url, body, format="json").status_code == 403
    assert token_client(users.officer).post(f"{STAFF}{world.b.pk}/leave/", body, format="json").status_code == 404
    future = token_client(users.officer).post(url, {**body, "on_date": "2999-01-01"}, format="json")
    assert future.json() == {"on_date": ["Ngày thôi công tác không được ở tương lai."]}
    assert token_client(users.officer).post(url, {**body, "reason": "NOPE"}, format="json").status_code == 400
    response = token_client(users.officer).post(url, body, format="json")
    assert response.status_code == 200 and response.json()["left_on"] == "2025-03-31"
    assert not UnitAssignment.objects.filter(person=world.a, valid_to__isnull=True).exists()
    assert UnitAssignment.objects.get(person=world.a).valid_to == datetime.date(2025, 3, 31)
    again = token_client(users.officer).post(url, body, format="json")
    assert again.status_code == 400 and "đã thôi công tác từ 31/03/2025" in again.json()["on_date"][0]
    # Who left keeps their record; no placement change any more.
    moved = token_client(users.officer).patch(f"{STAFF}{world.a.pk}/", {"category": "VC", "effective_from": "2025-05-01"},
                                              format="json")
    assert moved.status_code == 400 and "đã thôi công tác" in moved.json()["unit"][0]


# -- masking -----------------------------------------------------------------------------------------------------

def test_written_record_read_masked_by_read_only_roles(tree, users):
    assert token_client(users.officer).post(STAFF, new_person(tree.phong_a), format="json").status_code == 201
    person = Person.objects.get(code="N001")
    read = token_client(users.leader).get(f"{STAFF}{person.pk}/").json()
    assert read["citizen_id"] == "********0123" and read["phone"] == "******5678"


# -- qualifications ----------------------------------------------------------------------------------------------

QUALS = "/api/v1/qualifications/"


def test_qualification_create_in_scope(world, users):
    body = {"person": world.a.pk, "type": "LANG", "level": "B1", "language": "Tiếng Anh", "issued_on": "2020-05-01",
            "issuer": "Trường Đại học Ngoại ngữ"}
    for user in (users.leader, users.learner):
        assert token_client(user).post(QUALS, body, format="json").status_code == 403
    # someone outside the scope, or nobody: the same 404 as reading them (GET /staff/<id>/), no name
    assert token_client(users.officer).get(f"{STAFF}{world.b.pk}/").status_code == 404
    outside = token_client(users.officer).post(QUALS, {**body, "person": world.b.pk}, format="json")
    assert outside.status_code == 404 and "Bình" not in outside.content.decode()
    assert token_client(users.officer).post(QUALS, {**body, "person": 10**12}, format="json").status_code == 404
    response = token_client(users.officer).post(QUALS, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["person"], data["level_label"], data["source"]) == (world.a.pk, "Tiếng Anh Bậc 3 (B1)", Source.ENTERED)
    qualification = Qualification.objects.get(pk=data["id"])
    assert actors(qualification, LogEntry.Action.CREATE) == [users.officer]


def test_qualification_validation(world, users):
    client = token_client(users.officer)
    errors = client.post(QUALS, {"person": world.a.pk, "type": "LLCT", "level": "B1"}, format="json").json()
    assert errors == {"level": ["Trình độ “B1” không thuộc loại LLCT."]}
    errors = client.post(QUALS, {"person": world.a.pk, "type": "LANG", "level": "B1", "issued_on": "2999-01-01",
                                 "valid_until": "2000-01-01"}, format="json").json()
    assert errors["language"] == ["Nhập tên ngoại ngữ (ví dụ: Tiếng Anh)."]
    assert errors["issued_on"] == ["Ngày cấp ở tương lai."]
    assert errors["valid_until"] == ["Ngày hết hiệu lực phải sau ngày cấp."]
    errors = client.patch(f"{QUALS}{world.qual_a.pk}/", {"issued_on": "1980-01-01"}, format="json").json()
    assert errors == {"issued_on": ["Ngày cấp trước ngày sinh của cán bộ."]}
    errors = client.patch(f"{QUALS}{world.qual_a.pk}/", {"hours": -1}, format="json").json()
    assert errors == {"hours": ["Giá trị phải lớn hơn hoặc bằng 0."]}


def test_qualification_update_and_delete_scope(world, users):
    url = f"{QUALS}{world.qual_a.pk}/"
    assert token_client(users.leader).patch(url, {"level": "CC"}, format="json").status_code == 403
    assert token_client(users.officer).patch(f"{QUALS}{world.qual_b.pk}/", {"level": "CC"}, format="json").status_code == 404
    response = token_client(users.officer).patch(url, {"level": "CC", "person": world.b.pk}, format="json")
    assert response.status_code == 200 and response.json()["level"] == "CC" and response.json()["person"] == world.a.pk
    world.qual_a.refresh_from_db()
    assert (world.qual_a.level, world.qual_a.level_order) == ("CC", 4)
    assert actors(world.qual_a, LogEntry.Action.UPDATE) == [users.officer]
    assert token_client(users.leader).delete(url).status_code == 403
    assert token_client(users.officer).delete(f"{QUALS}{world.qual_b.pk}/").status_code == 404
    assert token_client(users.officer).delete(url).status_code == 204
    assert not Qualification.objects.filter(pk=world.qual_a.pk).exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(world.qual_a.pk),
                                   actor=users.officer).exists()


def test_a_qualification_granted_by_a_class_is_not_deleted(world, users):
    granted = world.cert_a.qualification
    assert granted is not None and granted.source == Source.CLASS
    response = token_client(users.officer).delete(f"{QUALS}{granted.pk}/")
    assert response.status_code == 400 and "thu hồi chứng chỉ" in response.json()["detail"][0]
    assert Qualification.objects.filter(pk=granted.pk).exists()
