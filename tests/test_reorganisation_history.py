"""Reorganisation keeps history (docs/domain.md §15): for a province merger and for the abolition of the district level,
every registered report and the dashboard's summary figures for dates before the operation read exactly as they did
before it; after it, the successors hold everyone; no person, enrolment, qualification or certificate is lost or
changed. Drives org, people, training, plans, accounts, reports and reorganisation together (hence tests/). Runs on
PostgreSQL too (DATABASE_URL)."""
import datetime
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from dtbd.accounts.models import Role, User
from dtbd.accounts.testing import make_user
from dtbd.core.spreadsheet import write_sheet
from dtbd.notices.models import Notice
from dtbd.org.models import Lineage, Unit
from dtbd.org.testing import make_unit
from dtbd.people.models import Person, Qualification, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.plans.models import Plan, PlanLine
from dtbd.plans.services import workflow as plan_workflow
from dtbd.reorganisation import mapping, services
from dtbd.reports import dashboard, summaries
from dtbd.reports.models import SummaryFigure
from dtbd.reports.registry import all_reports
from dtbd.training import services as training_services
from dtbd.training.models import Attendance, Certificate, Enrollment, Program, Result, TrainingClass
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program, make_provider

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 7, 1)
BEFORE = DAY - datetime.timedelta(days=1)


def workbook(rows, headers=services.HEADERS):
    """The mapping file as a path (a fresh temporary folder per call)."""
    return write_sheet(Path(tempfile.mkdtemp()) / "sap-xep.xlsx", list(headers), [list(r) for r in rows])


@pytest.fixture
def province(db):
    """A province with two districts (one with an office and two communes, one with a commune), a department, the
    new communes of 01/07/2025 already created, people everywhere with qualifications, a completed class with
    certificates, an open class, a plan of a district and an account scoped to it."""
    root = make_unit("TQ", "UBND tỉnh Tuyên Quang", kind="UBND_TINH")
    so = make_unit("TQ.SNV", "Sở Nội vụ", parent=root)
    h1 = make_unit("H1", "UBND huyện Một", parent=root, kind="UBND_HUYEN", admin_level="HUYEN")
    h1p = make_unit("H1.PNV", "Phòng Nội vụ huyện Một", parent=h1, kind="PHONG", admin_level="HUYEN")
    x1 = make_unit("X1", "UBND xã Một", parent=h1, kind="UBND_XA", admin_level="XA")
    x2 = make_unit("X2", "UBND xã Hai", parent=h1, kind="UBND_XA", admin_level="XA")
    h2 = make_unit("H2", "UBND huyện Hai", parent=root, kind="UBND_HUYEN", admin_level="HUYEN")
    x3 = make_unit("X3", "UBND xã Ba", parent=h2, kind="UBND_XA", admin_level="XA")
    new1 = make_unit("XN1", "UBND xã Mới Một", parent=root, kind="UBND_XA", admin_level="XA", valid_from=DAY)
    new2 = make_unit("XN2", "UBND xã Mới Hai", parent=root, kind="UBND_XA", admin_level="XA", valid_from=DAY)
    people = []
    for unit, n in ((so, 3), (h1, 3), (h1p, 2), (x1, 4), (x2, 3), (h2, 2), (x3, 4)):
        for i in range(n):
            people.append(make_person(
                unit, code=f"{unit.code}-{i}", category=("CB", "CC", "VC")[i % 3],
                education=("DH", "THS", "TC")[i % 3], rank="01.003" if i % 2 else None,
                post_level="TP" if i == 0 else None, valid_from=datetime.date(2018, 1, 1) if i % 2 else None,
                qualifications=[("LLCT", ("SC", "TC", "CC")[i % 3], datetime.date(2016, 6, 1))]))
    # A class finished before the day, with results and certificates.
    past = make_class("QLNN-2025", capacity=50, program=make_program(), provider=make_provider(), sessions=2,
                      starts_on=datetime.date(2025, 3, 3), ends_on=datetime.date(2025, 3, 7))
    learners = [p for p in people if p.code.startswith(("X1", "H1"))][:4]
    for person in learners:
        enrolment = enroll(past, person)
    training_services.change_status(past, TrainingClass.Status.RUNNING)
    for enrolment in past.enrollments.all():
        for session in past.sessions.all():
            Attendance.objects.create(session=session, enrollment=enrolment, status=Attendance.Status.PRESENT)
        Result.objects.create(enrollment=enrolment, version=1, final_score=8, grade=Result.Grade.GOOD,
                              attendance_pct=100, completed=True, is_current=True, submitted_at=timezone.now())
        training_services.record_outcome(enrolment, True)
        certificates.issue(enrolment)
    Enrollment.objects.filter(training_class=past).update(completed_on=datetime.date(2025, 3, 7))
    # An open class ahead, with learners of the districts.
    ahead = make_class("LLCT-2026", capacity=50, program=make_program(), provider=make_provider())
    for person in [p for p in people if p.code in ("X2-0", "X2-1", "H2-0")]:
        enroll(ahead, person)
    manager = make_user("tinh", Role.PROVINCE)
    officer = make_user("huyen1", Role.UNIT_OFFICER, scope_unit=h1)
    plan = plan_workflow.create_plan(manager, h1, 2025, "Kế hoạch ĐTBD huyện Một 2025")
    plan_workflow.add_line(plan, manager, program=Program.objects.order_by("pk").first(), people=10, classes=1,
                           quarter=4)
    return dict(root=root, so=so, h1=h1, h1p=h1p, x1=x1, x2=x2, h2=h2, x3=x3, new1=new1, new2=new2,
                people=people, manager=manager, officer=officer, plan=plan)


def every_report(unit, date, year):
    """Every registered unit report of `unit` on `date` / for `year`, as rows."""
    return {report.name: [tuple(str(c) for c in row) for row in report.rows(unit, date, year)]
            for report in all_reports()}


def history_snapshot(w):
    """What must not change: the reports before the day (province, districts, a commune), the records."""
    dates = (BEFORE, datetime.date(2024, 12, 31), datetime.date(2025, 3, 7))
    reports = {(unit, date): every_report(Unit.objects.get(code=unit), date, year)
               for unit in ("TQ", "H1", "X1", "H2") for date in dates for year in (2024,)}
    # For the year of the day, the reports read on the date (annual hours: on the date when it is in the year); those
    # read on 31 December (assessment ratings) or over the plans of the whole year are about after the day.
    this_year = every_report(Unit.objects.get(code="TQ"), BEFORE, 2025)
    reports[("TQ", BEFORE, 2025)] = {name: rows for name, rows in this_year.items()
                                     if name not in ("assessment-ratings", "plan-execution")}
    return reports


def records():
    return {
        "people": sorted(Person.objects.values_list("pk", "code", "full_name", "left_on")),
        "enrolments": sorted(Enrollment.objects.values_list("pk", "person_id", "training_class_id", "state",
                                                            "completed_on")),
        "qualifications": sorted(Qualification.objects.values_list("pk", "person_id", "type", "level", "issued_on")),
        "certificates": sorted(Certificate.objects.values_list("pk", "enrollment_id", "code")),
        "results": sorted(Result.objects.values_list("pk", "enrollment_id", "final_score", "completed")),
    }


def summary_figures(period):
    row = summaries.period_row(period)
    summaries.refresh_row(row, full=False)
    return sorted(SummaryFigure.objects.filter(period=row).values_list("unit_id", "key", "value"))


ABOLISH = [("H1", "XN1", "NQ 1/2025"), ("X1", "XN1", ""), ("X2", "XN1", ""), ("H2", "XN2", ""), ("X3", "XN2", "")]


def test_abolishing_the_district_level_keeps_every_report_before_the_day(province, tmp_path):
    w = province
    period = dashboard.Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30), BEFORE)
    before_figures = summary_figures(period)
    before_reports = history_snapshot(w)
    before_records = records()
    moved_people = {p.pk for p in w["people"] if not p.code.startswith("TQ.SNV")}

    path = workbook(ABOLISH)
    call_command("reorganise", str(path), "--date", DAY.isoformat(), "--abolish-level", "HUYEN")

    # History: every report for a date before the day, the summary tables, the records themselves.
    after_reports = history_snapshot(w)
    assert {(k, name) for k in after_reports for name in after_reports[k]
            if after_reports[k][name] != before_reports[k][name]} == set()
    assert summary_figures(period) == before_figures
    assert records() == before_records
    # The old units ended the day before; the successors hold everyone from the day.
    for code in ("H1", "H1.PNV", "X1", "X2", "H2", "X3"):
        assert Unit.objects.get(code=code).valid_to == BEFORE
    assert Unit.objects.get(code="TQ.SNV").valid_to is None
    on_day = dict(UnitAssignment.objects.valid_on(DAY).values_list("person_id", "unit__code"))
    assert {pid for pid, code in on_day.items() if code == "XN1"} == {
        p.pk for p in w["people"] if p.code.startswith(("H1", "X1", "X2"))}
    assert {pid for pid, code in on_day.items() if code == "XN2"} == {
        p.pk for p in w["people"] if p.code.startswith(("H2", "X3"))}
    on_before = dict(UnitAssignment.objects.valid_on(BEFORE).values_list("person_id", "unit__code"))
    assert {p.pk: p.code.rsplit("-", 1)[0] for p in w["people"]} == on_before
    assert UnitAssignment.objects.filter(person_id__in=moved_people, valid_to__isnull=True).count() == len(moved_people)
    # The level is gone from the reports on the day; counts per level add up to the same people.
    structure = dict((r[0], r[-1]) for r in all_reports()[0].rows(w["root"], DAY, 2025))
    earlier = dict((r[0], r[-1]) for r in all_reports()[0].rows(w["root"], BEFORE, 2025))
    assert "HUYEN" in earlier and "HUYEN" not in structure
    assert structure["ALL"] == earlier["ALL"]
    # The plan, its line and the account follow; the account's user is told.
    assert Plan.objects.get(pk=w["plan"].pk).unit.code == "XN1"
    assert PlanLine.objects.filter(plan__unit__code="XN1").count() == 1
    assert User.objects.get(pk=w["officer"].pk).scope_unit.code == "XN1"
    assert Notice.objects.filter(user=w["officer"], title__contains="XN1").exists()
    # Lineage: the new commune's predecessors.
    assert set(Lineage.objects.filter(successor__code="XN1").values_list("predecessor__code", flat=True)) == {
        "H1", "H1.PNV", "X1", "X2"}


def test_a_merger_into_an_existing_unit(province):
    """Hà Giang's units into Tuyên Quang's, by the web's merge (B into A): the successor holds everyone."""
    w = province
    before_reports = history_snapshot(w)
    before_records = records()
    loaded = services.check([services.Row(2, "H2", "H1")], DAY)
    seen = services.preview(loaded)
    assert seen["people_count"] == 6 and seen["units_count"] == 2
    assert {p["to"] for p in seen["people"]} == {"H1"}
    assert seen["enrolments_count"] == 1  # the open enrolment of a person of H2
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()  # the preview wrote nothing
    done = services.apply(loaded, w["manager"])
    assert done["people"] == 6 and done["units"] == 2
    assert history_snapshot(w) == before_reports
    assert records() == before_records
    h1 = Unit.objects.get(code="H1")
    on_day = Person.objects.in_subtree(h1.path, DAY).count()
    assert on_day == 3 + 2 + 4 + 3 + 6
    assert Person.objects.in_subtree(h1.path, BEFORE).count() == 3 + 2 + 4 + 3


@pytest.mark.parametrize("rows, abolish, expected", [
    ([("H1", "XN1", ""), ("H1", "XN2", "")], "", [(3, "H1", "đã có ở dòng 2")]),
    ([("NOPE", "XN1", "")], "", [(2, "NOPE", "Không có đơn vị")]),
    ([("H1", "NOPE", "")], "", [(2, "NOPE", "Không có đơn vị")]),
    ([("H1", "X1", "")], "", [(2, "X1", "vòng lặp")]),
    ([("H1", "XN1", ""), ("XN1", "H2", "")], "", [(2, "XN1", "cũng là đơn vị cũ"), (3, "XN1", "không có hiệu lực")]),
    ([("H1", "XN1", "")], "HUYEN", [(0, "H2", "không có trong tệp")]),
])
def test_bad_mappings_are_refused_whole_with_the_row_named(province, rows, abolish, expected):
    before = records()
    with pytest.raises(Exception) as refused:
        mapping.load(workbook(rows), DAY, abolish)
    errors = refused.value.errors
    for row, code, text in expected:
        assert any(e.row == row and e.value == code and text in e.message for e in errors), [str(e) for e in errors]
    assert records() == before
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()


def test_an_ended_old_unit_is_refused(province):
    Unit.objects.filter(code="X3").update(valid_to=datetime.date(2024, 12, 31))
    with pytest.raises(services.Refused) as refused:
        services.check([services.Row(2, "X3", "XN2")], DAY)
    assert "X3" in str(refused.value) and "Dòng 2" in str(refused.value)


def test_the_command_dry_run_writes_nothing_and_errors_exit_1(province, tmp_path, capsys):
    path = workbook(ABOLISH)
    before = records()
    call_command("reorganise", str(path), "--date", DAY.isoformat(), "--abolish-level", "HUYEN", "--dry-run")
    assert "Kiểm tra" in capsys.readouterr().out
    assert records() == before
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()
    assert Unit.objects.get(code="H1").valid_to is None
    bad = workbook([("H1", "XN1", "")])
    with pytest.raises(SystemExit) as exit_:
        call_command("reorganise", str(bad), "--date", DAY.isoformat(), "--abolish-level", "HUYEN")
    assert exit_.value.code == 1
    assert "H2" in capsys.readouterr().err
    assert Unit.objects.get(code="H1").valid_to is None


def test_a_new_unit_at_the_abolished_level_is_refused(province):
    with pytest.raises(services.Refused) as refused:
        services.check([services.Row(2, "X3", "H1")], DAY, "HUYEN")
    assert any(e.row == 2 and e.value == "H1" and "bãi bỏ" in e.message for e in refused.value.errors)
