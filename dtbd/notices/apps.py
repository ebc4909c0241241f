from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "dtbd.notices"
    verbose_name = _("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import ReminderPreference

        auditlog.register(ReminderPreference)  # a user's settings: who switched which reminders off, and when
