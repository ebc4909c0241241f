from django.contrib import admin

from .models import Candidate, Dispatch, Policy, PostgradRule, ReimbursementCase, Scheme


@admin.register(PostgradRule)
class PostgradRuleAdmin(admin.ModelAdmin):
    """The conditions of postgraduate dispatch are data the province's managers correct (docs/domain.md §14.2)."""

    list_display = ["rule_set", "max_age", "min_service_years", "good_years", "commitment_multiple"]


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["person", "level", "field", "decision_no", "decision_date", "status"]
    list_filter = ["status", "level"]
    raw_id_fields = ["person", "diploma", "rule_set", "override_by", "created_by"]
    search_fields = ["person__code", "person__full_name", "decision_no"]


@admin.register(ReimbursementCase)
class ReimbursementCaseAdmin(admin.ModelAdmin):
    list_display = ["person", "opened_on", "case", "amount", "status"]
    list_filter = ["status", "case"]
    raw_id_fields = ["person", "dispatch"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """Province data (docs/domain.md §14.4); the pages under /thu-hut-nhan-tai/ are the usual way to write it."""

    list_display = ["name", "valid_from", "valid_to", "budget"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "target"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "scheme", "unit", "selection", "person", "recruited_on"]
    raw_id_fields = ["person", "unit", "recruited_by"]
    search_fields = ["full_name"]
