"""What a user may see and change. Every read of units and staff goes through `scope_of(user)`.

- system admin, province manager: everything (write);
- unit officer: their unit's subtree (write) — people currently there, and those who left from there;
- leader: a subtree, read-only; training institution staff: their institution's subtree, read-only;
- learner: their own staff record, read-only;
- anyone else: nothing.

`Scope` answers every access question about a user once: what they see (`filter_units`, `filter_people`,
`sees_unit`), whether they may write, and which kind of user they are (`is_manager`, `is_institution`,
`is_unit_officer`). Querysets of scoped models apply it through `restrict(user, action)`.
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
    role: str = ""

    def allows(self, action):
        return action == VIEW or self.can_write

    @property
    def is_manager(self):
        """System admin or province manager: sees and changes everything."""
        return self.everything and self.can_write

    @property
    def is_institution(self):
        """Staff of a training institution (runs the classes of the providers of their subtree)."""
        return self.role == Role.INSTITUTION and bool(self.unit_path)

    @property
    def is_unit_officer(self):
        return self.role == Role.UNIT_OFFICER and bool(self.unit_path)

    @property
    def sees_units(self):
        """Sees a part of the organisation tree (every role but the learner's and no role)."""
        return self.everything or bool(self.unit_path)

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

    def sees_unit(self, unit) -> bool:
        """`unit` lies in the scope's part of the tree."""
        return self.everything or bool(self.unit_path and unit.path.startswith(self.unit_path))



NOTHING = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role in (Role.ADMIN, Role.PROVINCE):
        return Scope(everything=True, can_write=True, role=Role.ADMIN if user.is_superuser else user.role)
    unit_path = user.scope_unit.path if user.scope_unit_id else None
    if user.role == Role.UNIT_OFFICER:
        return Scope(unit_path=unit_path, can_write=True, role=user.role) if unit_path else NOTHING
    if user.role in (Role.LEADER, Role.INSTITUTION):
        return Scope(unit_path=unit_path, role=user.role) if unit_path else NOTHING
    if user.role == Role.LEARNER and user.person_id:
        return Scope(person_id=user.person_id, role=user.role)
    return NOTHING


def is_manager(user) -> bool:
    """System admin or province manager (the rule of every manager-only page and action)."""
    return scope_of(user).is_manager
