from django.contrib import admin

from .models import Appointment, Equivalence, Requirement, RuleSet


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


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "post_level", "rank", "effective_on", "decision_no", "exception_by"]
    list_filter = ["kind"]
    search_fields = ["person__code", "person__full_name", "decision_no"]
    raw_id_fields = ["person"]
