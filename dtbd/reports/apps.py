from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtbd.reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from . import signals

        signals.connect()
