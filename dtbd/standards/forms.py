"""Forms of the review pages (unit, date, filters) and of the rule catalogue (add / edit a requirement)."""
import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.forms import DATE_WIDGET, UnitChoiceField
from dtbd.org.models import Unit
from dtbd.people.catalog import Category, PostLevel

from .models import Requirement


class ReviewForm(forms.Form):
    """Which unit (within the user's scope), on which date, and which people (category, post level) are reviewed."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"), empty_label=None)
    date = forms.DateField(label=_("Ngày rà soát"), widget=DATE_WIDGET, required=False, help_text=_("dd/mm/yyyy"))
    category = forms.ChoiceField(
        label=_("Loại cán bộ"), required=False,
        choices=[("", _("Tất cả"))] + [(c.value, c.label) for c in (Category.CB, Category.CC, Category.VC)],
    )
    post_level = forms.ChoiceField(label=_("Cấp chức vụ"), required=False, choices=[("", _("Tất cả"))] + list(PostLevel.choices))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).only("pk", "name", "code", "depth", "valid_to").order_by("path")
        field = self.fields["unit"]
        field.queryset = units
        field.base_depth = min((u.depth for u in units[:1]), default=0)
        self.fields["date"].initial = datetime.date.today()


CODE_FIELDS = ("categories", "rank_tiers", "post_levels", "planned_levels", "unit_kinds", "unit_levels")


class RequirementForm(forms.ModelForm):
    """Add or edit one requirement row; Requirement.clean checks the codes and the kind's fields."""

    class Meta:
        model = Requirement
        fields = [
            "code", "name", "rule_set", "legal_basis", "valid_from", "valid_to",
            "categories", "rank_kind", "rank_tiers", "rank_code", "title_families", "post_levels", "planned_levels",
            "planned_not_holding", "job_position", "unit_kinds", "unit_levels",
            "kind", "qualification_type", "min_level", "programme_code", "within_years", "hours", "period",
            "period_years", "priority",
        ]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_to": DATE_WIDGET,
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "categories": _("Mã, cách nhau bởi dấu phẩy, ví dụ: CC,VC. Để trống: mọi loại."),
            "rank_tiers": _("Ví dụ: CVC,CV. Để trống: mọi ngạch."),
            "post_levels": _("Ví dụ: TINH,GD,PGD,TP,PTP. Để trống: không xét chức vụ."),
            "planned_levels": _("Ví dụ: GD,PGD. Để trống: không xét quy hoạch."),
            "unit_kinds": _("Mã loại đơn vị, cách nhau bởi dấu phẩy."),
            "unit_levels": _("Ví dụ: TINH,XA."),
            "min_level": _("Mã trình độ, ví dụ: CVC, TC, DH."),
            "valid_from": _("dd/mm/yyyy; để trống nếu áp dụng từ trước."),
            "valid_to": _("dd/mm/yyyy; để trống nếu còn hiệu lực."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period", "priority"):  # defaults: a calendar year; priority 0 (the general rule)
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if not data.get("period"):
            data["period"] = self.instance.period = Requirement.Period.CALENDAR_YEAR
        if data.get("priority") is None:
            data["priority"] = self.instance.priority = 0
        for name in CODE_FIELDS + ("min_level", "rank_code", "title_families", "code"):
            if isinstance(data.get(name), str):
                value = data[name].strip()
                data[name] = value.upper() if name in CODE_FIELDS + ("min_level", "code") else value
                setattr(self.instance, name, data[name])
        return data
