"""Forms of the gate pages: the eligibility check (target post level / rank, date), the appointment form and the
succession-list check (unit, planned level, date). Units are offered within the user's scope only."""
import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import CHANGE
from dtbd.org.forms import DATE_WIDGET, UnitChoiceField
from dtbd.org.models import Unit
from dtbd.people.catalog import PostLevel
from dtbd.people.models import Rank

from .gate import can_record_exception
from .models import Appointment

DATE_ERRORS = {"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.")}


class RankChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rank):
        return f"{rank.code} — {rank.name}"


def _rank_field(required=False):
    return RankChoiceField(
        queryset=Rank.objects.order_by("code"), to_field_name="code", required=required, label=_("Ngạch"),
        empty_label=_("— không xét —"),
    )


def _scoped_units(user, action="view"):
    units = Unit.objects.restrict(user, action).only("pk", "name", "code", "depth", "valid_to").order_by("path")
    return units, min((u.depth for u in units[:1]), default=0)


class GateCheckForm(forms.Form):
    """Đủ điều kiện bổ nhiệm? — a target post level and/or rank, on a date (default today)."""

    post_level = forms.ChoiceField(label=_("Cấp chức vụ dự kiến"), required=False, choices=[("", _("— không xét —"))] + list(PostLevel.choices))
    rank = _rank_field()
    date = forms.DateField(label=_("Tại ngày"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def clean(self):
        data = super().clean()
        data["date"] = data.get("date") or datetime.date.today()
        return data

    def has_target(self):
        return self.is_valid() and bool(self.cleaned_data.get("post_level") or self.cleaned_data.get("rank"))


class AppointmentForm(forms.Form):
    """Bổ nhiệm chức vụ or nâng ngạch, with the decision; province managers may record an exception with a reason."""

    kind = forms.ChoiceField(label=_("Loại"), choices=Appointment.Kind.choices, widget=forms.RadioSelect, initial=Appointment.Kind.POST)
    post_title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False, help_text=_("Ví dụ: Phó Giám đốc Sở Nội vụ."))
    post_level = forms.ChoiceField(label=_("Cấp chức vụ"), required=False, choices=[("", "—")] + list(PostLevel.choices))
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Tại đơn vị"), required=False,
                           empty_label=_("— đơn vị đang công tác —"), help_text=_("Để trống: đơn vị cán bộ đang công tác."))
    rank = _rank_field()
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE_WIDGET, error_messages=DATE_ERRORS, help_text=_("dd/mm/yyyy"))
    decision_no = forms.CharField(label=_("Số quyết định"), max_length=60)
    record_exception = forms.BooleanField(label=_("Ghi nhận ngoại lệ (bổ nhiệm khi chưa đủ tiêu chuẩn)"), required=False)
    exception_reason = forms.CharField(label=_("Lý do ngoại lệ"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units, depth = _scoped_units(user, CHANGE)
        self.fields["unit"].queryset = units
        self.fields["unit"].base_depth = depth
        self.fields["rank"].empty_label = "—"
        if not can_record_exception(user):
            del self.fields["record_exception"]
            del self.fields["exception_reason"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Appointment.Kind.POST and not data.get("post_level"):
            self.add_error("post_level", _("Chọn cấp chức vụ được bổ nhiệm."))
        if kind == Appointment.Kind.RANK and not data.get("rank"):
            self.add_error("rank", _("Chọn ngạch được nâng / bổ nhiệm."))
        if data.get("record_exception") and not (data.get("exception_reason") or "").strip():
            self.add_error("exception_reason", _("Nhập lý do khi ghi nhận ngoại lệ."))
        return data

    def exception_text(self):
        data = self.cleaned_data
        return (data.get("exception_reason") or "").strip() if data.get("record_exception") else ""


class SuccessionForm(forms.Form):
    """Kiểm tra danh sách quy hoạch: a unit of the user's scope, a planned post level, a date."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"), empty_label=None)
    level = forms.ChoiceField(label=_("Cấp chức vụ quy hoạch"), choices=PostLevel.choices)
    date = forms.DateField(label=_("Tại ngày"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units, depth = _scoped_units(user)
        self.fields["unit"].queryset = units
        self.fields["unit"].base_depth = depth

    def clean(self):
        data = super().clean()
        data["date"] = data.get("date") or datetime.date.today()
        return data
