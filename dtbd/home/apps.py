from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dtbd.home"
    verbose_name = "Trang chủ"
