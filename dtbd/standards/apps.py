from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "dtbd.standards"
    verbose_name = "Tiêu chuẩn, rà soát"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Appointment, Equivalence, Requirement, RuleSet

        auditlog.register(Appointment)
        # Rules are data that managers edit: every change is recorded.
        for model in (RuleSet, Requirement, Equivalence):
            auditlog.register(model)
