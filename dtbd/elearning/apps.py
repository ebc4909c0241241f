from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.elearning"
    verbose_name = _("Học trực tuyến")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.training import extensions as training_extensions

        from . import panels
        from .models import Attachment, Attempt, Choice, Course, Lesson, Module, Question, Quiz

        auditlog.register(Course)
        auditlog.register(Module)
        auditlog.register(Lesson)
        auditlog.register(Attachment)
        auditlog.register(Quiz)
        auditlog.register(Question)
        auditlog.register(Choice)
        auditlog.register(Attempt, exclude_fields=["questions"])
        training_extensions.portal_page.register(panels.portal_panel)
        training_extensions.class_page.register(panels.class_panel)
