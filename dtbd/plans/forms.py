"""Forms of the plan pages (docs/domain.md §13.2): list filters, the plan, its lines with costs by source, the status
moves, comments and the class opened from a line. They check the input's shape; the rules are in
services.workflow."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import scope_of
from dtbd.org.models import Unit
from dtbd.people.forms import UnitField, date_field
from dtbd.training.models import Program, Provider, TrainingClass

from .models import Funding, Plan, PlanLine

ALL = [("", _("Tất cả"))]


def year_choices():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this + 2, this - 6, -1)]


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    unit = UnitField(queryset=Unit.objects.none(), label=_("Đơn vị"), required=False, empty_label=_("Tất cả"))
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=ALL + Plan.Status.choices)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = ALL + year_choices()
        # Only the units that have a plan the user sees (one query when the form is drawn).
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=plans.values("unit")).order_by("path")

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("unit"):
            qs = qs.filter(unit=data["unit"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs


class PlanForm(forms.Form):
    unit = UnitField(queryset=Unit.objects.none(), label=_("Đơn vị"),
                     error_messages={"invalid_choice": _("Đơn vị không có hoặc bạn không được lập kế hoạch cho đơn vị này.")})
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100,
                              error_messages={"min_value": _("Năm kế hoạch không hợp lệ (2000–2100)."),
                                              "max_value": _("Năm kế hoạch không hợp lệ (2000–2100).")})
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    budget_cap = forms.DecimalField(label=_("Tổng kinh phí được giao (đồng)"), required=False, min_value=0,
                                    max_digits=15, decimal_places=0)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        if plan is not None:  # editing: the unit and year stay
            del self.fields["unit"]
            del self.fields["year"]
        elif scope.is_manager:
            self.fields["unit"].queryset = Unit.objects.order_by("path")
        elif scope.is_unit_officer:
            self.fields["unit"].queryset = Unit.objects.filter(pk=user.scope_unit_id)
            self.fields["unit"].initial = user.scope_unit_id
        if plan is None:
            self.fields["year"].initial = timezone.localdate().year + 1


class ProgramField(forms.ModelChoiceField):
    def label_from_instance(self, program):
        return f"{program.code} — {program.name}"


class LineForm(forms.ModelForm):
    """A plan line and its estimated cost by funding source (one field per source, blank = none)."""

    program = ProgramField(queryset=Program.objects.none(), label=_("Chương trình"))

    class Meta:
        model = PlanLine
        fields = ["program", "target_group", "people", "classes", "form", "provider", "quarter", "note"]
        widgets = {
            "quarter": forms.Select(choices=[(q, _("Quý %(q)s") % {"q": q}) for q in (1, 2, 3, 4)]),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(active=True)
        if self.instance.pk:
            programs = programs | Program.objects.filter(pk=self.instance.program_id)
        self.fields["program"].queryset = programs.order_by("code")
        self.fields["provider"].queryset = Provider.objects.order_by("name")
        self.fields["people"].min_value = None  # the service says it in Vietnamese
        costs = {}
        if self.instance.pk:
            costs = {c.source: c.amount for c in self.instance.costs.all()}
        for source, label in Funding.choices:
            self.fields[f"cost_{source}"] = forms.DecimalField(
                label=_("Dự toán — %(s)s (đồng)") % {"s": label}, required=False, min_value=0, max_digits=15,
                decimal_places=0, initial=costs.get(source),
                error_messages={"min_value": _("Dự toán không được âm.")},
            )

    def costs(self):
        return {source: self.cleaned_data.get(f"cost_{source}") for source in Funding.values}

    def line_data(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def _post_clean(self):
        pass  # the service validates the line (services.workflow._check_line) and saves it


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Plan.Status.choices)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision_no = forms.CharField(label=_("Số quyết định phê duyệt"), required=False, max_length=60)
    approved_on = date_field(_("Ngày phê duyệt"))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Nhập nội dung ý kiến.")})


class OpenClassForm(forms.ModelForm):
    """The class opened from a plan line: programme, provider come from the line."""

    starts_on = date_field(_("Ngày khai giảng"), required=True)
    ends_on = date_field(_("Ngày kết thúc"), required=True)
    registration_opens = date_field(_("Mở đăng ký từ"))
    registration_closes = date_field(_("Hạn đăng ký"))

    class Meta:
        model = TrainingClass
        fields = ["code", "name", "form", "place", "starts_on", "ends_on", "registration_opens",
                  "registration_closes", "capacity", "min_size", "cost_estimate", "funding_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = None
        self.fields["capacity"].widget.attrs.pop("min", None)

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip().upper()
        if TrainingClass.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(_("Mã lớp “%(code)s” đã được dùng; hãy chọn mã khác.") % {"code": code})
        return code

    def _post_clean(self):
        pass  # the class is checked whole (model clean) by services.workflow.open_class_from_line


class OptimiseForm(forms.Form):
    """The optimiser's parameters (services.proposal.Options): budget, limits, class sizes and costs, weights."""

    budget = forms.IntegerField(label=_("Tổng kinh phí tối đa (đồng)"), min_value=0, max_value=10**15)
    max_classes_per_person = forms.IntegerField(label=_("Số lớp tối đa một người trong năm"), min_value=1, max_value=10,
                                                initial=2)
    capacity = forms.IntegerField(label=_("Số học viên tối đa một lớp"), min_value=1, max_value=1000, initial=50)
    min_size = forms.IntegerField(label=_("Số học viên tối thiểu để mở lớp"), min_value=0, max_value=1000, initial=20)
    fixed_cost = forms.IntegerField(label=_("Chi phí cố định một lớp (đồng)"), min_value=0, max_value=10**13,
                                    initial=20_000_000)
    cost_per_tiet = forms.IntegerField(label=_("Chi phí thêm mỗi tiết học của lớp (đồng)"), min_value=0,
                                       max_value=10**10, initial=150_000)
    cost_per_person_day = forms.IntegerField(label=_("Chi phí mỗi học viên mỗi ngày (đồng)"), min_value=0,
                                             max_value=10**10, initial=200_000)
    source = forms.ChoiceField(label=_("Nguồn kinh phí của các dòng đề xuất"), choices=Funding.choices,
                               initial=Funding.NSTINH)
    time_limit = forms.IntegerField(label=_("Thời gian tìm phương án tối đa (giây)"), min_value=5, max_value=600,
                                    initial=30)
    legal = forms.FloatField(label=_("Trọng số: tiêu chuẩn bắt buộc"), min_value=0.1, max_value=1000, initial=10)
    planned_post = forms.FloatField(label=_("Trọng số: chức vụ quy hoạch"), min_value=0.1, max_value=1000, initial=6)
    job_position = forms.FloatField(label=_("Trọng số: vị trí việc làm"), min_value=0.1, max_value=1000, initial=4)
    request = forms.FloatField(label=_("Trọng số: đơn vị đề nghị"), min_value=0.1, max_value=1000, initial=3)
    per_year_waited = forms.FloatField(label=_("Cộng thêm mỗi năm đã chờ (tối đa 3 năm)"), min_value=0,
                                       max_value=1000, initial=1)
    deadline_in_year = forms.FloatField(label=_("Cộng thêm khi hạn đáp ứng rơi vào năm kế hoạch"), min_value=0,
                                        max_value=1000, initial=5)
    retiring_factor = forms.FloatField(label=_("Hệ số với người nghỉ hưu trong 2 năm tới"), min_value=0.01,
                                       max_value=1, initial=0.5)

    WEIGHTS = ("legal", "planned_post", "job_position", "request", "per_year_waited", "deadline_in_year",
               "retiring_factor")

    def clean(self):
        data = super().clean()
        if data.get("min_size") is not None and data.get("capacity") and data["min_size"] > data["capacity"]:
            self.add_error("min_size", _("Số học viên tối thiểu không được lớn hơn số học viên tối đa."))
        return data

    def options(self):
        data = dict(self.cleaned_data)
        weights = {name: data.pop(name) for name in self.WEIGHTS}
        return {**data, "weights": weights}
