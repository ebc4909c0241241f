"""Forms of the record pages. Field rules come from dtbd.people.validators (shared with the import); saving goes
through dtbd.people.services."""
import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import CHANGE
from dtbd.org.models import Unit
from dtbd.org.queries import base_depth, not_dissolved_q

from . import services
from . import validators as v
from .catalog import LEVELS, Category, LeaveReason, PostLevel, QualificationType
from .models import JobAssignment, Person, PlannedPost, Qualification, Rank

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

    ASSIGNMENT_FIELDS = ("unit", "category", "rank", "post_title", "post_level", "job_position", "planned_levels")

    class Meta:
        model = Person
        fields = [
            "code", "full_name", "birth_date", "gender", "ethnicity", "citizen_id", "email", "phone",
            "recruited_on", "party_member", "party_joined_on",
        ]
        error_messages = {
            "code": {"unique": _("Mã cán bộ này đã có trong hệ thống.")},
            "citizen_id": {"unique": _("Số CCCD này đã có trong hệ thống (hồ sơ của một cán bộ khác).")},
            "email": {"invalid": _("Địa chỉ email không hợp lệ.")},
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.today = datetime.date.today()
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user, CHANGE).filter(not_dissolved_q()).only("pk", "name", "code", "depth").order_by("path")
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
        from . import queries

        row = queries.display_rows([person.pk])[0]
        job = JobAssignment.objects.filter(person=person, valid_to__isnull=True).select_related("job_position").first()
        rank = Rank.objects.filter(code=row.rank_code).first() if row.rank_code else None
        return {
            "unit": row.unit_pk,
            "category": row.category_code,
            "rank": rank,
            "post_title": row.post_title or "",
            "post_level": row.post_level or "",
            "job_position": job.job_position.name if job else "",
            "planned_levels": list(
                PlannedPost.objects.filter(person=person, valid_to__isnull=True).values_list("level", flat=True)
            ),
        }

    # -- field rules (validators.py) -------------------------------------------------------------------------
    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        error = v.code_error(code)
        if error:
            raise forms.ValidationError(error)
        return code

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Nhập họ và tên đầy đủ."))
        return name

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        error = v.birth_date_error(birth_date, self.today)
        if error:
            raise forms.ValidationError(error)
        return birth_date

    def clean_citizen_id(self):
        value = (self.cleaned_data.get("citizen_id") or "").strip()
        if not value:
            return None
        error = v.citizen_id_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return ""
        error = v.phone_error(value)
        if error:
            raise forms.ValidationError(error)
        return v.normalize_phone(value)

    def clean_email(self):
        value = (self.cleaned_data.get("email") or "").strip()
        if value and v.email_error(value):
            raise forms.ValidationError(v.email_error(value))
        return value

    def clean_post_title(self):
        return " ".join(self.cleaned_data.get("post_title", "").split())

    def clean_job_position(self):
        return " ".join(self.cleaned_data.get("job_position", "").split())

    def clean(self):
        data = super().clean()
        birth_date, gender = data.get("birth_date"), data.get("gender")
        citizen_id = data.get("citizen_id")
        if citizen_id and birth_date and gender:
            error = v.citizen_id_error(citizen_id, birth_date, gender)
            if error:
                self.add_error("citizen_id", error)
        recruited_on = data.get("recruited_on")
        if recruited_on:
            error = v.recruited_on_error(recruited_on, birth_date)
            if error:
                self.add_error("recruited_on", error)
        joined = data.get("party_joined_on")
        if joined and not data.get("party_member"):
            self.add_error("party_joined_on", _("Chỉ nhập ngày vào Đảng khi cán bộ là đảng viên."))
        elif joined and joined > self.today:
            self.add_error("party_joined_on", _("Ngày vào Đảng ở tương lai."))
        elif joined and birth_date and v.age_on(birth_date, joined) < 18:
            self.add_error("party_joined_on", _("Ngày vào Đảng trước khi đủ 18 tuổi."))
        effective = data.get("effective_from")
        if effective and birth_date and effective < birth_date:
            self.add_error("effective_from", _("Ngày áp dụng trước ngày sinh."))
        if not self.is_new and not effective and self.assignments_changed():
            self.add_error(
                "effective_from", _("Nhập ngày áp dụng: đơn vị, loại, ngạch, chức vụ, vị trí việc làm hoặc quy hoạch đã thay đổi.")
            )
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
        if type_level:
            qtype, level = type_level.split(":", 1)
            self.instance.type, self.instance.level = qtype, level
            if qtype == QualificationType.LANGUAGE and not (data.get("language") or "").strip():
                self.add_error("language", _("Nhập tên ngoại ngữ (ví dụ: Tiếng Anh)."))
        issued, until = data.get("issued_on"), data.get("valid_until")
        today = datetime.date.today()
        if issued and issued > today:
            self.add_error("issued_on", _("Ngày cấp ở tương lai."))
        elif issued and issued < self.person.birth_date:
            self.add_error("issued_on", _("Ngày cấp trước ngày sinh của cán bộ."))
        if issued and until and until < issued:
            self.add_error("valid_until", _("Ngày hết hiệu lực phải sau ngày cấp."))
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
        if on_date > datetime.date.today():
            raise forms.ValidationError(_("Ngày thôi công tác không được ở tương lai."))
        if v.age_on(self.person.birth_date, on_date) < v.MIN_AGE:
            raise forms.ValidationError(_("Ngày thôi công tác trước khi cán bộ đủ 16 tuổi."))
        latest = _latest_open_start(self.person)
        if latest and on_date < latest:
            raise forms.ValidationError(
                _("Ngày thôi công tác trước ngày bắt đầu của quá trình hiện tại (%(date)s).") % {"date": latest.strftime("%d/%m/%Y")}
            )
        return on_date


def _latest_open_start(person):
    """The latest start among the person's open history records (None when all starts are unknown)."""
    from django.db.models import Max

    latest = None
    for model in services.ASSIGNMENT_MODELS:
        value = model.objects.filter(person=person, valid_to__isnull=True).aggregate(m=Max("valid_from"))["m"]
        if value and (latest is None or value > latest):
            latest = value
    return latest
