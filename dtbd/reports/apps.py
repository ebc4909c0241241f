from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtbd.reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from . import signals
        from .models import Indicator

        signals.connect()
        # Targets are data that managers edit (docs/domain.md §11.5): every change is recorded.
        auditlog.register(Indicator)
