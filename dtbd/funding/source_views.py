"""Pages of source-cadre schemes under /tao-nguon/ (docs/domain.md §14.5). Schemes are the province's: every role
that sees units reads them, managers write them; candidates are those of the caller's units (a unit officer: their
subtree, a leader reads theirs). Training institutions and learners have no access (403); a candidate out of scope
answers 404, a write of one only read 403. Rules and scope checks live in funding.sources."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import CHANGE
from dtbd.core.lists import render_list
from dtbd.core.text import fold
from dtbd.org.models import Unit
from dtbd.people.services import placement_units
from dtbd.training.models import Enrollment

from . import sources
from .forms import CandidateForm, RecruitForm, SchemeForm, StepForm
from .models import Candidate, Scheme
from .talent_views import _manager
from .views import PAGE_SIZE, _form_errors, _get, _reader, _writer


# -- schemes ---------------------------------------------------------------------------------------------------------
@login_required
def scheme_list(request):
    scope = _reader(request.user)
    schemes = sources.schemes_with_figures(request.user).order_by("-valid_from", "-pk")
    return render_list(request, schemes, "funding/scheme_list.html", page_size=PAGE_SIZE, rows_name="schemes",
                       context={"is_manager": scope.is_manager})


@login_required
def scheme_detail(request, pk):
    scope = _reader(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    qs = Candidate.objects.restrict(request.user).filter(scheme=scheme).select_related("unit", "person")
    counts = qs.aggregate(candidates=Count("pk"), recruited=Count("pk", filter=Q(person__isnull=False)))
    text = request.GET.get("q", "").replace("\x00", "").strip()
    if text:
        qs = qs.filter(name_folded__contains=fold(text))
    return render_list(request, qs.order_by("name_folded", "pk"), "funding/scheme_detail.html", page_size=PAGE_SIZE,
                       rows_name="candidates", context={
                           "scheme": scheme, "counts": counts, "q": text, "is_manager": scope.is_manager,
                           "can_write": scope.can_write})


@login_required
def scheme_edit(request, pk=None):
    _manager(request.user)
    scheme = get_object_or_404(Scheme, pk=pk) if pk else Scheme()
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = sources.save_scheme(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu đề án tạo nguồn cán bộ."))
            return redirect("sources:scheme_detail", pk=scheme.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "funding/scheme_form.html", {"form": form, "scheme": scheme if pk else None}, status=status)


# -- candidates ------------------------------------------------------------------------------------------------------
def _candidate_form(request, scheme, candidate):
    form = CandidateForm(request.POST or None, instance=candidate,
                         units=Unit.objects.restrict(request.user, CHANGE).order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            candidate = sources.save_candidate(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu người trong nguồn."))
            return redirect("sources:candidate_detail", pk=candidate.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "funding/candidate_form.html", {"form": form, "scheme": scheme, "candidate": candidate},
                  status=status)


@login_required
def candidate_create(request, pk):
    _writer(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    return _candidate_form(request, scheme, Candidate(scheme=scheme))


@login_required
def candidate_edit(request, pk):
    _writer(request.user)
    candidate = _get(Candidate, request.user, pk, CHANGE, related=("scheme",))
    return _candidate_form(request, candidate.scheme, candidate)


@login_required
def candidate_detail(request, pk):
    scope = _reader(request.user)
    candidate = _get(Candidate, request.user, pk, related=("scheme", "unit", "person", "ethnicity"))
    can_edit = Candidate.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    enrolments = []
    if candidate.person_id:  # once on the register, their real enrolments (the scope's rule of training.Enrollment)
        enrolments = list(Enrollment.objects.restrict(request.user).filter(person_id=candidate.person_id)
                          .select_related("training_class__program").order_by("-training_class__starts_on", "-pk"))
    recruit_form = RecruitForm(units=placement_units(request.user).order_by("path"),
                               initial={"on_date": timezone.localdate(), "unit": candidate.unit_id, "category": "CC",
                                        "ethnicity": candidate.ethnicity_id})
    return render(request, "funding/candidate_detail.html", {
        "c": candidate, "steps": list(candidate.steps.select_related("program")), "enrolments": enrolments,
        "can_edit": can_edit, "scope": scope, "step_form": StepForm(), "recruit_form": recruit_form})


@login_required
@require_POST
def candidate_step(request, pk):
    _reader(request.user)
    candidate = _get(Candidate, request.user, pk, CHANGE)
    form = StepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        step = form.save(commit=False)
        step.candidate = candidate
        sources.add_step(step, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã ghi nhận quá trình đào tạo."))
    return redirect("sources:candidate_detail", pk=pk)


@login_required
@require_POST
def candidate_recruit(request, pk):
    _reader(request.user)
    candidate = _get(Candidate, request.user, pk, CHANGE)
    form = RecruitForm(request.POST, units=placement_units(request.user))
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        data = form.cleaned_data
        person = sources.recruit(candidate, request.user, unit=data["unit"], on_date=data["on_date"],
                                 category=data["category"], code=data["code"], ethnicity=data.get("ethnicity"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã tuyển dụng %(name)s vào danh sách cán bộ (mã %(code)s).") % {
            "name": person.full_name, "code": person.code})
    return redirect("sources:candidate_detail", pk=pk)
