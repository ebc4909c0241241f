"""Accounts scoped to units ended by a reorganisation (docs/domain.md §15): their scope moves to the successor. Each
account is saved (django-auditlog records the change of scope_unit); the caller notifies the users."""
from .models import User


def scoped_accounts(unit_ids):
    """The active and inactive accounts whose scope is one of `unit_ids`."""
    return User.objects.filter(scope_unit_id__in=list(unit_ids)).order_by("username")


def move_scopes(unit_targets):
    """Re-scope every account of {old unit id: new unit id}. Returns [(user, old unit id, new unit id)]."""
    moved = []
    for user in scoped_accounts(unit_targets):
        old = user.scope_unit_id
        user.scope_unit_id = unit_targets[old]
        user.save(update_fields=["scope_unit"])
        moved.append((user, old, user.scope_unit_id))
    return moved
