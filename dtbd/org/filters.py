"""Filters of the unit list (org.views.unit_list) and of /api/v1/units/ (django-filter). Every filter narrows a
queryset that is already scoped (Unit.objects.restrict, scope_of(user).filter_units)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dtbd.core.filters import MAX_ID, WholeNumberFilter
from dtbd.core.text import fold

from .models import AdminLevel, Unit, UnitKind
from .queries import not_dissolved_q


class UnitFilterSet(django_filters.FilterSet):
    """Query-string names: the page's (q, kind, level, dissolved) and the API's documented ones (code, kind,
    admin_level, parent, q) — all of them work on both; `level` and `admin_level` are the same filter. The API-only
    ones are hidden fields on the page.

    Matching rules, the same on every channel:
    - a unit code matches by its beginning, case-insensitive (`code=so_a` finds SO_A and SO_A.P1, the codes of a
      subtree); `q` finds the code the same way, or words of the name anywhere, accent-insensitive;
    - dissolved units (valid_to before today) are hidden by default on the page (`dissolved=on` shows them); the API
      keeps its documented default — every unit in scope — by setting `show_dissolved_by_default = True`.
    """

    show_dissolved_by_default = False
    SEARCH_FIELDS = ("q", "kind", "level", "admin_level", "code", "parent")

    q = django_filters.CharFilter(
        label=_("Tên hoặc mã"), method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "id": "unit-q", "placeholder": _("vd: so noi vu")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Loại đơn vị"), choices=UnitKind.choices, empty_label=_("Tất cả"))
    level = django_filters.ChoiceFilter(
        label=_("Cấp hành chính"), field_name="admin_level", choices=AdminLevel.choices, empty_label=_("Tất cả")
    )
    dissolved = django_filters.BooleanFilter(
        label=_("Hiện đơn vị đã giải thể"), method="filter_dissolved", widget=forms.CheckboxInput
    )
    admin_level = django_filters.ChoiceFilter(
        label=_("Cấp hành chính"), choices=AdminLevel.choices, empty_label=_("Tất cả"), widget=forms.HiddenInput
    )
    code = django_filters.CharFilter(label=_("Mã đơn vị (bắt đầu bằng)"), method="filter_code", widget=forms.HiddenInput)
    parent = WholeNumberFilter(
        label=_("Đơn vị cấp trên (mã số)"), field_name="parent_id", min_value=0, max_value=MAX_ID, widget=forms.HiddenInput
    )

    class Meta:
        model = Unit
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, today=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.today = today
        self.form.label_suffix = ""
        raw = self.data.get("dissolved", "") if self.is_bound else ""
        self.show_dissolved = raw in ("on", "true", "1", "True") or (raw == "" and self.show_dissolved_by_default)

    def is_search(self):
        """True when a search filter is given (the page then lists the matching units instead of the tree)."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return any(data.get(name) not in (None, "") for name in self.SEARCH_FIELDS)

    def filter_queryset(self, queryset):
        if not self.show_dissolved:
            queryset = queryset.filter(not_dissolved_q(self.today))
        return super().filter_queryset(queryset)

    def filter_dissolved(self, queryset, name, value):
        return queryset  # applied in filter_queryset

    def filter_code(self, queryset, name, value):
        text = (value or "").strip()
        return queryset.filter(code__istartswith=text) if text else queryset

    def filter_search(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        condition = Q(code__istartswith=text)
        if fold(text):
            condition |= Q(name_folded__contains=fold(text))
        return queryset.filter(condition)
