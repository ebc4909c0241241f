"""Forms of the attendance and results pages. The grids are built from the class (one field per cell); the values are
checked by the same parser as the services (dtbd.training.results.parse_score)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Attendance
from ..services.results import parse_score

MARK_CHOICES = [
    ("", "—"),
    (Attendance.Status.PRESENT, "C"),
    (Attendance.Status.EXCUSED, "P"),
    (Attendance.Status.ABSENT, "V"),
]


def _plain(value):
    """A Decimal as Vietnamese users write it: decimal comma, no trailing zeros (8,5)."""
    if value is None:
        return ""
    text = format(value, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", ",")


class ScoreField(forms.CharField):
    """A score 0–10 typed as 7,5 or 7.5 (at most 2 decimals); empty = no score."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # A text input with a decimal keypad: a number input would refuse the Vietnamese decimal comma (8,5).
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "inputmode": "decimal", "pattern": r"\s*(10([.,]0{1,2})?|\d([.,]\d{1,2})?)\s*", "maxlength": "5",
            "class": "score-input", "autocomplete": "off",
        }))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_score(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


def mark_field_name(enrollment_id, session_id):
    return f"m_{enrollment_id}_{session_id}"


def score_field_name(enrollment_id, assessment_id):
    return f"s_{enrollment_id}_{assessment_id}"


class AttendanceGridForm(forms.Form):
    """One select per learner × session; cleaned_marks() → {(session id, enrollment id): status or ''}."""

    def __init__(self, *args, sessions, learners, marks, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = []
        for enr in learners:
            for session in sessions:
                name = mark_field_name(enr.pk, session.pk)
                self.fields[name] = forms.ChoiceField(
                    choices=MARK_CHOICES, required=False, initial=marks.get((session.pk, enr.pk), ""),
                    disabled=disabled,
                    widget=forms.Select(attrs={"data-session": session.pk, "class": "mark-select",
                                               "aria-label": f"{enr.person.full_name} – {session.date:%d/%m/%Y}"}),
                )
                self.cells.append((name, session.pk, enr.pk))

    def rows(self, learners, sessions):
        return [(enr, [self[mark_field_name(enr.pk, s.pk)] for s in sessions]) for enr in learners]

    def cleaned_marks(self):
        return {(session_id, enr_id): self.cleaned_data[name] for name, session_id, enr_id in self.cells}


class ScoresGridForm(forms.Form):
    """One score per learner × assessment; cleaned_scores() → {(enrollment id, assessment id): Decimal or None}."""

    def __init__(self, *args, assessments, learners, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = []
        for enr in learners:
            for assessment in assessments:
                name = score_field_name(enr.pk, assessment.pk)
                field = ScoreField(initial=_plain(scores.get((enr.pk, assessment.pk))))
                field.widget.attrs["aria-label"] = f"{enr.person.full_name} – {assessment.name}"
                self.fields[name] = field
                self.cells.append((name, enr.pk, assessment.pk))

    def cleaned_scores(self):
        return {(enr_id, ass_id): self.cleaned_data[name] for name, enr_id, ass_id in self.cells}


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách lớp (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class CorrectionForm(forms.Form):
    """A correction of one learner's submitted result: every score, an optional attendance share, a reason."""

    attendance_pct = forms.CharField(
        label=_("Tỷ lệ chuyên cần (%)"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "6"}),
        help_text=_("Để trống để giữ tỷ lệ chuyên cần hiện hành."),
    )
    reason = forms.CharField(label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, assessments, current_scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessments = assessments
        fields = {}
        for assessment in assessments:
            fields[f"score_{assessment.pk}"] = ScoreField(
                label=assessment.name, initial=_plain(current_scores.get(assessment.pk)),
            )
        # Scores first, then attendance and reason.
        fields.update(self.fields)
        self.fields = fields

    def clean_attendance_pct(self):
        value = (self.cleaned_data.get("attendance_pct") or "").strip().replace(",", ".")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise ValidationError(_("Tỷ lệ chuyên cần phải là một số từ 0 đến 100.")) from None
        if not 0 <= number <= 100:
            raise ValidationError(_("Tỷ lệ chuyên cần phải từ 0 đến 100."))
        return value

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Cần ghi lý do điều chỉnh kết quả."))
        return reason

    def scores(self):
        return {a.pk: self.cleaned_data.get(f"score_{a.pk}") for a in self.assessments}
