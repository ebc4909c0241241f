"""Test factories of the accounts app (import in tests only)."""
from django.contrib.auth import get_user_model


def make_user(username, role, scope_unit=None, person=None, password="demo12345", **extra):
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=password, role=role, scope_unit=scope_unit, person=person, **extra
    )
    return user
