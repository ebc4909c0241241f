from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.api"
    label = "api"
    verbose_name = _("API tích hợp")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from . import schema  # noqa: F401  (drf-spectacular extension of the token authentication)
        from .models import ApiToken

        # Who was given access to the API, until when, and its revocation are recorded; the key's hash and the time
        # of its last use are not.
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
