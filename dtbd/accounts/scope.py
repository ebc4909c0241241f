"""What a user may see and change. Every read of units and staff goes through `scope_of(user)`.

- system admin, province manager: everything (write);
- unit officer: their unit's subtree (write) — people currently there, and those who left from there;
- leader: a subtree, read-only; training institution staff: their institution's subtree, read-only;
- learner: their own staff record, read-only;
- anyone else: nothing.
"""
from dataclasses import dataclass

from django.db.models import QuerySet

from dtbd.core.db import prefix_q

from .models import Role

VIEW, CHANGE = "view", "change"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_path: str | None = None
    person_id: int | None = None
    can_write: bool = False

    def allows(self, action):
        return action == VIEW or self.can_write

    def filter_units(self, qs: QuerySet, action=VIEW) -> QuerySet:
        if not self.allows(action):
            return qs.none()
        if self.everything:
            return qs
        if self.unit_path:
            return qs.filter(prefix_q("path", self.unit_path))
        return qs.none()

    def filter_people(self, qs: QuerySet, action=VIEW) -> QuerySet:
        if not self.allows(action):
            return qs.none()
        if self.everything:
            return qs
        if self.unit_path:
            return qs.last_placed_in_subtree(self.unit_path)
        if self.person_id:
            return qs.filter(pk=self.person_id)
        return qs.none()

    def contains_unit(self, unit) -> bool:
        return self.everything or bool(self.unit_path and unit.path.startswith(self.unit_path))


NOTHING = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role in (Role.ADMIN, Role.PROVINCE):
        return Scope(everything=True, can_write=True)
    unit_path = user.scope_unit.path if user.scope_unit_id else None
    if user.role == Role.UNIT_OFFICER:
        return Scope(unit_path=unit_path, can_write=True) if unit_path else NOTHING
    if user.role in (Role.LEADER, Role.INSTITUTION):
        return Scope(unit_path=unit_path) if unit_path else NOTHING
    if user.role == Role.LEARNER and user.person_id:
        return Scope(person_id=user.person_id)
    return NOTHING
