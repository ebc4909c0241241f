"""Forms of the needs register and the unit requests (docs/domain.md §13.1). Unit choices are the user's part of the
tree; named people are given by staff code and checked against the people the user may change."""
import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.org.models import Unit
from dtbd.people.models import Person
from dtbd.training.models import Program

from .models import NeedRequest, Reason

_SEPARATORS = re.compile(r"[,;\s]+")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class RegisterFilterForm(forms.Form):
    MET_CHOICES = [("", gettext_lazy("Tất cả")), ("0", gettext_lazy("Chưa đáp ứng")), ("1", gettext_lazy("Đã đáp ứng"))]

    year = forms.IntegerField(label=gettext_lazy("Năm"), required=False, min_value=2000, max_value=2100)
    unit = UnitChoiceField(label=gettext_lazy("Đơn vị"), queryset=Unit.objects.none(), required=False,
                           empty_label=gettext_lazy("Mọi đơn vị"))
    program = ProgramChoiceField(label=gettext_lazy("Chương trình"), queryset=Program.objects.order_by("code"),
                                 required=False, empty_label=gettext_lazy("Mọi chương trình"))
    reason = forms.ChoiceField(label=gettext_lazy("Lý do chính"), required=False,
                               choices=[("", gettext_lazy("Mọi lý do")), *Reason.choices])
    met = forms.ChoiceField(label=gettext_lazy("Tình trạng"), required=False, choices=MET_CHOICES)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).order_by("path")


class CollectForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm kế hoạch"), min_value=2000, max_value=2100)
    unit = UnitChoiceField(label=gettext_lazy("Đơn vị (cả các đơn vị trực thuộc)"), queryset=Unit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user, CHANGE).order_by("path")


class RequestForm(forms.ModelForm):
    """A unit request: the unit among those the user may write in, an active programme, the named people by code."""

    people_codes = forms.CharField(
        label=gettext_lazy("Mã cán bộ được nêu tên"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Không bắt buộc. Các mã cách nhau bằng dấu phẩy; chỉ cán bộ thuộc phạm vi quản lý."),
    )

    class Meta:
        model = NeedRequest
        fields = ["year", "unit", "program", "people_count", "priority", "quarter", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"] = UnitChoiceField(label=gettext_lazy("Đơn vị đề nghị"),
                                              queryset=Unit.objects.restrict(user, CHANGE).order_by("path"))
        # Active programmes; a request kept on a programme since withdrawn still shows (and saves) it.
        programmes = Program.objects.filter(Q(active=True) | Q(pk=self.instance.program_id)).order_by("code")
        self.fields["program"] = ProgramChoiceField(label=gettext_lazy("Chương trình"), queryset=programmes)
        self.fields["quarter"] = forms.TypedChoiceField(
            label=gettext_lazy("Quý mong muốn"), required=False, coerce=int, empty_value=None,
            choices=[("", "—")] + [(q, _("Quý %(q)s") % {"q": q}) for q in range(1, 5)],
        )
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        if self.instance.pk:
            self.fields["unit"].disabled = True
            self.fields["program"].disabled = True
            self.fields["year"].disabled = True
            self.initial["people_codes"] = ", ".join(p.code for p in self.instance.people.order_by("code"))
        self.people = []

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Năm phải từ 2000 đến 2100."))
        return year

    def clean_people_count(self):
        count = self.cleaned_data["people_count"]
        if count is not None and count < 1:
            raise forms.ValidationError(_("Số người phải lớn hơn 0."))
        return count

    def clean_people_codes(self):
        codes = list(dict.fromkeys(c for c in _SEPARATORS.split(self.cleaned_data.get("people_codes") or "") if c))
        if not codes:
            return ""
        allowed = scope_of(self.user).filter_people(Person.objects.filter(code__in=codes), CHANGE)
        found = {p.code: p for p in allowed}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("Không có cán bộ mã %(codes)s trong phạm vi quản lý của bạn.") % {"codes": ", ".join(unknown)})
        self.people = [found[c] for c in codes]
        return ", ".join(codes)

    def clean(self):
        data = super().clean()
        count = data.get("people_count")
        if count is not None and len(self.people) > count:
            self.add_error("people_count", _("Số người (%(count)s) ít hơn số cán bộ được nêu tên (%(named)s).")
                           % {"count": count, "named": len(self.people)})
        return data
