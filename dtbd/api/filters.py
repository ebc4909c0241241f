"""Filters of the list endpoints (django-filter). Every filter narrows a queryset that is already scoped. The lists
that also have a web page use that page's FilterSet, from the app that owns the model (org.filters, people.filters,
training.filters), so a filter answers the same units, people and classes on both."""
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dtbd.core.filters import MAX_ID, WholeNumberFilter
from dtbd.org.filters import UnitFilterSet
from dtbd.people.catalog import QualificationType
from dtbd.people.filters import PersonFilterSet
from dtbd.org.models import Unit
from dtbd.people.models import AnnualAssessment, Person, Qualification, Rating
from dtbd.standards.models import Requirement
from dtbd.training.filters import ClassFilterSet
from dtbd.training.models import Enrollment


class IdFilter(WholeNumberFilter):
    """An id (or other whole number): integers only and within the database's range — a float or a 30-digit
    number is a 400, never a query that overflows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UnitFilter(UnitFilterSet):
    """The unit list's filters (dtbd.org.filters.UnitFilterSet, the same as the web page), with the API's documented
    default: every unit in scope, dissolved or not, unless `dissolved=false`."""

    show_dissolved_by_default = True


def schema_types(filterset, **types):
    """Give the OpenAPI schema the type of the page filters whose value is looked up by a method (a unit by its id,
    a rank by its code, a whole number): drf-spectacular cannot infer it from the method."""
    for name, kind in types.items():
        extend_schema_field(kind)(filterset.base_filters[name])
    return filterset


class PersonFilter(PersonFilterSet):
    """The staff register's filters (dtbd.people.filters.PersonFilterSet, the same as the web list), with the API's
    documented default: everyone in scope, in service or not, unless `active` or `include_left` says otherwise."""

    in_service_by_default = False


schema_types(PersonFilter, unit=OpenApiTypes.INT, rank=OpenApiTypes.STR, age_from=OpenApiTypes.INT, age_to=OpenApiTypes.INT)
schema_types(ClassFilterSet, year=OpenApiTypes.INT)


class QualificationFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    type = django_filters.ChoiceFilter(choices=QualificationType.choices)
    level = django_filters.CharFilter()
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Qualification
        fields = ["person", "type", "level", "source"]


class AssessmentFilter(django_filters.FilterSet):
    """Annual ratings (docs/domain.md §14.1) by person, year, rating, or unit: the people placed now in the unit's
    subtree and those who left from it (the queryset is already scoped; a unit out of sight finds nobody)."""

    person = IdFilter(field_name="person_id")
    year = WholeNumberFilter(field_name="year", min_value=0, max_value=9999)
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    unit = IdFilter(method="in_unit")

    class Meta:
        model = AnnualAssessment
        fields = ["person", "year", "rating", "unit"]

    def in_unit(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).only("path").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(person__in=Person.objects.last_placed_in_subtree(unit.path).values("pk"))


class RequirementFilter(django_filters.FilterSet):
    class Meta:
        model = Requirement
        fields = ["code", "kind", "qualification_type"]


class EnrollmentFilter(django_filters.FilterSet):
    training_class = IdFilter(field_name="training_class_id")
    person = IdFilter(field_name="person_id")

    class Meta:
        model = Enrollment
        fields = ["training_class", "person", "state", "source"]
