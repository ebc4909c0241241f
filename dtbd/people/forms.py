"""Forms of the record pages. Field rules come from dtbd.people.validators (shared with the import) and the rules
of services.py (clean_identity_field, person_errors, qualification_errors, leave_error: shared with the API); saving
goes through dtbd.people.services."""
import datetime

from django import forms
from django.core import validators as django_validators
from django.utils.translation import gettext_lazy as _

from dtbd.org.models import Unit
from dtbd.org.queries import base_depth

from . import assessments, services
from .catalog import LEVELS, Category, LeaveReason, PostLevel, QualificationType
from .models import Person, Qualification, Rank, Rating

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 12}),
        error_messages={"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.")},
    )


class UnitField(forms.ModelChoiceField):
    def __init__(self, *args, top_depth=0, **kwargs):
        self.top_depth = top_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, unit):
        return f"{'— ' * max(unit.depth - self.top_depth, 0)}{unit.name} ({unit.code})"


class RankField(forms.ModelChoiceField):
    def label_from_instance(self, rank):
        return f"{rank.code} — {rank.name}"


class PersonForm(forms.ModelForm):
    """Identity fields plus the present situation (unit, category, rank, main post, job position, planned posts) with
    the date the situation takes effect."""

    birth_date = date_field(_("Ngày sinh"), required=True)
    recruited_on = date_field(_("Ngày tuyển dụng"))
    party_joined_on = date_field(_("Ngày vào Đảng"))
    unit = UnitField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị công tác"),
        error_messages={"invalid_choice": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")},
    )
    category = forms.ChoiceField(label=_("Loại cán bộ"), choices=[("", "—")] + Category.choices)
    rank = RankField(
        queryset=Rank.objects.all(),
        required=False,
        label=_("Ngạch / chức danh nghề nghiệp"),
        empty_label="—",
        error_messages={"invalid_choice": _("Mã ngạch không có trong danh mục ngạch, chức danh nghề nghiệp.")},
    )
    post_title = forms.CharField(label=_("Chức vụ"), required=False, max_length=200, help_text=_("Chức vụ chính; các chức vụ kiêm nhiệm khác được giữ nguyên."))
    post_level = forms.ChoiceField(label=_("Cấp chức vụ"), required=False, choices=[("", _("Không giữ chức vụ lãnh đạo"))] + PostLevel.choices)
    job_position = forms.CharField(label=_("Vị trí việc làm"), required=False, max_length=255)
    planned_levels = forms.MultipleChoiceField(
        label=_("Quy hoạch"), required=False, choices=PostLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    effective_from = date_field(
        _("Áp dụng từ ngày"),
        help_text=_(
            "Ngày bắt đầu của đơn vị, loại, ngạch, chức vụ, vị trí việc làm, quy hoạch mới; quá trình cũ kết thúc ngày hôm trước. "
            "Khi thêm mới có thể để trống (không rõ ngày)."
        ),
    )

    ASSIGNMENT_FIELDS = services.PLACEMENT_FIELDS

    class Meta:
        model = Person
        fields = list(services.IDENTITY_FIELDS)
        error_messages = {
            "code": {"unique": _("Mã cán bộ này đã có trong hệ thống.")},
            "citizen_id": {"unique": _("Số CCCD này đã có trong hệ thống (hồ sơ của một cán bộ khác).")},
            "email": {"invalid": _("Địa chỉ email không hợp lệ.")},
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.today = datetime.date.today()
        super().__init__(*args, **kwargs)
        units = services.placement_units(user).only("pk", "name", "code", "depth").order_by("path")
        self.fields["unit"].queryset = units
        self.fields["unit"].top_depth = base_depth(user)
        self.fields["citizen_id"].widget.attrs.update(inputmode="numeric", maxlength=12)
        self.fields["code"].widget.attrs.setdefault("autocomplete", "off")
        self.fields["ethnicity"].empty_label = "—"
        self.is_new = self.instance.pk is None
        if self.is_new:
            self.initial.setdefault("ethnicity", None)
        else:
            self.initial.update(self.current_situation(self.instance))
            self.fields["effective_from"].help_text = _(
                "Bắt buộc khi đổi đơn vị, loại, ngạch, chức vụ, vị trí việc làm hoặc quy hoạch: quá trình cũ kết thúc ngày hôm trước."
            )
            self.initial.setdefault("effective_from", self.today)

    @staticmethod
    def current_situation(person):
        """Initial values of the assignment fields from the person's open records."""
        return services.current_placement(person)

    # -- field rules (services.clean_identity_field / services.person_errors, shared with the API) ---------------
    def _clean_identity(self, name):
        return services.clean_identity_field(name, self.cleaned_data.get(name), self.today)

    def clean_code(self):
        return self._clean_identity("code")

    def clean_full_name(self):
        return self._clean_identity("full_name")

    def clean_birth_date(self):
        return self._clean_identity("birth_date")

    def clean_citizen_id(self):
        return self._clean_identity("citizen_id")

    def clean_phone(self):
        return self._clean_identity("phone")

    def clean_email(self):
        return self._clean_identity("email")

    def clean_post_title(self):
        return self._clean_identity("post_title")

    def clean_job_position(self):
        return self._clean_identity("job_position")

    def clean(self):
        data = super().clean()
        errors = services.person_errors(
            {**data, "left_on": self.instance.left_on}, is_new=self.is_new, placement_changed=self.assignments_changed(), today=self.today
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    def assignments_changed(self):
        return any(name in self.changed_data for name in self.ASSIGNMENT_FIELDS)

    def save(self, commit=True):
        person = super().save(commit=False)
        if not commit:
            return person
        data = self.cleaned_data
        assignments = {}
        if self.is_new or self.assignments_changed():
            assignments = {
                "unit": data["unit"],
                "category": data["category"],
                "rank": data.get("rank"),
                "post_title": data.get("post_title", ""),
                "post_level": data.get("post_level", ""),
                "job_position": data.get("job_position", ""),
                "planned_levels": data.get("planned_levels", []),
            }
        return services.save_person(person, on_date=data.get("effective_from"), **assignments)


QUALIFICATION_LEVEL_CHOICES = [
    (label, [(f"{qtype}:{code}", level_label) for code, (level_label, _order) in LEVELS[qtype].items()])
    for qtype, label in QualificationType.choices
]


class QualificationForm(forms.ModelForm):
    """A diploma or certificate entered by hand. The level is picked in a list grouped by type ("EDU:DH")."""

    type_level = forms.ChoiceField(label=_("Loại và trình độ"), choices=[("", "—")] + QUALIFICATION_LEVEL_CHOICES)
    issued_on = date_field(_("Ngày cấp"), help_text=_("Để trống nếu không rõ ngày."))
    valid_until = date_field(_("Hiệu lực đến"), help_text=_("Để trống nếu không thời hạn."))

    class Meta:
        model = Qualification
        fields = ["major", "language", "issuer", "issued_on", "valid_until", "certificate_no", "hours"]
        help_texts = {"language": _("Bắt buộc với ngoại ngữ, ví dụ: Tiếng Anh.")}

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        self.order_fields(["type_level"])
        if self.instance.pk:
            self.initial["type_level"] = f"{self.instance.type}:{self.instance.level}"

    def clean(self):
        data = super().clean()
        type_level = data.get("type_level")
        qtype = None
        if type_level:
            qtype, level = type_level.split(":", 1)
            self.instance.type, self.instance.level = qtype, level
        errors = services.qualification_errors(
            self.person, qtype=qtype, language=data.get("language"), issued_on=data.get("issued_on"),
            valid_until=data.get("valid_until"),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    def save(self, commit=True):
        qualification = super().save(commit=False)
        qualification.person = self.person
        return services.save_qualification(qualification) if commit else qualification


class LeaveForm(forms.Form):
    on_date = date_field(_("Ngày thôi công tác"), required=True, help_text=_("Ngày cuối cùng cán bộ công tác."))
    reason = forms.ChoiceField(label=_("Lý do"), choices=[("", "—")] + LeaveReason.choices)

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        error = services.leave_error(self.person, on_date)
        if error:
            raise forms.ValidationError(error)
        return on_date


# ---------------------------------------------------------------- annual assessment grid (docs/domain.md §14.1)


def default_assessment_year(today=None):
    """The year being assessed: ratings are made from October on, so the current year from then, else the last."""
    today = today or datetime.date.today()
    return today.year if today.month >= 10 else today.year - 1


class AssessmentFilterForm(forms.Form):
    """The grid's year and unit (a unit of the user's scope)."""

    year = forms.IntegerField(label=_("Năm"), min_value=assessments.MIN_YEAR, required=False,
                              widget=forms.NumberInput(attrs={"size": 6}))
    unit = UnitField(queryset=Unit.objects.none(), label=_("Đơn vị"), required=False, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = datetime.date.today().year
        self.fields["year"].validators.append(
            django_validators.MaxValueValidator(datetime.date.today().year))
        self.fields["unit"].queryset = Unit.objects.restrict(user).only("pk", "name", "code", "depth").order_by("path")
        self.fields["unit"].top_depth = base_depth(user)


class AssessmentRowForm(forms.Form):
    """One person's line of the grid (prefix "p<pk>")."""

    rating = forms.ChoiceField(label=_("Xếp loại"), required=False, choices=[("", "—")] + Rating.choices)
    assessed_on = date_field(_("Ngày đánh giá"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"size": 24}))

    def __init__(self, *args, year, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        error = assessments.date_error(self.year, data.get("assessed_on"))
        if error:
            self.add_error("assessed_on", error)
        return data
