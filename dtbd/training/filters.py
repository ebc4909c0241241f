"""Filters of the training lists, shared by the web pages and the API (django-filter). Every filter narrows a
queryset that is already scoped (permissions.classes_for…); none widens it."""
import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.core.filters import WholeNumberFilter

from . import class_services, permissions
from .models import Program, Provider, TrainingClass


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, program):
        return f"{program.code} — {program.name}"


class ProgramFilter(django_filters.ModelChoiceFilter):
    field_class = ProgramChoiceField


class ClassFilterSet(django_filters.FilterSet):
    """The filters of the class list and calendar (training.views_classes) and of /api/v1/classes/.

    Query-string names: the pages' (q, status, category, program, provider, form, abroad, year, open_now, mine; the
    calendar adds `thang`) and the API's documented ones (code, status, form, program, provider, starts_from,
    starts_to) — all of them work on both; the API-only ones are hidden fields on the pages, so a link that carries
    them keeps them while the user changes the other filters.

    Matching rules, the same on every channel:
    - a class code matches by its beginning, case-insensitive (`code=bd2026` finds BD2026-01, BD2026-02); `q` finds
      words anywhere in the code, the name or the programme, accent-insensitive (class_services.search_classes);
    - `program` and `provider` are ids of existing records (any other value is a form error: the API answers 400);
    - `year` keeps the classes running at some time in that year; starts_from/starts_to bound the start date;
    - `mine` (classes run by the user's institution) exists only for institution staff.
    """

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"), method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Mã, tên lớp hoặc chương trình")}),
    )
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=TrainingClass.Status.choices, empty_label=_("Tất cả"))
    category = django_filters.ChoiceFilter(
        label=_("Nội dung"), field_name="program__category", choices=Program.Category.choices, empty_label=_("Tất cả")
    )
    program = ProgramFilter(
        label=_("Chương trình"), queryset=Program.objects.order_by("code"), empty_label=_("Tất cả")
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("Cơ sở tổ chức"), queryset=Provider.objects.order_by("name"), empty_label=_("Tất cả")
    )
    form = django_filters.ChoiceFilter(label=_("Hình thức tổ chức"), choices=TrainingClass.Form.choices, empty_label=_("Tất cả"))
    abroad = django_filters.ChoiceFilter(
        label=_("Học ở nước ngoài"), choices=[("yes", _("Có")), ("no", _("Không"))], method="filter_abroad",
        empty_label=_("Tất cả"),
    )
    year = WholeNumberFilter(label=_("Năm"), method="filter_year", min_value=1900, max_value=2200)
    open_now = django_filters.BooleanFilter(label=_("Đang nhận đăng ký"), method="filter_open_now", widget=forms.CheckboxInput)
    mine = django_filters.BooleanFilter(label=_("Lớp do đơn vị tôi tổ chức"), method="filter_mine", widget=forms.CheckboxInput)
    code = django_filters.CharFilter(label=_("Mã lớp (bắt đầu bằng)"), method="filter_code", widget=forms.HiddenInput)
    starts_from = django_filters.DateFilter(
        label=_("Khai giảng từ ngày"), field_name="starts_on", lookup_expr="gte", widget=forms.HiddenInput
    )
    starts_to = django_filters.DateFilter(
        label=_("Khai giảng đến ngày"), field_name="starts_on", lookup_expr="lte", widget=forms.HiddenInput
    )

    class Meta:
        model = TrainingClass
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, today=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.user = user or getattr(request, "user", None)
        self.today = today
        if not permissions.is_institution(self.user):
            del self.filters["mine"]
        # the pages offer the last years in a list; the API takes any year
        years = [("", _("Tất cả"))] + [(y, str(y)) for y in class_services.year_choices(today)]
        self.filters["year"].extra["widget"] = forms.Select(choices=years)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # the search reads the candidates' codes and names: run it last, on the fewest rows
        return class_services.search_classes(queryset, self.form.cleaned_data.get("q") or "")

    def filter_search(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_code(self, queryset, name, value):
        text = (value or "").strip()
        return queryset.filter(code__istartswith=text) if text else queryset

    def filter_abroad(self, queryset, name, value):
        return queryset.filter(abroad=value == "yes") if value in ("yes", "no") else queryset

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(starts_on__lte=datetime.date(year, 12, 31), ends_on__gte=datetime.date(year, 1, 1))

    def filter_open_now(self, queryset, name, value):
        return queryset.filter(class_services.open_now_q(self.today)) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(permissions.run_classes_q(self.user)) if value else queryset
