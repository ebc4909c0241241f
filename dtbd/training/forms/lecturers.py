"""The lecturer form: internal (a person of the staff register, by code) or external (name, institution, title)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.people.models import Person

from ..models import Lecturer


class LecturerForm(forms.ModelForm):
    person_code = forms.CharField(
        label=_("Mã cán bộ (giảng viên nội bộ)"), required=False, max_length=30,
        help_text=_("Giảng viên là cán bộ trong hồ sơ: nhập mã cán bộ; để trống nếu là giảng viên ngoài."),
    )

    class Meta:
        model = Lecturer
        fields = ["name", "academic_title", "institution", "field", "active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.person_id:
            self.fields["person_code"].initial = self.instance.person.code
        self.order_fields(["person_code", "name", "academic_title", "institution", "field", "active"])

    def clean_person_code(self):
        code = (self.cleaned_data.get("person_code") or "").strip()
        if not code:
            return None
        person = Person.objects.restrict(self.user).filter(code__iexact=code).first()
        if person is None:
            raise forms.ValidationError(_("Không tìm thấy cán bộ có mã “%(code)s” trong phạm vi của bạn.") % {"code": code})
        clash = Lecturer.objects.filter(person=person).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(_("Cán bộ %(name)s đã có trong danh sách giảng viên.") % {"name": person.full_name})
        return person

    def clean(self):
        data = super().clean()
        person = data.get("person_code")
        self.instance.person = person  # before the model's own clean()
        if person:
            self.instance.name = ""
        if not person and not (data.get("name") or "").strip() and "person_code" not in self.errors:
            self.add_error("name", _("Giảng viên ngoài cần có họ và tên; giảng viên nội bộ nhập mã cán bộ."))
        return data

