"""Pages of talent attraction under /thu-hut-nhan-tai/ (docs/domain.md §14.4). The policies are the province's:
every role that sees units reads them, managers write them; the people attracted and the figures are those of the
caller's scope (Person.objects.restrict). Training institutions and learners have no access (403); a record out of
scope answers 404, a write page of a record one only reads 403. Rules and scope checks live in funding.talent."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE
from dtbd.core.lists import render_list
from dtbd.core.text import fold
from dtbd.people.models import Person
from dtbd.people.services import placement_units

from . import talent
from .forms import AttractionForm, AttractionPaymentForm, PolicyForm, PolicyItemForm
from .models import Attraction, AttractionPayment, Policy
from .views import PAGE_SIZE, _form_errors, _get, _reader, _writer


def small_int(value):
    """A positive whole number a database key can hold (up to 9 digits), else None: no input answers 500."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _manager(user):
    scope = _reader(user)
    talent.require_manager(user)
    return scope


def _paid():
    paid = (AttractionPayment.objects.filter(attraction=OuterRef("pk")).order_by().values("attraction")
            .annotate(s=Sum("amount")).values("s"))
    return Coalesce(Subquery(paid, output_field=IntegerField()), Value(0))


# -- policies --------------------------------------------------------------------------------------------------------
@login_required
def policy_list(request):
    scope = _reader(request.user)
    policies = talent.policies_with_figures(request.user).order_by("-valid_from", "-pk")
    return render_list(request, policies, "funding/policy_list.html", page_size=PAGE_SIZE, rows_name="policies",
                       context={"totals": talent.totals(request.user), "is_manager": scope.is_manager})


@login_required
def policy_detail(request, pk):
    scope = _reader(request.user)
    policy = get_object_or_404(Policy, pk=pk)
    return render(request, "funding/policy_detail.html", {
        "policy": policy, "items": list(policy.items.all()), "figures": talent.figures(policy, request.user),
        "is_manager": scope.is_manager, "item_form": PolicyItemForm(), "can_write": scope.can_write})


@login_required
def policy_edit(request, pk=None):
    _manager(request.user)
    policy = get_object_or_404(Policy, pk=pk) if pk else Policy()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            policy = talent.save_policy(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu chính sách thu hút nhân tài."))
            return redirect("talent:policy_detail", pk=policy.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "funding/policy_form.html", {"form": form, "policy": policy if pk else None}, status=status)


@login_required
@require_POST
def policy_item(request, pk):
    _manager(request.user)
    policy = get_object_or_404(Policy, pk=pk)
    try:
        if "remove" in request.POST:
            talent.remove_item(policy, request.user, small_int(request.POST["remove"]))
        else:
            form = PolicyItemForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_form_errors(form))
            talent.add_item(policy, request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật chế độ hỗ trợ."))
    return redirect("talent:policy_detail", pk=pk)


# -- people attracted ------------------------------------------------------------------------------------------------
@login_required
def attraction_list(request):
    scope = _reader(request.user)
    qs = Attraction.objects.restrict(request.user).select_related("person", "policy", "unit").annotate(paid=_paid())
    policy, text, field = request.GET.get("policy", ""), request.GET.get("q", "").replace("\x00", "").strip(), \
        request.GET.get("field", "").replace("\x00", "").strip()
    if small_int(policy) is not None:
        qs = qs.filter(policy_id=small_int(policy))
    if field:
        qs = qs.filter(field__icontains=field)
    if text:
        qs = qs.filter(Q(person__code__iexact=text) | Q(person__name_folded__contains=fold(text)))
    return render_list(request, qs.order_by("-decision_date", "-pk"), "funding/attraction_list.html",
                       page_size=PAGE_SIZE, rows_name="attractions", context={
                           "policies": list(Policy.objects.order_by("-valid_from", "pk").values("pk", "name")),
                           "policy": policy, "q": text, "field": field, "can_write": scope.can_write})


@login_required
def attraction_edit(request, pk=None):
    _writer(request.user)
    attraction = _get(Attraction, request.user, pk, CHANGE, related=("person",)) if pk else Attraction()
    initial = {"policy": small_int(request.GET.get("policy"))} if not pk else None
    form = AttractionForm(request.POST or None, instance=attraction, initial=initial,
                          people=Person.objects.restrict(request.user, CHANGE), units=placement_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            attraction = talent.save_attraction(form.save(commit=False), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu người được thu hút."))
            return redirect("talent:attraction_detail", pk=attraction.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "funding/attraction_form.html", {"form": form, "attraction": attraction if pk else None},
                  status=status)


@login_required
def attraction_detail(request, pk):
    _reader(request.user)
    attraction = _get(Attraction, request.user, pk, related=("person", "policy", "unit"))
    payments = list(attraction.payments.all())
    return render(request, "funding/attraction_detail.html", {
        "a": attraction, "payments": payments, "paid": sum(p.amount for p in payments),
        "can_edit": Attraction.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
        "payment_form": AttractionPaymentForm(initial={"year": attraction.decision_date.year})})


@login_required
@require_POST
def attraction_payment(request, pk):
    _reader(request.user)
    attraction = _get(Attraction, request.user, pk, CHANGE)
    try:
        if "remove" in request.POST:
            talent.remove_payment(attraction, request.user, small_int(request.POST["remove"]))
        else:
            form = AttractionPaymentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_form_errors(form))
            talent.add_payment(attraction, request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật kinh phí hỗ trợ."))
    return redirect("talent:attraction_detail", pk=pk)


