"""Request size limits per view: an ordinary form or API call takes at most DATA_UPLOAD_MAX_MEMORY_SIZE (Django's
2,5 MB), the import upload and the class roster upload their own limit (DTBD_UPLOAD_MAX_BYTES); a larger request is
refused (413) before its body is read."""
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dtbd.api.tests.conftest import token_client
from dtbd.core.models import ImportBatch
from dtbd.imports.tests.test_import_views import staff_file, staff_row
from dtbd.people.models import Person
from dtbd.training.testing import make_class

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def padded(upload, size):
    """The workbook with an unused part of `size` random (incompressible) bytes: a large but valid .xlsx."""
    buffer = io.BytesIO(upload.read())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("docProps/padding.bin", os.urandom(size))
    return SimpleUploadedFile(upload.name, buffer.getvalue())


def test_a_large_post_to_an_ordinary_form_is_refused(client, users, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB
    client.force_login(users.officer)
    url = reverse("people:person_create")
    assert client.post(url, {"full_name": "x"}).status_code == 200  # the form, with its errors
    response = client.post(url, {"full_name": "x" * (6 * MB)})
    assert response.status_code == 413 and "quá lớn" in response.content.decode()
    big_file = SimpleUploadedFile("anh.jpg", os.urandom(6 * MB))
    assert client.post(url, {"full_name": "x", "photo": big_file}).status_code == 413
    assert not Person.objects.filter(full_name="x").exists()


def test_an_api_write_of_that_size_is_refused_too(users):
    body = {"code": "N1", "full_name": "x" * (6 * MB)}
    assert token_client(users.officer).post("/api/v1/staff/", body, format="json").status_code == 413


def test_an_import_of_the_allowed_size_is_accepted(client, users, tmp_path, settings):
    assert settings.DTBD_UPLOAD_MAX_BYTES >= 20 * MB
    client.force_login(users.officer)
    upload = padded(staff_file(tmp_path, staff_row()), 6 * MB)
    assert upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "VALID" and batch.created == 1


def test_an_import_above_its_limit_is_refused_before_it_is_read(client, users, tmp_path, settings):
    settings.DTBD_UPLOAD_MAX_BYTES = 2 * MB
    client.force_login(users.officer)
    upload = padded(staff_file(tmp_path, staff_row()), 3 * MB)
    response = client.post(reverse("imports:upload", args=["can-bo"]), {"staff-file": upload})
    assert response.status_code == 413 and "2 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_class_roster_upload_has_the_upload_limit(client, users, settings):
    cls = make_class("UPL1")
    client.force_login(users.province)
    url = reverse("training:roster_upload", args=[cls.pk])
    big = SimpleUploadedFile("danh-sach.xlsx", os.urandom(6 * MB))
    assert client.post(url, {"file": big}).status_code == 400  # read, and refused as not a workbook
    settings.DTBD_UPLOAD_MAX_BYTES = 2 * MB
    big.seek(0)
    assert client.post(url, {"file": big}).status_code == 413
