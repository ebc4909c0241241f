"""File names of downloads: the Content-Disposition header is always built by dtbd.core.http.content_disposition, so
a name with Vietnamese letters or a quote (a class code, a certificate number) reaches the browser whole (filename*,
UTF-8) with an ASCII fallback (filename) and cannot break the header."""
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from dtbd.training.models import Certificate, TrainingClass
from dtbd.training.services import certificates

from .test_certificates import completed, school, school_class  # noqa: F401 — fixtures

ODD = 'Lớp "Đặc biệt"'


def shown_name(response):
    """The file name a browser takes from the header (RFC 6266 / 5987: filename* wins over filename)."""
    header = response["Content-Disposition"]
    disposition = header.split(";", 1)[0]
    extended = re.search(r"filename\*=UTF-8''([^;]+)", header)
    if extended:
        return unquote(extended.group(1)), disposition
    return re.search(r'filename="([^"]*)"', header).group(1), disposition


def ascii_name(response):
    return re.search(r'filename="([^"]*)"', response["Content-Disposition"]).group(1)


def test_class_roster_with_vietnamese_letters_and_a_quote_in_its_code(client, users, school_class):  # noqa: F811
    TrainingClass.objects.filter(pk=school_class.pk).update(code=ODD)
    client.force_login(users.province)
    response = client.get(reverse("training:roster_download", args=[school_class.pk]))
    assert response.status_code == 200
    # the quotes cannot end the header's value: they become '-' in both forms
    assert shown_name(response) == ("danh-sach-lop-Lớp -Đặc biệt-.xlsx", "attachment")
    assert ascii_name(response) == "danh-sach-lop-Lop-Dac-biet.xlsx"


def test_certificate_with_vietnamese_letters_and_a_quote_in_its_number(client, users, school_class,  # noqa: F811
                                                                       monkeypatch):
    monkeypatch.setattr(certificates, "document_pdf", lambda cert: b"%PDF-fake")
    cert = completed(school_class, users.learner.person)
    Certificate.objects.filter(pk=cert.pk).update(number='TRƯỜNG "A"-2026-00001')
    client.force_login(users.learner)
    response = client.get(reverse("training:certificate_pdf", args=[cert.pk]))
    assert response.status_code == 200
    assert shown_name(response) == ("chung-chi-TRƯỜNG -A--2026-00001.pdf", "inline")
    assert ascii_name(response) == "chung-chi-TRUONG-A-2026-00001.pdf"


@pytest.mark.parametrize("slug", ["don-vi", "can-bo"])
def test_import_templates(client, users, slug):
    client.force_login(users.province)
    response = client.get(reverse("imports:template", args=[slug]))
    assert response.status_code == 200
    assert shown_name(response) == (f"{slug}.xlsx", "attachment")


def test_report_files_are_named_in_vietnamese_whatever_the_language(client, users, tree):
    """A report's file is named after its Vietnamese title, the unit's code and the date, also on the English UI."""
    client.force_login(users.province)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("reports:download", args=["qualification-structure", "csv"]),
                          {"unit": tree.root.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    assert shown_name(response) == ("co-cau-trinh-do-chuyen-mon-theo-cap-hanh-chinh-T01-2026-07-01.csv", "attachment")


def test_the_staff_export_is_named_in_vietnamese_with_an_iso_date(client, users):
    import datetime

    client.force_login(users.province)
    response = client.get(reverse("people:person_export"))
    assert response.status_code == 200
    assert shown_name(response) == (f"danh-sach-can-bo-{datetime.date.today().isoformat()}.xlsx", "attachment")
