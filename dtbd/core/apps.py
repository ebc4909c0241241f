from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dtbd.core"
    verbose_name = "Lõi hệ thống"
