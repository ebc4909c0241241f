"""Pagination (page size capped), filters on the main fields, stable ordering."""
from dtbd.api.pagination import Pagination
from dtbd.people.testing import make_person

from .conftest import token_client


def test_page_size_capped_and_pages_stable(tree, users):
    for i in range(5):
        make_person(tree.phong_a, code=f"P{i}", full_name="Nguyễn Văn Cùng Tên")
    client = token_client(users.province)
    data = client.get("/api/v1/staff/", {"page_size": 100000}).json()
    assert len(data["results"]) == data["count"] == 6
    assert Pagination.max_page_size == 200
    pages = [client.get("/api/v1/staff/", {"page_size": 2, "page": n}).json()["results"] for n in (1, 2, 3)]
    codes = [p["code"] for page in pages for p in page]
    assert len(codes) == len(set(codes)) == 6
    assert client.get("/api/v1/staff/", {"page": 99}).status_code == 404
    by_code = client.get("/api/v1/staff/", {"ordering": "-code", "page_size": 50}).json()["results"]
    assert [p["code"] for p in by_code] == sorted((p["code"] for p in by_code), reverse=True)


def test_staff_are_listed_in_vietnamese_alphabetical_order(tree, users):
    """đ after d, ă and â after a, tone marks none < hỏi < ngã < sắc < nặng (docs/decisions/0003-vietnamese-collation.md)."""
    expected = ["Anh", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ăn", "Ân", "Bình", "Dũng", "Dương Văn A", "Đặng Thị B", "Đỗ C"]
    for number, name in enumerate(reversed(expected)):
        make_person(tree.phong_b, code=f"V{number:02}", full_name=name)
    client = token_client(users.province)
    data = client.get("/api/v1/staff/", {"unit": tree.phong_b.pk, "page_size": 50}).json()["results"]
    assert [p["full_name"] for p in data] == expected
    backwards = client.get("/api/v1/staff/", {"unit": tree.phong_b.pk, "ordering": "-name_sort,-code"}).json()["results"]
    assert [p["full_name"] for p in backwards] == expected[::-1]


def test_staff_filters(world, tree, users):
    make_person(tree.phong_a, code="VC01", category="VC", full_name="Đặng Thị Viên")
    client = token_client(users.province)

    def codes(**params):
        response = client.get("/api/v1/staff/", params)
        assert response.status_code == 200, response.content
        return {p["code"] for p in response.json()["results"]}

    assert codes(unit=tree.so_b.pk) == {"B001"}
    assert codes(unit=tree.so_a.pk) == {"HV001", "A001", "VC01"}
    assert codes(category="VC") == {"VC01"}
    assert codes(q="dang thi vien") == {"VC01"}  # accent-insensitive, as the web search
    assert codes(code="A001") == {"A001"}
    assert client.get("/api/v1/staff/", {"unit": "abc"}).status_code == 400
    assert client.get("/api/v1/staff/", {"unit": "1.5"}).status_code == 400


def test_other_filters(world, users):
    client = token_client(users.province)
    assert {e["person"] for e in client.get("/api/v1/enrolments/", {"person": world.b.pk}).json()["results"]} == {world.b.pk}
    assert client.get("/api/v1/enrolments/", {"state": "COMPLETED"}).json()["count"] == 2
    assert client.get("/api/v1/enrolments/", {"state": "WAITLISTED"}).json()["count"] == 0
    assert client.get("/api/v1/classes/", {"status": "RUNNING"}).json()["count"] == 1
    assert client.get("/api/v1/classes/", {"status": "CLOSED"}).json()["count"] == 0
    assert client.get("/api/v1/qualifications/", {"person": world.a.pk, "type": "LLCT"}).json()["count"] == 1
    assert client.get("/api/v1/certificates/", {"person": world.a.pk}).json()["results"][0]["number"] == world.cert_a.number
    assert client.get("/api/v1/units/", {"code": "SO_B"}).json()["results"][0]["id"] == world.b.unit_assignments.first().unit.parent_id
    assert client.get("/api/v1/programmes/", {"category": "QLNN", "page_size": 200}).json()["count"] >= 1
