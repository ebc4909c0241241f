"""Forms of the reorganisation pages: the mapping file's upload and the operations on one unit."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import AdminLevel, UnitKind

from .models import Operation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp sap-xep.xlsx"))
    on_date = forms.DateField(label=_("Ngày sắp xếp có hiệu lực"), widget=DATE_INPUT)
    abolish_level = forms.ChoiceField(label=_("Bãi bỏ cấp hành chính"), required=False,
                                      choices=[("", _("Không")), (AdminLevel.HUYEN, _("Cấp huyện"))])


class OperationForm(forms.Form):
    """One form for the operations on a unit; the fields a kind needs are checked in `clean`."""

    KINDS = [(k, label) for k, label in Operation.Kind.choices if k != Operation.Kind.FILE]
    kind = forms.ChoiceField(label=_("Hình thức"), choices=KINDS)
    on_date = forms.DateField(label=_("Ngày có hiệu lực"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Căn cứ (số quyết định, nghị quyết)"), max_length=255, required=False)
    others = forms.CharField(label=_("Sáp nhập cùng các đơn vị (mã, cách nhau bởi dấu phẩy)"), required=False,
                             help_text=_("A + B → C: mã các đơn vị B; để trống khi chỉ sáp nhập đơn vị này."))
    successor = forms.CharField(label=_("Đơn vị kế thừa có sẵn (mã)"), required=False,
                                help_text=_("Sáp nhập vào đơn vị có sẵn; chia, tách, giải thể: các đơn vị nhận người, "
                                            "cách nhau bởi dấu phẩy (đơn vị đầu tiên nhận người chưa được chọn)."))
    new_code = forms.CharField(label=_("Mã đơn vị mới"), max_length=30, required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới / tên mới"), max_length=255, required=False)
    new_parent = forms.CharField(label=_("Mã đơn vị cấp trên của đơn vị mới"), max_length=30, required=False)
    new_kind = forms.ChoiceField(label=_("Loại đơn vị mới"), choices=[("", "—"), *UnitKind.choices], required=False)
    new_level = forms.ChoiceField(label=_("Cấp hành chính của đơn vị mới"), required=False,
                                  choices=[("", "—"), (AdminLevel.TINH, AdminLevel.TINH.label),
                                           (AdminLevel.XA, AdminLevel.XA.label)])

    @staticmethod
    def codes(text):
        return [c for c in (part.strip() for part in (text or "").replace(";", ",").split(",")) if c]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        K = Operation.Kind
        if kind == K.RENAME and not data.get("new_name"):
            self.add_error("new_name", _("Nhập tên mới."))
        if kind == K.MOVE:
            for field in ("new_code", "new_parent"):
                if not data.get(field):
                    self.add_error(field, _("Chuyển đơn vị cấp trên: nhập mã đơn vị mới và mã đơn vị cấp trên."))
        if kind == K.MERGE and not data.get("successor") and not (data.get("new_code") and data.get("new_name")):
            self.add_error("successor", _("Sáp nhập: nhập mã đơn vị có sẵn nhận sáp nhập, hoặc mã và tên đơn vị mới."))
        if kind in (K.SPLIT, K.DISSOLVE) and not self.codes(data.get("successor")):
            self.add_error("successor", _("Nhập mã các đơn vị nhận người."))
        return data
