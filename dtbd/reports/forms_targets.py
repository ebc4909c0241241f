"""The indicator (chỉ tiêu) editor: a field for each condition of the denominator and of the numerator, in words —
no JSON to type. The form writes the same condition objects reports.conditions validates and reports.targets
evaluates: a coded key from ticked boxes or a list, an age from a number, a yes/no key from Có / Không; the "hoặc"
fields of a side become its `any_of` (one alternative per filled field)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .conditions import ENROLMENT_ONLY_KEYS, PERSON_KEYS, WORDS, Register, validate_filters, value_choices
from .models import Indicator

YES, NO = "1", "0"
YES_NO = [("", "—"), (YES, gettext_lazy("Có")), (NO, gettext_lazy("Không"))]
SIDES = {
    "d": (gettext_lazy("Mẫu số — những ai được tính"), "denominator"),
    "n": (gettext_lazy("Tử số — trong số đó, những ai đạt"), "numerator"),
}
# keys an alternative of "hoặc" may use (one key each): the personal ones
OR_KEYS = list(PERSON_KEYS)


def _field(key, kind):
    label = WORDS[key]
    if kind == "codes":
        return forms.MultipleChoiceField(label=label, required=False, choices=value_choices(key),
                                         widget=forms.CheckboxSelectMultiple)
    if kind == "code":
        return forms.ChoiceField(label=label, required=False, choices=[("", "—")] + value_choices(key))
    if kind == "int":
        return forms.IntegerField(label=label, required=False, min_value=1, max_value=119)
    return forms.TypedChoiceField(label=label, required=False, choices=YES_NO, empty_value=None,
                                  coerce=lambda v: v == YES)


def _keys():
    return {**PERSON_KEYS, **ENROLMENT_ONLY_KEYS}


def _set(value):
    return value not in (None, "", [])


class IndicatorForm(forms.ModelForm):
    """An indicator with its conditions as fields: d_<key>, n_<key> (the side's conditions, all must hold) and
    d_or_<key>, n_or_<key> (one of those must hold)."""

    class Meta:
        model = Indicator
        fields = ["code", "name", "description", "register", "target_min", "target_max", "deadline_year", "active",
                  "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for side in SIDES:
            for key, (_label, kind, _choices) in _keys().items():
                self.fields[f"{side}_{key}"] = _field(key, kind)
            for key in OR_KEYS:
                self.fields[f"{side}_or_{key}"] = _field(key, PERSON_KEYS[key][1])
        if not self.is_bound and self.instance.pk:
            for side, (_title, attr) in SIDES.items():
                self.initial.update(self._initial_of(side, getattr(self.instance, attr) or {}))

    # -- the model's JSON <-> fields ------------------------------------------------------------------------------------
    @staticmethod
    def _initial_of(side, filters):
        initial = {}
        for key, value in filters.items():
            if key == "any_of":
                for item in value or []:
                    for k, v in item.items():  # one key per alternative (what this form writes)
                        initial[f"{side}_or_{k}"] = (YES if v else NO) if isinstance(v, bool) else v
            elif isinstance(value, bool):
                initial[f"{side}_{key}"] = YES if value else NO
            else:
                initial[f"{side}_{key}"] = value
        return initial

    def conditions(self, side):
        """The condition object of one side from the cleaned fields."""
        data, filters = self.cleaned_data, {}
        for key, (_label, kind, _choices) in _keys().items():
            value = data.get(f"{side}_{key}")
            if _set(value):
                filters[key] = list(value) if kind == "codes" else value
        either = []
        for key in OR_KEYS:
            value = data.get(f"{side}_or_{key}")
            if _set(value):
                either.append({key: list(value) if PERSON_KEYS[key][1] == "codes" else value})
        if either:
            filters["any_of"] = either
        return filters

    # -- the form's layout ----------------------------------------------------------------------------------------------
    def sides(self):
        """[{title, fields, or_fields}] for the template: the bound fields of each side."""
        return [
            {"title": title, "prefix": side,
             "fields": [self[f"{side}_{key}"] for key in _keys()],
             "or_fields": [self[f"{side}_or_{key}"] for key in OR_KEYS]}
            for side, (title, _attr) in SIDES.items()
        ]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    # -- validation -----------------------------------------------------------------------------------------------------
    def clean(self):
        cleaned = super().clean()
        register = cleaned.get("register") or Register.STAFF
        self.filters = {}
        for side, (title, _attr) in SIDES.items():
            filters = self.conditions(side)
            if register != Register.ENROLMENT:
                enrolment_only = [str(WORDS[k]) for k in ENROLMENT_ONLY_KEYS if k in filters]
                if enrolment_only:
                    self.add_error(None, _("%(side)s: “%(keys)s” chỉ dùng khi tính trên sổ học viên.") % {
                        "side": title, "keys": ", ".join(enrolment_only)})
                    continue
            try:
                validate_filters(filters, register)
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(None, f"{title}: {message}")
                continue
            self.filters[SIDES[side][1]] = filters
        return cleaned

    def _post_clean(self):
        # the conditions the fields describe, before the model validates itself (an invalid side was reported above)
        for attr in ("denominator", "numerator"):
            setattr(self.instance, attr, getattr(self, "filters", {}).get(attr, {}))
        super()._post_clean()
