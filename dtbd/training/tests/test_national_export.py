"""The fostering-history export of a unit for the national CBCCVC database (docs/domain.md §18): who is listed (the
unit's subtree on the date, as in the reports), the columns, people without a record, and the JSON and .xlsx shapes."""
import csv
import datetime
import io
import json

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dtbd.people.models import CategoryAssignment, Qualification, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.training import national_export, services
from dtbd.training.fostering import records_by_person
from dtbd.training.models import Attendance, Result, TrainingClass
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program, school_provider

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 7, 1)
BEFORE = DAY - datetime.timedelta(days=1)


@pytest.fixture
def province(tree):
    """so_a's people: A (two records: an imported LLCT certificate and a completed class abroad), N (no record),
    M (moved from so_a to so_b on DAY), H (a contract worker: not counted), L (left before DAY); B in so_b."""
    a = make_person(tree.phong_a, code="A001", full_name="Lê Văn An", citizen_id="001085000111",
                    qualifications=[("LLCT", "TC", datetime.date(2015, 6, 1))])
    Qualification.objects.filter(person=a, type="LLCT").update(issuer="Trường Chính trị tỉnh", certificate_no="TC-9",
                                                              hours=None)
    n = make_person(tree.so_a, code="A002", full_name="Ngô Thị Chưa")
    m = make_person(tree.phong_a, code="A003", full_name="Mai Văn Chuyển", valid_from=datetime.date(2020, 1, 1))
    UnitAssignment.objects.filter(person=m).update(valid_to=BEFORE)
    UnitAssignment.objects.create(person=m, unit=tree.phong_b, valid_from=DAY, source="ENTERED")
    h = make_person(tree.phong_a, code="A004", full_name="Hà Văn Hợpđồng", category="HD")
    left = make_person(tree.phong_a, code="A005", full_name="Lý Thị Nghỉ", left_on=datetime.date(2025, 3, 31))
    b = make_person(tree.phong_b, code="B001", full_name="Phạm Thị Bình")

    start = timezone.localdate() - datetime.timedelta(days=10)
    cls = make_class("NN01", capacity=5, provider=school_provider(tree), sessions=2, abroad=True, country="SG",
                     funding_source=TrainingClass.Funding.NSTINH, program=make_program(),
                     starts_on=start, ends_on=start + datetime.timedelta(days=2))
    enrolment = enroll(cls, a)
    services.change_status(cls, TrainingClass.Status.RUNNING)
    for session in cls.sessions.all():
        Attendance.objects.create(session=session, enrollment=enrolment, status=Attendance.Status.PRESENT)
    Result.objects.create(enrollment=enrolment, version=1, final_score=9, grade=Result.Grade.EXCELLENT,
                          attendance_pct=100, completed=True, is_current=True, submitted_at=timezone.now())
    services.record_outcome(enrolment, True)
    certificate = certificates.issue(enrolment)
    assert CategoryAssignment.objects.filter(person=h, category="HD").exists()
    return dict(a=a, n=n, m=m, h=h, left=left, b=b, cls=cls, certificate=certificate)


def _csv(unit, date):
    buffer = io.StringIO()
    national_export.write_csv(buffer, national_export.stream(unit, date))
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def test_columns_and_one_row_per_record(tree, province):
    rows = _csv(tree.so_a, DAY)
    assert list(rows[0]) == national_export.COLUMNS
    assert national_export.COLUMNS[:2] == ["code", "full_name"]
    a_rows = [r for r in rows if r["code"] == "A001"]
    assert [r["group"] for r in a_rows] == ["LLCT", "QLNN"]  # group order, then date
    assert all(r["full_name"] == "Lê Văn An" and r["citizen_id"] == "001085000111" for r in a_rows)
    llct, course = a_rows
    assert (llct["type"], llct["level"], llct["issuer"], llct["certificate_no"], llct["to_date"], llct["source"]) == (
        "QUALIFICATION", "TC", "Trường Chính trị tỉnh", "TC-9", "2015-06-01", "IMPORTED")
    cert, cls = province["certificate"], province["cls"]
    assert course == {
        **{k: course[k] for k in ("code", "full_name", "citizen_id", "birth_date", "gender", "unit_code")},
        "group": "QLNN", "type": "FOSTERING", "qualification_type": "QLNN", "level": "CVC",
        "level_label": "Chuyên viên chính", "programme_code": "QLNN_CVC", "programme": cls.program.name,
        "class_code": "NN01", "issuer": "Trường Chính trị thử", "form": "IN_PERSON", "abroad": "1", "country": "SG",
        "from_date": cls.starts_on.isoformat(), "to_date": course["to_date"], "tiet": "8", "result": "XS",
        "certificate_no": cert.number, "certificate_date": cert.issued_on.isoformat(), "funding_source": "NSTINH",
        "source": "CLASS",
    }
    assert (course["birth_date"], course["gender"], course["unit_code"]) == ("1985-05-17", "NAM", "SO_A.P1")
    # The certificate's qualification is the class record: not listed a second time.
    assert Qualification.objects.filter(person=province["a"], type="QLNN").count() == 1


def test_person_without_a_record_has_one_row_with_empty_record_fields(tree, province):
    [row] = [r for r in _csv(tree.so_a, DAY) if r["code"] == "A002"]
    assert row["full_name"] == "Ngô Thị Chưa" and row["unit_code"] == "SO_A"
    assert all(row[k] == "" for k in national_export.RECORD_KEYS)


def test_membership_is_the_subtree_on_the_date(tree, province):
    """The day before the move the person is in so_a's export, on the day in so_b's; contract workers and people
    who left before the date are in neither; ordered by staff code."""
    before = [r["code"] for r in _csv(tree.so_a, BEFORE)]
    on = [r["code"] for r in _csv(tree.so_a, DAY)]
    assert sorted(set(before)) == ["A001", "A002", "A003"] and before == sorted(before)
    assert sorted(set(on)) == ["A001", "A002"]
    assert sorted({r["code"] for r in _csv(tree.so_b, DAY)}) == ["A003", "B001"]
    assert sorted({r["code"] for r in _csv(tree.so_b, BEFORE)}) == ["B001"]
    assert national_export.people_count(tree.so_a, BEFORE) == 3
    assert national_export.people_count(tree.root, DAY) == 4


def test_overlapping_placements_list_a_person_once(tree, province):
    UnitAssignment.objects.create(person=province["n"], unit=tree.phong_a, valid_from=datetime.date(2024, 1, 1),
                                  valid_to=datetime.date(2030, 1, 1),
                                  source="ENTERED")
    assert [r["code"] for r in _csv(tree.so_a, DAY)].count("A002") == 1


def test_json_one_object_per_person_with_records_in_a_list(tree, province, tmp_path):
    path = tmp_path / "out.json"
    people, rows = national_export.export(tree.so_a, DAY, "json", str(path), show_citizen_id=False)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (people, rows) == (2, 2)
    assert [p["code"] for p in data] == ["A001", "A002"]
    a, n = data
    assert set(a) == set(national_export.PERSON_KEYS) | {"records"}
    assert a["citizen_id"] == "********0111"  # masked on request
    assert [r["group"] for r in a["records"]] == ["LLCT", "QLNN"]
    assert set(a["records"][1]) == set(national_export.RECORD_KEYS)
    assert a["records"][1]["abroad"] is True and a["records"][1]["tiet"] == 8
    assert n["records"] == []


def test_json_of_an_empty_unit_is_an_empty_array(tree, province, tmp_path):
    path = tmp_path / "out.json"
    assert national_export.export(tree.xa, DAY, "json", str(path)) == (0, 0)
    assert json.loads(path.read_text(encoding="utf-8")) == []


def test_xlsx_has_the_csv_rows_under_vietnamese_headings(tree, province, tmp_path):
    path = tmp_path / "out.xlsx"
    assert national_export.export(tree.so_a, DAY, "xlsx", str(path)) == (2, 3)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[0][:2] == ["Mã cán bộ", "Họ và tên"] and len(sheet[0]) == len(national_export.COLUMNS)
    assert [row[0] for row in sheet[1:]] == ["A001", "A001", "A002"]
    birth = national_export.COLUMNS.index("birth_date")
    assert sheet[1][birth] in (datetime.date(1985, 5, 17), datetime.datetime(1985, 5, 17))
    assert sheet[3][national_export.COLUMNS.index("group")] == ""


def test_xlsx_goes_on_in_a_new_sheet_past_the_row_limit(tree, province, tmp_path, monkeypatch):
    monkeypatch.setattr(national_export, "XLSX_MAX_ROWS", 3)
    path = tmp_path / "out.xlsx"
    national_export.export(tree.so_a, DAY, "xlsx", str(path))
    book = CalamineWorkbook.from_path(str(path))
    assert len(book.sheet_names) == 2
    assert [r[0] for r in book.get_sheet_by_index(1).to_python()] == ["Mã cán bộ", "A002"]


def test_records_of_a_batch_take_three_queries(tree, province, django_assert_num_queries):
    ids = [province[k].pk for k in ("a", "n", "b")]
    with django_assert_num_queries(3):
        records = records_by_person(ids)
    assert set(records) == {province["a"].pk}


def test_batches_do_not_change_the_output(tree, province):
    whole = list(national_export.stream(tree.root, BEFORE))
    small = list(national_export.stream(tree.root, BEFORE, batch=1))
    assert whole == small and len(whole) == 4


def test_title_certificates_are_exported_in_the_qlnn_group(tree, province):
    """A public employee's fostering certificate of their professional title (type CDNN, hạng I–IV) is the counterpart
    of the rank's QLNN certificate (docs/national-export.md): QLNN group, type CDNN, the grade and its label — from
    the staff record, and from a class whose programme grants it whatever the programme's content category."""
    teacher = make_person(tree.phong_a, code="A006", full_name="Đỗ Thị Giáo", category="VC", rank="V.07.05.14",
                          qualifications=[("CDNN", "HANG_II", datetime.date(2022, 8, 15))])
    Qualification.objects.filter(person=teacher, type="CDNN").update(
        issuer="Trường Đại học Sư phạm Hà Nội", certificate_no="CDNN-77", source="IMPORTED")
    [row] = [r for r in _csv(tree.so_a, DAY) if r["code"] == "A006"]
    assert (row["group"], row["type"], row["qualification_type"], row["level"], row["level_label"]) == (
        "QLNN", "QUALIFICATION", "CDNN", "HANG_II", "Hạng II")
    assert (row["issuer"], row["certificate_no"], row["certificate_date"], row["source"]) == (
        "Trường Đại học Sư phạm Hà Nội", "CDNN-77", "2022-08-15", "IMPORTED")

    program = province["cls"].program
    program.category, program.grants_type, program.grants_level = "CMNV", "CDNN", "HANG_III"
    program.save()
    course = [r for r in _csv(tree.so_a, DAY) if r["code"] == "A001" and r["source"] == "CLASS"]
    assert [(r["group"], r["qualification_type"], r["level_label"]) for r in course] == [("QLNN", "CDNN", "Hạng III")]
    program.grants_type = program.grants_level = ""
    program.save()  # the same CMNV programme without the certificate: professional skills
    course = [r for r in _csv(tree.so_a, DAY) if r["code"] == "A001" and r["source"] == "CLASS"]
    assert [r["group"] for r in course] == ["CMNV"]
