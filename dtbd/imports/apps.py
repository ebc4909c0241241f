from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dtbd.imports"
    verbose_name = "Nhập dữ liệu"
