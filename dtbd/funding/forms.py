"""Forms of the postgraduate pages (docs/domain.md §14.2–14.3). Rules live in funding.services; the forms read and
check the fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import Unit
from dtbd.people.catalog import Category
from dtbd.people.models import Ethnicity, Person
from dtbd.training.models import Program

from .models import Attraction, Candidate, CandidateStep, Case, CostItem, Dispatch, Funding, Policy, Scheme

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 12})
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.")}


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, error_messages=DATE_ERRORS,
                           input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class DispatchForm(forms.ModelForm):
    person_code = forms.CharField(label=_("Mã cán bộ"), max_length=30)
    decision_date = date_field(_("Ngày quyết định"))
    starts_on = date_field(_("Ngày bắt đầu học"))
    planned_end = date_field(_("Ngày kết thúc dự kiến"))
    override_reason = forms.CharField(
        label=_("Lý do vẫn cử đi khi chưa đủ điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Chỉ lãnh đạo quản lý cấp tỉnh; được ghi lại cùng các điều kiện chưa đạt."))

    class Meta:
        model = Dispatch
        fields = ["level", "field", "institution", "abroad", "country", "decision_no", "decision_date", "signer",
                  "starts_on", "planned_end", "field_matches_position", "note"]

    def __init__(self, *args, people=None, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people if people is not None else Person.objects.none()
        self.fields["note"].widget.attrs["rows"] = 2
        if not may_override:
            del self.fields["override_reason"]
        order = ["person_code"] + [name for name in self.fields if name != "person_code"]
        self.order_fields(order)

    def clean_person_code(self):
        code = self.cleaned_data["person_code"].strip()
        person = self.people.filter(code=code).first()
        if person is None:
            raise forms.ValidationError(_("Không tìm thấy cán bộ có mã «%(code)s» trong phạm vi của bạn.") % {"code": code})
        self.instance.person = person
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("Ngày kết thúc dự kiến trước ngày bắt đầu học."))
        decided = data.get("decision_date")
        if decided and start and start < decided.replace(year=decided.year - 1):
            self.add_error("starts_on", _("Ngày bắt đầu học trước ngày quyết định hơn một năm."))
        return data


class CostForm(forms.Form):
    item = forms.ChoiceField(label=_("Khoản chi"), choices=CostItem.choices)
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=Funding.choices)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=0, max_value=10**13,
                                help_text=_("0: xoá khoản chi này."))


class OutcomeForm(forms.Form):
    STUDYING, GRADUATED = "STUDYING", "GRADUATED"
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=[
        (STUDYING, _("Bắt đầu học")), (GRADUATED, _("Tốt nghiệp, trở lại công tác")),
        (Dispatch.Status.DROPPED_OUT, Dispatch.Status.DROPPED_OUT.label),
        (Dispatch.Status.FAILED, Dispatch.Status.FAILED.label)])
    on_date = date_field(_("Ngày trở lại công tác / ngày kết thúc"), required=False)
    issued_on = date_field(_("Ngày cấp văn bằng"), required=False)
    certificate_no = forms.CharField(label=_("Số hiệu văn bằng"), max_length=60, required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") and data["outcome"] != self.STUDYING and not data.get("on_date"):
            self.add_error("on_date", _("Nhập ngày trở lại công tác hoặc ngày kết thúc khoá học."))
        return data


class DecisionForm(forms.Form):
    case = forms.ChoiceField(label=_("Trường hợp"), choices=Case.choices)
    decision_no = forms.CharField(label=_("Số quyết định của Hội đồng"), max_length=60)
    decision_date = date_field(_("Ngày quyết định"))
    amount_decided = forms.IntegerField(label=_("Số tiền phải đền bù (đồng)"), min_value=0, max_value=10**13,
                                        required=False, help_text=_("Để trống: số tiền tính theo công thức."))
    exemption_reason = forms.CharField(label=_("Lý do miễn, giảm"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.Form):
    paid_on = date_field(_("Ngày nộp"))
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**13)
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)


# ------------------------------------------------------------------------------------------------ talent attraction
class PolicyForm(forms.ModelForm):
    valid_from = date_field(_("Áp dụng từ ngày"))
    valid_to = date_field(_("Đến ngày"), required=False)

    class Meta:
        model = Policy
        fields = ["name", "legal_basis", "valid_from", "valid_to", "budget", "target_fields", "note"]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 2}), "target_fields": forms.Textarea(attrs={"rows": 4}),
                   "note": forms.Textarea(attrs={"rows": 2})}


class PolicyItemForm(forms.Form):
    name = forms.CharField(label=_("Chế độ hỗ trợ"), max_length=200)
    amount = forms.IntegerField(label=_("Mức hỗ trợ (đồng)"), min_value=0, max_value=10**13, required=False)
    description = forms.CharField(label=_("Mô tả"), max_length=500, required=False)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{'— ' * unit.depth}{unit.name} ({unit.code})"


class AttractionForm(forms.ModelForm):
    person_code = forms.CharField(label=_("Mã cán bộ"), max_length=30)
    decision_date = date_field(_("Ngày quyết định"))
    commitment_ends_on = date_field(_("Hết thời gian cam kết"), required=False)
    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Nơi bố trí công tác"),
                      error_messages={"invalid_choice": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})

    class Meta:
        model = Attraction
        fields = ["policy", "field", "level", "institution", "unit", "decision_no", "decision_date",
                  "commitment_months", "commitment_ends_on", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"commitment_months": _("Số tháng (5 năm = 60 tháng). Để trống ngày hết cam kết: tính từ ngày quyết định.")}

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["unit"].queryset = units
        self.fields["policy"].queryset = Policy.objects.order_by("-valid_from", "pk")
        if self.instance.pk:
            self.fields["person_code"].initial = self.instance.person.code
            self.fields["person_code"].disabled = True
        self.order_fields(["person_code"] + [n for n in self.fields if n != "person_code"])

    def clean_person_code(self):
        if self.instance.pk:
            return self.instance.person.code
        code = self.cleaned_data["person_code"].strip()
        person = self.people.filter(code=code).first()
        if person is None:
            raise forms.ValidationError(_("Không tìm thấy cán bộ có mã «%(code)s» trong phạm vi của bạn.") % {"code": code})
        self.instance.person = person
        return code


class AttractionPaymentForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    item = forms.CharField(label=_("Khoản hỗ trợ"), max_length=200)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**13)


# ------------------------------------------------------------------------------------------------ source cadres
class SchemeForm(forms.ModelForm):
    valid_from = date_field(_("Thực hiện từ ngày"))
    valid_to = date_field(_("Đến ngày"), required=False)

    class Meta:
        model = Scheme
        fields = ["name", "decision", "valid_from", "valid_to", "target", "note"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}


class CandidateForm(forms.ModelForm):
    birth_date = date_field(_("Ngày sinh"))
    selected_on = date_field(_("Ngày được lựa chọn"), required=False)
    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Đơn vị quản lý, dự kiến tiếp nhận"),
                      error_messages={"invalid_choice": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})

    class Meta:
        model = Candidate
        fields = ["full_name", "birth_date", "gender", "ethnicity", "citizen_id", "organisation", "field", "unit",
                  "selection", "selected_on", "selection_note"]
        widgets = {"selection_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["ethnicity"].empty_label = "—"


class StepForm(forms.ModelForm):
    starts_on = date_field(_("Từ ngày"))
    ends_on = date_field(_("Đến ngày"), required=False)

    class Meta:
        model = CandidateStep
        fields = ["program", "title", "provider", "starts_on", "ends_on", "result"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.order_by("code")
        self.fields["program"].required = False


class RecruitForm(forms.Form):
    code = forms.CharField(label=_("Mã cán bộ"), max_length=30)
    on_date = date_field(_("Ngày tuyển dụng"))
    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Đơn vị công tác"),
                      error_messages={"invalid_choice": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})
    category = forms.ChoiceField(label=_("Loại cán bộ"), choices=Category.choices)
    ethnicity = forms.ModelChoiceField(label=_("Dân tộc"), queryset=Ethnicity.objects.all(), required=False,
                                       help_text=_("Để trống: dân tộc đã ghi của người trong nguồn."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
