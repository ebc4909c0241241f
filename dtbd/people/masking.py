"""Masking of citizen IDs (CCCD) and phone numbers: one rule for every page, export and API answer.

Shown in full to the roles that need them: system admins and province managers, the unit officer of the person's
unit (people in their write scope), and the person themself; everyone else (leaders, training institutions, other
learners) sees only the last 4 digits."""
from dtbd.accounts.scope import scope_of

VISIBLE = 4


def mask_digits(value, visible=VISIBLE):
    """'001085012345' -> '********2345'; empty stays empty."""
    if not value:
        return ""
    value = str(value)
    return "*" * max(len(value) - visible, 0) + value[-visible:]


mask_citizen_id = mask_digits
mask_phone = mask_digits


def sees_identifiers(user, person=None):
    """Whether `user` sees the full citizen ID and phone of `person` (a person already fetched through the user's
    scope; without a person: of the people of the user's scope in general, e.g. an exported list)."""
    if person is not None and getattr(user, "person_id", None) == person.pk:
        return True
    return scope_of(user).can_write


def identifiers(user, person):
    """(citizen_id, phone) of `person` as `user` may see them."""
    if sees_identifiers(user, person):
        return person.citizen_id or "", person.phone or ""
    return mask_citizen_id(person.citizen_id), mask_phone(person.phone)
