from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtbd.reports"
    verbose_name = "Báo cáo, thống kê"
