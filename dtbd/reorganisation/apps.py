from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.reorganisation"
    verbose_name = _("Sắp xếp tổ chức bộ máy")

    def ready(self):
        # Imported here: models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import Operation

        auditlog.register(Operation)
