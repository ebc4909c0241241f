"""Attendance, results, roster and correction pages: what the institution running the class can do, the refusals per
role, the roster upload refused whole on the page, and fixed query counts (3 vs 30 learners)."""
import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core import officialdoc
from dtbd.core.testing import convert_with_libreoffice
from dtbd.people.testing import make_person
from dtbd.training.models import (
    Assessment, Attendance, Certificate, Enrollment, IssuingDecision, Result, Score, TrainingClass,
)
from dtbd.training.services import certificates, results
from dtbd.training.testing import enroll, make_class, school_provider

pytestmark = pytest.mark.django_db

State = Enrollment.State
P, E, A = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT


def msgs(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _class(tree, learners=2, code="KQ01", sessions=3, provider=None):
    start = timezone.localdate() - datetime.timedelta(days=10)
    cls = make_class(code, capacity=40, starts_on=start, ends_on=start + datetime.timedelta(days=5), sessions=sessions,
                     provider=provider or school_provider(tree))
    Assessment.objects.create(training_class=cls, name="Bài kiểm tra", order=1)
    Assessment.objects.create(training_class=cls, name="Bài thu hoạch", kind="ESSAY", order=2)
    for i in range(learners):
        enroll(cls, make_person(tree.phong_a if i % 2 else tree.phong_b, code=f"{code}CB{i:03d}",
                                full_name=f"Học viên {i:03d}"))
    cls.status = TrainingClass.Status.RUNNING
    cls.save(update_fields=["status"])
    return cls


@pytest.fixture
def cls(tree):
    return _class(tree)


def _ids(cls):
    sessions = list(cls.sessions.order_by("date"))
    assessments = list(cls.assessments.all())
    enrolments = list(Enrollment.objects.filter(training_class=cls).order_by("person__name_sort"))
    return sessions, assessments, enrolments


# --- permissions ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["attendance", "results", "roster_download", "results_submit"])
@pytest.mark.parametrize("role", ["officer", "leader", "learner"])
def test_people_who_do_not_run_the_class_are_refused(client, users, cls, name, role):
    client.force_login(getattr(users, role))
    assert client.get(reverse(f"training:{name}", args=[cls.pk])).status_code == 403
    assert client.post(reverse(f"training:{name}", args=[cls.pk])).status_code in (403, 405)


def test_institution_of_another_unit_is_refused_and_unknown_class_is_404(client, users, cls, tree):
    other = make_user("truong_khac", Role.INSTITUTION, scope_unit=tree.so_a)
    client.force_login(other)
    assert client.get(reverse("training:attendance", args=[cls.pk])).status_code == 403
    client.force_login(users.institution)
    assert client.get(reverse("training:attendance", args=[cls.pk + 999])).status_code == 404
    nobody = make_user("khong_pham_vi", Role.UNIT_OFFICER)  # no scope unit: sees no class
    client.force_login(nobody)
    assert client.get(reverse("training:results", args=[cls.pk])).status_code == 404


def test_upload_and_correction_refused_to_unit_officer(client, users, cls):
    results.submit(cls)
    enr = Enrollment.objects.filter(training_class=cls).first()
    client.force_login(users.officer)
    assert client.post(reverse("training:roster_upload", args=[cls.pk])).status_code == 403
    assert client.get(reverse("training:result_correct", args=[enr.pk])).status_code == 403
    assert client.post(reverse("training:result_correct", args=[enr.pk]), {"reason": "x"}).status_code == 403
    assert Result.objects.filter(enrollment=enr).count() == 1


# --- attendance ----------------------------------------------------------------------------------------------------

def test_attendance_grid_saves_in_one_post(client, users, cls):
    sessions, _assessments, (e1, e2) = _ids(cls)
    client.force_login(users.institution)
    url = reverse("training:attendance", args=[cls.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'data-all-present="{sessions[0].pk}"' in page.content.decode()
    data = {f"m_{e.pk}_{s.pk}": P for e in (e1, e2) for s in sessions}
    data[f"m_{e2.pk}_{sessions[1].pk}"] = A
    data[f"m_{e2.pk}_{sessions[2].pk}"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    assert results.attendance_marks(cls)[(sessions[1].pk, e2.pk)] == A
    assert len(results.attendance_marks(cls)) == 5
    assert msgs(client.get(url))  # the success message
    # Audited with the user who saved (django-auditlog, actor from the request).
    entry = LogEntry.objects.get_for_model(Attendance).filter(object_pk=str(
        Attendance.objects.get(session=sessions[1], enrollment=e2).pk)).get()
    assert entry.actor == users.institution


def test_attendance_bad_value_saves_nothing(client, users, cls):
    sessions, _assessments, (e1, _e2) = _ids(cls)
    client.force_login(users.institution)
    response = client.post(reverse("training:attendance", args=[cls.pk]),
                           {f"m_{e1.pk}_{sessions[0].pk}": P, f"m_{e1.pk}_{sessions[1].pk}": "MAYBE"})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


# --- results -------------------------------------------------------------------------------------------------------

def test_results_draft_submit_and_lock(client, users, cls):
    sessions, (a1, a2), (e1, e2) = _ids(cls)
    results.record_attendance(cls, {(s.pk, e.pk): P for s in sessions for e in (e1, e2)})
    client.force_login(users.institution)
    url = reverse("training:results", args=[cls.pk])
    assert client.get(url).status_code == 200

    bad = client.post(url, {f"s_{e1.pk}_{a1.pk}": "11", f"s_{e1.pk}_{a2.pk}": "8"})
    assert bad.status_code == 400 and "Điểm phải từ 0 đến 10." in bad.content.decode()
    assert not Score.objects.exists()

    data = {f"s_{e1.pk}_{a1.pk}": "8.5", f"s_{e1.pk}_{a2.pk}": "7,5", f"s_{e2.pk}_{a1.pk}": "4.75",
            f"s_{e2.pk}_{a2.pk}": "9"}
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Bài kiểm tra: 4,75 &lt; 5" in page and "8" in page

    confirm = client.get(reverse("training:results_submit", args=[cls.pk]))
    assert confirm.status_code == 200 and "Xác nhận chốt kết quả" in confirm.content.decode()
    assert not TrainingClass.objects.get(pk=cls.pk).results_locked
    assert client.post(reverse("training:results_submit", args=[cls.pk])).status_code == 302
    cls.refresh_from_db()
    assert cls.results_locked and cls.results_submitted_by == users.institution
    e1.refresh_from_db(), e2.refresh_from_db()
    assert (e1.state, e2.state) == (State.COMPLETED, State.FAILED)
    assert not Certificate.objects.exists()  # issued by decision (test_issuing_decision_page_confirms_and_issues)

    locked = client.get(url).content.decode()
    assert reverse("training:issuing_decisions", args=[cls.pk]) in locked
    assert reverse("training:result_correct", args=[e1.pk]) in locked and "<input" not in locked.split("<table")[1]
    # Draft edits and attendance after the lock are refused.
    client.post(url, {f"s_{e1.pk}_{a1.pk}": "2"})
    client.post(reverse("training:attendance", args=[cls.pk]), {f"m_{e1.pk}_{sessions[0].pk}": A})
    assert Result.objects.get(enrollment=e1).scores.get(assessment=a1).value == Decimal("8.5")
    assert Attendance.objects.get(enrollment=e1, session=sessions[0]).status == P


def test_correction_page_creates_version_2(client, users, cls):
    sessions, (a1, a2), (e1, _e2) = _ids(cls)
    results.record_attendance(cls, {(s.pk, e1.pk): P for s in sessions})
    results.save_draft_scores(cls, {(e1.pk, a1.pk): 8, (e1.pk, a2.pk): 8})
    results.submit(cls)
    certificates.confirm_decision(IssuingDecision.objects.get(training_class=cls), "9", timezone.localdate(), "A", "B")
    client.force_login(users.institution)
    url = reverse("training:result_correct", args=[e1.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"][f"score_{a1.pk}"].value() == "8"
    refused = client.post(url, {f"score_{a1.pk}": "8", f"score_{a2.pk}": "3", "reason": " "})
    assert refused.status_code == 400 and Result.objects.filter(enrollment=e1).count() == 1
    response = client.post(url, {f"score_{a1.pk}": "8", f"score_{a2.pk}": "3", "reason": "Chấm lại bài thu hoạch"})
    assert response.status_code == 302
    assert Result.objects.filter(enrollment=e1).count() == 2
    e1.refresh_from_db()
    assert e1.state == State.FAILED
    assert Certificate.objects.get(enrollment=e1).revoked_at is not None
    history = client.get(url).content.decode()
    assert "Chấm lại bài thu hoạch" in history and "hiện hành" in history


# --- roster upload on the page -------------------------------------------------------------------------------------

def _upload(cls, sessions, rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách lớp")
    sheet.write_row(0, 0, ["Mã lớp", cls.code])
    sheet.write_row(4, 0, ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị"]
                    + [f"Buổi {i} – {s.date:%d/%m/%Y}" for i, s in enumerate(sessions, 1)]
                    + ["Bài kiểm tra", "Bài thu hoạch", "Ghi chú"])
    for r, row in enumerate(rows):
        sheet.write_row(5 + r, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "danh-sach.xlsx"
    return buffer


def test_roster_upload_refused_whole_on_the_page(client, users, cls):
    sessions, _assessments, (e1, e2) = _ids(cls)
    client.force_login(users.institution)
    rows = [
        [1, e1.person.code, "", "", "C", "C", "C", 8, 8],
        [2, "KHONGCO", "", "", "C", "C", "C", 8, 8],
        [3, e2.person.code, "", "", "C", "C", "C", 11, 8],
        [4, e1.person.code, "", "", "V", "V", "V", 1, 1],
    ]
    response = client.post(reverse("training:roster_upload", args=[cls.pk]), {"file": _upload(cls, sessions, rows)})
    assert response.status_code == 400
    errors = response.context["import_errors"]
    assert errors == [
        "Dòng 7, cột 'B (Mã cán bộ)': 'KHONGCO' — Cán bộ mã KHONGCO không có trong danh sách lớp KQ01.",
        "Dòng 8, cột 'H (Bài kiểm tra)': '11' — Điểm phải từ 0 đến 10.",
        f"Dòng 9, cột 'B (Mã cán bộ)': '{e1.person.code}' — Cán bộ mã {e1.person.code} xuất hiện hai lần: dòng 6 và "
        "dòng 9 (trùng dòng).",
    ]
    assert "Tệp bị từ chối (3 lỗi)" in response.content.decode()
    assert not Attendance.objects.exists() and not Score.objects.exists() and not Result.objects.exists()


def test_roster_upload_valid_file_saves(client, users, cls):
    sessions, (a1, _a2), (e1, e2) = _ids(cls)
    client.force_login(users.institution)
    rows = [[1, e1.person.code, "", "", "C", "P", "V", "7,5", ""], [2, e2.person.code, "", "", "C", "C", "C", 9, 9]]
    response = client.post(reverse("training:roster_upload", args=[cls.pk]), {"file": _upload(cls, sessions, rows)})
    assert response.status_code == 302
    assert Attendance.objects.count() == 6
    assert results.draft_scores(cls)[(e1.pk, a1.pk)] == Decimal("7.5")
    assert "6 ô điểm danh được ghi" in msgs(client.get(response.url))[0]


def test_roster_download(client, users, cls):
    client.force_login(users.institution)
    response = client.get(reverse("training:roster_download", args=[cls.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "danh-sach-lop-KQ01.xlsx" in response["Content-Disposition"]


# --- fixed query counts --------------------------------------------------------------------------------------------

def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _fill(cls):
    sessions, assessments, enrolments = _ids(cls)
    results.record_attendance(cls, {(s.pk, e.pk): P for s in sessions for e in enrolments})
    results.save_draft_scores(cls, {(e.pk, a.pk): 7 for e in enrolments for a in assessments})


@pytest.mark.parametrize("name", ["attendance", "results", "roster_download", "results_submit"])
def test_fixed_query_count_3_vs_30_learners(client, users, tree, name, django_assert_max_num_queries):
    small = _class(tree, 3, "Q3", sessions=4)
    big = _class(tree, 30, "Q30", sessions=4, provider=small.provider)
    _fill(small), _fill(big)
    client.force_login(users.institution)
    baseline = _count(client, reverse(f"training:{name}", args=[small.pk]))
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse(f"training:{name}", args=[big.pk])).status_code == 200


def test_fixed_query_count_of_locked_results(client, users, tree, django_assert_max_num_queries):
    small = _class(tree, 3, "Q3", sessions=4)
    big = _class(tree, 30, "Q30", sessions=4, provider=small.provider)
    for c in (small, big):
        _fill(c)
        results.submit(c)
    client.force_login(users.institution)
    baseline = _count(client, reverse("training:results", args=[small.pk]))
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse("training:results", args=[big.pk])).status_code == 200


def test_after_the_lock_attendance_is_read_only_and_upload_refused(client, users, cls):
    sessions, _assessments, (e1, _e2) = _ids(cls)
    results.submit(cls)
    client.force_login(users.institution)
    page = client.get(reverse("training:attendance", args=[cls.pk])).content.decode()
    assert "disabled" in page and "Lưu điểm danh" not in page and "Tải lên và kiểm tra" not in page
    response = client.post(reverse("training:roster_upload", args=[cls.pk]),
                           {"file": _upload(cls, sessions, [[1, e1.person.code, "", "", "C", "C", "C", 8, 8]])})
    assert response.status_code == 400
    assert any("đã chốt" in e for e in response.context["import_errors"])
    assert not Attendance.objects.exists()
    # The roster can still be downloaded (read-only copy).
    assert client.get(reverse("training:roster_download", args=[cls.pk])).status_code == 200


def test_issuing_decision_page_confirms_and_issues(client, users, cls, tmp_path):
    """Results locked → a draft decision; the institution enters number, date and signer and confirms: the
    certificates carry the decision; the decision is a Word document with the number, date, signer and people."""
    sessions, (a1, a2), (e1, e2) = _ids(cls)
    results.record_attendance(cls, {(s.pk, e.pk): P for s in sessions for e in (e1, e2)})
    results.save_draft_scores(cls, {(e.pk, a.pk): 8 for e in (e1, e2) for a in (a1, a2)})
    results.submit(cls, users.institution)
    url = reverse("training:issuing_decisions", args=[cls.pk])
    for outsider in (users.officer, users.learner, users.leader):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    client.force_login(users.institution)
    page = client.get(url).content.decode()
    assert e1.person.full_name in page and e2.person.full_name in page and "Dự thảo quyết định" in page
    draft = IssuingDecision.objects.get(training_class=cls)
    refused = client.post(url, {"number": "", "decided_on": "31/02/2026", "signer_position": "Hiệu trưởng",
                                "signer_name": "Phạm Văn Ký"})
    assert refused.status_code == 400 and not Certificate.objects.exists()
    day = timezone.localdate()
    response = client.post(url, {"number": "125", "decided_on": f"{day:%d/%m/%Y}", "signer_position": "Hiệu trưởng",
                                 "authority": "KT. Hiệu trưởng", "signer_name": "Phạm Văn Ký"})
    assert response.status_code == 302
    issued = Certificate.objects.filter(decision=draft)
    assert issued.count() == 2 and {c.issued_on for c in issued} == {day}
    confirmed = client.get(url).content.decode()
    assert "125" in confirmed and "Không có học viên nào đang chờ cấp chứng chỉ." in confirmed

    word = client.get(reverse("training:issuing_decision_file", args=[draft.pk, "docx"]))
    assert word.status_code == 200
    (tmp_path / "qd.docx").write_bytes(word.content)
    done = convert_with_libreoffice([tmp_path / "qd.docx"], tmp_path / "txt", fmt="txt:Text (encoded):UTF8")
    assert done.returncode == 0, done.stderr
    text = " ".join((tmp_path / "txt" / "qd.txt").read_text(encoding="utf-8-sig").split())
    assert "QUYẾT ĐỊNH" in text and "Số: 125/QĐ-TCTT" in text and officialdoc.document_date("Thử", day) in text
    assert "KT. HIỆU TRƯỞNG" in text and "Phạm Văn Ký" in text
    for cert in issued:
        assert cert.number in text and cert.enrollment.person.full_name in text
    pdf = client.get(reverse("training:issuing_decision_file", args=[draft.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("training:issuing_decision_file", args=[draft.pk, "odt"])).status_code == 404
    client.force_login(users.officer)
    assert client.get(reverse("training:issuing_decision_file", args=[draft.pk, "docx"])).status_code == 403
