"""What the disclosure, the coverage and the dashboard read of the class surveys (Circular 10/2017/TT-BNV, Art. 5):
the number of valid forms and the index of a class, programme or provider, the band of an index, and which classes
were evaluated."""
from decimal import Decimal

BANDS = ((Decimal(2), "Kém"), (Decimal(4), "Yếu"), (Decimal(6), "Trung bình"), (Decimal(8), "Khá"))


def band(index, on=None):
    """The band of an index (< 2 kém, < 4 yếu, < 6 trung bình, < 8 khá, ≥ 8 tốt)."""
    value = Decimal(str(index))
    for bound, label in BANDS:
        if value < bound:
            return label
    return "Tốt"


def by_dimension(year, dimension, keys):
    """{key: (valid forms, index)} of the classes ending in `year`, grouped by `dimension` ("class", "programme",
    "provider"), for `keys`."""
    return {}


def evaluated_classes(class_ids):
    """The ids among `class_ids` of the classes with at least one valid survey form."""
    return set()
