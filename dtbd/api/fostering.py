"""Fostering history of one person in the shape of the national CBCCVC database's fostering group (Decree 27/2026;
docs/domain.md §1): one identifier per person (the citizen ID) and four groups of records — political theory (LLCT),
defence and security (QPAN), state management (QLNN, with leadership/management fostering and a public employee's
professional-title certificate, CDNN) and professional skills (CMNV). The records and their fields are those of the
unit export (dtbd.training.fostering: one mapping for both); three queries whatever the size of the history."""
import datetime

from dtbd.people.masking import mask_citizen_id
from dtbd.training.fostering import FORMAT, grouped, records_by_person

__all__ = ["FORMAT", "fostering_history"]


def _iso(day):
    return day.isoformat() if isinstance(day, datetime.date) else None


def fostering_history(person, *, show_citizen_id, today=None):
    """The export document of `person` (a dict, JSON-ready). `show_citizen_id` False masks the identifier as the
    web export does for read-only roles."""
    records = records_by_person([person.pk]).get(person.pk, [])
    citizen_id = person.citizen_id or None
    if citizen_id and not show_citizen_id:
        citizen_id = mask_citizen_id(citizen_id)
    return {
        "format": FORMAT,
        "generated_on": _iso(today or datetime.date.today()),
        "person": {
            "citizen_id": citizen_id,
            "code": person.code,
            "full_name": person.full_name,
            "birth_date": _iso(person.birth_date),
            "gender": person.gender,
        },
        "groups": grouped(records),
    }
