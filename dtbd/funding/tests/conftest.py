import datetime

import pytest

from dtbd.people.models import AnnualAssessment
from dtbd.people.testing import make_person

D = datetime.date(2026, 3, 10)


def rate(person, **ratings):
    """rate(p, y2024="HTTNV", y2025="HTXSNV")"""
    for key, rating in ratings.items():
        AnnualAssessment.objects.create(person=person, year=int(key[1:]), rating=rating)


@pytest.fixture
def candidate(tree):
    """A công chức of phong_a eligible on D: 40 years old, recruited 2015, rated HTTNV in 2024 and 2025."""

    def make(birth_date=datetime.date(1986, 1, 1), recruited_on=datetime.date(2015, 1, 1), category="CC",
             ratings=(("y2024", "HTTNV"), ("y2025", "HTXSNV")), unit=None, **extra):
        person = make_person(unit or tree.phong_a, birth_date=birth_date, recruited_on=recruited_on, category=category,
                             **extra)
        rate(person, **dict(ratings))
        return person

    return make
