"""Attendance, results, roster download/upload and result corrections of a class.

Only the people who run the class (permissions.can_run_class: the institution of its provider, managers) see these
pages; a class out of sight is 404, a visible class they do not run is 403. Rules live in dtbd.training.services.results and
dtbd.training.services.roster; the views only read forms and call them. Every grid runs a fixed number of queries."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.http import content_disposition
from dtbd.core.importing import ImportFailed
from dtbd.core.middleware import upload_limit

from ..forms.results import AttendanceGridForm, CorrectionForm, RosterUploadForm, ScoresGridForm
from ..models import Assessment, ClassSession, Enrollment
from ..permissions import can_run_class, classes_for
from ..services import results, roster

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _class_to_run(user, pk):
    cls = get_object_or_404(
        classes_for(user).select_related("program", "provider__unit", "results_submitted_by"), pk=pk
    )
    if not can_run_class(user, cls):
        raise PermissionDenied(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được ghi điểm danh, kết quả của lớp này."))
    return cls


def _learner_states(cls):
    return results.LEARNER_STATES if cls.results_locked else (results.State.ENROLLED,)


def _errors_of(exc):
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


# ---------------------------------------------------------------- attendance and roster


def _attendance_page(request, cls, form=None, upload_form=None, import_errors=None, status=200):
    sessions = list(ClassSession.objects.filter(training_class=cls).order_by("date", "start_time", "pk"))
    learners = list(results.learners(cls, _learner_states(cls)))
    if form is None:
        form = AttendanceGridForm(sessions=sessions, learners=learners, marks=results.attendance_marks(cls),
                                  disabled=cls.results_locked)
    return render(request, "training/attendance.html", {
        "cls": cls, "sessions": sessions, "learners": learners, "form": form, "rows": form.rows(learners, sessions),
        "upload_form": upload_form or RosterUploadForm(), "import_errors": import_errors, "locked": cls.results_locked,
    }, status=status)


@login_required
def attendance(request, pk):
    cls = _class_to_run(request.user, pk)
    if request.method != "POST":
        return _attendance_page(request, cls)
    if cls.results_locked:
        messages.error(request, _("Kết quả lớp đã chốt; không thể sửa điểm danh."))
        return redirect("training:attendance", pk=cls.pk)
    sessions = list(ClassSession.objects.filter(training_class=cls).order_by("date", "start_time", "pk"))
    learners = list(results.learners(cls, _learner_states(cls)))
    form = AttendanceGridForm(request.POST, sessions=sessions, learners=learners, marks={})
    if form.is_valid():
        try:
            written, removed = results.record_attendance(cls, form.cleaned_marks(), request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã lưu điểm danh: %(w)s ô được ghi, %(r)s ô được xoá.") % {"w": written, "r": removed})
            return redirect("training:attendance", pk=cls.pk)
    return _attendance_page(request, cls, form=form, status=400)


@login_required
def roster_download(request, pk):
    cls = _class_to_run(request.user, pk)
    response = HttpResponse(roster.write_roster(cls), content_type=XLSX)
    states = results.LEARNER_STATES if cls.results_locked else (results.State.ENROLLED,)
    log_export(request.user, ExportKind.ROSTER, cls.code, cls.enrollments.filter(state__in=states).count(), request=request)
    response["Content-Disposition"] = content_disposition(roster.filename(cls))
    return response


@upload_limit()
@login_required
@require_POST
def roster_upload(request, pk):
    cls = _class_to_run(request.user, pk)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _attendance_page(request, cls, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        report = roster.import_roster(cls, upload, request.user, name=upload.name)
    except ImportFailed as exc:
        return _attendance_page(request, cls, upload_form=form, import_errors=[str(e) for e in exc.errors], status=400)
    except ValidationError as exc:
        return _attendance_page(request, cls, upload_form=form, import_errors=_errors_of(exc), status=400)
    messages.success(request, report.summary())
    return redirect("training:attendance", pk=cls.pk)


# ---------------------------------------------------------------- results


def _locked_rows(cls, assessments):
    """Rows of the read-only grid after the lock: the current submitted results, with their reasons."""
    learners = list(results.learners(cls, results.LEARNER_STATES))
    current = results.current_results(cls)
    n_sessions = ClassSession.objects.filter(training_class=cls).count()
    rows = []
    for enr in learners:
        result = current.get(enr.pk)
        scores = result.score_map if result else {}
        outcome = results.Outcome(enrollment=enr, sessions=n_sessions, present=enr.n_present, excused=enr.n_excused,
                                  absent=enr.n_absent, scores=scores)
        results.evaluate(cls, assessments, outcome)
        if result is not None and result.attendance_pct != outcome.attendance_pct:  # corrected attendance share
            results.evaluate(cls, assessments, outcome, override_pct=result.attendance_pct)
        rows.append({"enrollment": enr, "result": result, "outcome": outcome,
                     "scores": [scores.get(a.pk) for a in assessments]})
    return rows


@login_required
def results_page(request, pk):
    cls = _class_to_run(request.user, pk)
    assessments = list(Assessment.objects.filter(training_class=cls))
    if cls.results_locked:
        if request.method == "POST":
            messages.error(request, _("Kết quả lớp đã chốt; hãy dùng “Điều chỉnh” cho từng học viên."))
            return redirect("training:results", pk=cls.pk)
        return render(request, "training/results.html", {
            "cls": cls, "assessments": assessments, "locked": True, "rows": _locked_rows(cls, assessments),
        })
    outcomes = results.compute(cls, states=(results.State.ENROLLED,))
    learners = [o.enrollment for o in outcomes]
    status = 200
    if request.method == "POST":
        form = ScoresGridForm(request.POST, assessments=assessments, learners=learners, scores={})
        if form.is_valid():
            try:
                changed = results.save_draft_scores(cls, form.cleaned_scores(), request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã lưu nháp: %(n)s điểm được ghi.") % {"n": changed})
                return redirect("training:results", pk=cls.pk)
        status = 400
    else:
        scores = {(o.enrollment.pk, a_id): v for o in outcomes for a_id, v in o.scores.items()}
        form = ScoresGridForm(assessments=assessments, learners=learners, scores=scores)
    rows = [{"enrollment": o.enrollment, "outcome": o,
             "fields": [form[f"s_{o.enrollment.pk}_{a.pk}"] for a in assessments]} for o in outcomes]
    return render(request, "training/results.html", {
        "cls": cls, "assessments": assessments, "locked": False, "rows": rows, "form": form,
        "can_submit": cls.status in results.RUNNING_STATUSES and bool(outcomes),
    }, status=status)


@login_required
def results_submit(request, pk):
    """Confirm step of “Chốt kết quả” (GET: the summary; POST: submit)."""
    cls = _class_to_run(request.user, pk)
    if cls.results_locked:
        messages.info(request, _("Kết quả lớp đã được chốt."))
        return redirect("training:results", pk=cls.pk)
    if request.method == "POST":
        try:
            outcomes = results.submit(cls, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("training:results", pk=cls.pk)
        done = sum(1 for o in outcomes if o.completed)
        messages.success(request, _(
            "Đã chốt kết quả: %(done)s học viên hoàn thành, %(failed)s không hoàn thành. Chứng chỉ được cấp khi ban "
            "hành quyết định cấp chứng chỉ (mục “Quyết định cấp chứng chỉ”)."
        ) % {"done": done, "failed": len(outcomes) - done})
        return redirect("training:results", pk=cls.pk)
    outcomes = results.compute(cls, states=(results.State.ENROLLED,))
    return render(request, "training/results_confirm.html", {
        "cls": cls, "outcomes": outcomes, "completed": [o for o in outcomes if o.completed],
        "failed": [o for o in outcomes if not o.completed],
        "can_submit": cls.status in results.RUNNING_STATUSES and bool(outcomes),
    })


@login_required
def result_correct(request, enrollment_pk):
    user = request.user
    enrollment = get_object_or_404(
        Enrollment.objects.filter(training_class__in=classes_for(user).values("pk"))
        .select_related("person", "training_class__program", "training_class__provider__unit"),
        pk=enrollment_pk,
    )
    cls = enrollment.training_class
    if not can_run_class(user, cls):
        raise PermissionDenied(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được điều chỉnh kết quả."))
    if not cls.results_locked or enrollment.state not in (results.State.COMPLETED, results.State.FAILED):
        messages.error(request, _("Chỉ điều chỉnh được kết quả đã chốt."))
        return redirect("training:results", pk=cls.pk)
    assessments = list(Assessment.objects.filter(training_class=cls))
    versions = results.history(enrollment)
    current = next((r for r in versions if r.is_current), None)
    form = CorrectionForm(request.POST or None, assessments=assessments,
                          current_scores=current.score_map if current else {})
    if request.method == "POST" and form.is_valid():
        try:
            result = results.correct(enrollment, form.scores(), form.cleaned_data["attendance_pct"],
                                     form.cleaned_data["reason"], user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã điều chỉnh kết quả của %(name)s (lần %(v)s): %(state)s.") % {
                "name": enrollment.person.full_name, "v": result.version,
                "state": _("hoàn thành") if result.completed else _("không hoàn thành"),
            })
            return redirect("training:result_correct", enrollment_pk=enrollment.pk)
    history_rows = [{"result": r, "scores": [r.score_map.get(a.pk) for a in assessments]} for r in versions]
    return render(request, "training/results_correct.html", {
        "cls": cls, "enrollment": enrollment, "assessments": assessments, "form": form, "current": current,
        "history": history_rows,
    }, status=400 if request.method == "POST" else 200)
