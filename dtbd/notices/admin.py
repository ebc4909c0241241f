from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notice


class EmailFilter(admin.SimpleListFilter):
    """The e-mail of a notice: sent, waiting for another attempt, failed for good (dtbd.notices.tasks)."""

    title = _("thư")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("failed", _("Gửi thất bại")), ("retrying", _("Chờ gửi lại")), ("sent", _("Đã gửi"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.email_failed()
        if self.value() == "retrying":
            return queryset.filter(emailed_at__isnull=True, email_retry_at__isnull=False)
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        return queryset


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Admins see every notice and whether its e-mail went: a failed one keeps its last error and attempt count."""

    list_display = ["title", "user", "kind", "created_at", "emailed_at", "email_attempts", "email_retry_at",
                    "email_error"]
    list_filter = [EmailFilter, "kind"]
    search_fields = ["title", "user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False  # written by the services (dtbd.notices.services)
