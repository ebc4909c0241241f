"""Attendance and results of a class (completion rule: docs/domain.md §11.1).

- record_attendance / save_draft_scores: edits before the lock (draft Result = submitted_at NULL, one per enrolment);
- compute: attendance share, final score, grade, completion and the reasons of a failure, for every learner of the
  class, with a fixed number of queries (Count with filter over Attendance);
- submit: writes the figures into each learner's Result, sets the class's lock (results_submitted_at/by), moves the
  enrolments to COMPLETED / FAILED, opens the draft issuing decision of the completed learners' certificates
  (certificates.open_draft: the institution confirms it with its number, date and signer), notifies the learners —
  one transaction;
- correct: after the lock, a new version of one learner's result with a reason; completion is recomputed and a flip
  revokes the certificate, or puts the learner on the class's draft issuing decision.

Every row is saved through its model so django-auditlog records the change (the actor comes from the request)."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.notices.models import Notice
from dtbd.notices.services import notify_person
from dtbd.people.models import UnitAssignment

from ..models import Assessment, Attendance, Certificate, ClassSession, Enrollment, Result, Score, TrainingClass
from . import certificates

State = Enrollment.State
Grade = Result.Grade
Mark = Attendance.Status
ATTENDED = (Mark.PRESENT, Mark.EXCUSED)
# Learners of a class whose attendance and results are kept: enrolled, and once the results are in, their outcome.
LEARNER_STATES = (State.ENROLLED, State.COMPLETED, State.FAILED)
RUNNING_STATUSES = (TrainingClass.Status.RUNNING, TrainingClass.Status.FINISHED)
TWO_PLACES = Decimal("0.01")
GRADE_STEPS = ((Decimal(9), Grade.EXCELLENT), (Decimal(8), Grade.GOOD), (Decimal("6.5"), Grade.FAIR),
               (Decimal(5), Grade.AVERAGE))


def vn_decimal(value):
    """7.50 → '7,5'; 5.00 → '5' (Vietnamese decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    text = format(Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_score(value):
    """A score as typed or read from a sheet: Decimal, number, '7,5' or '7.5'. '' / None → None.
    Raises ValidationError (Vietnamese) when not a number in 0–10 with at most 2 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Điểm phải là một số (ví dụ 7,5)."))
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Điểm phải là một số (ví dụ 7,5).")) from None
    if not number.is_finite():
        raise ValidationError(_("Điểm phải là một số (ví dụ 7,5)."))
    if number < 0 or number > 10:
        raise ValidationError(_("Điểm phải từ 0 đến 10."))
    if number != number.quantize(TWO_PLACES):
        raise ValidationError(_("Điểm có tối đa 2 chữ số thập phân."))
    return number.quantize(TWO_PLACES)


def grade_for(final_score, completed):
    if not completed:
        return Grade.FAIL
    if final_score is None:  # completed on attendance alone (no assessments): no grade to give
        return ""
    for floor, grade in GRADE_STEPS:
        if final_score >= floor:
            return grade
    return Grade.FAIL


@dataclass
class Outcome:
    """The computed result of one learner."""

    enrollment: Enrollment
    sessions: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    attendance_pct: Decimal | None = None
    scores: dict = field(default_factory=dict)  # assessment id → Decimal
    final_score: Decimal | None = None
    grade: str = ""
    completed: bool = False
    reasons: list = field(default_factory=list)

    @property
    def unrecorded(self):
        return max(self.sessions - self.present - self.excused - self.absent, 0)

    @property
    def grade_label(self):
        return Grade(self.grade).label if self.grade else ""


def _attendance_check(cls, outcome, override_pct=None):
    """Sets attendance_pct and returns (ok, reasons)."""
    minimum = cls.min_attendance_pct
    if override_pct is not None:
        outcome.attendance_pct = Decimal(override_pct).quantize(TWO_PLACES)
        if outcome.attendance_pct >= minimum:
            return True, []
        return False, [_("chuyên cần %(pct)s%% < %(min)s%%") % {"pct": vn_decimal(outcome.attendance_pct), "min": minimum}]
    total = outcome.sessions
    if not total:  # no sessions entered: nothing to attend
        outcome.attendance_pct = None
        return True, []
    attended = outcome.present + outcome.excused
    outcome.attendance_pct = (Decimal(attended * 100) / total).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if attended * 100 >= minimum * total:
        return True, []
    reasons = []
    if outcome.absent:
        reasons.append(_("vắng %(n)s/%(total)s buổi không phép") % {"n": outcome.absent, "total": total})
    if outcome.unrecorded:
        reasons.append(_("chưa điểm danh %(n)s/%(total)s buổi") % {"n": outcome.unrecorded, "total": total})
    if minimum < 100:
        reasons.append(_("chuyên cần %(pct)s%% < %(min)s%%") % {"pct": vn_decimal(outcome.attendance_pct), "min": minimum})
    return False, reasons


def evaluate(cls, assessments, outcome, override_pct=None):
    """Apply the completion rule (docs/domain.md §11.1) to an Outcome whose counts and scores are filled in."""
    ok, reasons = _attendance_check(cls, outcome, override_pct)
    values = []
    for assessment in assessments:
        value = outcome.scores.get(assessment.pk)
        if value is None:
            ok = False
            reasons.append(_("%(name)s: chưa có điểm") % {"name": assessment.name})
            continue
        values.append(value)
        if value < cls.pass_score:
            ok = False
            reasons.append(
                "%(name)s: %(value)s < %(pass)s"
                % {"name": assessment.name, "value": vn_decimal(value), "pass": vn_decimal(cls.pass_score)}
            )
    # The final score is the mean of the assessment scores, once every assessment is scored.
    if assessments and len(values) == len(assessments):
        outcome.final_score = (sum(values) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    else:
        outcome.final_score = None
    outcome.completed = ok
    outcome.grade = grade_for(outcome.final_score, ok)
    outcome.reasons = reasons
    return outcome


# ---------------------------------------------------------------- reading


def unit_name_subquery():
    """The name of the person's current unit (for rosters), as an annotation on Enrollment."""
    return Subquery(
        UnitAssignment.objects.filter(person=OuterRef("person"), valid_to__isnull=True)
        .order_by("-valid_from").values("unit__name")[:1]
    )


def learners(cls, states=LEARNER_STATES):
    """The class's learners (person and current unit name), ordered by name, with their attendance counts."""
    return (
        Enrollment.objects.filter(training_class=cls, state__in=states)
        .select_related("person")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__status=Mark.PRESENT)),
            n_excused=Count("attendance", filter=Q(attendance__status=Mark.EXCUSED)),
            n_absent=Count("attendance", filter=Q(attendance__status=Mark.ABSENT)),
            unit_name=unit_name_subquery(),
        )
        .order_by("person__name_sort", "person__code")
    )


def draft_scores(cls, enrollment_ids=None):
    """{(enrollment id, assessment id): value} of the draft results of the class."""
    qs = Score.objects.filter(result__enrollment__training_class=cls, result__submitted_at__isnull=True)
    if enrollment_ids is not None:
        qs = qs.filter(result__enrollment_id__in=enrollment_ids)
    return {(enr, ass): value for enr, ass, value in qs.values_list("result__enrollment_id", "assessment_id", "value")}


def attendance_marks(cls):
    """{(session id, enrollment id): status} of the class."""
    return {
        (s, e): st
        for s, e, st in Attendance.objects.filter(session__training_class=cls).values_list("session_id", "enrollment_id", "status")
    }


def compute(cls, states=LEARNER_STATES):
    """One Outcome per learner, from the attendance rows and the draft scores. Four queries whatever the size."""
    n_sessions = ClassSession.objects.filter(training_class=cls).count()
    assessments = list(Assessment.objects.filter(training_class=cls))
    rows = list(learners(cls, states))
    scores = draft_scores(cls)
    outcomes = []
    for enr in rows:
        outcome = Outcome(
            enrollment=enr, sessions=n_sessions, present=enr.n_present, excused=enr.n_excused, absent=enr.n_absent,
            scores={a.pk: scores[(enr.pk, a.pk)] for a in assessments if (enr.pk, a.pk) in scores},
        )
        outcomes.append(evaluate(cls, assessments, outcome))
    return outcomes


def current_results(cls):
    """{enrollment id: current submitted Result (with .score_map {assessment id: value})} of the class."""
    results = list(
        Result.objects.filter(enrollment__training_class=cls, is_current=True).prefetch_related("scores")
    )
    for result in results:
        result.score_map = {s.assessment_id: s.value for s in result.scores.all()}
    return {r.enrollment_id: r for r in results}


# ---------------------------------------------------------------- writing (before the lock)


def _lock_class(cls, action):
    """Re-read the class under a row lock; refuse when its results are locked."""
    row = TrainingClass.objects.select_for_update().get(pk=cls.pk)
    if row.results_submitted_at is not None:
        raise ValidationError(
            _("Kết quả lớp %(code)s đã chốt; không thể %(action)s. Hãy dùng chức năng điều chỉnh kết quả.")
            % {"code": row.code, "action": action}
        )
    return row


def record_attendance(cls, marks, user=None):
    """Save attendance: {(session id, enrollment id): PRESENT / EXCUSED / ABSENT, or '' / None = not recorded}.
    Only changed cells are written (each through the model: audited). Returns (written, removed)."""
    valid_status = set(Mark.values)
    with transaction.atomic():
        _lock_class(cls, _("sửa điểm danh"))
        session_ids = set(ClassSession.objects.filter(training_class=cls).values_list("pk", flat=True))
        enrollment_ids = set(
            Enrollment.objects.filter(training_class=cls, state=State.ENROLLED).values_list("pk", flat=True)
        )
        for (session_id, enrollment_id), status in marks.items():
            if session_id not in session_ids:
                raise ValidationError(_("Buổi học %(id)s không thuộc lớp %(code)s.") % {"id": session_id, "code": cls.code})
            if enrollment_id not in enrollment_ids:
                raise ValidationError(
                    _("Học viên %(id)s không có trong danh sách lớp %(code)s.") % {"id": enrollment_id, "code": cls.code}
                )
            if status and status not in valid_status:
                raise ValidationError(_("Giá trị điểm danh không hợp lệ: %(value)s.") % {"value": status})
        existing = {
            (a.session_id, a.enrollment_id): a
            for a in Attendance.objects.filter(session__training_class=cls, enrollment_id__in=enrollment_ids)
        }
        written = removed = 0
        for key, status in marks.items():
            row = existing.get(key)
            if not status:
                if row is not None:
                    row.delete()
                    removed += 1
                continue
            if row is None:
                Attendance.objects.create(session_id=key[0], enrollment_id=key[1], status=status)
                written += 1
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
                written += 1
    return written, removed


def save_draft_scores(cls, values, user=None):
    """Save draft scores: {(enrollment id, assessment id): value ('7,5', 7.5, Decimal) or None = no score}.
    Creates the draft Result of an enrolment when needed. Every value is checked before anything is written.
    Returns the number of scores written or removed."""
    parsed, errors = {}, []
    for key, raw in values.items():
        try:
            parsed[key] = parse_score(raw)
        except ValidationError as exc:
            errors.append(_("Điểm '%(value)s': %(error)s") % {"value": raw, "error": " ".join(exc.messages)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_class(cls, _("sửa điểm"))
        assessment_ids = set(Assessment.objects.filter(training_class=cls).values_list("pk", flat=True))
        enrollment_ids = set(
            Enrollment.objects.filter(training_class=cls, state=State.ENROLLED).values_list("pk", flat=True)
        )
        for enrollment_id, assessment_id in parsed:
            if enrollment_id not in enrollment_ids:
                raise ValidationError(
                    _("Học viên %(id)s không có trong danh sách lớp %(code)s.") % {"id": enrollment_id, "code": cls.code}
                )
            if assessment_id not in assessment_ids:
                raise ValidationError(_("Bài %(id)s không thuộc lớp %(code)s.") % {"id": assessment_id, "code": cls.code})
        drafts = {
            r.enrollment_id: r
            for r in Result.objects.filter(enrollment_id__in=enrollment_ids, submitted_at__isnull=True)
        }
        existing = {
            (s.result.enrollment_id, s.assessment_id): s
            for s in Score.objects.filter(result__in=list(drafts.values())).select_related("result")
        }
        changed = 0
        for (enrollment_id, assessment_id), value in parsed.items():
            score = existing.get((enrollment_id, assessment_id))
            if value is None:
                if score is not None:
                    score.delete()
                    changed += 1
                continue
            if score is not None:
                if score.value != value:
                    score.value = value
                    score.save(update_fields=["value"])
                    changed += 1
                continue
            draft = drafts.get(enrollment_id)
            if draft is None:
                draft = drafts[enrollment_id] = Result.objects.create(
                    enrollment_id=enrollment_id, version=_next_version(enrollment_id), created_by=user
                )
            Score.objects.create(result=draft, assessment_id=assessment_id, value=value)
            changed += 1
    return changed


def _next_version(enrollment_id):
    return (Result.objects.filter(enrollment_id=enrollment_id).aggregate(m=Max("version"))["m"] or 0) + 1


# ---------------------------------------------------------------- submitting (the lock)


def completion_date(cls):
    return min(cls.ends_on, timezone.localdate())


def _notify(enrollment, title, body):

    try:
        url = reverse("training:portal")  # the learner's page: results and certificates
    except NoReverseMatch:
        url = ""
    notify_person(enrollment.person, Notice.Kind.RESULTS, title, body, url)


def _outcome_text(cls, outcome):
    if outcome.completed:
        text = _("Bạn đã hoàn thành lớp %(code)s — %(name)s.") % {"code": cls.code, "name": cls.name}
        if outcome.final_score is not None:
            text += " " + _("Điểm tổng kết %(score)s, xếp loại %(grade)s.") % {
                "score": vn_decimal(outcome.final_score), "grade": outcome.grade_label,
            }
        return text + " " + _("Chứng chỉ được cấp theo quyết định của cơ sở đào tạo, bồi dưỡng.")
    return _("Bạn chưa hoàn thành lớp %(code)s — %(name)s: %(reasons)s.") % {
        "code": cls.code, "name": cls.name, "reasons": "; ".join(str(r) for r in outcome.reasons),
    }


def submit(cls, user=None):
    """Lock the class's results (see the module docstring). Returns the outcomes of the learners."""
    with transaction.atomic():
        row = TrainingClass.objects.select_for_update().get(pk=cls.pk)
        if row.results_submitted_at is not None:
            raise ValidationError(_("Kết quả lớp %(code)s đã được chốt trước đó.") % {"code": row.code})
        if row.status not in RUNNING_STATUSES:
            raise ValidationError(
                _("Lớp %(code)s đang “%(st)s”: chỉ chốt kết quả khi lớp đang học hoặc đã kết thúc.")
                % {"code": row.code, "st": row.get_status_display()}
            )
        outcomes = compute(row, states=(State.ENROLLED,))
        if not outcomes:
            raise ValidationError(_("Lớp %(code)s không có học viên nào để chốt kết quả.") % {"code": row.code})
        now = timezone.now()
        completed_on = completion_date(row)
        drafts = {
            r.enrollment_id: r
            for r in Result.objects.filter(enrollment__in=[o.enrollment for o in outcomes], submitted_at__isnull=True)
        }
        for outcome in outcomes:
            enr = outcome.enrollment
            result = drafts.get(enr.pk) or Result(enrollment=enr, version=_next_version(enr.pk), created_by=user)
            _fill(result, outcome)
            result.submitted_at, result.submitted_by, result.is_current = now, user, True
            result.save()
            locked = Enrollment.objects.select_for_update().get(pk=enr.pk)
            locked.state = State.COMPLETED if outcome.completed else State.FAILED
            locked.completed_on = completed_on if outcome.completed else None
            locked.save(update_fields=["state", "completed_on"])
            enr.state, enr.completed_on = locked.state, locked.completed_on
        row.results_submitted_at, row.results_submitted_by = now, user
        row.save(update_fields=["results_submitted_at", "results_submitted_by"])
        cls.results_submitted_at, cls.results_submitted_by = now, user
        if any(outcome.completed for outcome in outcomes):
            certificates.open_draft(row, user)
        for outcome in outcomes:
            _notify(outcome.enrollment, _("Kết quả lớp %(code)s") % {"code": row.code}, _outcome_text(row, outcome))
    return outcomes


def complete_learner(enrollment, final_score=None, user=None):
    """Record the completion of one learner before the class's lock — an online course whose completion rule the
    learner met (docs/domain.md §17.3). The same writes as `submit` does for each completed learner: a submitted,
    current Result (final score and grade), the enrolment COMPLETED on completion_date(class), the learner put on the
    class's draft issuing decision (certificates.open_draft: the certificate, and with it the Qualification with the
    class's tiết, follows the institution's decision, docs/domain.md §11.2) and the learner's notice. A learner already
    COMPLETED is left as is (returns None); one not ENROLLED, or a class not running or already locked, is refused."""
    with transaction.atomic():
        cls = TrainingClass.objects.select_for_update().get(pk=enrollment.training_class_id)
        enr = Enrollment.objects.select_for_update().select_related("person").get(pk=enrollment.pk)
        if enr.state == State.COMPLETED:
            return None
        if enr.state != State.ENROLLED:
            raise ValidationError(
                _("%(name)s không còn học trong lớp %(code)s.") % {"name": enr.person.full_name, "code": cls.code}
            )
        if cls.results_submitted_at is not None:
            raise ValidationError(_("Kết quả lớp %(code)s đã được chốt trước đó.") % {"code": cls.code})
        if cls.status not in RUNNING_STATUSES:
            raise ValidationError(
                _("Lớp %(code)s đang “%(st)s”: chỉ ghi kết quả khi lớp đang học hoặc đã kết thúc.")
                % {"code": cls.code, "st": cls.get_status_display()}
            )
        outcome = Outcome(enrollment=enr, final_score=final_score, completed=True)
        outcome.grade = grade_for(final_score, True)
        completed_on = completion_date(cls)
        result = Result.objects.filter(enrollment=enr, submitted_at__isnull=True).first() or Result(
            enrollment=enr, version=_next_version(enr.pk), created_by=user
        )
        _fill(result, outcome)
        result.submitted_at, result.submitted_by, result.is_current = timezone.now(), user, True
        result.save()
        enr.state, enr.completed_on = State.COMPLETED, completed_on
        enr.save(update_fields=["state", "completed_on"])
        certificates.open_draft(cls, user)
        _notify(enr, _("Kết quả lớp %(code)s") % {"code": cls.code}, _outcome_text(cls, outcome))
    enrollment.state, enrollment.completed_on = enr.state, enr.completed_on
    return result


def _fill(result, outcome):
    result.final_score = outcome.final_score
    result.grade = outcome.grade
    result.attendance_pct = outcome.attendance_pct
    result.completed = outcome.completed


# ---------------------------------------------------------------- corrections (after the lock)


def history(enrollment):
    """Every submitted version of an enrolment's result, newest first, with .score_map."""
    results = list(
        Result.objects.filter(enrollment=enrollment, submitted_at__isnull=False)
        .select_related("submitted_by").prefetch_related("scores").order_by("-version")
    )
    for result in results:
        result.score_map = {s.assessment_id: s.value for s in result.scores.all()}
    return results


def correct(enrollment, scores, attendance_pct=None, reason="", user=None):
    """A new version of a learner's result after the lock. `scores`: {assessment id: value or None};
    `attendance_pct`: a corrected attendance share (0–100) or None to keep the current one. Returns the new Result."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do điều chỉnh kết quả.")})
    cls = enrollment.training_class
    if cls.results_submitted_at is None:
        raise ValidationError(_("Kết quả lớp %(code)s chưa chốt: hãy sửa trực tiếp trên bảng điểm.") % {"code": cls.code})
    assessments = list(Assessment.objects.filter(training_class=cls))
    known = {a.pk for a in assessments}
    parsed, errors = {}, {}
    for assessment_id, raw in scores.items():
        if assessment_id not in known:
            raise ValidationError(_("Bài %(id)s không thuộc lớp %(code)s.") % {"id": assessment_id, "code": cls.code})
        try:
            value = parse_score(raw)
        except ValidationError as exc:
            errors[f"score_{assessment_id}"] = exc.messages
            continue
        if value is not None:
            parsed[assessment_id] = value
    if attendance_pct is not None:
        try:
            attendance_pct = Decimal(str(attendance_pct).replace(",", "."))
            if not (0 <= attendance_pct <= 100):
                raise InvalidOperation
        except InvalidOperation:
            errors["attendance_pct"] = [_("Tỷ lệ chuyên cần phải từ 0 đến 100.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enr = Enrollment.objects.select_for_update().select_related("person").get(pk=enrollment.pk)
        if enr.state not in (State.COMPLETED, State.FAILED):
            raise ValidationError(
                _("%(name)s không có kết quả đã chốt trong lớp %(code)s.") % {"name": enr.person.full_name, "code": cls.code}
            )
        current = Result.objects.filter(enrollment=enr, is_current=True).first()
        outcome = Outcome(enrollment=enr, scores=parsed)
        if attendance_pct is None:
            attendance_pct = current.attendance_pct if current else None
            if attendance_pct is None:  # never computed (class without sessions): count again from the rows
                counted = learners(cls, states=(enr.state,)).get(pk=enr.pk)
                outcome.sessions = ClassSession.objects.filter(training_class=cls).count()
                outcome.present, outcome.excused, outcome.absent = counted.n_present, counted.n_excused, counted.n_absent
        evaluate(cls, assessments, outcome, override_pct=attendance_pct)
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        result = Result(enrollment=enr, version=_next_version(enr.pk), reason=reason, created_by=user,
                        submitted_at=timezone.now(), submitted_by=user, is_current=True)
        _fill(result, outcome)
        result.save()
        for assessment_id, value in parsed.items():
            Score.objects.create(result=result, assessment_id=assessment_id, value=value)
        if enr.state == State.COMPLETED and not outcome.completed:
            for cert in Certificate.objects.filter(enrollment=enr, revoked_at__isnull=True):
                certificates.revoke(cert, reason, user=user)
            enr.state, enr.completed_on = State.FAILED, None
            enr.save(update_fields=["state", "completed_on"])
        elif enr.state == State.FAILED and outcome.completed:
            enr.state, enr.completed_on = State.COMPLETED, completion_date(cls)
            enr.save(update_fields=["state", "completed_on"])
            certificates.open_draft(cls, user)
        enrollment.state, enrollment.completed_on = enr.state, enr.completed_on
        _notify(enr, _("Kết quả lớp %(code)s đã được điều chỉnh") % {"code": cls.code},
                _outcome_text(cls, outcome) + " " + _("Lý do: %(reason)s") % {"reason": reason})
    result.outcome = outcome
    return result
