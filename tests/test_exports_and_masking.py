"""Security: every export of personal data is logged; CCCD and phone masked except for the roles that need
them (dtbd.people.masking), the same on the record page, its history and the exports."""
import datetime

import pytest
from django.urls import reverse

from dtbd.core.exportlog import log_export
from dtbd.core.models import ExportLog
from dtbd.people import masking
from dtbd.people.models import Person, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.training.models import Result
from dtbd.training.testing import make_class, school_provider
from dtbd.training.tests.test_certificates import completed
from dtbd.training.tests.test_results_pages import _class

pytestmark = pytest.mark.django_db

CID, PHONE = "001085012345", "0912345678"


@pytest.fixture
def an(tree, users):
    return make_person(tree.phong_a, code="A001", full_name="Nguyễn Văn An", citizen_id=CID, phone=PHONE)


# --- the export log -------------------------------------------------------------------------------------------------


def test_staff_export_is_logged_with_filters_and_rows(client, users, an, tree):
    make_person(tree.phong_b, code="B001", full_name="Nguyễn Văn Bình")
    client.force_login(users.leader)  # scope: Sở Nội vụ
    response = client.get(reverse("people:person_export"), {"q": "nguyen", "page": "2", "don_vi": ""},
                          REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    entry = ExportLog.objects.get()
    assert (entry.user, entry.username, entry.role, entry.kind) == (users.leader, "lanhdao", "LEADER", "STAFF")
    assert entry.rows == 1  # only An is in the leader's scope
    assert entry.filters == {"q": "nguyen"}  # paging and empty filters left out
    assert entry.ip == "10.9.8.7"
    assert "đã che" in entry.description
    assert entry.at is not None


def test_certificate_pdf_download_is_logged(client, tree, users):
    cls = make_class("QL01", capacity=40, provider=school_provider(tree), sessions=2,
                     starts_on=datetime.date(2025, 12, 1))
    cert = completed(cls, users.learner.person, grade=Result.Grade.GOOD)
    client.force_login(users.learner)
    assert client.get(reverse("training:certificate_pdf", args=[cert.pk])).status_code == 200
    entry = ExportLog.objects.get()
    assert entry.kind == "CERTIFICATE" and entry.rows == 1 and cert.number in entry.description
    assert entry.user == users.learner


def test_roster_download_is_logged_with_the_number_of_learners(client, tree, users):
    cls = _class(tree, learners=3)
    client.force_login(users.institution)
    assert client.get(reverse("training:roster_download", args=[cls.pk])).status_code == 200
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.rows, entry.description, entry.user) == ("ROSTER", 3, "KQ01", users.institution)


def test_refused_downloads_are_not_logged(client, tree, users):
    cls = _class(tree, learners=1)
    client.force_login(users.leader)
    assert client.get(reverse("training:roster_download", args=[cls.pk])).status_code == 403
    assert not ExportLog.objects.exists()


def test_log_export_without_a_request(users):
    entry = log_export(users.province, ExportLog.Kind.REPORT, "Báo cáo cơ cấu trình độ", 12, filters={"unit": "T01"})
    assert (entry.username, entry.rows, entry.filters, entry.ip) == ("tinh", 12, {"unit": "T01"}, "")


def test_admins_read_the_log_in_django_admin_and_nobody_edits_it(client, users):
    log_export(users.province, ExportLog.Kind.STAFF, "Danh sách cán bộ (.xlsx)", 40)
    client.force_login(users.admin)
    response = client.get(reverse("admin:core_exportlog_changelist"))
    assert response.status_code == 200 and "Danh sách cán bộ (.xlsx)" in response.content.decode()
    assert client.get(reverse("admin:core_exportlog_add")).status_code == 403
    client.force_login(users.province)  # not staff: no admin
    assert client.get(reverse("admin:core_exportlog_changelist")).status_code == 302


# --- masking ---------------------------------------------------------------------------------------------------------


def test_mask_keeps_the_last_four_digits():
    assert masking.mask_citizen_id(CID) == "********2345"
    assert masking.mask_phone(PHONE) == "******5678"
    assert masking.mask_phone("") == "" and masking.mask_citizen_id(None) == ""


@pytest.mark.parametrize(
    "role, shown",
    [("admin", True), ("province", True), ("officer", True), ("leader", False), ("institution", False)],
)
def test_record_page_shows_identifiers_only_to_the_roles_that_need_them(client, users, an, tree, role, shown):
    if role == "institution":  # give the institution sight of the person: move them under so_b

        UnitAssignment.objects.filter(person=an).update(unit=tree.phong_b)
    client.force_login(getattr(users, role))
    html = client.get(reverse("people:person_detail", args=[an.pk])).content.decode()
    assert (CID in html) is shown and (PHONE in html) is shown
    if not shown:
        assert "********2345" in html and "******5678" in html


def test_the_person_sees_their_own_identifiers(client, users):
    Person.objects.filter(pk=users.learner.person_id).update(citizen_id=CID, phone=PHONE)
    client.force_login(users.learner)
    html = client.get(reverse("people:person_detail", args=[users.learner.person_id])).content.decode()
    assert CID in html and PHONE in html


def test_history_of_changes_is_masked_too(client, users, an):
    an.phone = "0987654321"
    an.save()
    client.force_login(users.officer)  # the history shows the change in full to the unit officer…
    html = client.get(reverse("people:person_detail", args=[an.pk])).content.decode()
    assert PHONE in html and "0987654321" in html
    client.force_login(users.leader)  # …and masked to a read-only leader
    html = client.get(reverse("people:person_detail", args=[an.pk])).content.decode()
    assert "0987654321" not in html and PHONE not in html
    assert "******4321" in html and "******5678" in html


def test_report_downloads_are_logged(client, users, an, tree):
    client.force_login(users.province)
    url = reverse("reports:download", args=["qualification-structure", "csv"])
    assert client.get(url, {"unit": tree.so_a.pk, "date": "01/07/2026"}).status_code == 200
    entry = ExportLog.objects.get()
    assert entry.kind == "REPORT" and entry.user == users.province
    assert entry.description.startswith("co-cau-trinh-do-chuyen-mon-theo-cap-hanh-chinh-SO_A-") and entry.description.endswith(".csv")
    assert entry.filters == {"unit": str(tree.so_a.pk), "date": "01/07/2026"} and entry.rows > 0
    client.get(reverse("reports:training_history_download", args=[an.pk, "csv"]))
    assert ExportLog.objects.filter(kind="REPORT", description__startswith="so-yeu-qua-trinh-dao-tao-boi-duong-").count() == 1
