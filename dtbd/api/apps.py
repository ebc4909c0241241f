from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.api"
    label = "api"
    verbose_name = _("API tích hợp")

    def ready(self):
        from . import schema  # noqa: F401  (drf-spectacular extension of the token authentication)
