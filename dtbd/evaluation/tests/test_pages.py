"""The survey pages: the institution's list and class results, options, paper forms; the learner's form (on a phone
too: the same page); refusals."""
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.core.importing import read_first_sheet
from dtbd.evaluation import paper, services
from dtbd.evaluation.models import Respondent, Response
from dtbd.evaluation.testing import finished_class, full_answers

pytestmark = pytest.mark.django_db


def test_the_institution_sees_its_classes_with_index_and_band(client, tree, users, django_assert_max_num_queries):
    cls, people, _lecturers = finished_class(tree, people=2)
    for person in people:
        services.submit(cls.survey, person.pk, full_answers(cls.survey, score=9))
    client.force_login(users.institution)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("evaluation:survey_list")).content.decode()
    assert cls.code in page and "9,00" in page and "Tốt" in page
    for dimension in ("programme", "provider", "lecturer", "year"):
        assert client.get(reverse("evaluation:survey_list"), {"theo": dimension, "nam": "x"}).status_code == 200
    page = client.get(reverse("evaluation:class_results", args=[cls.pk])).content.decode()
    assert 'id="class-index"' in page and "9,00" in page
    # The class page shows the panel, the lecturer page the lecturer's results.
    assert "Xem kết quả khảo sát" in client.get(reverse("training:class_detail", args=[cls.pk])).content.decode()


def test_the_list_runs_the_same_queries_whatever_the_number_of_classes(client, tree, users,
                                                                        django_assert_max_num_queries):
    for i in range(4):
        cls, people, _lecturers = finished_class(tree, code=f"KQ{i}", people=1)
        services.submit(cls.survey, people[0].pk, full_answers(cls.survey))
    client.force_login(users.institution)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:survey_list")).status_code == 200


def test_others_read_no_results(client, tree, users):
    cls, _people, _lecturers = finished_class(tree, people=1)
    for user in (users.officer, users.leader, users.learner):
        client.force_login(user)
        assert client.get(reverse("evaluation:survey_list")).status_code == 403
        assert client.get(reverse("evaluation:class_results", args=[cls.pk])).status_code == 404
        assert client.post(reverse("evaluation:survey_options", args=[cls.pk]), {"closes_on": "01/01/2030"}).status_code == 404


def test_a_learner_answers_on_the_page_once(client, tree):
    cls, people, _lecturers = finished_class(tree, people=1)
    user = make_user("hv_khaosat", Role.LEARNER, person=people[0])
    client.force_login(user)
    assert cls.code in client.get(reverse("training:portal")).content.decode()  # the portal's entry
    url = reverse("evaluation:answer", args=[cls.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    blocks = services.form_blocks(cls.survey.template, cls)
    data = {block.key(item): "8" for block in blocks for item in block.items if item.kind == "SCORE"}
    bad = dict(data, **{next(iter(data)): "11"})
    assert client.post(url, bad).status_code == 400
    assert not Response.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().valid
    assert client.get(url).status_code == 403  # once
    assert client.post(url, data).status_code == 403
    assert Response.objects.count() == 1


def test_a_learner_who_did_not_complete_the_class_is_refused(client, tree, users):
    cls, _people, _lecturers = finished_class(tree, people=1, failed=1)
    failed = cls.enrollments.get(state="FAILED").person
    client.force_login(make_user("hv_truot", Role.LEARNER, person=failed))
    reply = client.get(reverse("evaluation:answer", args=[cls.pk]))
    assert reply.status_code == 403 and "hoàn thành" in reply.content.decode()
    client.force_login(users.learner)  # not in the class at all
    assert client.post(reverse("evaluation:answer", args=[cls.pk]), {}).status_code == 403


def test_options_are_saved_and_anonymity_locked_after_the_first_answer(client, tree, users):
    cls, people, _lecturers = finished_class(tree, people=1)
    client.force_login(users.institution)
    url = reverse("evaluation:survey_options", args=[cls.pk])
    assert client.post(url, {"closes_on": "31/12/2030"}).status_code == 302
    cls.survey.refresh_from_db()
    assert not cls.survey.anonymous
    services.submit(cls.survey, people[0].pk, full_answers(cls.survey))
    # The choice is locked: the page no longer offers it, and a request to change it changes nothing.
    assert client.post(url, {"anonymous": "on", "closes_on": "30/12/2030"}).status_code == 302
    cls.survey.refresh_from_db()
    assert not cls.survey.anonymous and cls.survey.closes_on.day == 30


def _filled_copy(survey, fill):
    """The downloaded paper template with `fill(rows)` applied to its rows (lists of cells), as an upload."""
    rows = read_first_sheet(io.BytesIO(paper.write_template(survey)))
    rows = [list(row) for row in rows]
    fill(rows)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(paper.SHEET)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "" and value is not None:
                sheet.write(r, c, value)
    book.close()
    return SimpleUploadedFile("phieu.xlsx", buffer.getvalue())


def test_paper_forms_are_uploaded(client, tree, users):
    cls, people, _lecturers = finished_class(tree, people=3)
    survey = cls.survey
    client.force_login(users.institution)
    download = client.get(reverse("evaluation:paper_download", args=[cls.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith('.xlsx"')

    def fill(rows):
        width = len(rows[paper.HEADER_ROW])
        for row in rows[paper.HEADER_ROW + 1:paper.HEADER_ROW + 3]:  # two forms returned, the third learner none
            row.extend([""] * (width - len(row)))
            for c in range(len(paper.FIXED_HEADERS), width):
                row[c] = 7 if not rows[paper.HEADER_ROW][c].startswith("KH4") else "Tốt"

    reply = client.post(reverse("evaluation:paper_upload", args=[cls.pk]), {"file": _filled_copy(survey, fill)})
    assert reply.status_code == 302
    assert Response.objects.filter(survey=survey, source="PAPER", valid=True).count() == 2
    assert Response.objects.filter(person__isnull=False).count() == 0  # the survey is anonymous
    assert Respondent.objects.filter(training_class=cls).count() == 2
    assert len(services.pending_person_ids(survey)) == 1


def test_a_bad_paper_file_is_refused_whole_with_row_and_column(client, tree, users):
    cls, people, _lecturers = finished_class(tree, people=3)
    survey = cls.survey
    services.submit(survey, people[2].pk, full_answers(survey))  # answered online already

    def fill(rows):
        header = rows[paper.HEADER_ROW]
        width = len(header)
        first = paper.HEADER_ROW + 1
        for row in rows[first:first + 2]:
            row.extend([""] * (width - len(row)))
            for c in range(len(paper.FIXED_HEADERS), width):
                row[c] = 8 if not header[c].startswith(("CT6", "KH4", "KH5")) else ""
        rows[first][len(paper.FIXED_HEADERS)] = 11  # out of the scale
        rows[first + 1][len(paper.FIXED_HEADERS) + 1] = "tốt"  # not a number
        rows.append(["", people[2].code, people[2].full_name] + [8] * (width - 3))  # answered online already

    client.force_login(users.institution)
    reply = client.post(reverse("evaluation:paper_upload", args=[cls.pk]), {"file": _filled_copy(survey, fill)})
    body = reply.content.decode()
    assert reply.status_code == 400
    assert "Dòng 6, cột &#x27;D (CT1)&#x27;" in body or "Dòng 6, cột 'D (CT1)'" in body
    assert "E (CT2)" in body and "đã trả lời" in body
    assert not Response.objects.filter(source="PAPER").exists()
    assert Respondent.objects.filter(training_class=cls).count() == 1  # nothing saved
    # Not an .xlsx at all; the file of another class.
    reply = client.post(reverse("evaluation:paper_upload", args=[cls.pk]),
                        {"file": SimpleUploadedFile("phieu.csv", b"a,b")})
    assert reply.status_code == 400 and "không phải tệp Excel" in reply.content.decode()
    other, _p, _l = finished_class(tree, code="KHAC", people=1)
    reply = client.post(reverse("evaluation:paper_upload", args=[cls.pk]),
                        {"file": _filled_copy(other.survey, lambda rows: None)})
    assert reply.status_code == 400 and "ô B1" in reply.content.decode()
