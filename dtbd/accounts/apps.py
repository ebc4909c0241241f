from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dtbd.accounts"
    verbose_name = "Tài khoản và phân quyền"
