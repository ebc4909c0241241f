"""Pages of the new reports: PDF downloads, the person's training history (/bao-cao/qua-trinh-boi-duong/<pk>/) with
its scope refusals, and a fixed number of queries whatever the number of rows."""
import datetime
import io

import pytest
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.reports.registry import all_reports
from dtbd.standards.models import Requirement
from dtbd.training.testing import make_provider

from .builders import bulk_people
from .province import _class, _enrol, _program
from .test_documents import pdf_text, squash

pytestmark = pytest.mark.django_db

D = datetime.date


def history_url(person, fmt=None):
    if fmt:
        return reverse("reports:training_history_download", args=[person.pk, fmt])
    return reverse("reports:training_history", args=[person.pk])


def finished_classes(person, count, provider=None):
    provider = provider or make_provider()
    program = _program(f"P_{person.code}_{count}", "CMNV")
    for i in range(count):
        _enrol(_class(f"{person.code}-{count}-{i}", program, provider, D(2025, 1, 10) + datetime.timedelta(days=i)), person)


def test_the_url(users):
    assert history_url(users.learner.person) == f"/bao-cao/qua-trinh-boi-duong/{users.learner.person.pk}/"


@pytest.mark.parametrize("name", [r.name for r in all_reports("unit")])
def test_every_unit_report_downloads_as_pdf(client, users, tree, name):
    client.force_login(users.province)
    response = client.get(reverse("reports:download", args=[name, "pdf"]), {"unit": tree.so_a.pk, "date": "01/07/2026",
                                                                          "year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = squash(pdf_text(response.content))
    assert "UBND TỈNH THỬ SỞ NỘI VỤ" in text and "Số: ……/BC-SNV" in text
    assert "Thử, ngày" in text


def test_the_person_report_is_not_a_unit_report_page(client, users):
    client.force_login(users.province)
    assert client.get(reverse("reports:report", args=["training-history"])).status_code == 404
    assert client.get(reverse("reports:download", args=["training-history", "csv"])).status_code == 404
    html = client.get(reverse("reports:index")).content.decode()
    assert "Sơ yếu quá trình đào tạo, bồi dưỡng" in html and "hồ sơ của cán bộ" in html


def test_the_reports_page_has_no_command_lines(client, users):
    """Command lines and report codes are for the README, not for the officers' page."""
    client.force_login(users.province)
    html = client.get(reverse("reports:index")).content.decode()
    assert "dtbd report" not in html and "--person" not in html and "dòng lệnh" not in html
    assert "<code>qualification-structure</code>" not in html and "Mã (dòng lệnh)" not in html


def test_officer_sees_the_history_of_their_staff(client, users, tree):
    person = users.learner.person
    finished_classes(person, 2)
    client.force_login(users.officer)
    response = client.get(history_url(person))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trần Thị Học" in html and "Phòng Tổ chức" in html
    assert "Chuyên môn, nghiệp vụ" in html and "Hoàn thành" in html and "10/01/2025" in html
    assert f'href="{history_url(person, "csv")}"' in html
    for fmt in ("xlsx", "pdf"):  # built by a background job (dtbd.reports.jobs): a POST form to start it
        assert f'action="{reverse("reports:training_history_job", args=[person.pk, fmt])}"' in html


def test_history_downloads(client, users):
    from python_calamine import CalamineWorkbook

    person = users.learner.person
    finished_classes(person, 1)
    client.force_login(users.officer)
    response = client.get(history_url(person, "pdf"), {"date": "31/12/2025"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f'filename="so-yeu-qua-trinh-dao-tao-boi-duong-{person.code}-2025-12-31.pdf"' in response["Content-Disposition"]
    text = squash(pdf_text(response.content))
    assert "SƠ YẾU QUÁ TRÌNH ĐÀO TẠO, BỒI DƯỠNG" in text and "Trần Thị Học" in text and "SỞ NỘI VỤ" in text
    response = client.get(history_url(person, "xlsx"), {"date": "31/12/2025"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    cells = [str(c) for row in sheet for c in row]
    assert "Sơ yếu quá trình đào tạo, bồi dưỡng" in cells and "Hoàn thành" in cells and "10/01/2025" in cells
    response = client.get(history_url(person, "csv"))
    assert response.content.decode().startswith("type,level,major,issuer,issued_on,valid_until,tiet,source\n")
    assert client.get(history_url(person, "odt")).status_code == 404
    response = client.get(history_url(person, "csv"), {"date": "31/02/2025"})
    assert response.status_code == 400 and "Ngày báo cáo" in response.content.decode()


def test_history_refused_outside_the_scope(client, users, tree):
    stranger = make_person(tree.so_b, code="NGOAI", full_name="Người Ngoài")
    own = users.learner.person
    client.force_login(users.officer)  # scoped to so_a
    for url in (history_url(stranger), history_url(stranger, "pdf"), history_url(stranger, "xlsx")):
        assert client.get(url).status_code == 404
    assert client.get(reverse("reports:training_history", args=[999999])).status_code == 404
    client.force_login(users.institution)  # scoped to so_b: sees the stranger, not so_a's learner
    assert client.get(history_url(stranger)).status_code == 200
    assert client.get(history_url(own)).status_code == 404
    client.force_login(users.learner)  # their own history only
    assert client.get(history_url(own)).status_code == 200
    assert client.get(history_url(stranger)).status_code == 404
    client.logout()
    response = client.get(history_url(own))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_history_page_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    few, many = users.learner.person, make_person(users.learner.person.unit_assignments.get().unit, code="MANY")
    finished_classes(few, 3)
    finished_classes(many, 30)
    client.force_login(users.officer)
    with django_assert_max_num_queries(14) as small:
        assert client.get(history_url(few)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(history_url(many))
    assert response.content.decode().count("Hoàn thành") >= 30


def test_unit_report_pages_run_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    client.force_login(users.province)
    client.get(reverse("reports:index"))  # warm up (session, per-process caches)
    counts = {}
    for size in (3, 30):
        bulk_people(tree.xa, size, education=("DH",))
        for report in all_reports("unit"):
            url = reverse("reports:report", args=[report.name])
            with django_assert_max_num_queries(30) as ctx:
                assert client.get(url, {"unit": tree.root.pk, "date": "01/07/2026", "year": "2026"}).status_code == 200
            counts.setdefault(report.name, []).append(len(ctx.captured_queries))
    for name, (small, large) in counts.items():
        assert small == large, name


def test_pdf_without_weasyprint_is_explained(client, users, tree, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    client.force_login(users.province)
    response = client.get(reverse("reports:download", args=["qualification-structure", "pdf"]),
                          {"unit": tree.so_a.pk, "date": "01/07/2026"})
    assert response.status_code == 503
    assert "make pdf-libs" in response.content.decode()


def test_report_pages_give_names_and_words_where_the_csv_keeps_codes(client, users, tree):
    """The compliance report reads each requirement's name on the page (POST_LLCT only in the CSV); the postgraduate
    eligibility report gives the failed conditions in words (AGE;SERVICE only in the CSV)."""
    make_person(tree.so_a, code="TP1", post_level="TP", birth_date=D(1970, 1, 1))
    client.force_login(users.province)
    params = {"unit": tree.root.pk, "date": "01/07/2026", "year": "2026"}
    html = client.get(reverse("reports:report", args=["compliance"]), params).content.decode()
    name = Requirement.objects.filter(code="POST_LLCT").order_by("pk").first().name
    assert name in html and "POST_LLCT" not in html
    csv = client.get(reverse("reports:download", args=["compliance", "csv"]), params).content.decode()
    assert "POST_LLCT" in csv

    html = client.get(reverse("reports:report", args=["postgrad-eligibility"]), params).content.decode()
    assert "tuổi" in html
    for code in ("AGE", "SERVICE", "ASSESSMENT"):
        assert f">{code}" not in html and f"{code};" not in html and f";{code}" not in html
    csv = client.get(reverse("reports:download", args=["postgrad-eligibility", "csv"]), params).content.decode()
    assert "AGE" in csv
