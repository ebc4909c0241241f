"""Organisation tree. Subtrees are read through a materialised path, never by recursion in Python."""
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import scope_of
from dtbd.core.db import prefix_q
from dtbd.core.text import fold

PATH_WIDTH = 9  # digits per segment: '000000042/'


class UnitKind(models.TextChoices):
    UBND_TINH = "UBND_TINH", _("UBND tỉnh")
    SO_NGANH = "SO_NGANH", _("Sở, ban, ngành")
    PHONG = "PHONG", _("Phòng")
    CHI_CUC = "CHI_CUC", _("Chi cục")
    UBND_HUYEN = "UBND_HUYEN", _("UBND huyện")
    UBND_XA = "UBND_XA", _("UBND xã")
    DVSN = "DVSN", _("Đơn vị sự nghiệp")
    TRUONG = "TRUONG", _("Cơ sở đào tạo, bồi dưỡng")
    KHAC = "KHAC", _("Khác")


class AdminLevel(models.TextChoices):
    TINH = "TINH", _("Cấp tỉnh")
    HUYEN = "HUYEN", _("Cấp huyện (trước 01/07/2025)")
    XA = "XA", _("Cấp xã")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit_or_path, include_self=True):
        path = unit_or_path if isinstance(unit_or_path, str) else unit_or_path.path
        qs = self.filter(prefix_q("path", path))
        if not include_self:
            qs = qs.exclude(path=path)
        return qs

    def active_on(self, date):
        return self.filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=date))
        )

    def restrict(self, user, action="view"):
        return scope_of(user).filter_units(self, action)


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=30, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("loại đơn vị"), max_length=12, choices=UnitKind.choices)
    admin_level = models.CharField(_("cấp hành chính"), max_length=6, choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    valid_to = models.DateField(_("ngày hết hiệu lực"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @staticmethod
    def segment(pk):
        return f"{pk:0{PATH_WIDTH}d}/"

    def compute_path(self):
        parent_path = self.parent.path if self.parent_id else ""
        return parent_path + self.segment(self.pk)

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = self.compute_path()
        if new_path != old_path:
            self.path = new_path
            self.depth = new_path.count("/") - 1
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                move_subtree(old_path, new_path)

    def is_active_on(self, date):
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or self.valid_to >= date)

    def ancestors(self):
        ids = [int(seg) for seg in self.path.strip("/").split("/") if seg]
        return Unit.objects.filter(pk__in=ids[:-1]).order_by("path")


def move_subtree(old_path, new_path):
    """Re-root every descendant of old_path under new_path in one UPDATE."""
    Unit.objects.filter(prefix_q("path", old_path)).exclude(path=new_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=(Length(Concat(Value(new_path), Substr("path", len(old_path) + 1))) / (PATH_WIDTH + 1)) - 1,
    )


class Lineage(models.Model):
    """Một quan hệ kế thừa giữa hai đơn vị khi sắp xếp tổ chức bộ máy (sáp nhập, chia tách, giải thể, chuyển đơn
    vị cấp trên): `predecessor` hết hiệu lực ngày `on_date` − 1 và người, việc của nó chuyển sang `successor` từ
    `on_date`. Đổi tên giữ nguyên đơn vị: một dòng với successor = predecessor và tên cũ (docs/domain.md, sắp xếp
    tổ chức)."""

    class Kind(models.TextChoices):
        MERGE = "MERGE", _("Sáp nhập, hợp nhất")
        SPLIT = "SPLIT", _("Chia, tách")
        DISSOLVE = "DISSOLVE", _("Giải thể")
        MOVE = "MOVE", _("Chuyển đơn vị cấp trên")
        RENAME = "RENAME", _("Đổi tên")
        MAPPING = "MAPPING", _("Sắp xếp theo tệp")

    predecessor = models.ForeignKey(Unit, verbose_name=_("đơn vị trước"), on_delete=models.PROTECT,
                                    related_name="successor_links")
    successor = models.ForeignKey(Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT,
                                  related_name="predecessor_links")
    on_date = models.DateField(_("ngày có hiệu lực"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    old_name = models.CharField(_("tên trước đây"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quan hệ kế thừa đơn vị")
        verbose_name_plural = _("quan hệ kế thừa đơn vị")
        ordering = ["on_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor", "on_date"], name="org_lineage_once"),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.on_date:%d/%m/%Y})"
