"""The "Người lập biểu" of a report's PDF (signature block, Decree 30/2020/NĐ-CP) is the full name of the user who
made it: their own name, else the name of their staff record, and only then the username."""
import pytest
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person

from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db


def signed_by(client, user, tree):
    client.force_login(user)
    response = client.get(reverse("reports:download", args=["annual-hours", "pdf"]), {"unit": tree.so_a.pk, "year": "2026"})
    assert response.status_code == 200
    text = squash(pdf_text(response.content))
    return text[text.index("NGƯỜI LẬP BIỂU"):]


def test_a_user_with_a_name_signs_with_it(client, tree):
    user = make_user("lapbieu", Role.PROVINCE, first_name="Lập", last_name="Hoàng Thị")
    block = signed_by(client, user, tree)
    assert "Hoàng Thị Lập" in block and "lapbieu" not in block


def test_a_user_without_a_name_signs_with_their_staff_record(client, tree):
    person = make_person(tree.so_a, code="CB_LAP", full_name="Nguyễn Văn Biểu")
    user = make_user("lapbieu2", Role.UNIT_OFFICER, scope_unit=tree.so_a, person=person)
    block = signed_by(client, user, tree)
    assert "Nguyễn Văn Biểu" in block and "lapbieu2" not in block


def test_otherwise_the_username(client, tree):
    assert "lapbieu3" in signed_by(client, make_user("lapbieu3", Role.PROVINCE), tree)
