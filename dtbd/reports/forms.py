import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.forms import DATE_WIDGET, UnitChoiceField
from dtbd.org.models import Unit


class ReportForm(forms.Form):
    """Which unit (within the user's scope) and which date or year a report is computed for."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"), empty_label=None)
    date = forms.DateField(label=_("Ngày báo cáo"), widget=DATE_WIDGET)
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2100)

    def __init__(self, *args, user, report, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).only("pk", "name", "code", "depth", "valid_to").order_by("path")
        field = self.fields["unit"]
        field.queryset = units
        field.base_depth = min((u.depth for u in units[:1]), default=0)
        today = datetime.date.today()
        if report.uses_year:
            del self.fields["date"]
            self.fields["year"].initial = today.year
        else:
            del self.fields["year"]
            self.fields["date"].initial = today
            self.fields["date"].help_text = _("dd/mm/yyyy")


class AsOfForm(forms.Form):
    """The as-of date of a person report (empty: today)."""

    date = forms.DateField(label=_("Ngày báo cáo"), widget=DATE_WIDGET, required=False, help_text=_("dd/mm/yyyy"))
