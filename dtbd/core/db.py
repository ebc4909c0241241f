"""Database helpers that must behave the same on SQLite and PostgreSQL."""
from django.db import connection
from django.db.models import Q


def prefix_q(field: str, prefix: str) -> Q:
    """Rows whose `field` starts with `prefix`, using the index on both backends.

    SQLite turns LIKE into a table scan, so it gets a range on its binary collation; PostgreSQL's
    LIKE 'p%' uses the varchar_pattern_ops index Django creates for indexed CharFields.
    Paths are made of digits and '/', so '~' sorts after every continuation.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "~"})
    return Q(**{f"{field}__startswith": prefix})
