"""Every route of the site and of the API, as each role, against what lies outside that role's scope.

The route table below must name every URL pattern of the project (a new route without an entry fails
`test_every_route_is_declared`): either the objects its parameters point to, taken outside the caller's scope, which
must be refused (403 or 404, never 500, never 200), or why it carries no scoped object (a list, a form, the shared
class offer…). Every answer, refused or not, must not name the people outside the caller's scope: their names and
staff codes never appear in the body (a list filtered by scope, a refusal, an error message)."""
import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from dtbd.accounts.models import User
from dtbd.api.tokens import create_token
from dtbd.core.models import ImportBatch, Job
from dtbd.elearning.models import Attachment as ElAttachment
from dtbd.elearning.models import Choice as ElChoice
from dtbd.elearning.models import Lesson as ElLesson
from dtbd.elearning.models import Module as ElModule
from dtbd.elearning.models import Question as ElQuestion
from dtbd.elearning.services import content as elearning_content
from dtbd.elearning.services import quizzes as quiz_services
from dtbd.elearning.services import scorm as scorm_services
from dtbd.elearning.testing import scorm_zip
from dtbd.evaluation import services as evaluation_services
from dtbd.evaluation import disclosure
from dtbd.evaluation.models import EffectivenessForm
from dtbd.funding import services as funding_services
from dtbd.funding import sources as funding_sources
from dtbd.funding import talent as funding_talent
from dtbd.funding.models import Attraction, Candidate, Dispatch, Policy, Scheme
from dtbd.notices.models import Notice
from dtbd.org.testing import make_unit
from dtbd.people.models import AnnualAssessment, Qualification, Rating
from dtbd.people.testing import make_person
from dtbd.plans.models import NeedRequest
from dtbd.plans.services import needs as need_services
from dtbd.plans.services import workflow as plan_workflow
from dtbd.reorganisation.models import Operation
from dtbd.reports.models import Indicator
from dtbd.standards.models import Requirement
from dtbd.training import services
from dtbd.training.models import (
    Attendance, Enrollment, IssuingDecision, Lecturer, OverseasReport, Program, Result, TrainingClass,
)
from dtbd.training.services import certificates
from dtbd.training.testing import enroll, make_class, make_program, make_provider, school_provider

pytestmark = pytest.mark.django_db

ROLES = ("officer", "leader", "institution", "learner")

# ------------------------------------------------------------------------------------------------ the route table
# REFUSED routes: URL name -> the kind of object each parameter takes (built per role by `outside`).
# OPEN routes: URL name -> (parameters, why nothing of another scope is addressed). Names with "api:" are the REST
# API's (the format-suffix variants of a route share its entry).
REFUSED = {
    "org:unit_detail": {"pk": "unit"},
    "org:unit_edit": {"pk": "unit"},
    "org:unit_children": {"pk": "unit"},
    # -- reorganisation (docs/domain.md §15): province managers only; every other role is refused
    "reorganisation:detail": {"pk": "operation"},
    "reorganisation:confirm": {"pk": "operation"},
    "reorganisation:drop": {"pk": "operation"},
    "reorganisation:unit_operation": {"pk": "unit"},
    "people:person_detail": {"pk": "person"},
    "people:person_edit": {"pk": "person"},
    "people:person_leave": {"pk": "person"},
    "people:person_delete": {"pk": "person"},
    "people:qualification_create": {"pk": "person"},
    "people:qualification_edit": {"pk": "person", "qpk": "qualification"},
    "imports:batch": {"pk": "batch"},
    "imports:confirm": {"pk": "batch"},
    "jobs:detail": {"pk": "job"},
    "jobs:status": {"pk": "job"},
    "jobs:file": {"pk": "job"},
    "notices:read": {"pk": "notice"},
    "standards:requirement_edit": {"pk": "requirement"},
    "standards:gate_check": {"person_pk": "person"},
    "standards:appointment_create": {"person_pk": "person"},
    "training:program_edit": {"pk": "programme"},
    "training:class_edit": {"pk": "class"},
    # -- plans: budget and execution
    "plans:class_costs": {"pk": "class"},
    "plans:plan_execution": {"pk": "plan"},
    "training:class_sessions": {"pk": "class"},
    "training:class_status": {"pk": "class"},
    "training:attendance": {"pk": "class"},
    "training:roster_download": {"pk": "class"},
    "training:roster_upload": {"pk": "class"},
    "training:results": {"pk": "class"},
    "training:class_documents": {"pk": "class"},
    "training:issuing_decisions": {"pk": "class"},
    "training:issuing_decision_file": {"pk": "decision", "fmt": "docx"},
    "training:results_submit": {"pk": "class"},
    "training:result_correct": {"enrollment_pk": "enrolment"},
    "training:enrolment_approve": {"pk": "enrolment"},
    "training:enrolment_reject": {"pk": "enrolment"},
    "training:enrolment_withdraw": {"pk": "enrolment"},
    "training:certificate_pdf": {"pk": "certificate"},
    "training:certificate_replace": {"pk": "certificate"},
    # -- training: reports after a course abroad (docs/domain.md §10.2)
    "training:overseas_upload": {"pk": "overseas_enrolment"},
    "training:overseas_file": {"pk": "overseas_report"},
    "reports:training_history": {"pk": "person"},
    "reports:training_history_download": {"pk": "person", "fmt": "pdf"},
    "reports:training_history_job": {"pk": "person", "fmt": "pdf"},
    "dashboard:indicator_edit": {"pk": "indicator"},
    # -- plans (docs/domain.md §13.2)
    "plans:plan_detail": {"pk": "plan"},
    "plans:plan_edit": {"pk": "plan"},
    "plans:plan_delete": {"pk": "plan_revision"},
    "plans:line_create": {"pk": "plan"},
    "plans:plan_transition": {"pk": "plan"},
    "plans:plan_comment": {"pk": "plan"},
    "plans:plan_revise": {"pk": "plan"},
    "plans:plan_diff": {"pk": "plan_revision"},
    "plans:plan_consolidate": {"pk": "plan"},
    "plans:line_edit": {"pk": "plan_line"},
    "plans:line_delete": {"pk": "plan_line"},
    "plans:line_open_class": {"pk": "plan_line"},
    "plans:plan_optimise": {"pk": "plan_revision"},
    "plans:proposal": {"pk": "job"},
    "plans:proposal_accept": {"pk": "job"},
    # -- end of plans
    "api:unit-detail": {"pk": "unit"},
    "api:unit-compliance": {"pk": "unit"},
    "api:staff-detail": {"pk": "person"},
    "api:staff-compliance": {"pk": "person"},
    "api:staff-fostering-history": {"pk": "person"},
    "api:staff-leave": {"pk": "person"},
    "api:qualification-detail": {"pk": "qualification"},
    "api:assessment-detail": {"pk": "assessment"},
    "api:class-change-status": {"pk": "class"},
    "api:class-scores": {"pk": "class"},
    "api:class-submit-results": {"pk": "class"},
    "api:class-issue-certificates": {"pk": "class"},
    "api:enrolment-detail": {"pk": "enrolment"},
    "api:enrolment-approve": {"pk": "enrolment"},
    "api:enrolment-reject": {"pk": "enrolment"},
    "api:enrolment-withdraw": {"pk": "enrolment"},
    "api:certificate-detail": {"pk": "certificate"},
    # -- national database export (docs/domain.md §18): the jobs are the caller's own; another user's answers 404
    "api:job-detail": {"pk": "job"},
    "api:job-file": {"pk": "job"},
    # -- end of national database export
    # -- funding: postgraduate dispatch and reimbursement (docs/domain.md §14.2–14.3)
    "funding:dispatch_detail": {"pk": "dispatch"},
    "funding:dispatch_cost": {"pk": "dispatch"},
    "funding:dispatch_outcome": {"pk": "dispatch"},
    "funding:case_detail": {"pk": "reimbursement_case"},
    "funding:case_decide": {"pk": "reimbursement_case"},
    "funding:case_payment": {"pk": "reimbursement_case"},
    # -- end of funding
    # -- evaluation: level-3 forms (docs/domain.md §16.4), the publication of a year (§16.6, managers only)
    "quality:effectiveness_detail": {"pk": "effectiveness_form"},
    "quality:withdraw": {"pk": "publication"},
    # -- end of evaluation
    # -- funding: talent attraction and source cadres (docs/domain.md §14.4–14.5). Policies and schemes are the
    # province's (written by managers only: every role here is refused); attractions and candidates are scoped.
    "talent:policy_edit": {"pk": "policy"},
    "talent:policy_item": {"pk": "policy"},
    "talent:attraction_detail": {"pk": "attraction"},
    "talent:attraction_edit": {"pk": "attraction"},
    "talent:attraction_payment": {"pk": "attraction"},
    "sources:scheme_edit": {"pk": "scheme"},
    "sources:candidate_detail": {"pk": "candidate"},
    "sources:candidate_edit": {"pk": "candidate"},
    "sources:candidate_step": {"pk": "candidate"},
    "sources:candidate_recruit": {"pk": "candidate"},
    # -- end of talent attraction and source cadres
    # -- evaluation: the learners' survey of a class (docs/domain.md §16.3). A class's results, options and paper
    # forms are the institution's that runs it; the form is answered only by a learner who completed the class.
    "evaluation:class_results": {"pk": "class"},
    "evaluation:open_survey": {"pk": "class"},
    "evaluation:survey_options": {"pk": "class"},
    "evaluation:paper_download": {"pk": "class"},
    "evaluation:paper_upload": {"pk": "class"},
    "evaluation:answer": {"pk": "class"},
    # -- end of evaluation
    # -- plans: needs register and unit requests
    "plans:request_detail": {"pk": "need_request"},
    "plans:request_edit": {"pk": "need_request"},
    "plans:request_submit": {"pk": "need_request"},
    # -- elearning (docs/domain.md §17): the online course of each side's class, its content, files and the
    # outsider's quiz attempt
    "elearning:course": {"pk": "course"},
    "elearning:course_edit": {"pk": "course"},
    "elearning:progress": {"pk": "course"},
    "elearning:course_create": {"class_pk": "class"},
    "elearning:lesson_create": {"module_pk": "module"},
    "elearning:lesson": {"pk": "lesson"},
    "elearning:lesson_edit": {"pk": "lesson"},
    "elearning:lesson_complete": {"pk": "lesson"},
    "elearning:lesson_heartbeat": {"pk": "lesson"},
    "elearning:lesson_file": {"pk": "video_lesson"},
    "elearning:attachment_add": {"pk": "lesson"},
    "elearning:scorm_upload": {"pk": "scorm_lesson"},
    "elearning:scorm_commit": {"pk": "scorm_lesson"},
    "elearning:scorm_file": {"pk": "scorm_lesson", "path": "index.html"},
    "elearning:attachment": {"pk": "attachment"},
    "elearning:quiz": {"pk": "quiz_lesson"},
    "elearning:quiz_start": {"pk": "quiz_lesson"},
    "elearning:question_bank": {"pk": "quiz_lesson"},
    "elearning:question_export": {"pk": "quiz_lesson"},
    "elearning:attempt": {"pk": "attempt"},
    "elearning:attempt_answer": {"pk": "attempt"},
    "elearning:attempt_submit": {"pk": "attempt"},
    # -- end of elearning
}

LIST = "a list or page of the caller's own scope"
FORM = "a form: what it writes is checked against the scope when it is sent"
OFFER = "the province's class offer and programme catalogue, shown to every role"
OWN = "the caller's own account"
OPEN = {
    "set_language": ({}, "language switch"),
    "two_factor_setup": ({}, OWN),
    "two_factor_verify": ({}, OWN),
    "login": ({}, "public"),
    "logout": ({}, OWN),
    "password_change": ({}, OWN),
    "password_change_done": ({}, OWN),
    "password_reset": ({}, "public"),
    "password_reset_done": ({}, "public"),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "set-password"}, "public, token checked"),
    "password_reset_complete": ({}, "public"),
    "org:unit_list": ({}, LIST),
    "org:unit_create": ({}, FORM),
    "reorganisation:index": ({}, "province managers only (the upload form); every other role is refused"),
    "reorganisation:template": ({}, "the empty mapping template, for province managers only"),
    "people:person_list": ({}, LIST),
    "people:person_export": ({}, LIST),
    "people:person_export_job": ({}, LIST),
    "people:person_create": ({}, FORM),
    "people:assessment_grid": ({}, "the units of the caller's scope; the people posted are checked against it"),
    "imports:index": ({}, FORM),
    "imports:template": ({"slug": "can-bo"}, "the empty import template"),
    "imports:upload": ({"slug": "can-bo"}, FORM),
    "jobs:list": ({}, LIST),
    "standards:review": ({}, LIST),
    "standards:review_code": ({"code": "LLCT_TP"}, LIST),
    "standards:review_export": ({"code": "LLCT_TP"}, LIST),
    "standards:catalogue": ({}, "the rule catalogue, read by every role"),
    "standards:requirement_create": ({}, FORM),
    "standards:succession": ({}, LIST),
    "training:program_list": ({}, OFFER),
    "training:program_create": ({}, FORM),
    "training:program_detail": ({"pk": "programme"}, OFFER),
    "training:provider_list": ({}, OFFER),
    "training:provider_detail": ({"pk": "provider"}, OFFER),
    "training:needs": ({}, LIST),
    "training:overseas_reports": ({}, LIST),
    "plans:plan_list": ({}, LIST),
    "plans:plan_create": ({}, FORM),
    "plans:need_list": ({}, LIST),
    "plans:need_collect": ({}, FORM),
    "plans:need_export": ({}, LIST),
    "plans:request_list": ({}, LIST),
    "plans:request_create": ({}, FORM),
    "plans:norm_list": ({}, "the cost norms, a catalogue read by every role (edited in the admin)"),
    "funding:dispatch_list": ({}, LIST),
    "funding:dispatch_create": ({}, FORM),
    "funding:commitments": ({}, LIST),
    "funding:case_list": ({}, LIST),
    "talent:policy_list": ({}, "the province's policies; their figures count the caller's scope only"),
    "talent:policy_create": ({}, FORM),
    "talent:policy_detail": ({"pk": "policy"}, "a province's policy; its figures count the caller's scope only"),
    "talent:attraction_list": ({}, LIST),
    "talent:attraction_create": ({}, FORM),
    "sources:scheme_list": ({}, "the province's schemes; their counts are of the caller's scope only"),
    "sources:scheme_create": ({}, FORM),
    "sources:scheme_detail": ({"pk": "scheme"}, "a province's scheme; its candidates of the caller's scope only"),
    "sources:candidate_create": ({"pk": "scheme"}, FORM),
    # -- training: the register of lecturers (docs/domain.md §16.1), the province's, read by every role that sees
    # units (a learner is refused); its survey results are of the classes the caller may read only.
    "training:lecturer_list": ({}, "the province's register of lecturers"),
    "training:lecturer_create": ({}, FORM),
    "training:lecturer_detail": ({"pk": "lecturer"}, "the province's register of lecturers; results of the caller's scope only"),
    "training:lecturer_edit": ({"pk": "lecturer"}, FORM),
    "evaluation:survey_list": ({}, LIST),
    # -- end of lecturers
    "training:class_list": ({}, OFFER),
    "training:class_calendar": ({}, OFFER),
    "training:class_create": ({}, FORM),
    "training:class_detail": ({"pk": "class"}, OFFER),
    "training:class_enrolments": ({"pk": "class"}, "the class's learners of the caller's scope only"),
    "training:nominate": ({"pk": "class"}, FORM),
    "training:nominate_from_review": ({"pk": "class"}, FORM),
    "training:self_register": ({"pk": "class"}, "the caller's own enrolment"),
    "training:self_withdraw": ({"pk": "class"}, "the caller's own enrolment"),
    "training:enrolment_queue": ({}, LIST),
    "training:certificate_list": ({}, LIST),
    "training:portal": ({}, OWN),
    "public:verify": ({"code": "not-a-certificate-code"}, "public: a certificate's unguessable code"),
    "public:verify_search": ({}, "public: the certificate search form (number + holder's name or birth date)"),
    "reports:index": ({}, LIST),
    "reports:report": ({"name": "qualification-structure"}, LIST),
    "reports:download": ({"name": "qualification-structure", "fmt": "csv"}, LIST),
    "reports:download_job": ({"name": "qualification-structure", "fmt": "xlsx"}, LIST),
    "dashboard:index": ({}, LIST),
    "dashboard:enrolments": ({}, LIST),
    "dashboard:people": ({}, LIST),
    "dashboard:classes": ({}, LIST),
    "dashboard:indicators": ({}, LIST),
    "dashboard:indicator_create": ({}, FORM),
    "dashboard:indicator_members": ({"pk": "indicator"}, "the indicator's people of the caller's scope only"),
    "quality:effectiveness_list": ({}, LIST),
    "quality:coverage": ({}, "counts of classes per provider, no person"),
    "quality:publish": ({}, "province managers only: refused to every other role"),
    "disclosure:index": ({}, "public: the aggregates of the published years, no person"),
    "disclosure:year": ({"year": "2025"}, "public: the aggregates of a published year, no person"),
    "notices:list": ({}, OWN),
    "notices:read_all": ({}, OWN),
    "notices:reminders": ({}, OWN),
    "home:home": ({}, LIST),
    "api:api-root": ({}, "index of the API"),
    "api:unit-list": ({}, LIST),
    "api:staff-list": ({}, LIST),
    "api:qualification-list": ({}, LIST),
    "api:assessment-list": ({}, LIST),
    "api:requirement-list": ({}, "the rule catalogue"),
    "api:requirement-detail": ({"pk": "requirement"}, "the rule catalogue"),
    "api:programme-list": ({}, OFFER),
    "api:programme-detail": ({"pk": "programme"}, OFFER),
    "api:class-list": ({}, OFFER),
    "api:class-detail": ({"pk": "class"}, OFFER),
    "api:class-attendance": ({"pk": "class"}, "the class's records of the caller's scope only; writes refused"),
    "api:class-results": ({"pk": "class"}, "the class's records of the caller's scope only"),
    "api:enrolment-list": ({}, LIST),
    "api:certificate-list": ({}, LIST),
    "api:report-list": ({}, LIST),
    "api:report-detail": ({"name": "qualification-structure"}, LIST),
    "api:schema": ({}, "the API's description"),
    "api:docs": ({}, "the API's description"),
    "api:redoc": ({}, "the API's description"),
    "api:tokens": ({}, OWN),
    # -- national database export (docs/domain.md §15): the unit is checked against the caller's scope when sent
    "reports:national_export": ({}, FORM),
    "api:fostering-export-list": ({}, FORM),
    "api:job-list": ({}, OWN),
    # -- end of national database export
    "api:token_revoke": ({"pk": "own_token"}, OWN),
}
# Django admin: staff users only (the admin site's own permission checks); none of the roles below is staff.
SKIPPED_PREFIXES = ("admin:",)


def skipped(name, regex):
    return regex.startswith("admin/") or bool(name and name.startswith(SKIPPED_PREFIXES))


def routes():
    """(name, route regex, pattern) of every URL pattern, namespaces joined."""
    found = []

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
                walk(p.url_patterns, ns, prefix + str(p.pattern.regex.pattern).lstrip("^"))
            elif isinstance(p, URLPattern):
                name = ":".join(filter(None, [namespace, p.name])) if p.name else None
                found.append((name, prefix + str(p.pattern.regex.pattern).lstrip("^"), p))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_route_is_declared():
    missing = sorted({name or regex for name, regex, _p in routes()
                      if not skipped(name, regex) and not (name and (name in REFUSED or name in OPEN))})
    assert not missing, "Routes missing from the outsider test's table (REFUSED or OPEN): " + ", ".join(missing)


def test_table_names_only_existing_routes():
    names = {name for name, _regex, _p in routes()}
    assert not (set(REFUSED) | set(OPEN)) - names


# ------------------------------------------------------------------------------------------------ the world


@pytest.fixture
def world(tree, users, media_root):
    """Each role's outsiders: for the unit officer, the leader and the learner (all of Sở Nội vụ, so_a) a person of
    Sở Tài chính (so_b) with a diploma, enrolled in a class of the so_b school and certified; for the institution
    (scoped to so_b) a person of so_a, enrolled in a class of another provider, certified too."""
    outsider_b = make_person(tree.phong_b, code="NGOAI_B", full_name="Lê Văn Ngoàisở",
                             qualifications=[("LLCT", "SC", datetime.date(2016, 6, 1))])
    outsider_a = make_person(tree.phong_a, code="NGOAI_A", full_name="Đỗ Thị Ngoàitrường",
                             qualifications=[("LLCT", "TC", datetime.date(2015, 6, 1))])
    school = school_provider(tree)
    elsewhere = make_provider(code="P_KHAC", name="Học viện khác", unit=make_unit("KHAC", "Học viện khác"))
    start = timezone.localdate() - datetime.timedelta(days=10)
    class_b = make_class("OUT_B", capacity=5, provider=school, program=make_program(), sessions=2,
                         starts_on=start, ends_on=start + datetime.timedelta(days=2))
    class_a = make_class("OUT_A", capacity=5, provider=elsewhere, program=make_program(), sessions=2,
                         starts_on=start, ends_on=start + datetime.timedelta(days=2))
    outcome = {}
    for cls, person in ((class_b, outsider_b), (class_a, outsider_a)):
        enrolment = enroll(cls, person)
        services.change_status(cls, TrainingClass.Status.RUNNING)
        for session in cls.sessions.all():
            Attendance.objects.create(session=session, enrollment=enrolment, status=Attendance.Status.PRESENT)
        Result.objects.create(enrollment=enrolment, version=1, final_score=8, grade=Result.Grade.GOOD,
                              attendance_pct=100, completed=True, is_current=True, submitted_at=timezone.now())
        services.record_outcome(enrolment, True)
        outcome[person.pk] = (enrolment, certificates.issue(enrolment))
    province = users.province
    job = Job.objects.create(kind=Job.Kind.STAFF_EXPORT, created_by=province, title="Xuất của người khác")
    batch = ImportBatch.objects.create(user=province, kind=ImportBatch.Kind.STAFF, file_name="cua-nguoi-khac.xlsx",
                                       status=ImportBatch.Status.VALID)
    notice = Notice.objects.create(user=province, title="Thông báo của người khác")
    indicator = Indicator.objects.create(code="out-test", name="Chỉ tiêu thử", denominator={}, numerator={})
    # -- reorganisation: a prepared merger of the institution's department into the officer's (managers only)
    operation = Operation.objects.create(kind=Operation.Kind.MERGE, on_date=datetime.date(2030, 1, 1),
                                         rows=[{"row": 2, "old": tree.so_b.code, "new": tree.so_a.code}],
                                         created_by=province)
    # -- end of reorganisation
    shared = dict(job=job, batch=batch, notice=notice, indicator=indicator, operation=operation,
                  requirement=Requirement.objects.order_by("pk").first(), programme=Program.objects.order_by("pk").first(),
                  provider=school)

    def of(person, unit, cls):
        enrolment, certificate = outcome[person.pk]
        return SimpleNamespace(
            person=person, unit=unit, **{"class": cls}, enrolment=enrolment, certificate=certificate,
            qualification=Qualification.objects.filter(person=person).first(),
            decision=IssuingDecision.objects.create(
                training_class=cls, status=IssuingDecision.Status.CONFIRMED, number="1",
                decided_on=cls.ends_on, signer_name="Người Ký", signer_position="Hiệu trưởng"),
            names=(person.full_name, person.code), **shared,
        )

    b_side = of(outsider_b, tree.phong_b, class_b)
    a_side = of(outsider_a, tree.phong_a, class_a)
    # -- plans (docs/domain.md §13.2): each side's approved plan with a line, and its revision in draft. The so_b plan's
    # line is for the school the institution runs (out of sight of the so_a roles); the so_a plan's line is for
    # another provider (out of sight of the institution).
    for side, unit, provider in ((b_side, tree.so_b, school), (a_side, tree.so_a, elsewhere)):
        plan = plan_workflow.create_plan(province, unit, 2030, "Kế hoạch ngoài phạm vi")
        side.plan_line = plan_workflow.add_line(plan, province, program=Program.objects.order_by("pk").first(),
                                                provider=provider, people=20, classes=1, quarter=2)
        plan_workflow.transition(plan, "SUBMITTED", province)
        plan_workflow.transition(plan, "APPROVED", province)
        side.plan = plan
        side.plan_revision = plan_workflow.new_revision(plan, province)
    # -- end of plans
    # -- plans, needs (docs/domain.md §13.1): each side's unit request, sent and naming its outsider (who is then in the needs register)
    for side, person, unit in ((b_side, outsider_b, tree.phong_b), (a_side, outsider_a, tree.phong_a)):
        request = need_services.save_request(
            province, NeedRequest(year=timezone.localdate().year + 1, unit=unit, program=shared["programme"],
                                  people_count=1), [person])
        side.need_request = need_services.submit_request(province, request)
    # -- end of plans, needs
    # -- funding (docs/domain.md §14.2–14.3): each side's outsider sent to a master's course (by a manager's override:
    # the outsider has no recruitment date) and dropped out, which opens their reimbursement case.
    for side, person in ((b_side, outsider_b), (a_side, outsider_a)):
        dispatch = funding_services.create_dispatch(
            Dispatch(person=person, level="THS", field="Tài chính công", institution="Học viện Tài chính",
                     decision_no="OUT/QĐ", decision_date=datetime.date(2026, 1, 5), starts_on=datetime.date(2026, 2, 1),
                     planned_end=datetime.date(2028, 2, 1), field_matches_position=True),
            province, override_reason="Ngoài phạm vi", may_override=True)
        side.dispatch = dispatch
        side.reimbursement_case = funding_services.record_end_without_diploma(
            dispatch, Dispatch.Status.DROPPED_OUT, datetime.date(2026, 3, 1))
    # -- end of funding
    # -- people, annual assessment (docs/domain.md §14.1): each side's outsider rated for last year
    for side, person in ((b_side, outsider_b), (a_side, outsider_a)):
        side.assessment = AnnualAssessment.objects.create(person=person, year=timezone.localdate().year - 1,
                                                          rating=Rating.HTTNV)
    # -- end of people, annual assessment
    # -- funding, talent attraction and source cadres (docs/domain.md §14.4–14.5): a policy and a scheme of the
    # province (shared: only managers write them); each side's outsider attracted under the policy, and a candidate of
    # each side's unit (not on the register: their name is added to what must never be named).
    policy = funding_talent.save_policy(Policy(name="Chính sách ngoài", legal_basis="NQ", target_fields="Y tế",
                                               valid_from=datetime.date(2020, 1, 1)), province)
    scheme = funding_sources.save_scheme(Scheme(name="Đề án ngoài", decision="QĐ",
                                                valid_from=datetime.date(2020, 1, 1)), province)
    for side, person, unit in ((b_side, outsider_b, tree.phong_b), (a_side, outsider_a, tree.phong_a)):
        side.policy, side.scheme = policy, scheme
        side.attraction = funding_talent.save_attraction(
            Attraction(policy=policy, person=person, unit=unit, field="Y tế", level="TS", decision_no="OUT/TH",
                       decision_date=datetime.date(2024, 1, 5)), province)
        funding_talent.add_payment(side.attraction, province, 2024, "Hỗ trợ một lần", 123_456_789)
        side.candidate = funding_sources.save_candidate(
            Candidate(scheme=scheme, unit=unit, full_name=f"Nguồn Ngoài {unit.code}", birth_date=datetime.date(2001, 1, 1),
                      gender="NAM", organisation="Trường ngoài", field="Y tế", selection="GRADUATE"), province)
        side.names = (*side.names, side.candidate.full_name)
    # -- end of talent attraction and source cadres
    # -- training, reports after a course abroad (docs/domain.md §10.2): each side's outsider back from a class abroad
    # (of the provider of their side's class) with the report sent
    for side, person, provider in ((b_side, outsider_b, school), (a_side, outsider_a, elsewhere)):
        abroad = make_class(f"NN_{provider.code}", provider=provider, program=make_program(), abroad=True, country="JP",
                            status=TrainingClass.Status.FINISHED, starts_on=start - datetime.timedelta(days=40),
                            ends_on=start - datetime.timedelta(days=30))
        side.overseas_enrolment = Enrollment.objects.create(training_class=abroad, person=person, source="NOMINATED",
                                                            state=Enrollment.State.COMPLETED)
        side.overseas_report = OverseasReport(enrollment=side.overseas_enrolment, file_name="bao-cao.pdf",
                                              submitted_at=timezone.now())
        side.overseas_report.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4"), save=True)
    # -- end of reports after a course abroad
    # -- evaluation (docs/domain.md §16): each side's class taught by an external lecturer of the register and
    # finished, which opens its survey; each side's outsider answers it (named, so a leak would show).
    lecturer = Lecturer.objects.create(name="Giảng Viên Ngoài", academic_title="TS")
    for side, person in ((b_side, outsider_b), (a_side, outsider_a)):
        side_class = getattr(side, "class")
        side_class.sessions.update(lecturer=lecturer)
        services.change_status(side_class, TrainingClass.Status.FINISHED)
        survey = side_class.survey
        survey.anonymous = False
        survey.save()
        blocks = evaluation_services.form_blocks(survey.template, side_class)
        evaluation_services.submit(survey, person.pk, evaluation_services.Filled(
            scores={(item.pk, lecturer.pk if lecturer_ else None): 9
                    for item, lecturer_ in evaluation_services.scored_slots(blocks)}))
        side.lecturer = lecturer
    # -- evaluation, level 3 and publication (docs/domain.md §16.4, §16.6): each side's outsider's level-3 form, and a year published (its
    # page shows aggregates only, none of the outsiders)
    for side, person in ((b_side, outsider_b), (a_side, outsider_a)):
        side.effectiveness_form = EffectivenessForm.objects.create(
            enrollment=outcome[person.pk][0], person=person, due_on=timezone.localdate())
    publication = disclosure.publish(province, timezone.localdate().year)
    b_side.publication = a_side.publication = publication
    # -- end of evaluation
    # -- elearning (docs/domain.md §17): each side's online class (the so_b school's, another provider's) with a
    # course of a text, a video, a SCORM and a quiz lesson; the side's outsider enrolled, with a quiz attempt.
    for side, person, provider, code in ((b_side, outsider_b, school, "ONL_B"), (a_side, outsider_a, elsewhere, "ONL_A")):
        online = make_class(code, capacity=5, provider=provider, program=make_program(), sessions=1, starts_on=start,
                            ends_on=start + datetime.timedelta(days=20), form=TrainingClass.Form.ONLINE)
        online_enrolment = Enrollment.objects.create(training_class=online, person=person, source="ASSIGNED",
                                                     state="ENROLLED")
        services.change_status(online, TrainingClass.Status.RUNNING)
        side.course = elearning_content.create_course(online)
        side.module = ElModule.objects.create(course=side.course, title="Chuyên đề ngoài", order=1)
        side.lesson = elearning_content.save_lesson(ElLesson(module=side.module, title="Bài ngoài", kind="TEXT", order=1))
        side.video_lesson = ElLesson(module=side.module, title="Video ngoài", kind="VIDEO", order=2)
        side.video_lesson.file.save("video.mp4", ContentFile(b"0" * 100), save=False)
        elearning_content.save_lesson(side.video_lesson)
        side.attachment = ElAttachment.objects.create(lesson=side.lesson, name="Đính kèm", file=side.video_lesson.file.name)
        side.scorm_lesson = scorm_services.import_package(
            ElLesson.objects.create(module=side.module, title="SCORM ngoài", kind="SCORM", order=3), scorm_zip())
        side.quiz_lesson = elearning_content.save_lesson(ElLesson(module=side.module, title="Kiểm tra ngoài", kind="QUIZ",
                                                                  order=4))
        question = ElQuestion.objects.create(quiz=side.quiz_lesson.quiz, kind="TF", text="Đúng không?")
        ElChoice.objects.create(question=question, text="Đúng", correct=True)
        side.attempt = quiz_services.start(side.quiz_lesson.quiz, online_enrolment)
    # -- end of elearning
    return SimpleNamespace(officer=b_side, leader=b_side, learner=b_side, institution=a_side, users=users)


def client_for(role, world, api):
    user = getattr(world.users, role)
    if api:
        client = APIClient(raise_request_exception=False)
        _token, key = create_token(user, "outsider test", 1)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def parameters(spec, objects, role, world):
    values = {}
    for key, kind in spec.items():
        if kind == "own_token":
            values[key] = create_token(getattr(world.users, role), "mine", 1)[0].pk
        elif hasattr(objects, kind):
            values[key] = getattr(objects, kind).pk
        else:
            values[key] = kind  # a literal (slug, format, code)
    return values


def url_of(pattern_regex, values, suffix):
    """Fill a route's regex with `values` (named groups), adding `.json` for a format-suffix variant."""
    url = pattern_regex
    for key, value in values.items():
        url = re.sub(r"\(\?P<%s>[^)]*\)" % re.escape(key), str(value), url)
    if "(?P<format>" in url:
        if not suffix:
            return None
        url = re.sub(r"\(\?P<format>[^)]*\)", "json", url)
    url = url.replace("/?$", "/").replace("\\Z", "").rstrip("$")
    url = re.sub(r"\\(.)", r"\1", url)  # regex escapes: '\-' -> '-', '\.' -> '.'
    assert "(" not in url, f"parameters missing for {pattern_regex}: {values}"
    return "/" + url


def answers(client, url, api):
    """The GET and the POST answers (an empty form, or `{}` as JSON for the API)."""
    if api:
        return [client.get(url), client.post(url, {}, format="json")]
    return [client.get(url), client.post(url, {})]


def leaked(response, names):
    body = response.content.decode("utf-8", "replace") if not getattr(response, "streaming", False) else ""
    return [name for name in names if name in body]


@pytest.mark.parametrize("role", ROLES)
def test_objects_outside_the_scope_are_refused_and_never_named(role, world, media_root):
    objects = getattr(world, role)
    problems = []
    for name, regex, _pattern in routes():
        if skipped(name, regex):
            continue
        api = name.startswith("api:")
        refused = name in REFUSED
        spec = REFUSED[name] if refused else OPEN[name][0]
        values = parameters(spec, objects, role, world)
        for suffix in (False, True):
            url = url_of(regex, values, suffix)
            if url is None or (suffix and "(?P<format>" not in regex):
                continue
            client = client_for(role, world, api)
            replies = answers(client, url, api)
            statuses = [r.status_code for r in replies]
            if any(s >= 500 for s in statuses):
                problems.append(f"{name} {url}: {statuses} (server error)")
            if refused and not (all(s in (403, 404, 405) for s in statuses) and set(statuses) - {405}):
                problems.append(f"{name} {url}: {statuses}, expected 403/404 for an object outside the scope")
            for reply, method in zip(replies, ("GET", "POST")):
                if names := leaked(reply, objects.names):
                    problems.append(f"{name} {method} {url}: names {names} outside the scope ({reply.status_code})")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_anonymous_visitors_get_only_the_public_pages(world):
    public = {"set_language", "login", "password_reset", "password_reset_done", "password_reset_confirm",
              "password_reset_complete", "public:verify", "public:verify_search", "disclosure:index", "disclosure:year",
              "api:schema", "api:docs", "api:redoc", "api:api-root"}
    problems = []
    objects = world.officer
    for name, regex, _pattern in routes():
        if skipped(name, regex) or name in public:
            continue
        spec = REFUSED.get(name) or OPEN[name][0]
        values = parameters({k: v for k, v in spec.items() if v != "own_token"}, objects, "officer", world)
        values.update({k: 1 for k, v in spec.items() if v == "own_token"})
        url = url_of(regex, values, False) or url_of(regex, values, True)
        client = (APIClient if name.startswith("api:") else Client)(raise_request_exception=False)
        for reply in answers(client, url, name.startswith("api:")):
            ok = reply.status_code in (401, 403, 404, 405) or (
                reply.status_code == 302 and "/accounts/login/" in reply["Location"])
            if not ok:
                problems.append(f"{name} {url}: {reply.status_code}")
            if names := leaked(reply, objects.names):
                problems.append(f"{name} {url}: names {names}")
    assert not problems, "\n".join(problems)


def test_the_table_is_checked_against_a_route_of_each_kind(world):
    """The walk above would let a route through if every refusal were a 405: the staff page of an outsider must be a
    real 404, and the same page of one's own person a 200."""
    client = client_for("officer", world, api=False)
    assert client.get(f"/can-bo/{world.officer.person.pk}/").status_code == 404
    own = User.objects.get(username="hocvien").person
    assert client.get(f"/can-bo/{own.pk}/").status_code == 200
