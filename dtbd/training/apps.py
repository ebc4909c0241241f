from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.training"
    verbose_name = _("Đào tạo, bồi dưỡng")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            Assessment, Attendance, Certificate, ClassSession, Enrollment, Program, Provider, Result, Score, TrainingClass,
        )

        auditlog.register(Provider)
        auditlog.register(Program, m2m_fields={"providers"})
        auditlog.register(TrainingClass, exclude_fields=["seats_taken"])
        auditlog.register(ClassSession)
        auditlog.register(Enrollment)
        auditlog.register(Assessment)
        auditlog.register(Attendance)
        auditlog.register(Result)
        auditlog.register(Score)
        auditlog.register(Certificate, exclude_fields=["code"])
