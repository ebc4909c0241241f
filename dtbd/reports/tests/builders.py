"""Fast builders for report tests: whole populations with bulk_create (no per-person save())."""
import datetime
import itertools

from dtbd.core.models import Source
from dtbd.core.text import fold, vn_sort_key
from dtbd.people.catalog import LEVELS, QualificationType
from dtbd.people.models import CategoryAssignment, Ethnicity, Person, Qualification, UnitAssignment

_codes = itertools.count(1)
EDU_ORDER = {code: order for code, (_label, order) in LEVELS[QualificationType.EDUCATION].items()}


def bulk_people(unit, count, category="CC", education=("DH",), valid_from=None, issued_on=None):
    """`count` people working in `unit` (open records from `valid_from`), each holding every EDU level of
    `education` (so the highest one must win). Returns nothing; 4 bulk INSERTs per call."""
    if count <= 0:
        return
    kinh = Ethnicity.objects.get(name="Kinh")
    people = []
    for _ in range(count):
        n = next(_codes)
        name = f"Nguyễn Văn Số {n}"
        people.append(
            Person(
                code=f"BK{n:07d}", full_name=name, name_folded=fold(name), name_sort=vn_sort_key(name),
                birth_date=datetime.date(1980, 1, 1),
                gender="NAM", ethnicity=kinh,
            )
        )
    Person.objects.bulk_create(people, batch_size=2000)
    ids = [p.pk for p in people]  # set by bulk_create on PostgreSQL and SQLite >= 3.35
    UnitAssignment.objects.bulk_create(
        [UnitAssignment(person_id=pk, unit=unit, valid_from=valid_from, source=Source.IMPORTED) for pk in ids],
        batch_size=2000,
    )
    CategoryAssignment.objects.bulk_create(
        [CategoryAssignment(person_id=pk, category=category, valid_from=valid_from, source=Source.IMPORTED) for pk in ids],
        batch_size=2000,
    )
    Qualification.objects.bulk_create(
        [
            Qualification(person_id=pk, type="EDU", level=level, level_order=EDU_ORDER[level], issued_on=issued_on,
                          source=Source.IMPORTED)
            for pk in ids
            for level in education
        ],
        batch_size=2000,
    )
