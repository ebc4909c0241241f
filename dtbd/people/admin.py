from django.contrib import admin

from .models import Ethnicity, JobPosition, Person, Qualification, Rank


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "birth_date", "gender", "ethnicity", "party_member", "left_on")
    list_filter = ("gender", "party_member", "ethnicity__is_minority", "leave_reason")
    search_fields = ("code", "full_name", "name_folded", "citizen_id", "email")
    list_select_related = ("ethnicity",)
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 100


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "tier")
    list_filter = ("kind", "tier")
    search_fields = ("code", "name")


@admin.register(Ethnicity)
class EthnicityAdmin(admin.ModelAdmin):
    list_display = ("name", "is_minority", "order")
    list_filter = ("is_minority",)
    search_fields = ("name", "name_folded")


@admin.register(JobPosition)
class JobPositionAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name", "name_folded")


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("person", "type", "level", "major", "issuer", "issued_on", "certificate_no", "source")
    list_filter = ("type", "level", "source")
    search_fields = ("person__code", "person__full_name", "person__name_folded", "major", "certificate_no")
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    readonly_fields = ("level_order", "created_at")
