from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dtbd.org"
    verbose_name = "Tổ chức bộ máy"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Unit

        auditlog.register(Unit, exclude_fields=["id", "path", "depth", "name_folded", "children", "assignments", "postassignment"])
