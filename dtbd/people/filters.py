"""Filters of the staff list (and its export). Every filter is a subquery computed in the database
(dtbd.people.queries); the unit choices are limited to the user's scope."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dtbd.core.filters import WholeNumberFilter
from dtbd.core.text import fold
from dtbd.org.models import Unit
from dtbd.org.queries import base_depth

from . import queries
from .catalog import LEVELS, Category, Gender, PostLevel, QualificationType
from .models import CategoryAssignment, PostAssignment, Rank, RankAssignment

YES_NO = [("", _("Tất cả")), ("1", _("Có")), ("0", _("Không"))]
ANY = [("", _("Tất cả"))]

# code -> (label, min age, max age), ages in full years, both inclusive
AGE_BANDS = {
    "U30": (_("Dưới 30 tuổi"), None, 29),
    "30_35": (_("Từ 30 đến dưới 35"), 30, 34),
    "U35": (_("Dưới 35 tuổi (trẻ)"), None, 34),
    "35_45": (_("Từ 35 đến dưới 45"), 35, 44),
    "45_55": (_("Từ 45 đến dưới 55"), 45, 54),
    "55P": (_("Từ 55 tuổi trở lên"), 55, None),
}


def level_filter_choices(qtype, none_label=None):
    choices = ANY + [(code, label) for code, (label, _order) in LEVELS[qtype].items()]
    if none_label:
        choices.append(("NONE", none_label))
    return choices


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by their depth below the top of the user's tree."""

    top_depth = 0

    def label_from_instance(self, unit):
        return f"{'— ' * max(unit.depth - self.top_depth, 0)}{unit.name}"


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class PersonFilterSet(django_filters.FilterSet):
    """The filters of the staff register, for the web list (people.views), its export and the API (/api/v1/staff/).

    Query-string names (q, unit, category, gender, ethnic_minority, party_member, education, include_left, page…)
    are used by links from other pages (unit page headcounts) and by bench/staff_list.py; `code` and `active` are the
    API's documented parameters: keep them all.

    Matching rules, the same on every channel:
    - a staff code matches by its beginning, case-insensitive (`q=HV0` and `code=hv0` both find HV001, HV002): an
      officer types the first characters of a code; `q` also finds the name, accent-insensitive, anywhere in it;
    - `unit` is a unit in the user's scope and takes its whole subtree; any other id is a form error (the API
      answers 400 without saying whether the unit exists);
    - who is listed: people in service by default (`in_service_by_default`); `include_left` adds those who left;
      `active=true` lists only people in service, `active=false` only those who left (it wins over include_left).
      The API keeps its documented default — everyone in scope — by setting `in_service_by_default = False`.
    """

    in_service_by_default = True

    q = django_filters.CharFilter(
        label=_("Tìm theo tên hoặc mã"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "id": "person-q", "placeholder": _("vd: nguyen van an"), "autocomplete": "off"}
        ),
    )
    code = django_filters.CharFilter(label=_("Mã cán bộ (bắt đầu bằng)"), method="filter_code")
    unit = UnitFilter(
        label=_("Đơn vị (gồm đơn vị trực thuộc)"), queryset=Unit.objects.none(), method="filter_unit", empty_label=_("Tất cả")
    )
    category = django_filters.ChoiceFilter(label=_("Loại"), choices=Category.choices, method="filter_category", empty_label=_("Tất cả"))
    rank = django_filters.ModelChoiceFilter(
        label=_("Ngạch / chức danh"), queryset=Rank.objects.all(), to_field_name="code", method="filter_rank", empty_label=_("Tất cả")
    )
    post_level = django_filters.ChoiceFilter(
        label=_("Cấp chức vụ"),
        choices=PostLevel.choices + [("ANY", _("Có chức vụ lãnh đạo")), ("NONE", _("Không giữ chức vụ"))],
        method="filter_post_level",
        empty_label=_("Tất cả"),
    )
    education = django_filters.ChoiceFilter(
        label=_("Trình độ chuyên môn"), method="filter_level", empty_label=None,
        choices=level_filter_choices(QualificationType.EDUCATION, _("Chưa có thông tin")),
    )
    llct = django_filters.ChoiceFilter(
        label=_("Lý luận chính trị"), method="filter_level", empty_label=None,
        choices=level_filter_choices(QualificationType.POLITICAL, _("Chưa có")),
    )
    qlnn = django_filters.ChoiceFilter(
        label=_("Quản lý nhà nước"), method="filter_level", empty_label=None,
        choices=level_filter_choices(QualificationType.STATE_MGMT, _("Chưa có")),
    )
    language = django_filters.ChoiceFilter(
        label=_("Ngoại ngữ"), method="filter_level", empty_label=None,
        choices=level_filter_choices(QualificationType.LANGUAGE, _("Chưa có")),
    )
    gender = django_filters.ChoiceFilter(label=_("Giới tính"), choices=Gender.choices, empty_label=_("Tất cả"))
    ethnic_minority = django_filters.ChoiceFilter(
        label=_("Dân tộc thiểu số"), choices=YES_NO[1:], empty_label=_("Tất cả"), method="filter_minority"
    )
    party_member = django_filters.ChoiceFilter(
        label=_("Đảng viên"), choices=YES_NO[1:], empty_label=_("Tất cả"), method="filter_party"
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Độ tuổi"), choices=[(k, v[0]) for k, v in AGE_BANDS.items()], method="filter_age_band", empty_label=_("Tất cả")
    )
    age_from = WholeNumberFilter(
        label=_("Tuổi từ"), method="filter_age_from", min_value=0, max_value=150, widget=forms.NumberInput(attrs={"min": 16, "max": 75, "style": "width:5.5rem"})
    )
    age_to = WholeNumberFilter(
        label=_("đến"), method="filter_age_to", min_value=0, max_value=150, widget=forms.NumberInput(attrs={"min": 16, "max": 75, "style": "width:5.5rem"})
    )
    include_left = django_filters.BooleanFilter(
        label=_("Gồm cả người đã thôi công tác"), method="filter_include_left", widget=forms.CheckboxInput
    )
    active = django_filters.BooleanFilter(label=_("Đang công tác"), method="filter_include_left")

    LEVEL_TYPES = {
        "education": QualificationType.EDUCATION,
        "llct": QualificationType.POLITICAL,
        "qlnn": QualificationType.STATE_MGMT,
        "language": QualificationType.LANGUAGE,
    }

    class Meta:
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.user = user or getattr(request, "user", None)
        units = Unit.objects.restrict(self.user).only("pk", "name", "depth").order_by("path")
        field = self.form.fields["unit"]
        field.queryset = units
        field.top_depth = base_depth(self.user)
        self.form.label_suffix = ""
        # who is listed (see the class docstring): True, False or None (everyone in scope)
        data = self.data if self.form.is_bound else {}
        self.active = forms.NullBooleanField().to_python(data.get("active"))
        if self.active is None and data.get("include_left", "") not in ("on", "true", "1", "True"):
            self.active = True if self.in_service_by_default else None
        # date-independent filters read the open records; with people who left, their last ones
        self.include_left = self.active is not True

    # -- the base queryset: active people unless asked otherwise -----------------------------------------------
    def filter_queryset(self, queryset):
        if self.active is not None:
            queryset = queryset.filter(left_on__isnull=self.active)
        return super().filter_queryset(queryset)

    def filter_include_left(self, queryset, name, value):
        return queryset  # include_left and active are applied in filter_queryset, before the others

    # -- filters ---------------------------------------------------------------------------------------------
    def filter_search(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        folded = fold(text)
        condition = Q(code__istartswith=text)
        if folded:
            condition |= Q(name_folded__contains=folded)
        return queryset.filter(condition)

    def filter_code(self, queryset, name, value):
        text = (value or "").strip()
        return queryset.filter(code__istartswith=text) if text else queryset

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(queries.people_in_unit_q(unit.path, self.include_left)) if unit else queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(queries.people_with_q(CategoryAssignment, self.include_left, category=value))

    def filter_rank(self, queryset, name, rank):
        return queryset.filter(queries.people_with_q(RankAssignment, self.include_left, rank=rank)) if rank else queryset

    def filter_post_level(self, queryset, name, value):
        if value == "ANY":
            return queryset.filter(queries.people_with_q(PostAssignment, self.include_left, level__in=PostLevel.values))
        if value == "NONE":
            return queryset.exclude(queries.people_with_q(PostAssignment, self.include_left, level__in=PostLevel.values))
        return queryset.filter(queries.people_with_q(PostAssignment, self.include_left, level=value))

    def filter_level(self, queryset, name, value):
        return queryset.filter(queries.highest_level_q(self.LEVEL_TYPES[name], value)) if value else queryset

    def filter_minority(self, queryset, name, value):
        return queryset.filter(ethnicity__is_minority=value == "1")

    def filter_party(self, queryset, name, value):
        return queryset.filter(party_member=value == "1")

    def filter_age_band(self, queryset, name, value):
        _label, low, high = AGE_BANDS[value]
        return queryset.filter(queries.age_q(low, high))

    def filter_age_from(self, queryset, name, value):
        return queryset.filter(queries.age_q(min_age=int(value))) if value is not None else queryset

    def filter_age_to(self, queryset, name, value):
        return queryset.filter(queries.age_q(max_age=int(value))) if value is not None else queryset
