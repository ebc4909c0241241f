from django import forms
from django.utils.translation import gettext_lazy as _

from .tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khoá"), max_length=100, help_text=_("Hệ thống nào dùng khoá này, ví dụ: CSDL quốc gia."))
    days = forms.IntegerField(
        label=_("Thời hạn (ngày)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS,
        help_text=_("Khoá tự hết hạn sau số ngày này (tối đa %(max)s ngày).") % {"max": MAX_DAYS},
    )
