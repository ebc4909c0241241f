"""Plan pages (docs/domain.md §13.2): the list, a plan with its lines, totals, events and history, the line forms,
the status moves, comments, revisions and their differences, consolidation, classes opened from lines.

Views are thin: every rule and permission is in services.workflow. A plan out of the user's sight answers 404
(`OutOfScope`, never naming it); a visible plan the user may not act on answers 403; a refused move comes back as a
Vietnamese message."""
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import scope_of
from dtbd.core.lists import render_list

from ..forms import CommentForm, LineForm, OpenClassForm, PlanFilterForm, PlanForm, TransitionForm
from ..models import ClassLine, Funding, Plan, PlanEvent, PlanLine
from ..services import workflow

PAGE_SIZE = 30


def _scoped(view):
    """OutOfScope (raised by the services) answers 404."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except workflow.OutOfScope:
            raise Http404 from None
    return wrapper


def _plan(user, pk):
    return get_object_or_404(workflow.plans_for(user).select_related("unit", "previous", "approved_by"), pk=pk)


def _line(user, pk):
    line = get_object_or_404(PlanLine.objects.select_related("plan__unit", "program", "provider"), pk=pk)
    if not workflow.plans_for(user).filter(pk=line.plan_id).exists():
        raise Http404
    return line


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error):
    """A service's ValidationError onto the form (its field when the form has it, else the form)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


@login_required
def plan_list(request):
    scope = scope_of(request.user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền xem kế hoạch đào tạo, bồi dưỡng."))
    visible = workflow.plans_for(request.user)
    form = PlanFilterForm(request.GET or None, plans=visible)
    qs = workflow.with_totals(form.filter(visible).select_related("unit", "previous")).order_by(
        "-year", "unit__path", "-revision")
    context = {"form": form, "can_create": scope.is_manager or scope.is_unit_officer, "sources": Funding.choices}
    return render_list(request, qs, "plans/plan_list.html", page_size=PAGE_SIZE,
                       partial_template="plans/plan_results.html", target="plan-results", context=context,
                       rows_name="plans")


@login_required
def plan_create(request):
    scope = scope_of(request.user)
    if not (scope.is_manager or scope.is_unit_officer):
        raise PermissionDenied(_("Bạn không có quyền lập kế hoạch."))
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = workflow.create_plan(request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã lập kế hoạch “%(plan)s”.") % {"plan": plan})
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "obj": None})


@login_required
@_scoped
def plan_edit(request, pk):
    plan = _plan(request.user, pk)
    refused = _require_editable(request, plan)
    if refused:
        return refused
    initial = {"title": plan.title, "note": plan.note, "budget_cap": plan.budget_cap}
    form = PlanForm(request.POST or None, user=request.user, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.update_plan(plan, request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "obj": plan})


@login_required
@require_POST
@_scoped
def plan_delete(request, pk):
    plan = _plan(request.user, pk)
    previous = plan.previous_id
    try:
        workflow.delete_plan(plan, request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(request, _("Đã xoá dự thảo kế hoạch."))
    return redirect("plans:plan_detail", pk=previous) if previous else redirect("plans:plan_list")


@login_required
@_scoped
def plan_detail(request, pk):
    plan = _plan(request.user, pk)
    user = request.user
    actions = workflow.allowed_actions(user, plan)
    lines = list(plan.lines.select_related("program", "provider").prefetch_related("costs")
                 .order_by("position", "pk"))
    class_counts = {}
    for line_id in ClassLine.objects.filter(line__plan=plan).values_list("line_id", flat=True):
        class_counts[line_id] = class_counts.get(line_id, 0) + 1
    mine = None
    if scope_of(user).is_institution:
        mine = workflow.run_provider_ids(user)
    rows = []
    for line in lines:
        costs = {c.source: c.amount for c in line.costs.all()}
        rows.append({
            "line": line, "costs": [costs.get(s) for s in Funding.values], "classes_opened": class_counts.get(line.pk, 0),
            "can_open": actions["open_class"] and (mine is None or line.provider_id in mine),
        })
    totals = workflow.totals(plan)
    following = Plan.objects.filter(previous=plan).first()
    context = {
        "obj": plan, "rows": rows, "totals": totals, "by_source": [(label, totals["by_source"][s]) for s, label in Funding.choices],
        "sources": Funding.choices, "actions": actions, "Status": Plan.Status,
        "events": PlanEvent.objects.filter(plan=plan).select_related("user").order_by("-at", "-pk"),
        "entries": workflow.audit_entries(plan) if workflow.can_change(user, plan) or scope_of(user).is_manager else None,
        "following": following,
        "consolidated": Plan.objects.filter(consolidated_into=plan).select_related("unit").order_by("unit__path"),
        "candidates": workflow.candidate_plans(plan) if actions["consolidate"] else None,
        "consolidated_into": plan.consolidated_into,
    }
    return render(request, "plans/plan_detail.html", context)


def _line_form(request, plan, line):
    form = LineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            if line is None:
                workflow.add_line(plan, request.user, costs=form.costs(), **form.line_data())
            else:
                workflow.edit_line(line, request.user, costs=form.costs(), **form.line_data())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã lưu dòng kế hoạch."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_line_form.html", {"form": form, "plan": plan, "obj": line})


def _require_editable(request, plan):
    if not workflow.can_change(request.user, plan):
        raise PermissionDenied(_("Bạn không có quyền thay đổi kế hoạch này."))
    if plan.status != Plan.Status.DRAFT:
        try:
            workflow.check_draft(plan)
        except ValidationError as error:
            _errors(request, error)
        return redirect("plans:plan_detail", pk=plan.pk)
    return None


@login_required
@_scoped
def line_create(request, pk):
    plan = _plan(request.user, pk)
    refused = _require_editable(request, plan)
    return refused or _line_form(request, plan, None)


@login_required
@_scoped
def line_edit(request, pk):
    line = _line(request.user, pk)
    refused = _require_editable(request, line.plan)
    return refused or _line_form(request, line.plan, line)


@login_required
@require_POST
@_scoped
def line_delete(request, pk):
    line = _line(request.user, pk)
    try:
        workflow.delete_line(line, request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã xoá dòng kế hoạch."))
    return redirect("plans:plan_detail", pk=line.plan_id)


@login_required
@require_POST
@_scoped
def plan_transition(request, pk):
    plan = _plan(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if not workflow.can_change(request.user, plan) and not scope_of(request.user).is_manager:
            raise PermissionDenied
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("plans:plan_detail", pk=plan.pk)
    data = form.cleaned_data
    try:
        workflow.transition(plan, data["to"], request.user, data["comment"], decision_no=data["decision_no"],
                            approved_on=data["approved_on"])
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Kế hoạch đã chuyển sang “%(st)s”.") % {"st": plan.get_status_display()})
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@require_POST
@_scoped
def plan_comment(request, pk):
    plan = _plan(request.user, pk)
    form = CommentForm(request.POST)
    try:
        workflow.comment(plan, request.user, form.data.get("comment", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã ghi ý kiến."))
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@require_POST
@_scoped
def plan_revise(request, pk):
    plan = _plan(request.user, pk)
    try:
        revision = workflow.new_revision(plan, request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(request, _("Đã lập bản điều chỉnh lần %(n)s: sửa các dòng rồi trình phê duyệt.")
                     % {"n": revision.revision})
    return redirect("plans:plan_detail", pk=revision.pk)


@login_required
@_scoped
def plan_diff(request, pk):
    plan = _plan(request.user, pk)
    if plan.previous_id is None:
        raise Http404
    previous = _plan(request.user, plan.previous_id)
    diff = workflow.revision_diff(plan, previous)
    removed_with_classes = set(
        ClassLine.objects.filter(line__in=[line.pk for line in diff["removed"]]).values_list("line_id", flat=True)
    )
    return render(request, "plans/plan_diff.html", {
        "obj": plan, "previous": previous, "diff": diff, "removed_with_classes": removed_with_classes,
    })


@login_required
@require_POST
@_scoped
def plan_consolidate(request, pk):
    plan = _plan(request.user, pk)
    try:
        plans, lines = workflow.consolidate(plan, request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if plans:
            messages.success(request, _("Đã tổng hợp %(p)s kế hoạch đơn vị, thêm %(n)s dòng.") % {"p": plans, "n": lines})
        else:
            messages.info(request, _("Không có kế hoạch đơn vị nào mới để tổng hợp."))
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@_scoped
def line_open_class(request, pk):
    line = _line(request.user, pk)
    plan = line.plan
    if not workflow.can_open_class(request.user, line):
        raise PermissionDenied(_("Bạn không có quyền mở lớp cho dòng kế hoạch này."))
    if plan.status not in workflow.RUNNING:
        messages.error(request, _("Chỉ mở lớp theo kế hoạch đã phê duyệt hoặc đang thực hiện."))
        return redirect("plans:plan_detail", pk=plan.pk)
    form = OpenClassForm(request.POST or None, initial=workflow.class_prefill(line))
    if request.method == "POST" and form.is_valid():
        try:
            cls = workflow.open_class_from_line(line, request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã mở lớp %(code)s theo kế hoạch.") % {"code": cls.code})
            return redirect("training:class_detail", pk=cls.pk)
    return render(request, "plans/plan_open_class.html", {"form": form, "line": line, "plan": plan})
