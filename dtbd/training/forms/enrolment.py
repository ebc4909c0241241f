"""Forms of the enrolment pages: filters of the class roster and of the approval queue, the person search of the
nomination page and the unit / requirement choice of the nomination from a standards review."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import Unit
from dtbd.org.queries import base_depth
from dtbd.people.filters import UnitChoiceField

from ..models import Enrollment, TrainingClass

State = Enrollment.State

QUEUE_STATES = [State.REQUESTED, State.APPROVED, State.WAITLISTED]


def _units_for(field, user):
    field.queryset = Unit.objects.restrict(user).only("pk", "name", "depth", "path").order_by("path")
    field.top_depth = base_depth(user)


class RosterFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + list(State.choices))


class QueueFilterForm(forms.Form):
    training_class = forms.ModelChoiceField(
        label=_("Lớp"), required=False, queryset=TrainingClass.objects.none(), empty_label=_("Tất cả các lớp")
    )
    unit = UnitChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(), empty_label=_("Tất cả"))
    state = forms.ChoiceField(
        label=_("Trạng thái"), required=False,
        choices=[(s.value, s.label) for s in QUEUE_STATES],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = TrainingClass.objects.filter(
            status__in=[TrainingClass.Status.PLANNED, TrainingClass.Status.OPEN, TrainingClass.Status.RUNNING]
        ).order_by("starts_on", "code")
        _units_for(self.fields["unit"], user)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên hoặc mã"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("vd: nguyen van an"), "autocomplete": "off"}),
    )


class ReviewChoiceForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(), empty_label=None)
    code = forms.ChoiceField(label=_("Tiêu chuẩn còn thiếu"), required=False)

    def __init__(self, *args, user=None, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        _units_for(self.fields["unit"], user)
        choices = [(c, f"{c} — {name}") for c, name in codes]
        if len(choices) > 1:
            choices.insert(0, ("", _("Mọi tiêu chuẩn mà lớp này đáp ứng")))
        self.fields["code"].choices = choices
