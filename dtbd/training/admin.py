from django.contrib import admin

from .models import Program, Provider


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

