from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import Unit
from dtbd.people.catalog import LEVEL_CHOICES, Category, PostLevel

from ..models import Program


class ProgramForm(forms.ModelForm):
    grants_level = forms.ChoiceField(
        label=_("Trình độ được cấp"), required=False, choices=[("", "—")] + LEVEL_CHOICES
    )

    class Meta:
        model = Program
        fields = [
            "code", "name", "category", "kind", "duration_tiet", "grants_type", "grants_level",
            "target_audience", "audience_categories", "audience_post_levels", "validity_years", "active", "providers",
        ]

    def _codes(self, field, allowed):
        """Comma-separated codes, upper-cased and checked against the catalogue; stored as 'A,B'."""
        raw = self.cleaned_data.get(field) or ""
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in allowed]
        if unknown:
            raise forms.ValidationError(
                _("Mã không có trong danh mục: %(codes)s. Mã hợp lệ: %(allowed)s.")
                % {"codes": ", ".join(unknown), "allowed": ", ".join(allowed)}
            )
        return ",".join(dict.fromkeys(codes))

    def clean_audience_categories(self):
        return self._codes("audience_categories", Category.values)

    def clean_audience_post_levels(self):
        return self._codes("audience_post_levels", PostLevel.values)


class NeedsForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    date = forms.DateField(label=_("Ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).order_by("path")
