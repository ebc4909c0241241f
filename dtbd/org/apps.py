from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dtbd.org"
    verbose_name = "Tổ chức bộ máy"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import Unit

        auditlog.register(Unit, exclude_fields=["id", "path", "depth", "name_folded", "children", "assignments", "postassignment"])
