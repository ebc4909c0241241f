"""The public certificate search form (/verify/): the printed number with the holder's full name or birth date."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dtbd.people.forms import date_field


class VerifySearchForm(forms.Form):
    so_hieu = forms.CharField(label=_("Số hiệu chứng chỉ"), max_length=60,
                              help_text=_("In trên chứng chỉ, ví dụ TCT-2026-00012."))
    ho_ten = forms.CharField(label=_("Họ và tên người được cấp"), max_length=120, required=False)
    ngay_sinh = date_field(_("hoặc ngày sinh"))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("ho_ten", "").strip() or data.get("ngay_sinh")):
            raise ValidationError(_("Nhập thêm họ và tên hoặc ngày sinh của người được cấp để tra cứu."))
        return data


class DecisionForm(forms.Form):
    """The number, date and signer of a class's issuing decision (confirming it issues the certificates)."""

    number = forms.CharField(label=_("Số quyết định"), max_length=40, help_text=_("Ví dụ: 125 (in là “Số: 125/QĐ-…”)."))
    decided_on = date_field(_("Ngày quyết định"), required=True)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=120,
                                      help_text=_("Ví dụ: HIỆU TRƯỞNG, GIÁM ĐỐC."))
    authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=120, required=False,
                                help_text=_("Ví dụ: KT. HIỆU TRƯỞNG khi cấp phó ký thay; để trống khi cấp trưởng ký."))
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=120)
