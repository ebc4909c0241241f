"""Class costs, cost norms, roll-ups and the execution view (docs/domain.md §13.3, §13.4).

- /ke-hoach/lop/<class>/kinh-phi/: a class's costs as a grid (items × funding sources, estimated and actual). Read by
  those budget.cost_classes(user) lets see (404 for anyone else); written by those who run the class (403 for the
  other readers).
- /ke-hoach/dinh-muc/: the cost norms valid on a date, and their history (edited in the admin).
- /ke-hoach/<plan>/thuc-hien/: a plan's execution (Plan.objects.restrict: 404 out of scope).
Views are thin: the figures come from services.budget and services.execution."""
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import CHANGE, is_manager

from ..models import CostItem, CostNorm, Funding, Plan
from ..services import budget as services
from ..services import execution


class ClassCostForm(forms.Form):
    """One field per cell of the grid: `e_<ITEM>_<SOURCE>` (estimated) and `a_<ITEM>_<SOURCE>` (actual, blank =
    not settled yet). Labels name the cell, so an error says where it is."""

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = [(item, source) for item in CostItem.values for source in Funding.values]
        items, sources = dict(CostItem.choices), dict(Funding.choices)
        for item, source in self.keys:
            cell = budget.cells.get((item, source))
            for prefix, what, value in (("e", gettext_lazy("Dự toán"), cell.estimated if cell else None),
                                        ("a", gettext_lazy("Thực chi"), cell.actual if cell else None)):
                label = f"{what} — {items[item]} — {sources[source]}"
                self.fields[f"{prefix}_{item}_{source}"] = forms.DecimalField(
                    label=label, required=False, min_value=0, max_digits=15, decimal_places=0, initial=value,
                    widget=forms.NumberInput(attrs={"class": "num", "step": "1", "min": "0", "aria-label": label,
                                                    "placeholder": what, "style": "width:9rem"}),
                )

    def cells(self):
        return {(item, source): (self.cleaned_data[f"e_{item}_{source}"], self.cleaned_data[f"a_{item}_{source}"])
                for item, source in self.keys}

    def grid(self):
        """Rows for the template: (item label, [(estimated field, actual field) per source])."""
        return [
            (label, [(self[f"e_{item}_{source}"], self[f"a_{item}_{source}"]) for source in Funding.values])
            for item, label in CostItem.choices
        ]


@login_required
def class_costs(request, pk):
    training_class = get_object_or_404(
        services.cost_classes(request.user).select_related("program", "provider"), pk=pk
    )
    can_edit = services.cost_classes(request.user, CHANGE).filter(pk=pk).exists()
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Bạn không có quyền sửa kinh phí của lớp này."))
    budget = services.class_budget(training_class)
    form = ClassCostForm(request.POST or None, budget=budget) if can_edit else None
    if form is not None and request.method == "POST":
        if form.is_valid():
            budget = services.save_class_costs(training_class, form.cells())
            messages.success(request, _("Đã lưu kinh phí lớp %(code)s.") % {"code": training_class.code})
            for warning in budget.warnings:
                messages.warning(request, warning)
            return redirect("plans:class_costs", pk=training_class.pk)
        messages.error(request, _("Chưa lưu: kiểm tra các ô được đánh dấu."))
    context = {
        "obj": training_class,
        "budget": budget,
        "form": form,
        "can_edit": can_edit,
        "sources": Funding.choices,
        "items": CostItem.choices,
        "by_item": [(label, budget.by_item.get(item)) for item, label in CostItem.choices],
        "by_source": [(label, budget.by_source.get(code)) for code, label in
                      [*Funding.choices, (services.NO_SOURCE, _("Chưa rõ nguồn"))] if code in budget.by_source],
    }
    return render(request, "plans/budget_class.html", context)


def class_page_panel(request, training_class):
    """The class page's "Kinh phí" panel (registered on training.extensions.class_page): the detailed total by
    source, or the old single figure; nothing for those who may not read the class's costs."""
    if not services.cost_classes(request.user).filter(pk=training_class.pk).exists():
        return ""
    budget = services.class_budget(training_class)
    by_source = [(label, budget.by_source.get(code)) for code, label in
                 [*Funding.choices, (services.NO_SOURCE, _("Chưa rõ nguồn"))] if code in budget.by_source]
    return render_to_string("plans/budget_panel.html", {"obj": training_class, "budget": budget,
                                                        "by_source": by_source}, request=request)


def _date(value):
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date() if value else None
    except ValueError:
        return None


@login_required
def norm_list(request):
    """The norms valid on ?ngay=dd/mm/yyyy (default today), and every period of every norm."""
    raw = request.GET.get("ngay", "")
    date = _date(raw)
    if raw and date is None:
        messages.error(request, _("Ngày “%(value)s” không hợp lệ (dạng dd/mm/yyyy): hiển thị định mức hôm nay.")
                       % {"value": raw[:20]})
    date = date or datetime.date.today()
    context = {
        "date": date,
        "norms": list(services.norms_on(date)),
        "history": list(CostNorm.objects.order_by("item", "code", "-valid_from")),
        "can_edit": is_manager(request.user) and request.user.is_staff,
        "is_manager": is_manager(request.user),
    }
    return render(request, "plans/norm_list.html", context)


@login_required
def plan_execution(request, pk):
    plan = get_object_or_404(Plan.objects.restrict(request.user).select_related("unit"), pk=pk)
    raw = request.GET.get("ngay", "")
    date = _date(raw)
    if raw and date is None:
        messages.error(request, _("Ngày “%(value)s” không hợp lệ (dạng dd/mm/yyyy): tính đến hôm nay.")
                       % {"value": raw[:20]})
    result = execution.plan_execution(plan, date or datetime.date.today())
    return render(request, "plans/execution_plan.html", {"plan": plan, "result": result, "date": result.date})
