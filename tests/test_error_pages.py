import pytest

from dtbd.people.testing import make_person


@pytest.mark.django_db
def test_out_of_scope_record_shows_the_vietnamese_404_page(client, users, tree):
    other = make_person(tree.phong_b, code="B9", full_name="Hoàng Thị Ngoài Phạm Vi")
    client.force_login(users.officer)
    response = client.get(f"/can-bo/{other.pk}/")
    assert response.status_code == 404
    assert "ngoài phạm vi quản lý" in response.content.decode()
    assert "Ngoài Phạm Vi" not in response.content.decode()  # nothing of the record leaks


@pytest.mark.django_db
def test_read_only_role_gets_the_vietnamese_403_page(client, users, tree):
    client.force_login(users.leader)
    response = client.get("/don-vi/them/")
    assert response.status_code == 403
    assert "Không có quyền" in response.content.decode()
