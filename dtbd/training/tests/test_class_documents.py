"""The official documents of a class: the summons letter of the institution and the dispatch decision of the sending
body, as Word (opened by LibreOffice in the test) and PDF, with the number, date, signer and the people listed; each
written only by those allowed, the decision listing only the writer's own people."""
import datetime
import io

import pytest
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core.testing import convert_with_libreoffice
from dtbd.people.testing import make_person
from dtbd.training.testing import enroll, make_class, school_provider

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(tree, users):
    school = school_provider(tree)
    cls = make_class("QL02", capacity=10, provider=school, starts_on=D(2027, 3, 2), ends_on=D(2027, 3, 20),
                     place="Hội trường Trường Chính trị thử")
    own = make_person(tree.phong_a, code="HV002", full_name="Đặng Văn Cử")
    other = make_person(tree.phong_b, code="HV003", full_name="Lý Thị Khác")
    for person in (users.learner.person, own, other):
        enroll(cls, person)
    return cls


def form_data(kind, fmt="docx", **extra):
    return {"kind": kind, "number": "25", "issued_on": "05/02/2027", "signer_position": "Giám đốc",
            "authority": "KT. Giám đốc", "signer_name": "Phạm Văn Ký", "fmt": fmt, **extra}


def docx_text(tmp_path, content, name="doc"):
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    out = tmp_path / "txt"
    done = convert_with_libreoffice([source], out, fmt="txt:Text (encoded):UTF8")
    assert done.returncode == 0, done.stderr
    return " ".join((out / f"{name}.txt").read_text(encoding="utf-8-sig").split())


def test_summons_as_word_opens_in_libreoffice_with_number_date_signer_and_people(client, users, world, tmp_path):
    client.force_login(users.institution)
    response = client.post(reverse("training:class_documents", args=[world.pk]), form_data("summons"))
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "giay-trieu-tap-QL02.docx" in response["Content-Disposition"]
    text = docx_text(tmp_path, response.content)
    assert "GIẤY TRIỆU TẬP" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Số: 25/GTT-TCTT" in text  # Trường Chính trị thử
    assert "ngày 05 tháng 02 năm 2027" in text
    assert "KT. GIÁM ĐỐC" in text and "Phạm Văn Ký" in text
    assert "từ ngày 02/03/2027 đến ngày 20/03/2027" in text and "Hội trường Trường Chính trị thử" in text
    for name in ("Trần Thị Học", "Đặng Văn Cử", "Lý Thị Khác"):
        assert name in text
    assert "Sở Nội vụ" not in text.split("DANH SÁCH")[0]  # the header is the institution's, not a learner's unit


def test_dispatch_decision_of_a_unit_officer_lists_only_their_people(client, users, world, tmp_path):
    client.force_login(users.officer)
    response = client.post(reverse("training:class_documents", args=[world.pk]), form_data("dispatch"))
    assert response.status_code == 200, response.content.decode()[:2000]
    text = docx_text(tmp_path, response.content)
    assert "QUYẾT ĐỊNH" in text and "SỞ NỘI VỤ" in text and "UBND TỈNH THỬ" in text
    assert "Số: 25/QĐ-SNV" in text and "ngày 05 tháng 02 năm 2027" in text and "Phạm Văn Ký" in text
    assert "Trần Thị Học" in text and "Đặng Văn Cử" in text
    assert "Lý Thị Khác" not in text  # another department's person
    assert "Cử 2 cán bộ" in text


def test_pdf_has_the_same_content(client, users, world):
    from pypdf import PdfReader

    client.force_login(users.province)
    response = client.post(reverse("training:class_documents", args=[world.pk]), form_data("dispatch", fmt="pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Số: 25/QĐ-UBND" in text and "Phạm Văn Ký" in text and "Lý Thị Khác" in text


def test_who_may_write_which_document(client, users, world):
    url = reverse("training:class_documents", args=[world.pk])
    client.force_login(users.learner)
    assert client.get(url).status_code == 403
    client.force_login(users.leader)  # read-only
    assert client.get(url).status_code == 403
    client.force_login(users.institution)  # runs the class: the summons only
    assert client.post(url, form_data("dispatch")).status_code == 400
    client.force_login(users.officer)  # sends people: the decision only
    response = client.post(url, form_data("summons"))
    assert response.status_code == 400 and "summons không phải là một trong các lựa chọn" in response.content.decode()


def test_a_decision_without_own_people_is_refused(client, users, world, tree):
    officer_b = make_user("donvi_b", Role.UNIT_OFFICER, scope_unit=tree.xa)
    client.force_login(officer_b)
    response = client.post(reverse("training:class_documents", args=[world.pk]), form_data("dispatch"))
    assert response.status_code == 403
    assert "Lý Thị Khác" not in response.content.decode()


def test_bad_input_is_named(client, users, world):
    client.force_login(users.institution)
    response = client.post(reverse("training:class_documents", args=[world.pk]),
                           form_data("summons", issued_on="31/02/2027", signer_name=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy." in body and "This field is required" not in body
