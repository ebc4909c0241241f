"""Writes to the organisation tree and the rules they obey."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AdminLevel, Unit, UnitKind


def check_validity(valid_from, valid_to):
    """valid_to is the last valid day and must come after valid_from (both optional)."""
    if valid_from and valid_to and valid_to <= valid_from:
        raise ValidationError(
            {
                "valid_to": _("Ngày hết hiệu lực (%(to)s) phải sau ngày hiệu lực (%(from)s).")
                % {"to": valid_to.strftime("%d/%m/%Y"), "from": valid_from.strftime("%d/%m/%Y")}
            }
        )


def check_not_new_district(unit):
    """Cấp huyện was abolished on 01/07/2025: its units are kept for history and may not be created or re-levelled."""
    previous = Unit.objects.filter(pk=unit.pk).values("admin_level", "kind").first() if unit.pk else None
    if unit.admin_level == AdminLevel.HUYEN and (previous is None or previous["admin_level"] != AdminLevel.HUYEN):
        raise ValidationError(
            {"admin_level": _("Cấp huyện đã bãi bỏ từ 01/07/2025: không thể tạo mới hoặc chuyển đơn vị sang cấp huyện.")}
        )
    if unit.kind == UnitKind.UBND_HUYEN and (previous is None or previous["kind"] != UnitKind.UBND_HUYEN):
        raise ValidationError({"kind": _("UBND huyện đã bãi bỏ từ 01/07/2025: không thể tạo mới loại đơn vị này.")})


def check_parent(unit, parent):
    """A unit cannot be placed under itself or one of its own descendants."""
    if unit.pk and parent is not None and parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("Không thể đặt đơn vị trực thuộc chính nó hoặc một đơn vị cấp dưới của nó.")})


def validate_unit(unit):
    check_validity(unit.valid_from, unit.valid_to)
    check_not_new_district(unit)
    check_parent(unit, unit.parent)


@transaction.atomic
def save_unit(unit):
    """Create or update a unit (its path and its subtree's paths follow the parent). Audited by django-auditlog."""
    validate_unit(unit)
    unit.save()
    return unit
