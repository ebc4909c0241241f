"""Forms of the class pages: list filters, the class form, sessions and assessments (formsets)."""
from django import forms
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from dtbd.people.forms import date_field

from .. import permissions
from ..models import Assessment, ClassSession, Lecturer, Program, TrainingClass

ALL = [("", _("Tất cả"))]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"]


def _vn(day):
    return f"{day:%d/%m/%Y}" if day else ""


class ClassForm(forms.ModelForm):
    registration_opens = date_field(_("Mở đăng ký từ"))
    registration_closes = date_field(_("Hạn đăng ký"))
    starts_on = date_field(_("Ngày khai giảng"), required=True)
    ends_on = date_field(_("Ngày kết thúc"), required=True)

    class Meta:
        model = TrainingClass
        fields = [
            "code", "name", "program", "provider", "form", "abroad", "country", "place",
            "starts_on", "ends_on", "registration_opens", "registration_closes",
            "first_come_first_served", "capacity", "min_size", "cost_estimate", "funding_source", "min_attendance_pct", "pass_score",
        ]
        help_texts = {
            "country": _("Mã quốc gia 2 chữ cái (ISO), ví dụ VN, SG, JP."),
            "pass_score": _("Mỗi bài kiểm tra, đánh giá phải đạt ít nhất điểm này (thang 10)."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["provider"].queryset = permissions.providers_for(user).order_by("name")
        programs = Program.objects.filter(active=True)
        if self.instance.pk:
            programs = Program.objects.filter(pk=self.instance.program_id) | programs
        self.fields["program"].queryset = programs.order_by("code")
        self.fields["program"].label_from_instance = lambda p: f"{p.code} — {p.name}"
        self.fields["capacity"].min_value = None  # the model's clean() says it in Vietnamese
        self.fields["capacity"].widget.attrs.pop("min", None)
        self.fields["min_attendance_pct"].widget.attrs.update(max=100)
        self.fields["pass_score"].widget.attrs.update(min=0, max=10, step="0.25")

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip().upper()
        clash = TrainingClass.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(
                _("Mã lớp “%(code)s” đã được dùng cho lớp “%(name)s”; hãy chọn mã khác.") % {"code": code, "name": clash.name}
            )
        return code

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean_min_attendance_pct(self):
        value = self.cleaned_data.get("min_attendance_pct")
        if value is not None and value > 100:
            raise forms.ValidationError(_("Tỷ lệ chuyên cần tối thiểu không được quá 100%."))
        return value

    def clean_pass_score(self):
        value = self.cleaned_data.get("pass_score")
        if value is not None and not 0 <= value <= 10:
            raise forms.ValidationError(_("Điểm đạt phải trong thang 0–10."))
        return value

    def clean(self):
        data = super().clean()
        instance = self.instance
        if instance.pk:
            capacity = data.get("capacity")
            if capacity and capacity < instance.seats_taken:
                self.add_error("capacity", _("Lớp đã xếp %(n)s học viên: số chỗ không được nhỏ hơn.") % {"n": instance.seats_taken})
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if starts and ends and ends >= starts:
                outside = instance.sessions.exclude(date__gte=starts, date__lte=ends).order_by("date").first()
                if outside:
                    self.add_error(
                        "starts_on" if outside.date < starts else "ends_on",
                        _("Buổi học ngày %(d)s nằm ngoài thời gian mới của lớp: sửa lịch buổi học trước.")
                        % {"d": _vn(outside.date)},
                    )
        if data.get("registration_closes") and data.get("ends_on") and data["registration_closes"] > data["ends_on"]:
            self.add_error("registration_closes", _("Hạn đăng ký phải trước ngày kết thúc lớp."))
        return data


class SessionForm(forms.ModelForm):
    date = date_field(_("Ngày"), required=True)
    start_time = forms.TimeField(label=_("Từ giờ"), required=False, input_formats=TIME_FORMATS,
                                 widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "size": 5}),
                                 error_messages={"invalid": _("Giờ không hợp lệ: nhập theo dạng hh:mm.")})
    end_time = forms.TimeField(label=_("Đến giờ"), required=False, input_formats=TIME_FORMATS,
                               widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "size": 5}),
                               error_messages={"invalid": _("Giờ không hợp lệ: nhập theo dạng hh:mm.")})

    class Meta:
        model = ClassSession
        fields = ["date", "start_time", "end_time", "tiet", "topic", "lecturer"]
        widgets = {"tiet": forms.NumberInput(attrs={"min": 1, "max": 12, "style": "width:4.5rem"})}

    def __init__(self, *args, lecturer_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lecturer"]
        field.queryset = Lecturer.objects.select_related("person")
        field.empty_label = "—"
        if lecturer_choices is not None:  # read once by the formset for all its rows
            field.choices = lecturer_choices


def lecturer_choices(training_class):
    """The lecturer select of the session rows: the register's active lecturers and those already assigned to the
    class's sessions (even if no longer active), read once."""
    lecturers = Lecturer.objects.filter(Q(active=True) | Q(sessions__training_class=training_class)).distinct()
    return [("", "—"), *((lec.pk, str(lec)) for lec in lecturers.select_related("person").order_by("search", "pk"))]


class BaseSessionFormSet(BaseInlineFormSet):
    """Sessions of a class: each must fall within the class dates (the error names the row); a session that already
    has attendance cannot be deleted."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_lecturer_choices"):
            self._lecturer_choices = lecturer_choices(self.instance) if self.instance.pk else None
        kwargs["lecturer_choices"] = self._lecturer_choices
        return kwargs

    def clean(self):
        super().clean()
        cls = self.instance
        with_attendance = set(
            ClassSession.objects.filter(training_class=cls, attendance__isnull=False).values_list("pk", flat=True)
        )
        refused = []  # errors of deleted rows must be formset errors: Django ignores a deleted form's own errors
        for row, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk in with_attendance:
                    refused.append(_("Dòng %(row)s: buổi học ngày %(d)s đã có điểm danh, không xoá được.")
                                   % {"row": row, "d": _vn(form.instance.date)})
                continue
            day = form.cleaned_data.get("date")
            if day and not cls.starts_on <= day <= cls.ends_on:
                form.add_error("date", _("Dòng %(row)s: ngày %(d)s nằm ngoài thời gian của lớp (%(start)s – %(end)s).")
                               % {"row": row, "d": _vn(day), "start": _vn(cls.starts_on), "end": _vn(cls.ends_on)})
            tiet = form.cleaned_data.get("tiet")
            if tiet is not None and tiet < 1:
                form.add_error("tiet", _("Dòng %(row)s: số tiết phải lớn hơn 0.") % {"row": row})
        if refused:
            raise forms.ValidationError(refused)


SessionFormSet = inlineformset_factory(
    TrainingClass, ClassSession, form=SessionForm, formset=BaseSessionFormSet, extra=1, can_delete=True,
)


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["name", "kind", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 1, "style": "width:4.5rem"})}


class BaseAssessmentFormSet(BaseInlineFormSet):
    """Assessments: names unique within the class; one that already has scores cannot be deleted."""

    def validate_unique(self):
        pass  # done in clean() with a message naming the rows

    def clean(self):
        super().clean()
        scored = set(
            Assessment.objects.filter(training_class=self.instance, scores__isnull=False).values_list("pk", flat=True)
        )
        seen = {}
        refused = []  # errors of deleted rows must be formset errors: Django ignores a deleted form's own errors
        for row, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk in scored:
                    refused.append(_("Dòng %(row)s: bài “%(name)s” đã có điểm, không xoá được.")
                                   % {"row": row, "name": form.instance.name})
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if not name:
                continue
            key = name.casefold()
            if key in seen:
                form.add_error("name", _("Dòng %(row)s: tên bài “%(name)s” trùng với dòng %(other)s.")
                               % {"row": row, "name": name, "other": seen[key]})
            else:
                seen[key] = row
        if refused:
            raise forms.ValidationError(refused)


AssessmentFormSet = inlineformset_factory(
    TrainingClass, Assessment, form=AssessmentForm, formset=BaseAssessmentFormSet, extra=1, can_delete=True,
)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=TrainingClass.Status.choices)
