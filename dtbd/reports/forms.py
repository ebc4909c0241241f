import datetime

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from dtbd.org.forms import DATE_WIDGET
from dtbd.org.models import Unit


class FastSelect(forms.Select):
    """A <select> written in Python: a province's hundreds of units (a national user's ten thousand) render in
    milliseconds instead of one template per option (the dashboard page: 0,1–0,3 s of its time on 522 units)."""

    def render(self, name, value, attrs=None, renderer=None):
        from html import escape

        from django.forms.utils import flatatt
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        parts = [f"<select{flatatt(final)}>"]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = " selected" if option_value in chosen else ""
            parts.append(f'<option value="{escape(option_value)}"{selected}>{escape(str(label))}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))


class UnitChoiceIterator(ModelChoiceIterator):
    """(value, label) of the units from one values_list query: no model instance per option (the value's
    `instance` is None)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, code, depth, valid_to in self.queryset.values_list("pk", "name", "code", "depth", "valid_to"):
            yield (ModelChoiceIteratorValue(pk, None), self.field.unit_label(name, code, depth, valid_to))


class UnitChoiceField(forms.ModelChoiceField):
    widget = FastSelect
    iterator = UnitChoiceIterator

    def __init__(self, *args, base_depth=0, **kwargs):
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def unit_label(self, name, code, depth, valid_to):
        label = f"{'— ' * max(depth - self.base_depth, 0)}{name} ({code})"
        if valid_to:
            label += " · " + str(_("đến %(date)s")) % {"date": valid_to.strftime("%d/%m/%Y")}
        return label

    def label_from_instance(self, unit):
        return self.unit_label(unit.name, unit.code, unit.depth, unit.valid_to)


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
