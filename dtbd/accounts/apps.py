from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dtbd.accounts"
    verbose_name = "Tài khoản và phân quyền"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from .models import User

        from .twofactor import note_devices_at_login

        # Roles and scopes decide what a user sees: every change is recorded. The password is masked (the entry says
        # that it changed, never the hash); the time of the last login is not a change of the account.
        auditlog.register(User, mask_fields=["password"], exclude_fields=["last_login"])
        user_logged_in.connect(note_devices_at_login, dispatch_uid="dtbd-2fa-note-devices")
