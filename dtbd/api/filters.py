"""Filters of the list endpoints (django-filter). Every filter narrows a queryset that is already scoped."""
import django_filters
from django import forms
from django.db.models import Q

from dtbd.core.db import prefix_q
from dtbd.core.text import fold
from dtbd.org.models import AdminLevel, Unit, UnitKind
from dtbd.people.catalog import Category, QualificationType
from dtbd.people.models import CategoryAssignment, Person, Qualification, UnitAssignment
from dtbd.standards.models import Requirement
from dtbd.training.models import Certificate, Enrollment, Program, TrainingClass

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id (or other whole number): integers only and within the database's range — a float or a 30-digit
    number is a 400, never a query that overflows."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _subtree_people(unit_id):
    unit = Unit.objects.filter(pk=unit_id).only("path").first()
    if unit is None:
        return Person.objects.none().values("pk")
    return UnitAssignment.objects.current().filter(prefix_q("unit__path", unit.path)).values("person_id")


class UnitFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    admin_level = django_filters.ChoiceFilter(choices=AdminLevel.choices)
    parent = IdFilter(field_name="parent_id")
    q = django_filters.CharFilter(method="search", label="Tìm theo mã hoặc tên")

    class Meta:
        model = Unit
        fields = ["code", "kind", "admin_level", "parent"]

    def search(self, qs, name, value):
        return qs.filter(Q(code__iexact=value) | Q(name_folded__contains=fold(value)))


class PersonFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    unit = IdFilter(method="in_unit", label="Đơn vị (gồm các đơn vị trực thuộc)")
    category = django_filters.ChoiceFilter(method="in_category", choices=Category.choices)
    active = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label="Đang công tác")
    q = django_filters.CharFilter(method="search", label="Tìm theo mã hoặc họ tên")

    class Meta:
        model = Person
        fields = ["code"]

    def in_unit(self, qs, name, value):
        return qs.filter(pk__in=_subtree_people(value))

    def in_category(self, qs, name, value):
        return qs.filter(pk__in=CategoryAssignment.objects.current().filter(category=value).values("person_id"))

    def search(self, qs, name, value):
        return qs.filter(Q(code__iexact=value) | Q(name_folded__contains=fold(value)))


class QualificationFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    type = django_filters.ChoiceFilter(choices=QualificationType.choices)
    level = django_filters.CharFilter()
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Qualification
        fields = ["person", "type", "level", "source"]


class RequirementFilter(django_filters.FilterSet):
    class Meta:
        model = Requirement
        fields = ["code", "kind", "qualification_type"]


class ProgramFilter(django_filters.FilterSet):
    class Meta:
        model = Program
        fields = ["code", "category", "kind", "active"]


class TrainingClassFilter(django_filters.FilterSet):
    starts_from = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")
    program = IdFilter(field_name="program_id")
    provider = IdFilter(field_name="provider_id")

    class Meta:
        model = TrainingClass
        fields = ["code", "status", "form", "program", "provider"]


class EnrollmentFilter(django_filters.FilterSet):
    training_class = IdFilter(field_name="training_class_id")
    person = IdFilter(field_name="person_id")

    class Meta:
        model = Enrollment
        fields = ["training_class", "person", "state", "source"]


class CertificateFilter(django_filters.FilterSet):
    year = IdFilter(max_value=9999)
    person = IdFilter(field_name="enrollment__person_id")
    training_class = IdFilter(field_name="enrollment__training_class_id")
    revoked = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Certificate
        fields = ["number", "kind", "year", "person", "training_class"]
