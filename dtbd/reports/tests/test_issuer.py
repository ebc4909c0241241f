"""The body at the head of a person's training history (Decree 30/2020/NĐ-CP: tên cơ quan ban hành, số, ký hiệu) is
the body of the user who makes the document — their scope unit, the province for a province-wide manager — not the
unit the person works in."""
import pytest
from django.urls import reverse

from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db


def header(client, user, person):
    client.force_login(user)
    response = client.get(reverse("reports:training_history_download", args=[person.pk, "pdf"]))
    assert response.status_code == 200
    text = squash(pdf_text(response.content))
    return text[:text.index("CỘNG HÒA")]


def test_a_leader_of_a_department_heads_the_history_of_an_office_s_staff_with_the_department(client, users):
    person = users.learner.person  # works in Phòng Tổ chức, an office of Sở Nội vụ (the leader's scope)
    head = header(client, users.leader, person)
    assert "SỞ NỘI VỤ" in head and "BC-SNV" in head
    assert "PHÒNG TỔ CHỨC" not in head


def test_a_province_manager_heads_it_with_the_province(client, users):
    head = header(client, users.province, users.learner.person)
    assert "UBND TỈNH THỬ" in head
    assert "PHÒNG TỔ CHỨC" not in head and "SỞ NỘI VỤ" not in head
