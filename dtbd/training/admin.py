from django.contrib import admin

from .models import ClassSession, Enrollment, EntryCondition, Program, Provider, TrainingClass


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "country", "unit")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "kind", "duration_tiet", "grants_type", "grants_level", "active")
    list_filter = ("category", "kind", "active")
    search_fields = ("code", "name")
    filter_horizontal = ("providers",)



class ClassSessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "program", "provider", "form", "starts_on", "ends_on", "capacity", "seats_taken", "status")
    list_filter = ("status", "form", "funding_source", "abroad")
    search_fields = ("code", "name")
    list_select_related = ("program", "provider")
    readonly_fields = ("seats_taken",)
    inlines = [ClassSessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Read-mostly: states move through dtbd.training.services so that seats stay counted."""

    list_display = ("training_class", "person", "source", "state", "requested_at")
    list_filter = ("state", "source")
    search_fields = ("training_class__code", "person__full_name", "person__code")
    list_select_related = ("training_class", "person")
    raw_id_fields = ("person", "training_class")
    readonly_fields = ("state", "requested_at", "decided_at", "decided_by", "requested_by")


@admin.register(EntryCondition)
class EntryConditionAdmin(admin.ModelAdmin):
    list_display = ("qualification_type", "level", "valid_from", "valid_to", "party_member", "min_education",
                    "good_years", "part_time_min_age_women", "part_time_min_age_men")
