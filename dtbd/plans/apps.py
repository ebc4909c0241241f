from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.plans"
    verbose_name = _("Kế hoạch, kinh phí đào tạo, bồi dưỡng")

    def ready(self):
        # Imported here: models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import ClassCost, ClassLine, CostNorm, LineCost, Need, NeedRequest, Plan, PlanLine

        # Every change of a plan, its lines, its costs and the norms is recorded (who, when, what).
        for model in (NeedRequest, Need, Plan, PlanLine, LineCost, ClassLine, ClassCost, CostNorm):
            auditlog.register(model)
        # A unit request's named people: changes of the list are recorded too (docs/domain.md §13.1).
        auditlog.register(NeedRequest, m2m_fields={"people"})
