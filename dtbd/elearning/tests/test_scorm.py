"""SCORM 1.2 packages: refused when unsafe or malformed (Vietnamese message), stored and played otherwise; the
runtime's commit stores status and score and a completed status makes the lesson seen."""
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dtbd.elearning.models import Lesson, Module
from dtbd.elearning.services import scorm
from dtbd.elearning.testing import scorm_zip

pytestmark = pytest.mark.django_db


def scorm_lesson(course):
    module = Module.objects.filter(course=course).first()
    return Lesson.objects.create(module=module, title="Bài SCORM", kind="SCORM", order=5)


def raw_zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("package,message", [
    (lambda: io.BytesIO(b"not a zip"), "không phải là tệp .zip"),
    (lambda: scorm_zip(manifest=False), "không có tệp imsmanifest.xml"),
    (lambda: scorm_zip(manifest="<manifest><unclosed></manifest>"), "lỗi XML ở dòng 1"),
    (lambda: scorm_zip(manifest="<manifest/>"), "không chỉ ra tệp khởi chạy"),
    (lambda: scorm_zip(manifest='<!DOCTYPE x [<!ENTITY a "b">]><manifest/>'), "DOCTYPE"),
    (lambda: raw_zip({"imsmanifest.xml": "<manifest/>", "../../etc/passwd": "x"}), "đường dẫn không an toàn"),
    (lambda: raw_zip({"imsmanifest.xml": "<manifest/>", "/abs/file": "x"}), "đường dẫn không an toàn"),
    (lambda: scorm_zip(files={"khac.html": b"x"}), "không có trong gói"),
    (lambda: scorm_zip(manifest='<manifest><metadata><schemaversion>2004 4th Edition</schemaversion></metadata></manifest>'),
     "chỉ nhận gói SCORM 1.2"),
])
def test_bad_packages_are_refused_with_a_clear_message(online, package, message):
    course, _enrolment = online
    lesson = scorm_lesson(course)
    with pytest.raises(ValidationError) as refused:
        scorm.import_package(lesson, package())
    assert message in " ".join(refused.value.messages)
    lesson.refresh_from_db()
    assert not lesson.scorm_root


def test_an_oversized_package_is_refused(settings, online):
    course, _enrolment = online
    settings.DTBD_SCORM_MAX_BYTES = 1000
    lesson = scorm_lesson(course)
    with pytest.raises(ValidationError) as refused:
        scorm.import_package(lesson, scorm_zip(files={"index.html": b"0" * 5000}))
    assert "quá lớn" in " ".join(refused.value.messages)
    settings.DTBD_SCORM_MAX_BYTES = 10**9
    settings.DTBD_SCORM_MAX_FILES = 2
    with pytest.raises(ValidationError) as refused:
        scorm.import_package(lesson, scorm_zip(files={"index.html": b"a", "b.js": b"b", "c.css": b"c"}))
    assert "vượt giới hạn 2 tệp" in " ".join(refused.value.messages)


def test_a_package_is_played_and_its_completion_stored(client, users, online):
    course, enrolment = online
    lesson = scorm_lesson(course)
    client.force_login(users.institution)
    upload = SimpleUploadedFile("goi.zip", scorm_zip().getvalue(), content_type="application/zip")
    response = client.post(reverse("elearning:scorm_upload", args=[lesson.pk]), {"file": upload}, follow=True)
    assert "Đã nhập gói SCORM 1.2" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.scorm_launch == "index.html"
    client.force_login(users.learner)
    page = client.get(reverse("elearning:lesson", args=[lesson.pk])).content.decode()
    assert "scorm12.min.js" in page and 'id="scorm-frame"' in page
    sco = client.get(reverse("elearning:scorm_file", args=[lesson.pk, "index.html"]))
    assert sco.status_code == 200 and sco["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(reverse("elearning:scorm_file", args=[lesson.pk, "../x"])).status_code == 404
    commit = reverse("elearning:scorm_commit", args=[lesson.pk])
    data = {"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "85"}, "lesson_location": "p3"},
                    "suspend_data": "abc"}}
    response = client.post(commit, json.dumps(data), content_type="application/json")
    assert response.json() == {"result": True, "errorCode": 0}
    record = enrolment.lesson_progress.get(lesson=lesson)
    assert record.scorm_status == "completed" and record.scorm_score == 85 and record.completed_at
    assert record.scorm_data["suspend_data"] == "abc"
    bad = client.post(commit, "{not json", content_type="application/json")
    assert bad.status_code == 400
