"""File names of downloads: the Content-Disposition header is always built by Django (content_disposition_header), so
a name with Vietnamese letters or a quote (a class code, a certificate number) reaches the browser whole and cannot
break the header."""
from email.message import Message

import pytest
from django.urls import reverse
from django.utils.http import content_disposition_header

from dtbd.training.models import Certificate, TrainingClass
from dtbd.training.services import certificates

from .test_certificates import completed, school, school_class  # noqa: F401 — fixtures

ODD = 'Lớp "Đặc biệt"'


def shown_name(response):
    """The file name a browser takes from the header (RFC 6266 / 5987: filename* wins over filename)."""
    message = Message()
    message["Content-Disposition"] = response["Content-Disposition"]
    return message.get_filename(), message.get_content_disposition()


def test_class_roster_with_vietnamese_letters_and_a_quote_in_its_code(client, users, school_class):  # noqa: F811
    TrainingClass.objects.filter(pk=school_class.pk).update(code=ODD)
    client.force_login(users.province)
    response = client.get(reverse("training:roster_download", args=[school_class.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, f"danh-sach-lop-{ODD}.xlsx")
    assert shown_name(response) == (f"danh-sach-lop-{ODD}.xlsx", "attachment")


def test_certificate_with_vietnamese_letters_and_a_quote_in_its_number(client, users, school_class,  # noqa: F811
                                                                       monkeypatch):
    monkeypatch.setattr(certificates, "document_pdf", lambda cert: b"%PDF-fake")
    cert = completed(school_class, users.learner.person)
    Certificate.objects.filter(pk=cert.pk).update(number='TRƯỜNG "A"-2026-00001')
    client.force_login(users.learner)
    response = client.get(reverse("training:certificate_pdf", args=[cert.pk]))
    assert response.status_code == 200
    assert shown_name(response) == ('chung-chi-TRƯỜNG "A"-2026-00001.pdf', "inline")


@pytest.mark.parametrize("slug", ["don-vi", "can-bo"])
def test_import_templates(client, users, slug):
    client.force_login(users.province)
    response = client.get(reverse("imports:template", args=[slug]))
    assert response.status_code == 200
    assert shown_name(response) == (f"{slug}.xlsx", "attachment")
