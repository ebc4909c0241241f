from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.funding"
    verbose_name = _("Cử đi đào tạo, cam kết phục vụ, thu hút nhân tài, tạo nguồn")
