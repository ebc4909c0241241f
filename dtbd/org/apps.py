from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dtbd.org"
    verbose_name = "Tổ chức bộ máy"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import Lineage, Unit

        auditlog.register(Unit, exclude_fields=["id", "path", "depth", "name_folded", "children", "assignments", "postassignment",
                                                "successor_links", "predecessor_links"])
        auditlog.register(Lineage)
