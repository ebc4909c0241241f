from django.contrib import admin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "admin_level", "parent", "valid_from", "valid_to")
    list_filter = ("admin_level", "kind")
    search_fields = ("code", "name", "name_folded")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth")
    ordering = ("path",)
    list_select_related = ("parent",)
    list_per_page = 100
