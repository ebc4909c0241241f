"""Catalogue of training (ĐTBD): providers (cơ sở đào tạo, bồi dưỡng) and programmes (chương trình)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.core.text import fold
from dtbd.people.catalog import LEVELS, QualificationType, level_label


class Provider(models.Model):
    class Kind(models.TextChoices):
        HV_CTQG = "HV_CTQG", _("Học viện CTQG Hồ Chí Minh và các học viện khu vực")
        TRUONG_CHINH_TRI = "TRUONG_CHINH_TRI", _("Trường chính trị tỉnh")
        DAI_HOC = "DAI_HOC", _("Trường đại học, học viện")
        TRUONG_BO_NGANH = "TRUONG_BO_NGANH", _("Trường của bộ, ngành")
        NUOC_NGOAI = "NUOC_NGOAI", _("Đối tác nước ngoài")
        KHAC = "KHAC", _("Khác")

    code = models.CharField(_("mã cơ sở"), max_length=30, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=255)
    kind = models.CharField(_("loại cơ sở"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("quốc gia"), max_length=2, default="VN")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("đơn vị tương ứng"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="providers", limit_choices_to={"kind": "TRUONG"},
    )
    search = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("cơ sở đào tạo, bồi dưỡng")
        verbose_name_plural = _("cơ sở đào tạo, bồi dưỡng")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.unit.kind != "TRUONG":
            raise ValidationError({"unit": _("Đơn vị liên kết phải là cơ sở đào tạo, bồi dưỡng (loại TRUONG).")})

    def save(self, *args, **kwargs):
        self.search = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


class Program(models.Model):
    class Category(models.TextChoices):
        LLCT = "LLCT", _("Lý luận chính trị")
        QPAN = "QPAN", _("Quốc phòng và an ninh")
        QLNN = "QLNN", _("Quản lý nhà nước")
        LDQL = "LDQL", _("Kiến thức, kỹ năng lãnh đạo, quản lý")
        CMNV = "CMNV", _("Chuyên môn, nghiệp vụ")
        SO_AI = "SO_AI", _("Chuyển đổi số, trí tuệ nhân tạo")
        NGOAI_NGU = "NGOAI_NGU", _("Ngoại ngữ")
        TIN_HOC = "TIN_HOC", _("Tin học")
        KHAC = "KHAC", _("Khác")

    class Kind(models.TextChoices):
        DEGREE = "DEGREE", _("Đào tạo (cấp văn bằng)")
        FOSTERING = "FOSTERING", _("Bồi dưỡng (cấp chứng chỉ)")
        BRIEFING = "BRIEFING", _("Bồi dưỡng ngắn hạn, cập nhật kiến thức")

    code = models.CharField(_("mã chương trình"), max_length=30, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=255)
    category = models.CharField(_("nội dung"), max_length=10, choices=Category.choices)
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    duration_tiet = models.PositiveIntegerField(_("thời lượng (tiết)"), help_text=_("1 ngày = 8 tiết, 1 tuần = 40 tiết."))
    grants_type = models.CharField(
        _("loại văn bằng, chứng chỉ được cấp"), max_length=4, choices=QualificationType.choices, blank=True
    )
    grants_level = models.CharField(_("trình độ được cấp"), max_length=10, blank=True)
    grants_level_order = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    target_audience = models.TextField(_("đối tượng"), blank=True)
    validity_years = models.PositiveSmallIntegerField(_("thời hạn giá trị (năm)"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    providers = models.ManyToManyField(Provider, verbose_name=_("cơ sở tổ chức"), blank=True, related_name="programs")
    search = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("chương trình đào tạo, bồi dưỡng")
        verbose_name_plural = _("chương trình đào tạo, bồi dưỡng")
        ordering = ["category", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def grants_label(self):
        if not self.grants_type:
            return ""
        return f"{QualificationType(self.grants_type).label}: {level_label(self.grants_type, self.grants_level)}"

    def clean(self):
        if bool(self.grants_type) != bool(self.grants_level):
            raise ValidationError(
                {"grants_level": _("Văn bằng được cấp cần có cả loại và trình độ (hoặc để trống cả hai).")}
            )
        if self.grants_type and self.grants_level not in LEVELS.get(self.grants_type, {}):
            raise ValidationError(
                {"grants_level": _("Trình độ “%(level)s” không thuộc loại “%(type)s”.")
                 % {"level": self.grants_level, "type": QualificationType(self.grants_type).label}}
            )

    def save(self, *args, **kwargs):
        entry = LEVELS.get(self.grants_type, {}).get(self.grants_level) if self.grants_type else None
        self.grants_level_order = entry[1] if entry else None
        self.search = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)
