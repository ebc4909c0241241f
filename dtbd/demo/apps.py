from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dtbd.demo"
    verbose_name = "Dữ liệu mẫu"
