from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "dtbd.standards"
    verbose_name = "Tiêu chuẩn, rà soát"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Appointment

        auditlog.register(Appointment)
