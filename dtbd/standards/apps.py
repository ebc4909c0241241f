from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "dtbd.standards"
    verbose_name = "Tiêu chuẩn, rà soát"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.people import extensions as people_extensions

        from .models import Appointment, Equivalence, Requirement, RuleSet
        from .reminders import register_kinds
        from .views_review import staff_page_panel

        auditlog.register(Appointment)
        # Rules are data that managers edit: every change is recorded.
        for model in (RuleSet, Requirement, Equivalence):
            auditlog.register(model)
        people_extensions.person_page.register(staff_page_panel)
        register_kinds()  # the reminder of annual hours still missing in the last quarter (docs/domain.md §19)
