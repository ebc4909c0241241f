"""The migration that put the register of lecturers in place of the sessions' free text (training 0010): one external
lecturer per distinct name, the academic title read off the name."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("training", "0009_seed_entry_conditions")]
AFTER = [("training", "0010_lecturers")]


@pytest.mark.django_db(transaction=True)
def test_free_text_lecturers_become_external_lecturers_deduplicated_by_name():
    try:
        _check_the_migration()
    finally:  # back to the latest state for the other tests, whatever happened (the apps above training included)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Provider, Program = old.get_model("training", "Provider"), old.get_model("training", "Program")
    TrainingClass, ClassSession = old.get_model("training", "TrainingClass"), old.get_model("training", "ClassSession")
    # Own catalogue rows: a transactional test before this one may have flushed the seeded ones.
    program = Program.objects.create(code="MIG_P", name="Chương trình thử", category="QLNN", kind="FOSTERING",
                                     duration_tiet=8)
    provider = Provider.objects.create(code="MIG_CS", name="Cơ sở thử", kind="KHAC")
    cls = TrainingClass.objects.create(
        program=program, provider=provider, code="MIG1",
        name="Lớp", capacity=5, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 1, 9))
    for day, text in enumerate(["TS. Nguyễn Văn An", "Nguyễn  Văn An", "PGS.TS. Lê Thị Bình", "", "nguyễn văn an"], 1):
        ClassSession.objects.create(training_class=cls, date=datetime.date(2025, 1, day), lecturer=text)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Lecturer, Session = new.get_model("training", "Lecturer"), new.get_model("training", "ClassSession")
    assert sorted(Lecturer.objects.values_list("academic_title", "name")) == [("PGS", "Lê Thị Bình"),
                                                                              ("TS", "Nguyễn Văn An")]
    an = Lecturer.objects.get(name="Nguyễn Văn An")
    assert Session.objects.filter(lecturer=an).count() == 3
    assert Session.objects.filter(lecturer__isnull=True).count() == 1
