"""Pieces shared by the FilterSets of the apps (django-filter), which serve both a web list and an API list."""
import django_filters
from django import forms

MAX_ID = 2**63 - 1  # the largest id a bigint column holds


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number within bounds (an age, a year, an id): "1.5" or "1e400" is a form error (a 400 in the API),
    never a query that overflows."""

    field_class = forms.IntegerField
