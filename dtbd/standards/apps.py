from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "dtbd.standards"
    verbose_name = "Tiêu chuẩn, rà soát"
