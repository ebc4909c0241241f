"""A large load's indexes on SQLite (core.importing.indexes_rebuilt_after, used by the staff import's save): the
indexes of a table the load at least doubles are dropped inside the transaction and created again from their own SQL
before the commit. Afterwards the schema is what it was; a load that breaks a unique index, or fails inside, leaves
no row and every index in place; a table larger than the load keeps its indexes throughout; PostgreSQL is left
alone."""
import pytest
from django.db import IntegrityError, connection, transaction

from dtbd.core import importing as core_importing
from dtbd.core.importing import db_now, indexes_rebuilt_after, insert_rows
from dtbd.core.models import Source
from dtbd.people import models as m
from dtbd.people.importing import import_staff
from dtbd.people.testing import make_person

from .test_import_staff import TODAY, row, xlsx

PEOPLE_TABLES = ("people_person", "people_unitassignment", "people_qualification", "auditlog_logentry")


def index_sql(*tables):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
            f"({', '.join(['%s'] * len(tables))}) ORDER BY name", list(tables))
        return cursor.fetchall()


@pytest.fixture
def statements():
    """Every SQL statement run through Django's connection while the test runs."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.fixture
def low_threshold(monkeypatch):
    monkeypatch.setattr(core_importing, "REBUILD_INDEXES_FROM", 1)


@pytest.mark.sqlite
def test_a_first_import_rebuilds_the_indexes_it_dropped(tree, tmp_path, low_threshold, statements):
    before = index_sql(*PEOPLE_TABLES)
    assert before
    rows = [row(**{"Mã cán bộ": f"CB{n}", "Số CCCD": f"00108512{n:04d}"}) for n in range(3)]
    report = import_staff(xlsx(tmp_path, *rows), today=TODAY)
    assert report.created == 3
    dropped = [sql for sql in statements if sql.startswith("DROP INDEX")]
    assert len(dropped) >= len(before)  # the people tables were empty: the load doubles every one
    assert index_sql(*PEOPLE_TABLES) == before
    assert m.UnitAssignment.objects.filter(person__code="CB1", valid_to=None).count() == 1


@pytest.mark.sqlite
def test_a_load_that_breaks_a_unique_index_rolls_back_whole(tree, low_threshold):
    person = make_person(tree.so_a, code="CB900")
    m.UnitAssignment.objects.filter(person=person).delete()
    before = index_sql("people_unitassignment")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            with indexes_rebuilt_after({m.UnitAssignment: 2}):
                # two open records of one person: only the dropped partial unique index could refuse them
                insert_rows(m.UnitAssignment, ("person_id", "unit_id"), [(person.pk, tree.so_a.pk)] * 2,
                            constants={"valid_from": None, "valid_to": None, "source": Source.IMPORTED,
                                       "created_at": db_now()})
                assert m.UnitAssignment.objects.filter(person=person, valid_to=None).count() == 2
    assert not m.UnitAssignment.objects.filter(person=person).exists()
    assert index_sql("people_unitassignment") == before


@pytest.mark.sqlite
def test_an_error_inside_the_load_leaves_the_indexes(tree, low_threshold):
    before = index_sql("people_unitassignment")
    person = make_person(tree.so_a, code="CB901")
    m.UnitAssignment.objects.filter(person=person).delete()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            with indexes_rebuilt_after({m.UnitAssignment: 1}):
                assert index_sql("people_unitassignment") == []  # dropped inside the transaction
                raise RuntimeError("the load failed")
    assert index_sql("people_unitassignment") == before


@pytest.mark.sqlite
def test_a_table_larger_than_the_load_keeps_its_indexes(tree, low_threshold, statements):
    for n in range(3):
        make_person(tree.so_a, code=f"CB91{n}")
    with transaction.atomic():
        with indexes_rebuilt_after({m.UnitAssignment: 2, m.Person: 0}):
            pass
    assert not [sql for sql in statements if sql.startswith(("DROP INDEX", "CREATE"))]


@pytest.mark.sqlite
def test_a_small_load_keeps_the_indexes(tree, statements):
    with transaction.atomic():
        with indexes_rebuilt_after({m.UnitAssignment: core_importing.REBUILD_INDEXES_FROM - 1}):
            pass
    assert not [sql for sql in statements if sql.startswith(("DROP INDEX", "CREATE"))]


@pytest.mark.sqlite
def test_the_planner_statistics_are_put_back(tree, low_threshold):
    make_person(tree.so_a, code="CB920")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_unitassignment")
        cursor.execute("DELETE FROM people_unitassignment")
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'people_unitassignment' ORDER BY idx")
        stats = cursor.fetchall()
    assert stats
    with transaction.atomic():
        with indexes_rebuilt_after({m.UnitAssignment: 1}):
            pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'people_unitassignment' ORDER BY idx")
        assert cursor.fetchall() == stats


@pytest.mark.postgresql
def test_postgresql_keeps_every_index(tree, tmp_path, low_threshold, statements):
    """DROP INDEX would lock the table against every reader until the commit: not done there."""
    import_staff(xlsx(tmp_path, row()), today=TODAY)
    assert m.Person.objects.filter(code="CB001").exists()
    assert not [sql for sql in statements if "DROP INDEX" in sql.upper()]
