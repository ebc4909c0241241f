"""Certificates: the printed PDF (content, access, revoked), the list (scope, filters, fixed queries), the confirmation
that replaces a lost certificate, and the public verification page (no login, no leak, revoked shown as revoked)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Certificate, IssuingDecision, Result, TrainingClass
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program, make_provider, school_provider

pytestmark = pytest.mark.django_db

D = datetime.date


def completed(cls, person, grade=None):
    """Enrol `person` in `cls`, run the class, record a pass (with a current Result when `grade`) and issue."""
    TrainingClass.objects.filter(pk=cls.pk).update(status=TrainingClass.Status.OPEN)
    cls.refresh_from_db()
    enr = enroll(cls, person)
    TrainingClass.objects.filter(pk=cls.pk).update(status=TrainingClass.Status.RUNNING)
    cls.refresh_from_db()
    enr.training_class = cls
    services.record_outcome(enr, True)
    if grade:
        Result.objects.create(enrollment=enr, version=1, grade=grade, completed=True, is_current=True,
                              submitted_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    return certificates.issue(enr, D(2026, 1, 10))


@pytest.fixture
def school(tree):
    return school_provider(tree)


@pytest.fixture
def school_class(school):
    return make_class("QL01", capacity=40, provider=school, sessions=3, starts_on=D(2025, 12, 1),
                      place="Thành phố Thử")


@pytest.fixture
def learner_cert(users, school_class):
    return completed(school_class, users.learner.person, grade=Result.Grade.GOOD)


# -- the document ---------------------------------------------------------------------------------------------------
def test_document_html_has_every_field(learner_cert):
    html = certificates.document_html(learner_cert)
    assert "CHỨNG CHỈ" in html and "GIẤY CHỨNG NHẬN" not in html
    programme = learner_cert.enrollment.training_class.program.name
    for text in ("Trần Thị Học", "17/05/1985", programme, "QL01", "01/12/2025",
                 "21/12/2025", "12 tiết", "Giỏi", learner_cert.number, "TRƯỜNG CHÍNH TRỊ THỬ",
                 "Thử, ngày 10 tháng 01 năm 2026", "10/01/2026"):
        assert text in html, text
    # the institution under its governing body (Decree 30/2020/NĐ-CP), not the classroom as the place
    assert "SỞ TÀI CHÍNH" in html and "Thành phố Thử" not in html
    assert certificates.verify_url(learner_cert) in html
    assert f"/verify/{learner_cert.code}/" in html
    assert 'src="data:image/svg+xml' in html  # the QR code


def test_document_carries_the_issuing_decision_and_its_signer(users, school_class):
    cert = completed(school_class, users.learner.person)
    decision = IssuingDecision.objects.create(
        training_class=school_class, status=IssuingDecision.Status.CONFIRMED, number="125",
        decided_on=D(2026, 1, 10), signer_name="Phạm Văn Ký", signer_position="Hiệu trưởng",
        authority="KT. Giám đốc")
    Certificate.objects.filter(pk=cert.pk).update(decision=decision)
    html = certificates.document_html(cert)
    for text in ("KT. GIÁM ĐỐC", "HIỆU TRƯỞNG", "Phạm Văn Ký", "Quyết định cấp số 125 ngày 10/01/2026"):
        assert text in html, text
    assert "THỦ TRƯỞNG CƠ SỞ ĐÀO TẠO, BỒI DƯỠNG" not in html


def test_document_is_one_a4_landscape_page(learner_cert):
    import weasyprint

    pages = weasyprint.HTML(string=certificates.document_html(learner_cert)).render().pages
    assert len(pages) == 1
    width_mm, height_mm = pages[0].width * 25.4 / 96, pages[0].height * 25.4 / 96
    assert round(width_mm) == 297 and round(height_mm) == 210


def test_title_follows_the_programme_and_the_kind(tree, users):
    briefing = make_program("SO_AI_THU", name="Kỹ năng số", category="SO_AI", kind="BRIEFING", duration_tiet=16,
                            grants_type="", grants_level="")
    cls = make_class("BD01", capacity=5, program=briefing, sessions=2, starts_on=D(2025, 12, 1))
    cert = completed(cls, users.learner.person)
    assert certificates.document_title(cert) == "GIẤY CHỨNG NHẬN"
    assert "GIẤY CHỨNG NHẬN" in certificates.document_html(cert)
    conf = certificates.replace_lost(cert, users.province, D(2026, 2, 1))
    assert certificates.document_title(conf) == "GIẤY XÁC NHẬN HOÀN THÀNH KHOÁ HỌC"


def test_pdf_for_the_person_with_filename(client, users, learner_cert):
    client.force_login(users.learner)
    response = client.get(reverse("training:certificate_pdf", args=[learner_cert.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="chung-chi-{learner_cert.number}.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("role", ["admin", "province", "institution", "officer", "leader", "learner"])
def test_pdf_allowed_roles(client, users, learner_cert, role, monkeypatch):
    monkeypatch.setattr(certificates, "document_pdf", lambda cert: b"%PDF-fake")
    client.force_login(getattr(users, role))
    assert client.get(reverse("training:certificate_pdf", args=[learner_cert.pk])).status_code == 200


def test_pdf_refused_out_of_sight(client, tree, users, learner_cert, monkeypatch):
    monkeypatch.setattr(certificates, "document_pdf", lambda cert: b"%PDF-fake")

    other_person = make_person(tree.so_b, code="OTHER")
    outsiders = [
        make_user("other_learner", Role.LEARNER, person=other_person),
        make_user("officer_b", Role.UNIT_OFFICER, scope_unit=tree.phong_b),
        make_user("inst_xa", Role.INSTITUTION, scope_unit=tree.xa),  # runs no class of the school
    ]
    url = reverse("training:certificate_pdf", args=[learner_cert.pk])
    for user in outsiders:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.logout()
    assert client.get(url).status_code == 302  # login first


def test_revoked_certificate_has_no_pdf(client, users, learner_cert):
    certificates.revoke(learner_cert, "Điều chỉnh kết quả", users.province)
    client.force_login(users.learner)
    response = client.get(reverse("training:certificate_pdf", args=[learner_cert.pk]))
    assert response.status_code == 404
    assert "đã bị thu hồi" in response.content.decode()
    with pytest.raises(ValidationError):
        certificates.document_pdf(Certificate.objects.get(pk=learner_cert.pk))


# -- the list ---------------------------------------------------------------------------------------------------------
def _class_with(n, tree, school, code="QL01"):
    cls = make_class(code, capacity=n + 1, provider=school, sessions=2, starts_on=D(2025, 12, 1))
    for i in range(n):
        completed(cls, make_person(tree.phong_a, code=f"{code}_{i}", full_name=f"Lê Văn Số {i}"))
    return cls


def test_list_runs_a_fixed_number_of_queries(client, tree, users, school, django_assert_max_num_queries):
    _class_with(3, tree, school, "FEW")
    client.force_login(users.institution)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("training:certificate_list")).status_code == 200
    _class_with(30, tree, school, "MANY")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("training:certificate_list"))
    assert response.content.decode().count("chung-chi/") >= 33


def test_list_scope_and_filters(client, tree, users, learner_cert, school_class):
    other = make_class("KHAC01", capacity=5, provider=make_provider("P_KHAC", "Trường khác"), sessions=1,
                       starts_on=D(2025, 12, 1))
    outsider = make_person(tree.so_b, code="SOB", full_name="Phạm Văn Ngoài")
    outsider_cert = completed(other, outsider)
    url = reverse("training:certificate_list")

    client.force_login(users.learner)
    body = client.get(url).content.decode()
    assert learner_cert.number in body and outsider_cert.number not in body

    client.force_login(users.officer)  # so_a: the learner, not the so_b person
    body = client.get(url).content.decode()
    assert learner_cert.number in body and outsider_cert.number not in body

    client.force_login(users.province)
    body = client.get(url).content.decode()
    assert learner_cert.number in body and outsider_cert.number in body
    body = client.get(url, {"lop": school_class.pk}).content.decode()
    assert learner_cert.number in body and outsider_cert.number not in body
    body = client.get(url, {"q": "pham van"}).content.decode()
    assert "Phạm Văn Ngoài" in body and "Trần Thị Học" not in body
    body = client.get(url, {"q": learner_cert.number}).content.decode()
    assert "Trần Thị Học" in body and "Phạm Văn Ngoài" not in body
    body = client.get(url, {"co_so": other.provider_id}).content.decode()
    assert "Phạm Văn Ngoài" in body and "Trần Thị Học" not in body
    assert "Trần Thị Học" not in client.get(url, {"nam": 2025}).content.decode()
    assert "Trần Thị Học" in client.get(url, {"nam": 2026}).content.decode()


# -- replacement of a lost certificate --------------------------------------------------------------------------------
def test_replace_lost_gives_a_confirmation_with_its_own_number_once(users, learner_cert):
    conf = certificates.replace_lost(learner_cert, users.province, D(2026, 3, 1))
    assert conf.kind == Certificate.Kind.CONFIRMATION
    assert conf.number != learner_cert.number and conf.code != learner_cert.code
    assert conf.enrollment_id == learner_cert.enrollment_id
    assert certificates.replace_lost(learner_cert, users.province) == conf  # once
    learner_cert.refresh_from_db()
    assert learner_cert.revoked_at is None  # the certificate stays valid; not re-issued
    assert Certificate.objects.filter(enrollment_id=conf.enrollment_id, kind="CERT").count() == 1
    # Only one qualification on the staff record.
    assert learner_cert.enrollment.person.qualifications.filter(certificate_no=learner_cert.number).count() == 1
    with pytest.raises(ValidationError):
        certificates.replace_lost(conf, users.province)
    # Revoking the certificate revokes its confirmation too, audited as any change of a certificate.
    from auditlog.models import LogEntry

    certificates.revoke(learner_cert, "Sai kết quả", users.province)
    conf.refresh_from_db()
    assert conf.revoked_at is not None
    entry, = LogEntry.objects.get_for_object(conf).filter(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["revoked_reason"][1] == "Sai kết quả"
    with pytest.raises(ValidationError):
        certificates.replace_lost(learner_cert, users.province)


def test_replace_view_managers_and_the_running_institution_only(client, users, learner_cert):
    url = reverse("training:certificate_replace", args=[learner_cert.pk])
    for role in ("learner", "officer", "leader"):
        client.force_login(getattr(users, role))
        assert client.post(url).status_code == 403, role
    assert not Certificate.objects.filter(kind="CONF").exists()
    client.force_login(users.institution)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    conf = Certificate.objects.get(kind="CONF")
    client.force_login(users.province)
    client.post(url)
    assert Certificate.objects.filter(kind="CONF").count() == 1
    body = client.get(reverse("training:certificate_list")).content.decode()
    assert conf.number in body and "Giấy xác nhận hoàn thành khoá học" in body


# -- public verification ----------------------------------------------------------------------------------------------
def test_verify_is_public_and_shows_only_what_it_must(client, users, learner_cert):
    person = learner_cert.enrollment.person
    person.citizen_id = "001085012345"
    person.save()
    response = client.get(reverse("public:verify", args=[learner_cert.code]))
    assert response.status_code == 200
    body = response.content.decode()
    programme = learner_cert.enrollment.training_class.program.name
    for text in ("Trần Thị Học", programme, "Trường Chính trị thử", learner_cert.number,
                 "10/01/2026", "01/12/2025", "Còn giá trị"):
        assert text in body, text
    for secret in ("17/05/1985", "001085012345", "HV001", "Phòng Tổ chức", "Sở Nội vụ", "Giỏi"):
        assert secret not in body, secret


def test_verify_shows_no_app_menu_to_logged_in_users(client, users, learner_cert):
    client.force_login(users.province)
    body = client.get(reverse("public:verify", args=[learner_cert.code])).content.decode()
    assert "Menu chính" not in body and "Đăng xuất" not in body


def test_verify_revoked_shows_revoked(client, users, learner_cert):
    certificates.revoke(learner_cert, "Điều chỉnh kết quả", users.province)
    body = client.get(reverse("public:verify", args=[learner_cert.code])).content.decode()
    assert "ĐÃ BỊ THU HỒI" in body and "Đã thu hồi" in body and "Còn giá trị" not in body
    assert "Điều chỉnh kết quả" not in body


def test_verify_unknown_code_is_a_friendly_404(client, learner_cert):
    response = client.get(reverse("public:verify", args=["khong-co-ma-nay"]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy chứng chỉ" in body
    assert "Trần Thị Học" not in body and learner_cert.number not in body


def test_verify_by_the_printed_number_shows_the_document_but_not_its_holder(client, learner_cert):
    """The numbers follow each other (CODE-YYYY-NNNNN): a number alone must not list people's names."""
    response = client.get(reverse("public:verify", args=[learner_cert.number.lower()]))
    assert response.status_code == 200
    body = response.content.decode()
    programme = learner_cert.enrollment.training_class.program.name
    for text in (learner_cert.number, programme, "Trường Chính trị thử", "10/01/2026", "Còn giá trị",
                 "Xem người được cấp"):
        assert text in body, text
    assert "Trần Thị Học" not in body and "01/12/2025" not in body and "17/05/1985" not in body


def test_search_by_number_and_birth_date_or_name(client, learner_cert):
    url = reverse("public:verify_search")
    assert client.get(url).status_code == 200  # the empty form
    by_birth = client.get(url, {"so_hieu": learner_cert.number, "ngay_sinh": "17/05/1985"})
    assert by_birth.status_code == 200 and "Trần Thị Học" in by_birth.content.decode()
    by_name = client.get(url, {"so_hieu": f" {learner_cert.number.lower()} ", "ho_ten": "tran thi  HOC"})
    assert by_name.status_code == 200 and "Trần Thị Học" in by_name.content.decode()


def test_search_finds_nothing_by_name_alone_nor_by_a_wrong_pair(client, learner_cert):
    url = reverse("public:verify_search")
    alone = client.get(url, {"ho_ten": "Trần Thị Học"})
    assert alone.status_code == 400 and "Trần Thị Học</" not in alone.content.decode()
    assert "This field is required" not in alone.content.decode()
    number_only = client.get(url, {"so_hieu": learner_cert.number})
    assert number_only.status_code == 400
    assert "Nhập thêm họ và tên hoặc ngày sinh" in number_only.content.decode()
    for wrong in ({"so_hieu": learner_cert.number, "ngay_sinh": "18/05/1985"},
                  {"so_hieu": learner_cert.number, "ho_ten": "Trần Thị Khác"},
                  {"so_hieu": "TCT_THU-2026-99999", "ngay_sinh": "17/05/1985"}):
        response = client.get(url, wrong)
        body = response.content.decode()
        assert response.status_code == 404 and "Không tìm thấy chứng chỉ nào khớp" in body
        assert "Trường Chính trị thử" not in body  # a wrong pair does not tell whether the number exists


def test_search_is_rate_limited_more_strictly_than_the_qr_links(client, learner_cert, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DTBD_RATE_LIMITS = [("/verify/$", None, 3, 60), ("/verify/", None, 30, 60)]
    url = reverse("public:verify_search")
    codes = [client.get(url, {"so_hieu": learner_cert.number, "ngay_sinh": f"0{i}/01/1980"}).status_code
             for i in range(1, 6)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    assert client.get(reverse("public:verify", args=[learner_cert.code])).status_code == 200
    cache.clear()


def test_list_answers_htmx_with_the_rows_only(client, users, learner_cert):
    client.force_login(users.province)
    response = client.get(reverse("training:certificate_list"), {"q": "hoc"},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="certificate-list")
    body = response.content.decode()
    assert "Trần Thị Học" in body and "<html" not in body
