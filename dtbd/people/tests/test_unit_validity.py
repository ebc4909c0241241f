"""Nobody is placed in a unit that is not valid on the placement's date (docs/domain.md §15): the staff import (which
states today's situation) and the record page refuse it, naming the row or the field."""
import datetime

import pytest
from django.urls import reverse

from dtbd.core.importing import ImportFailed
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.models import Unit
from dtbd.people.importing import HEADERS, import_staff
from dtbd.people.models import Ethnicity, Person, UnitAssignment

from .test_import_staff import TODAY, row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("valid_from, valid_to, text", [
    (None, datetime.date(2025, 6, 30), "đã hết hiệu lực từ ngày 01/07/2025"),
    (datetime.date(2026, 4, 1), None, "có hiệu lực từ ngày 01/04/2026"),
])
def test_the_staff_import_refuses_a_unit_not_valid_today(tree, tmp_path, valid_from, valid_to, text):
    Unit.objects.filter(pk=tree.so_a.pk).update(valid_from=valid_from, valid_to=valid_to)
    path = write_sheet(tmp_path / "can-bo.xlsx", list(HEADERS), [row(), row(**{"Mã cán bộ": "CB2", "Số CCCD": "",
                                                                              "Mã đơn vị": "SO_B"})])
    with pytest.raises(ImportFailed) as refused:
        import_staff(path, today=TODAY)
    errors = [(e.row, e.column, e.value) for e in refused.value.errors]
    assert errors == [(2, "Mã đơn vị", "SO_A")]
    assert text in refused.value.errors[0].message
    assert not Person.objects.exists()


def test_a_unit_valid_today_is_accepted(tree, tmp_path):
    Unit.objects.filter(pk=tree.so_a.pk).update(valid_from=datetime.date(2025, 7, 1))
    path = write_sheet(tmp_path / "can-bo.xlsx", list(HEADERS), [row()])
    assert import_staff(path, today=TODAY).created == 1


def _person_data(unit, effective=""):
    return {
        "code": "M001", "full_name": "Phạm Thị Mai", "birth_date": "12/03/1990", "gender": "NU",
        "ethnicity": Ethnicity.objects.get(name="Tày").pk, "unit": unit.pk, "category": "CC",
        "effective_from": effective,
    }


def test_the_record_page_refuses_a_unit_not_valid_on_the_date(client, users, tree):
    client.force_login(users.province)
    today = datetime.date.today()
    Unit.objects.filter(pk=tree.phong_a.pk).update(valid_from=today + datetime.timedelta(days=30))
    response = client.post(reverse("people:person_create"), _person_data(tree.phong_a))
    assert response.status_code == 200
    assert "không có hiệu lực ngày" in response.context["form"].errors["unit"][0]
    assert not UnitAssignment.objects.exists() or not Person.objects.filter(code="M001").exists()
    later = (today + datetime.timedelta(days=31)).strftime("%d/%m/%Y")
    response = client.post(reverse("people:person_create"), _person_data(tree.phong_a, later))
    assert response.status_code == 302
