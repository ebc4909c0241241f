"""Pages of postgraduate dispatch, commitments and reimbursement under /dao-tao-sau-dai-hoc/ (docs/domain.md
§14.2–14.3). Managers see and change everything; a unit officer their subtree's records (Person.objects.restrict);
leaders read their subtree's; training institutions and learners have no access. An out-of-scope record answers
404, a write page of a record one only reads 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import CHANGE, VIEW, scope_of
from dtbd.core.lists import render_list
from dtbd.core.text import fold
from dtbd.people.models import Person

from . import queries, services
from .forms import CostForm, DecisionForm, DispatchForm, OutcomeForm, PaymentForm
from .models import (
    AGENCY_SOURCES,
    Attraction,
    AttractionPayment,
    Candidate,
    Dispatch,
    DispatchCost,
    Level,
    Payment,
    ReimbursementCase,
)

PAGE_SIZE = 50


def _reader(user):
    scope = scope_of(user)
    if not scope.sees_units or scope.is_institution:
        raise PermissionDenied
    return scope


def _writer(user):
    scope = _reader(user)
    if not scope.can_write:
        raise PermissionDenied
    return scope


def _get(model, user, pk, action=VIEW, related=()):
    """The row `pk` of `model` in the user's scope: 404 outside it, 403 when they only read it."""
    row = model.objects.restrict(user, VIEW).select_related(*related).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Không tìm thấy trong phạm vi của bạn."))
    if action == CHANGE and not model.objects.restrict(user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    return row


def _agency_cost():
    costs = (DispatchCost.objects.filter(dispatch=OuterRef("pk"), source__in=AGENCY_SOURCES).order_by()
             .values("dispatch").annotate(s=Sum("amount")).values("s"))
    return Coalesce(Subquery(costs, output_field=IntegerField()), Value(0))


def _paid():
    paid = Payment.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(paid, output_field=IntegerField()), Value(0))


# -- dispatches ------------------------------------------------------------------------------------------------------
@login_required
def dispatch_list(request):
    scope = _reader(request.user)
    qs = Dispatch.objects.restrict(request.user).select_related("person").annotate(agency_cost=_agency_cost())
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    text, year = request.GET.get("q", "").replace("\x00", "").strip(), request.GET.get("year", "").strip()
    if status in Dispatch.Status.values:
        qs = qs.filter(status=status)
    if level in Level.values:
        qs = qs.filter(level=level)
    if year.isdigit():
        qs = qs.filter(decision_date__year=int(year))
    if text:
        qs = qs.filter(Q(person__code__iexact=text) | Q(person__name_folded__contains=fold(text)))
    return render_list(request, qs.order_by("-decision_date", "-pk"), "funding/dispatch_list.html", page_size=PAGE_SIZE,
                       rows_name="dispatches", context={
                           "can_write": scope.can_write, "statuses": Dispatch.Status.choices, "levels": Level.choices,
                           "status": status, "level": level, "q": text, "year": year})


@login_required
def dispatch_create(request):
    scope = _writer(request.user)
    people = Person.objects.restrict(request.user, CHANGE).active()
    form = DispatchForm(request.POST or None, people=people, may_override=scope.is_manager)
    check = None
    if request.method == "POST" and form.is_valid():
        person, on = form.instance.person, form.cleaned_data["decision_date"]
        check = queries.eligibility(person, on)
        if "check" not in request.POST:
            try:
                dispatch = services.create_dispatch(
                    form.save(commit=False), request.user, form.cleaned_data.get("override_reason", ""),
                    may_override=scope.is_manager)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã ghi nhận quyết định cử đi đào tạo."))
                return redirect("funding:dispatch_detail", pk=dispatch.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "funding/dispatch_form.html", {"form": form, "check": check}, status=status)


@login_required
def dispatch_detail(request, pk):
    scope = _reader(request.user)
    dispatch = _get(Dispatch, request.user, pk, related=("person", "diploma", "rule_set", "override_by"))
    can_edit = Dispatch.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    costs = list(dispatch.costs.order_by("item", "source"))
    case = ReimbursementCase.objects.filter(dispatch=dispatch).first()
    return render(request, "funding/dispatch_detail.html", {
        "d": dispatch, "costs": costs, "agency_cost": services.agency_cost(dispatch), "case": case,
        "can_edit": can_edit, "scope": scope, "reasons": [queries.reason_text(code, _RuleText(dispatch))
                                                          for code in dispatch.unmet if code in queries.CODES],
        "cost_form": CostForm(), "outcome_form": OutcomeForm(),
        "is_open": dispatch.status in Dispatch.OPEN_STATUSES,
    })


class _RuleText:
    """The values of the dispatch's rule set, for the reason sentences of its unmet conditions."""

    def __init__(self, dispatch):
        rule = getattr(dispatch.rule_set, "postgrad_rule", None) if dispatch.rule_set_id else None
        self.max_age = getattr(rule, "max_age", "")
        self.min_service_years = getattr(rule, "min_service_years", "")
        self.good_years = getattr(rule, "good_years", "")


@login_required
@require_POST
def dispatch_cost(request, pk):
    _reader(request.user)
    dispatch = _get(Dispatch, request.user, pk, CHANGE)
    form = CostForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("funding:dispatch_detail", pk=pk)
    item, source, amount = form.cleaned_data["item"], form.cleaned_data["source"], form.cleaned_data["amount"]
    row = DispatchCost.objects.filter(dispatch=dispatch, item=item, source=source).first()
    if amount == 0:
        if row is not None:
            row.delete()
    elif row is None:
        DispatchCost.objects.create(dispatch=dispatch, item=item, source=source, amount=amount)
    else:
        row.amount = amount
        row.save(update_fields=["amount"])
    messages.success(request, _("Đã cập nhật kinh phí."))
    return redirect("funding:dispatch_detail", pk=pk)


@login_required
@require_POST
def dispatch_outcome(request, pk):
    _reader(request.user)
    dispatch = _get(Dispatch, request.user, pk, CHANGE, related=("person",))
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
                                   for k, v in form.errors.items()])
        outcome, on = form.cleaned_data["outcome"], form.cleaned_data.get("on_date")
        if outcome == OutcomeForm.STUDYING:
            services.start_studying(dispatch)
        elif outcome == OutcomeForm.GRADUATED:
            services.record_graduation(dispatch, on, issued_on=form.cleaned_data.get("issued_on"),
                                       certificate_no=form.cleaned_data.get("certificate_no", ""))
        else:
            services.record_end_without_diploma(dispatch, outcome, on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã ghi nhận kết quả học tập."))
    return redirect("funding:dispatch_detail", pk=pk)


# -- commitments -----------------------------------------------------------------------------------------------------
@login_required
def commitments(request):
    _reader(request.user)
    today = timezone.localdate()
    raw = request.GET.get("thang", "6").strip()
    months = int(raw) if raw.isdigit() and 1 <= int(raw) <= 120 else 6
    until = services.add_months(today, months)
    qs = (Dispatch.objects.restrict(request.user).select_related("person")
          .filter(status=Dispatch.Status.GRADUATED, person__left_on__isnull=True,
                  commitment_ends_on__gte=today, commitment_ends_on__lte=until)
          .order_by("commitment_ends_on", "pk"))
    return render_list(request, qs, "funding/commitments.html", page_size=PAGE_SIZE, rows_name="dispatches",
                       context={"months": months, "today": today, "until": until})


# -- reimbursement cases ---------------------------------------------------------------------------------------------
@login_required
def case_list(request):
    scope = _reader(request.user)
    qs = ReimbursementCase.objects.restrict(request.user).select_related("person", "dispatch").annotate(paid=_paid())
    status = request.GET.get("status", "")
    if status in ReimbursementCase.Status.values:
        qs = qs.filter(status=status)
    return render_list(request, qs.order_by("-opened_on", "-pk"), "funding/case_list.html", page_size=PAGE_SIZE,
                       rows_name="cases", context={"statuses": ReimbursementCase.Status.choices, "status": status,
                                                   "can_write": scope.can_write})


@login_required
def case_detail(request, pk):
    _reader(request.user)
    case = _get(ReimbursementCase, request.user, pk, related=("person", "dispatch"))
    can_edit = ReimbursementCase.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    payments = list(case.payments.all())
    paid = sum(p.amount for p in payments)
    closed = case.status in (ReimbursementCase.Status.PAID, ReimbursementCase.Status.CLOSED)
    return render(request, "funding/case_detail.html", {
        "case": case, "payments": payments, "paid": paid, "balance": case.amount_due - paid, "can_edit": can_edit,
        "decision_form": DecisionForm(initial={"case": case.case, "decision_date": timezone.localdate()}),
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}), "closed": closed,
    })


def _form_errors(form):
    return "; ".join(f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
                     for k, v in form.errors.items())


@login_required
@require_POST
def case_decide(request, pk):
    _reader(request.user)
    case = _get(ReimbursementCase, request.user, pk, CHANGE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        data = form.cleaned_data
        try:
            services.decide_case(case, case=data["case"], decision_no=data["decision_no"],
                                 decision_date=data["decision_date"], amount_decided=data.get("amount_decided"),
                                 exemption_reason=data.get("exemption_reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi nhận quyết định của Hội đồng."))
    return redirect("funding:case_detail", pk=pk)


@login_required
@require_POST
def case_payment(request, pk):
    _reader(request.user)
    case = _get(ReimbursementCase, request.user, pk, CHANGE)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.add_payment(case, form.cleaned_data["paid_on"], form.cleaned_data["amount"],
                                 form.cleaned_data.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi nhận khoản nộp."))
    return redirect("funding:case_detail", pk=pk)


# -- the staff page's panel ------------------------------------------------------------------------------------------
def staff_page_panel(request, person, context):
    """The staff page's funding panel (registered on people.extensions.person_page): the person's postgraduate
    dispatches with their commitment and reimbursement case, their attractions with the support paid, and their
    source-cadre candidacy, each read through its own scope (`restrict`) as the funding pages read it — the roles that
    have no funding pages (training institutions, learners) get no panel. Three queries."""
    scope = scope_of(request.user)
    if not scope.sees_units or scope.is_institution:
        return {}
    user = request.user
    dispatches = list(Dispatch.objects.restrict(user).filter(person=person).select_related("reimbursement")
                      .annotate(agency_cost=_agency_cost()).order_by("-decision_date", "-pk"))
    paid = (AttractionPayment.objects.filter(attraction=OuterRef("pk")).order_by().values("attraction")
            .annotate(s=Sum("amount")).values("s"))
    attractions = list(Attraction.objects.restrict(user).filter(person=person).select_related("policy")
                       .annotate(paid=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0)))
                       .order_by("-decision_date", "-pk"))
    candidate = Candidate.objects.restrict(user).filter(person=person).select_related("scheme").first()
    return {"funding_panel": {"dispatches": dispatches, "attractions": attractions, "candidate": candidate}}
