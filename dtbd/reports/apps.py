from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtbd.reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self):
        from . import signals

        signals.connect()
