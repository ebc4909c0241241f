"""The plan's workflow (docs/domain.md §13.2): who may do what, statuses, revisions, consolidation, classes from lines,
totals."""
import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dtbd.org.testing import make_unit
from dtbd.plans.models import ClassLine, LineCost, Plan, PlanEvent, PlanLine
from dtbd.plans.services import workflow
from dtbd.training.models import TrainingClass
from dtbd.training.testing import make_class, make_program, make_provider, school_provider

pytestmark = pytest.mark.django_db
S = Plan.Status
YEAR = 2027


@pytest.fixture
def program():
    return make_program()


@pytest.fixture
def provider(tree):
    return school_provider(tree)


def _plan(user, unit, year=YEAR, title="Kế hoạch ĐTBD"):
    return workflow.create_plan(user, unit, year, title)


def _line(plan, user, program, provider=None, people=40, classes=1, quarter=2, costs=None):
    return workflow.add_line(plan, user, program=program, provider=provider, people=people, classes=classes,
                             quarter=quarter, costs=costs if costs is not None else {"NSTINH": Decimal(100_000_000)})


def _approved(users, unit, program, provider=None, **line):
    plan = _plan(users.province, unit)
    _line(plan, users.province, program, provider, **line)
    workflow.transition(plan, S.SUBMITTED, users.province)
    workflow.transition(plan, S.APPROVED, users.province, decision_no="123/QĐ-UBND")
    return plan


# -- creating -------------------------------------------------------------------------------------------------------
def test_unit_officer_creates_for_their_root_unit_only(tree, users):
    plan = _plan(users.officer, tree.so_a)
    assert (plan.status, plan.revision, plan.created_by) == (S.DRAFT, 0, users.officer)
    with pytest.raises(PermissionDenied):
        _plan(users.officer, tree.phong_a)
    with pytest.raises(workflow.OutOfScope):
        _plan(users.officer, tree.so_b)
    with pytest.raises(PermissionDenied):
        _plan(users.leader, tree.so_a, year=YEAR + 1)


def test_one_plan_per_unit_and_year(tree, users):
    _plan(users.province, tree.so_b)
    with pytest.raises(ValidationError) as error:
        _plan(users.province, tree.so_b)
    assert "đã có kế hoạch năm 2027" in str(error.value)


# -- lines ----------------------------------------------------------------------------------------------------------
def test_lines_with_costs_by_source(tree, users, program, provider):
    plan = _plan(users.officer, tree.so_a)
    line = _line(plan, users.officer, program, provider, costs={"NSTINH": Decimal(50), "DON_VI": Decimal(0)})
    assert dict(line.costs.values_list("source", "amount")) == {"NSTINH": 50, "DON_VI": 0}
    workflow.edit_line(line, users.officer, people=30, costs={"NSTINH": Decimal(70), "DON_VI": None})
    line.refresh_from_db()
    assert line.people == 30
    assert dict(line.costs.values_list("source", "amount")) == {"NSTINH": 70}
    with pytest.raises(ValidationError) as error:
        workflow.edit_line(line, users.officer, costs={"NSTINH": Decimal(-1)})
    assert "không được âm" in str(error.value)
    with pytest.raises(ValidationError):
        workflow.edit_line(line, users.officer, quarter=5)
    with pytest.raises(PermissionDenied):
        workflow.edit_line(line, users.leader, people=1)
    workflow.delete_line(line, users.officer)
    assert not PlanLine.objects.filter(pk=line.pk).exists() and not LineCost.objects.exists()


def test_unit_officer_cannot_touch_another_subtree(tree, users, program):
    other = _plan(users.province, tree.so_b)
    line = _line(other, users.province, program)
    with pytest.raises(workflow.OutOfScope):
        _line(other, users.officer, program)
    with pytest.raises(workflow.OutOfScope):
        workflow.edit_line(line, users.officer, people=1)
    with pytest.raises(workflow.OutOfScope):
        workflow.transition(other, S.SUBMITTED, users.officer)


# -- transitions ----------------------------------------------------------------------------------------------------
def test_submit_needs_a_line(tree, users, program):
    plan = _plan(users.officer, tree.so_a)
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, S.SUBMITTED, users.officer)
    assert "chưa có dòng nào" in str(error.value)
    _line(plan, users.officer, program)
    workflow.transition(plan, S.SUBMITTED, users.officer)
    assert Plan.objects.get(pk=plan.pk).status == S.SUBMITTED


def test_unit_officer_can_never_approve_even_their_own(tree, users, program):
    plan = _plan(users.officer, tree.so_a)
    _line(plan, users.officer, program)
    workflow.transition(plan, S.SUBMITTED, users.officer)
    with pytest.raises(PermissionDenied):
        workflow.transition(plan, S.APPROVED, users.officer, decision_no="1")
    with pytest.raises(PermissionDenied):
        workflow.transition(plan, S.DRAFT, users.officer, "Sửa lại")
    assert Plan.objects.get(pk=plan.pk).status == S.SUBMITTED
    workflow.transition(plan, S.APPROVED, users.province, decision_no="45/QĐ-UBND",
                        approved_on=datetime.date(2026, 12, 20))
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.status, plan.approved_by, plan.approved_on, plan.decision_no) == (
        S.APPROVED, users.province, datetime.date(2026, 12, 20), "45/QĐ-UBND")


def test_return_needs_a_comment(tree, users, program):
    plan = _plan(users.officer, tree.so_a)
    _line(plan, users.officer, program)
    workflow.transition(plan, S.SUBMITTED, users.officer)
    with pytest.raises(ValidationError):
        workflow.transition(plan, S.DRAFT, users.province)
    workflow.transition(plan, S.DRAFT, users.province, "Bổ sung nguồn kinh phí")
    assert PlanEvent.objects.filter(plan=plan, to_status=S.DRAFT, comment="Bổ sung nguồn kinh phí").exists()


def test_every_transition_writes_an_event_and_an_audit_entry(tree, users, program):
    plan = _plan(users.officer, tree.so_a)
    _line(plan, users.officer, program)
    moves = [(S.SUBMITTED, users.officer), (S.DRAFT, users.province), (S.SUBMITTED, users.officer),
             (S.APPROVED, users.province), (S.IN_EXECUTION, users.province), (S.CLOSED, users.province)]
    for to, user in moves:
        before_events = PlanEvent.objects.filter(plan=plan).count()
        before_log = LogEntry.objects.get_for_object(plan).count()
        old = plan.status
        workflow.transition(plan, to, user, "Lý do")
        event = PlanEvent.objects.filter(plan=plan).latest("pk")
        assert PlanEvent.objects.filter(plan=plan).count() == before_events + 1
        assert (event.from_status, event.to_status, event.user, event.comment) == (old, to, user, "Lý do")
        entries = LogEntry.objects.get_for_object(plan)
        assert entries.count() == before_log + 1
        assert entries.latest("pk").changes_dict["status"] == [old, to]
        assert entries.latest("pk").actor == user


def test_other_moves_are_refused_in_vietnamese(tree, users, program):
    plan = _plan(users.province, tree.so_b)
    _line(plan, users.province, program)
    for to in (S.APPROVED, S.IN_EXECUTION, S.CLOSED, S.SUPERSEDED, "NONSENSE"):
        with pytest.raises(ValidationError) as error:
            workflow.transition(plan, to, users.province)
        assert "không" in str(error.value)
    assert not PlanEvent.objects.filter(plan=plan).exclude(to_status=S.DRAFT).exists()


def test_comment_is_an_event_without_status(tree, users):
    plan = _plan(users.officer, tree.so_a)
    event = workflow.comment(plan, users.province, "Cần thêm lớp QLNN")
    assert (event.from_status, event.to_status, event.comment) == ("", "", "Cần thêm lớp QLNN")
    with pytest.raises(PermissionDenied):
        workflow.comment(plan, users.leader, "Ý kiến")
    with pytest.raises(ValidationError):
        workflow.comment(plan, users.officer, "  ")


# -- revisions ------------------------------------------------------------------------------------------------------
def test_an_approved_plan_changes_only_by_revision(tree, users, program, provider):
    plan = _approved(users, tree.so_b, program, provider)
    line = plan.lines.get()
    with pytest.raises(ValidationError) as error:
        workflow.edit_line(line, users.province, people=1)
    assert "bản điều chỉnh" in str(error.value)
    with pytest.raises(ValidationError):
        _line(plan, users.province, program)
    with pytest.raises(ValidationError):
        workflow.delete_line(line, users.province)
    assert PlanLine.objects.get(pk=line.pk).people == 40


def test_revision_copies_lines_and_costs_and_diff_shows_changes(tree, users, program, provider):
    plan = _approved(users, tree.so_b, program, provider)
    kept = plan.lines.get()
    with pytest.raises(ValidationError):
        workflow.new_revision(_plan(users.province, tree.so_a), users.province)
    rev = workflow.new_revision(plan, users.province)
    assert (rev.revision, rev.previous, rev.status, rev.year, rev.unit) == (1, plan, S.DRAFT, plan.year, plan.unit)
    copied = rev.lines.get()
    assert copied.origin == kept and dict(copied.costs.values_list("source", "amount")) == {"NSTINH": 100_000_000}
    assert Plan.objects.get(pk=plan.pk).status == S.APPROVED  # unchanged until the revision is approved
    with pytest.raises(ValidationError):
        workflow.new_revision(plan, users.province)  # one revision at a time
    # change the kept line, add one
    workflow.edit_line(copied, users.province, people=60, quarter=3, costs={"NSTINH": Decimal(150_000_000)})
    added = _line(rev, users.province, make_program("LLCT_TC", name="Trung cấp LLCT", category="LLCT"))
    diff = workflow.revision_diff(rev)
    assert diff["added"] == [added] and diff["removed"] == []
    ((before, after, fields),) = diff["changed"]
    assert (before, after) == (kept, copied)
    changes = {label: (a, b) for label, a, b in fields}
    assert changes["số người (lượt)"] == (40, 60) and changes["quý"] == (2, 3)
    assert changes["Dự toán — Ngân sách tỉnh"] == (100_000_000, 150_000_000)
    workflow.delete_line(copied, users.province)
    diff = workflow.revision_diff(rev)
    assert diff["removed"] == [kept] and diff["changed"] == []


def test_approving_a_revision_supersedes_and_moves_class_links(tree, users, program, provider):
    plan = _plan(users.province, tree.so_b)
    kept = _line(plan, users.province, program, provider)
    dropped = _line(plan, users.province, program, provider, quarter=4)
    workflow.transition(plan, S.SUBMITTED, users.province)
    workflow.transition(plan, S.APPROVED, users.province)
    cls_kept = workflow.open_class_from_line(kept, users.province, code="KH-1", name="Lớp 1", capacity=40,
                                             starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 4, 20))
    cls_dropped = workflow.open_class_from_line(dropped, users.province, code="KH-2", name="Lớp 2", capacity=40,
                                                starts_on=datetime.date(YEAR, 10, 1),
                                                ends_on=datetime.date(YEAR, 10, 20))
    assert Plan.objects.get(pk=plan.pk).status == S.IN_EXECUTION
    rev = workflow.new_revision(Plan.objects.get(pk=plan.pk), users.province)
    workflow.delete_line(rev.lines.get(origin=dropped), users.province)
    workflow.transition(rev, S.SUBMITTED, users.province)
    workflow.transition(rev, S.APPROVED, users.province, decision_no="9/QĐ")
    plan.refresh_from_db()
    rev.refresh_from_db()
    assert plan.status == S.SUPERSEDED
    assert rev.status == S.IN_EXECUTION  # the revised plan was being carried out: so is the revision
    assert ClassLine.objects.get(training_class=cls_kept).line == rev.lines.get(origin=kept)
    assert ClassLine.objects.get(training_class=cls_dropped).line == dropped  # removed line keeps its classes
    assert PlanEvent.objects.filter(plan=plan, to_status=S.SUPERSEDED).exists()
    assert LogEntry.objects.get_for_object(ClassLine.objects.get(training_class=cls_kept)).count() == 2


# -- consolidation --------------------------------------------------------------------------------------------------
def test_consolidation_copies_lines_once_and_approval_carries_unit_plans(tree, users, program):
    province = _plan(users.province, tree.root, title="Kế hoạch của tỉnh")
    unit_a = _plan(users.officer, tree.so_a)
    _line(unit_a, users.officer, program, people=10)
    _line(unit_a, users.officer, program, people=20)
    workflow.transition(unit_a, S.SUBMITTED, users.officer)
    draft_b = _plan(users.province, tree.so_b)  # a draft is not taken
    _line(draft_b, users.province, program)
    with pytest.raises(workflow.OutOfScope):  # the leader of so_a does not see the province's plan
        workflow.consolidate(province, users.leader)
    assert workflow.consolidate(province, users.province) == (1, 2)
    assert workflow.consolidate(province, users.province) == (0, 0)  # nothing duplicated
    assert province.lines.count() == 2
    assert set(province.lines.values_list("source_line__plan", flat=True)) == {unit_a.pk}
    assert Plan.objects.get(pk=unit_a.pk).consolidated_into == province
    assert PlanEvent.objects.filter(plan=unit_a, comment__contains="tổng hợp").exists()
    assert workflow.totals(province)["people"] == 30
    # a unit plan consolidated is approved with the province plan, not alone
    with pytest.raises(ValidationError):
        workflow.transition(Plan.objects.get(pk=unit_a.pk), S.APPROVED, users.province)
    workflow.transition(province, S.SUBMITTED, users.province)
    workflow.transition(province, S.APPROVED, users.province, decision_no="200/QĐ-UBND")
    unit_a.refresh_from_db()
    assert (unit_a.status, unit_a.decision_no) == (S.APPROVED, "200/QĐ-UBND")
    assert PlanEvent.objects.filter(plan=unit_a, to_status=S.APPROVED).count() == 1
    assert Plan.objects.get(pk=draft_b.pk).status == S.DRAFT


def test_returning_a_consolidated_plan_takes_its_lines_out(tree, users, program):
    province = _plan(users.province, tree.root)
    unit_a = _plan(users.officer, tree.so_a)
    _line(unit_a, users.officer, program)
    workflow.transition(unit_a, S.SUBMITTED, users.officer)
    workflow.consolidate(province, users.province)
    workflow.transition(Plan.objects.get(pk=unit_a.pk), S.DRAFT, users.province, "Thiếu lớp quý 1")
    assert province.lines.count() == 0
    assert Plan.objects.get(pk=unit_a.pk).consolidated_into is None


# -- classes from lines ---------------------------------------------------------------------------------------------
def test_open_class_from_line(tree, users, program, provider):
    plan = _plan(users.province, tree.so_b)
    line = _line(plan, users.province, program, provider)
    fields = dict(code="kh-01", name="Lớp QLNN", capacity=40, starts_on=datetime.date(YEAR, 4, 1),
                  ends_on=datetime.date(YEAR, 4, 30))
    with pytest.raises(ValidationError):  # draft plan
        workflow.open_class_from_line(line, users.province, **fields)
    workflow.transition(plan, S.SUBMITTED, users.province)
    workflow.transition(plan, S.APPROVED, users.province)
    with pytest.raises(workflow.OutOfScope):  # the unit officer of so_a sees nothing of so_b
        workflow.open_class_from_line(line, users.officer, **fields)
    other = make_provider(code="P_X", name="Khác", unit=make_unit("X_TR", "Trường khác", kind="TRUONG"))
    other_plan = _approved(users, tree.so_a, program, other)
    with pytest.raises(workflow.OutOfScope):  # the institution does not run that provider
        workflow.open_class_from_line(other_plan.lines.get(), users.institution, **fields)
    cls = workflow.open_class_from_line(line, users.institution, **fields)  # runs the school of so_b
    assert (cls.code, cls.program, cls.provider, cls.form) == ("KH-01", program, provider, line.form)
    assert ClassLine.objects.get(training_class=cls).line == line
    plan.refresh_from_db()
    assert plan.status == S.IN_EXECUTION
    assert PlanEvent.objects.filter(plan=plan, to_status=S.IN_EXECUTION, user=users.institution).exists()
    with pytest.raises(ValidationError):
        workflow.open_class_from_line(line, users.province, **{**fields, "code": "KH-01"})
    bad = {**fields, "code": "KH-02", "ends_on": datetime.date(YEAR, 3, 1)}
    with pytest.raises(ValidationError):
        workflow.open_class_from_line(line, users.province, **bad)
    assert TrainingClass.objects.filter(code="KH-02").count() == 0


# -- totals ---------------------------------------------------------------------------------------------------------
def test_totals_equal_a_hand_written_sum(tree, users, program, provider):
    plan = _plan(users.province, tree.so_b)
    _line(plan, users.province, program, provider, people=40, classes=2,
          costs={"NSTINH": Decimal(120_000_000), "DON_VI": Decimal(30_000_000)})
    _line(plan, users.province, program, None, people=25, classes=1, costs={"NSTINH": Decimal(45_500_000)})
    _line(plan, users.province, program, None, people=7, classes=1, costs={})
    _line(_plan(users.province, tree.so_a), users.province, program, people=999)  # another plan: not counted
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), SUM(people), SUM(classes) FROM plans_planline WHERE plan_id = %s", [plan.pk])
        lines, people, classes = cursor.fetchone()
        cursor.execute(
            "SELECT c.source, SUM(c.amount) FROM plans_linecost c JOIN plans_planline l ON l.id = c.line_id "
            "WHERE l.plan_id = %s GROUP BY c.source", [plan.pk])
        by_source = {source: Decimal(amount) for source, amount in cursor.fetchall()}
    with CaptureQueriesContext(connection) as queries:
        totals = workflow.totals(plan)
    assert len(queries) == 1
    assert (totals["lines"], totals["people"], totals["classes"]) == (lines, people, classes) == (3, 72, 4)
    assert {s: a for s, a in totals["by_source"].items() if a} == by_source
    assert totals["cost"] == sum(by_source.values()) == 195_500_000


def test_a_draft_revision_can_be_given_up_and_an_approved_plan_cannot_be_deleted(tree, users, program):
    plan = _approved(users, tree.so_a, program)
    with pytest.raises(ValidationError):
        workflow.delete_plan(plan, users.province)
    rev = workflow.new_revision(plan, users.officer)
    with pytest.raises(PermissionDenied):
        workflow.delete_plan(rev, users.leader)
    rev_pk = rev.pk
    workflow.delete_plan(rev, users.officer)
    assert not Plan.objects.filter(pk=rev_pk).exists()
    assert Plan.objects.get(pk=plan.pk).status == S.APPROVED and plan.lines.count() == 1
    assert PlanEvent.objects.filter(plan=plan, comment__contains="Bỏ bản điều chỉnh lần 1").exists()
    assert LogEntry.objects.filter(object_id=rev_pk, action=LogEntry.Action.DELETE,
                                   content_type__model="plan").exists()
    assert workflow.new_revision(plan, users.officer).revision == 1  # a new one may be drawn up


def test_only_the_manager_consolidates(tree, users, program):
    own = _plan(users.officer, tree.so_a)
    with pytest.raises(PermissionDenied):
        workflow.consolidate(own, users.officer)


def test_class_form_is_prefilled_from_the_line(tree, users, program, provider):
    plan = _plan(users.province, tree.so_b)
    line = _line(plan, users.province, program, provider, people=90, classes=2, quarter=3,
                 costs={"NSTINH": Decimal(100_000_000), "DON_VI": Decimal(20_000_000)})
    initial = workflow.class_prefill(line)
    assert (initial["capacity"], initial["starts_on"], initial["cost_estimate"], initial["funding_source"]) == (
        45, datetime.date(YEAR, 7, 1), 60_000_000, "NSTINH")


def test_unit_officer_edits_the_plans_of_their_whole_subtree(tree, users, program):
    office = _plan(users.province, tree.phong_a, title="Kế hoạch của phòng")
    line = _line(office, users.officer, program)
    workflow.edit_line(line, users.officer, people=12)
    workflow.transition(office, S.SUBMITTED, users.officer)
    assert set(workflow.plans_for(users.officer)) == {office}
    assert set(workflow.plans_for(users.leader)) == {office}
    assert not workflow.plans_for(users.learner).exists()
    assert not workflow.plans_for(users.institution).exists()  # no approved plan has a line for its school


def test_a_class_that_exists_is_attached_to_a_line_of_its_programme_once(tree, users):
    programme = make_program(code="GAN_LOP")
    plan = workflow.create_plan(users.province, tree.so_a, 2032, "Kế hoạch gắn lớp")
    line = workflow.add_line(plan, users.province, program=programme, people=10, quarter=1)
    cls = make_class("GAN01", program=programme)
    with pytest.raises(ValidationError):  # a draft plan keeps no class
        workflow.link_class(line, cls, users.province)
    workflow.transition(plan, "SUBMITTED", users.province)
    workflow.transition(plan, "APPROVED", users.province)
    with pytest.raises(PermissionDenied):
        workflow.link_class(line, cls, users.officer)
    with pytest.raises(ValidationError):  # another programme
        workflow.link_class(line, make_class("GAN02", program=make_program(code="KHAC_GAN")), users.province)
    workflow.link_class(line, cls, users.province)
    assert ClassLine.objects.get(training_class=cls).line == line
    plan.refresh_from_db()
    assert plan.status == "IN_EXECUTION"
    with pytest.raises(ValidationError):  # once
        workflow.link_class(line, cls, users.province)
