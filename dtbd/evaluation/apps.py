from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.evaluation"
    verbose_name = _("Đánh giá chất lượng đào tạo, bồi dưỡng")

    def ready(self):
        pass
