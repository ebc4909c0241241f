from django.contrib import admin

from .models import Equivalence, Requirement, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "categories", "valid_from", "valid_to"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rule_set", "kind", "qualification_type", "min_level", "valid_from", "valid_to"]
    list_filter = ["code", "kind", "rule_set"]
    search_fields = ["code", "name", "legal_basis"]


@admin.register(Equivalence)
class EquivalenceAdmin(admin.ModelAdmin):
    list_display = ["from_type", "from_level", "major_contains", "to_type", "to_level"]
