from django.contrib import admin

from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """The export log, read-only: nobody adds, edits or deletes entries by hand."""

    list_display = ("at", "username", "role", "kind", "description", "rows", "ip")
    list_filter = ("kind", "role", "at")
    search_fields = ("username", "description")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in ExportLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
