from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dtbd.accounts"
    verbose_name = "Tài khoản và phân quyền"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .twofactor import note_devices_at_login

        user_logged_in.connect(note_devices_at_login, dispatch_uid="dtbd-2fa-note-devices")
