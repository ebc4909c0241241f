from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dtbd.accounts"
    verbose_name = "Tài khoản và phân quyền"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from django.contrib.auth.signals import user_logged_in

        from .twofactor import note_devices_at_login

        user_logged_in.connect(note_devices_at_login, dispatch_uid="dtbd-2fa-note-devices")
