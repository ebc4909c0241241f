"""Forms of the postgraduate pages (docs/domain.md §14.2–14.3). Rules live in funding.services; the forms read and
check the fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.people.models import Person

from .models import Case, CostItem, Dispatch, Funding

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
