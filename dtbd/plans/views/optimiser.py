"""The optimiser's pages (docs/domain.md §13.5): its form on a draft plan (the run is a background job), the proposal
a finished run wrote, and its acceptance into the plan. Rules and permissions in services.proposal / workflow; a
proposal is read only by the user who ran it (anyone else: 404, like the job pages)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.core import jobs
from dtbd.core.models import Job
from dtbd.people.models import Person
from dtbd.training.models import Program

from ..forms import OptimiseForm
from ..models import Plan
from ..services import proposal, workflow
from .plans import _plan, _scoped


@login_required
@_scoped
def plan_optimise(request, pk):
    plan = _plan(request.user, pk)
    try:
        proposal.check_can_run(plan, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:plan_detail", plan.pk)
    initial = {"budget": int(plan.budget_cap or 0)}
    form = OptimiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = jobs.start(
            Job.Kind.PLAN_OPTIMISE, request.user, {"plan": plan.pk, "options": form.options()},
            title=_("Đề xuất kế hoạch: %(plan)s") % {"plan": plan},
            link=reverse("plans:plan_detail", args=[plan.pk]),
        )
        return redirect("jobs:detail", job.pk)
    needs = proposal.plan_needs(plan).count()
    return render(request, "plans/optimise_form.html", {"plan": plan, "form": form, "needs": needs})


def _proposal(request, pk):
    job = get_object_or_404(Job, pk=pk, created_by=request.user, kind=Job.Kind.PLAN_OPTIMISE, status=Job.Status.DONE)
    data = proposal.load(job)
    if data is None:
        raise Http404
    plan = _plan(request.user, data["plan"])
    return job, data, plan


@login_required
@_scoped
def proposal_detail(request, pk):
    job, data, plan = _proposal(request, pk)
    summary = proposal.summary(data)
    names = dict(Program.objects.filter(code__in=[line.programme for line in summary["lines"]] + list(summary["unmet"]))
                 .values_list("code", "name"))
    codes = {code for line in summary["lines"] for code in line.learners}
    people = dict(Person.objects.restrict(request.user).filter(code__in=codes).values_list("code", "full_name"))
    for line in summary["lines"]:
        line.learners = sorted((code, people.get(code, "")) for code in line.learners)
    context = {"job": job, "plan": plan, "data": data, "result": data["result"], "summary": summary, "names": names,
               "gap_pct": data["result"]["gap"] * 100,
               "can_accept": plan.status == Plan.Status.DRAFT and workflow.can_change(request.user, plan)}
    return render(request, "plans/proposal.html", context)


@login_required
@require_POST
@_scoped
def proposal_accept(request, pk):
    _job, data, plan = _proposal(request, pk)
    try:
        lines = proposal.accept(plan, request.user, data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã thêm %(n)s dòng đề xuất vào kế hoạch; có thể sửa trước khi trình.") % {
            "n": len(lines)})
    return redirect("plans:plan_detail", plan.pk)
