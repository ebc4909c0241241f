from django.contrib import admin

from .models import ExportLog, Job


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


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs of every user, read-only (admins watch failures and restarts; the sweep deletes old ones)."""

    list_display = ("created_at", "title", "kind", "created_by", "status", "progress_done", "progress_total",
                    "attempts", "worker", "heartbeat")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("title", "created_by__username", "error")
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
