from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.plans"
    verbose_name = _("Kế hoạch, kinh phí đào tạo, bồi dưỡng")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.training import extensions as training_extensions

        from .models import ClassCost, ClassLine, CostNorm, LineCost, Need, NeedRequest, Plan, PlanLine
        from .views.budget import class_page_panel

        # Every change of a plan, its lines, its costs and the norms is recorded (who, when, what).
        for model in (Need, Plan, PlanLine, LineCost, ClassLine, ClassCost, CostNorm):
            auditlog.register(model)
        # A unit request, its named people included (docs/domain.md §13.1).
        auditlog.register(NeedRequest, m2m_fields={"people"})
        # The class page's "Kinh phí" panel (dtbd.core.extensions: training sits below plans).
        training_extensions.class_page.register(class_page_panel)
