"""Talent attraction (thu hút nhân tài, docs/domain.md §14.4): writes with their scope checks, and the figures of a
policy counted in the database. Views call these; every change is a save() or delete() of one row (audited)."""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.text import fold
from dtbd.org.models import Unit
from dtbd.people.models import Person

from .models import Attraction, AttractionPayment, Policy, PolicyItem
from .services import add_months


# ------------------------------------------------------------------------------------------------ policies
def require_manager(user):
    """Policies and schemes are the province's: only a manager writes them (others 403)."""
    if not scope_of(user).is_manager:
        raise PermissionDenied


@transaction.atomic
def save_policy(policy: Policy, user) -> Policy:
    require_manager(user)
    if policy.valid_to and policy.valid_to < policy.valid_from:
        raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu áp dụng.")})
    policy.save()
    return policy


@transaction.atomic
def add_item(policy: Policy, user, name, amount=None, description="") -> PolicyItem:
    """A support item of the policy: its name and an amount (đồng) or a description."""
    require_manager(user)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Nhập tên chế độ hỗ trợ.")})
    if amount is None and not (description or "").strip():
        raise ValidationError({"amount": _("Nhập mức hỗ trợ (đồng) hoặc mô tả chế độ.")})
    return PolicyItem.objects.create(policy=policy, name=name, amount=amount, description=(description or "").strip())


@transaction.atomic
def remove_item(policy: Policy, user, item_pk) -> None:
    require_manager(user)
    item = PolicyItem.objects.filter(policy=policy, pk=item_pk).first() if item_pk is not None else None
    if item is None:
        raise ValidationError(_("Không tìm thấy chế độ hỗ trợ này."))
    item.delete()


# ------------------------------------------------------------------------------------------------ people attracted
@transaction.atomic
def save_attraction(attraction: Attraction, user) -> Attraction:
    """Record (or change) a person attracted under a policy. The person must be one the user may change, the unit
    where they are placed one of the user's write scope, the decision within the policy's period; the commitment's end
    is counted from the decision date when not given."""
    if not Person.objects.restrict(user, CHANGE).filter(pk=attraction.person_id).exists():
        raise ValidationError({"person": _("Không tìm thấy cán bộ trong phạm vi của bạn.")})
    if not Unit.objects.restrict(user, CHANGE).filter(pk=attraction.unit_id).exists():
        raise ValidationError({"unit": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})
    policy = attraction.policy
    if not policy.in_force_on(attraction.decision_date):
        raise ValidationError({"decision_date": _("Ngày quyết định ngoài thời gian áp dụng của chính sách.")})
    if attraction.commitment_months and not attraction.commitment_ends_on:
        attraction.commitment_ends_on = add_months(attraction.decision_date, attraction.commitment_months)
    if attraction.commitment_ends_on and attraction.commitment_ends_on < attraction.decision_date:
        raise ValidationError({"commitment_ends_on": _("Ngày hết cam kết trước ngày quyết định.")})
    if not attraction.pk:
        attraction.created_by = user
    try:
        with transaction.atomic():
            attraction.save()
    except IntegrityError:
        raise ValidationError({"person": _("Cán bộ này đã được ghi nhận thu hút theo chính sách này.")}) from None
    return attraction


def _writable(attraction, user):
    if not Attraction.objects.restrict(user, CHANGE).filter(pk=attraction.pk).exists():
        raise PermissionDenied


@transaction.atomic
def add_payment(attraction: Attraction, user, year, item, amount) -> AttractionPayment:
    """Support paid in a year (đồng, > 0)."""
    _writable(attraction, user)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Số tiền phải lớn hơn 0.")})
    if year is None or year < attraction.decision_date.year - 1 or year > 2100:
        raise ValidationError({"year": _("Năm chi trả không hợp lệ (từ năm trước năm quyết định).")})
    item = " ".join((item or "").split())
    if not item:
        raise ValidationError({"item": _("Nhập khoản hỗ trợ.")})
    return AttractionPayment.objects.create(attraction=attraction, year=year, item=item, amount=amount)


@transaction.atomic
def remove_payment(attraction: Attraction, user, payment_pk) -> None:
    _writable(attraction, user)
    payment = (AttractionPayment.objects.filter(attraction=attraction, pk=payment_pk).first()
               if payment_pk is not None else None)
    if payment is None:
        raise ValidationError(_("Không tìm thấy khoản chi này."))
    payment.delete()


# ------------------------------------------------------------------------------------------------ figures
def policies_with_figures(user):
    """Every policy annotated with `people` (people attracted) and `paid` (support paid, đồng), counting only the
    people the user sees: one query."""
    seen = Attraction.objects.restrict(user)
    people = (seen.filter(policy=OuterRef("pk")).order_by().values("policy")
              .annotate(c=Count("person", distinct=True)).values("c"))
    paid = (AttractionPayment.objects.filter(attraction__in=seen.values("pk"), attraction__policy=OuterRef("pk"))
            .order_by().values("attraction__policy").annotate(s=Sum("amount")).values("s"))
    return Policy.objects.annotate(
        people=Coalesce(Subquery(people, output_field=IntegerField()), Value(0)),
        paid=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0)))


def totals(user, policy=None) -> dict:
    """{'people': distinct people attracted, 'paid': support paid} over the policies (or one), in the user's scope."""
    seen = Attraction.objects.restrict(user)
    if policy is not None:
        seen = seen.filter(policy=policy)
    people = seen.aggregate(c=Count("person", distinct=True))["c"]
    paid = AttractionPayment.objects.filter(attraction__in=seen.values("pk")).aggregate(s=Sum("amount"))["s"] or 0
    return {"people": people, "paid": paid}


@dataclass
class FieldFigure:
    field: str
    people: int = 0
    paid: int = 0
    targeted: bool = False

    @property
    def shortfall(self):
        return self.targeted and self.people == 0


@dataclass
class Figures:
    people: int = 0
    paid: int = 0
    fields: list = field(default_factory=list)

    @property
    def shortfalls(self):
        return [f.field for f in self.fields if f.shortfall]


def figures(policy: Policy, user) -> Figures:
    """A policy's figures in the user's scope: people attracted and support paid per field, counted and summed in the
    database (two grouped queries and the totals), fields named alike (case and accents ignored) counted together;
    the policy's target fields with no one attracted are shortfalls (thiếu hụt)."""
    seen = Attraction.objects.restrict(user).filter(policy=policy)
    by_field: dict[str, FieldFigure] = {}
    for target in policy.target_list():
        by_field[fold(target)] = FieldFigure(target, targeted=True)
    for row in seen.order_by().values("field").annotate(c=Count("person", distinct=True)):
        figure = by_field.setdefault(fold(row["field"]), FieldFigure(row["field"]))
        figure.people += row["c"]
    paid = (AttractionPayment.objects.filter(attraction__in=seen.values("pk")).order_by()
            .values("attraction__field").annotate(s=Sum("amount")))
    for row in paid:
        by_field.setdefault(fold(row["attraction__field"]), FieldFigure(row["attraction__field"])).paid += row["s"]
    total = totals(user, policy)
    ordered = sorted(by_field.values(), key=lambda f: (f.people == 0 and not f.paid, -f.people, fold(f.field)))
    return Figures(people=total["people"], paid=total["paid"], fields=ordered)
