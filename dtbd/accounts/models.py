from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "ADMIN", _("Quản trị hệ thống")
    PROVINCE = "PROVINCE", _("Quản lý cấp tỉnh")
    UNIT_OFFICER = "UNIT", _("Cán bộ phụ trách đơn vị")
    INSTITUTION = "INSTITUTION", _("Cơ sở đào tạo, bồi dưỡng")
    LEADER = "LEADER", _("Lãnh đạo (chỉ xem)")
    LEARNER = "LEARNER", _("Học viên")


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices, default=Role.LEARNER)
    scope_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("phạm vi đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Đơn vị gốc của phạm vi: người dùng thấy đơn vị này và các đơn vị trực thuộc."),
    )
    person = models.OneToOneField(
        "people.Person", verbose_name=_("hồ sơ cán bộ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def signature_name(self):
        """The full name signed under a document (NGƯỜI LẬP BIỂU, Decree 30/2020/NĐ-CP): họ + tên of the account,
        else the full name of the linked staff record, else the username."""
        name = f"{self.last_name} {self.first_name}".strip()
        if not name and self.person_id:
            name = self.person.full_name
        return name or self.username
