"""What an indicator counts over (the staff register or the enrolment register) is labelled "Tính trên", not "Sổ
tính" (which reads as a spreadsheet file): on the list of indicators and on their form."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["dashboard:indicators", "dashboard:indicator_create"])
def test_the_register_of_an_indicator_is_labelled_tinh_tren(client, users, name):
    client.force_login(users.province)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sổ tính" not in html and "sổ tính" not in html
    assert "Tính trên" in html
