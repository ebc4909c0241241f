from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.people.forms import date_field


class OptionsForm(forms.Form):
    anonymous = forms.BooleanField(label=_("Khảo sát ẩn danh"), required=False,
                                   help_text=_("Chỉ chọn được trước khi có phiếu trả lời đầu tiên."))
    closes_on = date_field(_("Hạn trả lời"), required=True)


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp phiếu khảo sát giấy (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
