"""Test factories of the org app (import in tests only)."""
import itertools

from .models import Unit

_seq = itertools.count(1)


def make_unit(code=None, name=None, parent=None, kind="SO_NGANH", admin_level="TINH", **extra):
    n = next(_seq)
    return Unit.objects.create(
        code=code or f"U{n:04d}", name=name or f"Đơn vị {n}", parent=parent, kind=kind, admin_level=admin_level, **extra
    )
