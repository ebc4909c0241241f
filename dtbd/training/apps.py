from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.training"
    verbose_name = _("Đào tạo, bồi dưỡng")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.standards import extensions as standards_extensions

        from .models import (
            Assessment,
            Attendance,
            Certificate,
            ClassSession,
            Enrollment,
            IssuingDecision,
            EntryCondition,
            OverseasReminder,
            OverseasReport,
            Lecturer,
            Program,
            Provider,
            Result,
            Score,
            TrainingClass,
        )
        from .queries import completed_programme_people, credit_sources
        from .reminders import register_kinds

        auditlog.register(Provider)
        auditlog.register(Program, m2m_fields={"providers"})
        auditlog.register(TrainingClass, exclude_fields=["seats_taken"])
        auditlog.register(ClassSession)
        auditlog.register(Lecturer, exclude_fields=["search"])
        auditlog.register(Enrollment)
        auditlog.register(Assessment)
        auditlog.register(Attendance)
        auditlog.register(Result)
        auditlog.register(Score)
        auditlog.register(Certificate, exclude_fields=["code"])
        auditlog.register(IssuingDecision)
        auditlog.register(EntryCondition)
        auditlog.register(OverseasReport)
        auditlog.register(OverseasReminder)
        standards_extensions.programme_completions.register(completed_programme_people)
        standards_extensions.credit_sources.register(credit_sources)
        register_kinds()  # the reminders of registration deadlines, class starts, expiring certificates
