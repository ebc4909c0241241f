"""The form of a class's official documents (summons letter, dispatch decision): number, date and signer."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtbd.people.forms import date_field

from ..services import documents


class ClassDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Văn bản"), choices=[
        (documents.SUMMONS, _("Giấy triệu tập học viên")),
        (documents.DISPATCH, _("Quyết định cử đi học")),
    ])
    number = forms.CharField(label=_("Số văn bản"), max_length=30, required=False,
                             help_text=_("Để trống để điền tay sau khi vào sổ (in “……”)."))
    issued_on = date_field(_("Ngày ban hành"), required=True)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=120,
                                      help_text=_("Ví dụ: GIÁM ĐỐC, HIỆU TRƯỞNG, CHỦ TỊCH."))
    authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=120, required=False,
                                help_text=_("Ví dụ: KT. GIÁM ĐỐC khi cấp phó ký thay; để trống khi cấp trưởng ký."))
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=120)
    fmt = forms.ChoiceField(label=_("Định dạng"), choices=[("docx", _("Word (.docx) — sửa trước khi ký")),
                                                          ("pdf", _("PDF — in ngay"))], initial="docx")

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] in kinds]
        self.fields["issued_on"].initial = timezone.localdate()

    def signing(self, prepared_by):
        data = self.cleaned_data
        return documents.Signing(
            number=data["number"].strip(), issued_on=data["issued_on"], signer_name=data["signer_name"].strip(),
            signer_position=data["signer_position"].strip(), authority=data["authority"].strip(),
            prepared_by=prepared_by,
        )
