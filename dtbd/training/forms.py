from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import Unit
from dtbd.people.catalog import LEVEL_CHOICES

from .models import Program


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    category = forms.ChoiceField(label=_("Nội dung"), required=False, choices=[("", _("Tất cả"))] + Program.Category.choices)
    kind = forms.ChoiceField(label=_("Hình thức"), required=False, choices=[("", _("Tất cả"))] + Program.Kind.choices)


class ProgramForm(forms.ModelForm):
    grants_level = forms.ChoiceField(
        label=_("Trình độ được cấp"), required=False, choices=[("", "—")] + LEVEL_CHOICES
    )

    class Meta:
        model = Program
        fields = [
            "code", "name", "category", "kind", "duration_tiet", "grants_type", "grants_level",
            "target_audience", "validity_years", "active", "providers",
        ]


class NeedsForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    date = forms.DateField(label=_("Ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).order_by("path")
