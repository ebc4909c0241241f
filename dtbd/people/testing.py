"""Test factories of the people app (import in tests only)."""
import datetime
import itertools

from dtbd.core.models import Source

from . import models as m

_seq = itertools.count(1)


def make_person(
    unit,
    code=None,
    full_name=None,
    birth_date=datetime.date(1985, 5, 17),
    gender="NAM",
    ethnicity="Kinh",
    category="CC",
    rank=None,
    post_level=None,
    post_title="",
    education="DH",
    qualifications=(),
    valid_from=None,
    **extra,
):
    """A person in `unit` with open (unknown-start unless valid_from) records.
    qualifications: iterable of (type, level) or (type, level, issued_on)."""
    n = next(_seq)
    person = m.Person.objects.create(
        code=code or f"CB{n:05d}",
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        birth_date=birth_date,
        gender=gender,
        ethnicity=m.Ethnicity.objects.get(name=ethnicity),
        **extra,
    )
    m.UnitAssignment.objects.create(person=person, unit=unit, valid_from=valid_from, source=Source.IMPORTED)
    m.CategoryAssignment.objects.create(person=person, category=category, valid_from=valid_from, source=Source.IMPORTED)
    if rank:
        m.RankAssignment.objects.create(
            person=person, rank=m.Rank.objects.get(code=rank), valid_from=valid_from, source=Source.IMPORTED
        )
    if post_level or post_title:
        m.PostAssignment.objects.create(
            person=person, level=post_level or "", title=post_title, unit=unit, valid_from=valid_from, source=Source.IMPORTED
        )
    quals = list(qualifications)
    if education:
        quals.append(("EDU", education))
    for item in quals:
        qtype, level, issued_on = (tuple(item) + (None,))[:3]
        m.Qualification.objects.create(person=person, type=qtype, level=level, issued_on=issued_on, source=Source.IMPORTED)
    return person
