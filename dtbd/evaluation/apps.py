from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.evaluation"
    verbose_name = _("Đánh giá chất lượng đào tạo, bồi dưỡng")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.people import extensions as people_extensions
        from dtbd.training import extensions as training_extensions

        from . import models as m
        from . import quality_models as qm
        from . import services, views
        from .views_quality import portal_panel as effectiveness_portal_panel
        from .views_quality import provider_panel, staff_page_panel

        # Response, Answer and Respondent are not audited: an audit entry would carry the actor and the time of an
        # anonymous answer (tests/test_audit_coverage.py, docs/domain.md §16.3).
        for model in (m.Rule, m.Template, m.Group, m.Item, m.ClassSurvey):
            auditlog.register(model)
        # A finished class opens its survey and asks its learners (docs/domain.md §16.3).
        training_extensions.class_status_changed.register(services.class_status_changed)
        # The learner portal lists the surveys waiting; the class and lecturer pages show the results.
        training_extensions.portal_page.register(views.portal_panel)
        training_extensions.class_page.register(views.class_panel)
        training_extensions.lecturer_page.register(views.lecturer_panel)
        # Level-3 forms, their programme settings and the publications (docs/domain.md §16.4–15.6).
        for model in (qm.EffectivenessSetting, qm.EffectivenessForm, qm.Publication):
            auditlog.register(model)
        # The staff page shows the level-3 results beside the annual assessment; the provider page the coverage.
        people_extensions.person_page.register(staff_page_panel)
        training_extensions.provider_page.register(provider_panel)
        # The learner portal lists the level-3 forms awaiting the learner's self-assessment.
        training_extensions.portal_page.register(effectiveness_portal_panel)
