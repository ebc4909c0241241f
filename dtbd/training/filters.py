"""Filters of the training lists, shared by the web pages and the API (django-filter). Every filter narrows a
queryset that is already scoped (permissions.classes_for…); none widens it."""
import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dtbd.core.filters import MAX_ID, WholeNumberFilter

from . import permissions
from .models import Certificate, Program, Provider, TrainingClass
from .queries import search_certificates, search_programmes
from .services import classes as class_services


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
        return _code_prefix(queryset, "code", value)

    def filter_abroad(self, queryset, name, value):
        return queryset.filter(abroad=value == "yes") if value in ("yes", "no") else queryset

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(starts_on__lte=datetime.date(year, 12, 31), ends_on__gte=datetime.date(year, 1, 1))

    def filter_open_now(self, queryset, name, value):
        return queryset.open_for_registration(self.today) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(permissions.run_classes_q(self.user)) if value else queryset


def _code_prefix(queryset, field, value):
    text = (value or "").strip()
    return queryset.filter(**{f"{field}__istartswith": text}) if text else queryset


class ProgramFilterSet(django_filters.FilterSet):
    """The filters of the programme catalogue (training.views.program_list) and of /api/v1/programmes/.

    Query-string names: the page's (q, category, kind) and the API's documented ones (code, category, kind,
    active); the API-only ones are hidden fields on the page. A programme code matches by its beginning,
    case-insensitive; `q` finds words of the code or the name anywhere, accent-insensitive (queries.search_programmes).
    """

    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_search")
    category = django_filters.ChoiceFilter(label=_("Nội dung"), choices=Program.Category.choices, empty_label=_("Tất cả"))
    kind = django_filters.ChoiceFilter(label=_("Hình thức"), choices=Program.Kind.choices, empty_label=_("Tất cả"))
    code = django_filters.CharFilter(label=_("Mã chương trình (bắt đầu bằng)"), method="filter_code", widget=forms.HiddenInput)
    active = django_filters.BooleanFilter(label=_("Đang áp dụng"), widget=forms.HiddenInput)

    class Meta:
        model = Program
        fields = []

    def filter_search(self, queryset, name, value):
        return search_programmes(queryset, value) if (value or "").strip() else queryset

    def filter_code(self, queryset, name, value):
        return _code_prefix(queryset, "code", value)


class CertificateFilterSet(django_filters.FilterSet):
    """The filters of the certificate list (training.views_certificates.certificate_list) and of
    /api/v1/certificates/.

    Query-string names: the page's (q, co_so, nam, lop) and the API's documented ones (number, kind, year, person,
    training_class, revoked); `nam` and `year` are the same filter, `lop` and `training_class` too. The API-only
    ones are hidden fields on the page.

    Matching rules, the same on every channel: `number` matches the beginning of the certificate number,
    case-insensitive (like the codes of the other lists); `q` finds the number anywhere or every word of the
    learner's name, accent-insensitive (queries.search_certificates); ids are ids of records (classes, people,
    providers) — a class or a person outside the user's sight finds nothing.
    """

    q = django_filters.CharFilter(label=_("Tìm theo tên, số hiệu"), method="filter_search")
    co_so = django_filters.ModelChoiceFilter(
        label=_("Cơ sở cấp"), field_name="provider", queryset=Provider.objects.order_by("name"), empty_label=_("Tất cả")
    )
    nam = WholeNumberFilter(label=_("Năm cấp"), field_name="year", min_value=1990, max_value=2100)
    lop = WholeNumberFilter(
        label=_("Lớp (mã số)"), field_name="enrollment__training_class_id", min_value=0, max_value=MAX_ID,
        widget=forms.HiddenInput,
    )
    number = django_filters.CharFilter(label=_("Số hiệu (bắt đầu bằng)"), method="filter_number", widget=forms.HiddenInput)
    kind = django_filters.ChoiceFilter(label=_("Loại"), choices=Certificate.Kind.choices, widget=forms.HiddenInput)
    year = WholeNumberFilter(label=_("Năm cấp"), field_name="year", min_value=1990, max_value=2100, widget=forms.HiddenInput)
    person = WholeNumberFilter(
        label=_("Học viên (mã số)"), field_name="enrollment__person_id", min_value=0, max_value=MAX_ID,
        widget=forms.HiddenInput,
    )
    training_class = WholeNumberFilter(
        label=_("Lớp (mã số)"), field_name="enrollment__training_class_id", min_value=0, max_value=MAX_ID,
        widget=forms.HiddenInput,
    )
    revoked = django_filters.BooleanFilter(
        label=_("Đã thu hồi"), field_name="revoked_at", lookup_expr="isnull", exclude=True, widget=forms.HiddenInput
    )

    class Meta:
        model = Certificate
        fields = []

    def filter_search(self, queryset, name, value):
        return search_certificates(queryset, value)

    def filter_number(self, queryset, name, value):
        return _code_prefix(queryset, "number", value)
