"""The cost norms are data managers edit here (docs/domain.md §13.3): a changed figure is a new row with its own
valid_from, the previous row closed by valid_to, so past classes keep the norm of their time. Every change is
audited (apps.py)."""
from django.contrib import admin

from .models import CostNorm


@admin.register(CostNorm)
class CostNormAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "grade", "item", "per", "amount", "valid_from", "valid_to")
    list_filter = ("item",)
    search_fields = ("code", "name", "grade")
    ordering = ("item", "code", "-valid_from")
    date_hierarchy = "valid_from"
