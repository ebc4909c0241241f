"""The history planner (people.history), the database rules it relies on (migration 0009) and concurrent changes of
one person (services.lock_person)."""
import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from dtbd.core.models import Source
from dtbd.people import history
from dtbd.people import models as m
from dtbd.people import services
from dtbd.people.history import Amend, Close, Drop, Open, OpenRecord
from dtbd.people.testing import make_person

D = datetime.date(2026, 3, 15)
BEFORE = datetime.date(2024, 1, 1)


# ---------------------------------------------------------------- the planner (no database)


def test_single_unchanged_value_changes_nothing():
    assert history.plan_single([OpenRecord(1, BEFORE, (7,))], (7,), D) == []


def test_single_change_ends_the_day_before_and_opens_on_the_day():
    assert history.plan_single([OpenRecord(1, BEFORE, (7,))], (8,), D) == [
        Close(1, D - datetime.timedelta(days=1)), Open((8,), D)]


def test_single_change_on_the_day_it_started_corrects_in_place():
    assert history.plan_single([OpenRecord(1, D, (7,))], (8,), D) == [Amend(1, (8,))]
    assert history.plan_single([OpenRecord(1, None, (7,))], (8,), D) == [Close(1, D - datetime.timedelta(days=1)),
                                                                          Open((8,), D)]


def test_single_no_value_ends_or_drops():
    assert history.plan_single([OpenRecord(1, BEFORE, (7,))], None, D) == [Close(1, D - datetime.timedelta(days=1))]
    assert history.plan_single([OpenRecord(1, D, (7,))], None, D) == [Drop(1)]
    assert history.plan_single([], None, D) == []


def test_single_first_record_starts_on_the_given_start():
    assert history.plan_single([], (8,), D, start=None) == [Open((8,), None)]
    assert history.plan_single([], (8,), D, start=D) == [Open((8,), D)]


def test_single_change_of_an_existing_history_needs_a_date():
    with pytest.raises(ValueError):
        history.plan_single([OpenRecord(1, BEFORE, (7,))], (8,), None)
    assert history.plan_single([OpenRecord(1, BEFORE, (7,))], (7,), None) == []


def test_set_keeps_stated_values_ends_the_others_and_duplicates():
    records = [OpenRecord(1, BEFORE, ("TP",)), OpenRecord(2, BEFORE, ("GD",)), OpenRecord(3, D, ("TP",))]
    assert history.plan_set(records, (("TP",), ("PGD",)), D, start=None) == [
        Close(2, D - datetime.timedelta(days=1)), Drop(3), Open(("PGD",), D)]
    assert history.plan_set([], (("PGD",),), D, start=None) == [Open(("PGD",), None)]


def test_main_post_replaces_the_highest_and_leaves_concurrent_posts():
    records = [OpenRecord(1, BEFORE, ("Phó Giám đốc", "PGD", 5)), OpenRecord(2, BEFORE, ("Trưởng phòng", "TP", 6))]
    assert history.plan_main_post(records, ("Trưởng phòng", "TP", 9), D) == []  # held (title and level)
    assert history.plan_main_post(records, ("Giám đốc", "GD", 5), D) == [
        Close(1, D - datetime.timedelta(days=1)), Open(("Giám đốc", "GD", 5), D)]
    assert history.plan_main_post(records, None, D) == [Close(1, D - datetime.timedelta(days=1))]


def test_leave_ends_every_open_record_on_the_day():
    assert history.plan_leave([OpenRecord(1, None, ()), OpenRecord(2, BEFORE, ())], D) == [Close(1, D), Close(2, D)]


def test_unchanged_is_what_the_planners_answer_with_no_change():
    import itertools

    values = [("A",), ("B",)]
    lists = [list(c) for n in range(4) for c in itertools.product(values, repeat=n)]
    for keys in lists:
        records = [OpenRecord(i, BEFORE, key) for i, key in enumerate(keys)]
        for wanted in [w for w in lists if len(set(w)) == len(w)]:  # a row states each value once
            expected = history.plan_set(records, tuple(wanted), D) == []
            if len(wanted) <= 1:
                assert expected == (history.plan_single(records, wanted[0] if wanted else None, D) == [])
            assert history.unchanged(tuple(keys), tuple(wanted)) == expected, (keys, wanted)


# ---------------------------------------------------------------- database rules (migration people 0009)


@pytest.mark.django_db
@pytest.mark.parametrize("model, values", [
    (m.UnitAssignment, {"unit_id": None}), (m.CategoryAssignment, {"category": "VC"}),
    (m.PlannedPost, {"level": "TP"}),
])
def test_a_second_open_record_is_refused(tree, model, values):
    person = make_person(tree.so_a)
    m.PlannedPost.objects.create(person=person, level="TP")
    if model is m.UnitAssignment:
        values = {"unit": tree.so_b}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(person=person, **values)
    model.objects.create(person=person, valid_from=BEFORE, valid_to=D, **values)  # an ended one is fine


@pytest.mark.django_db
def test_posts_may_be_open_together_and_planned_levels_differ(tree):
    person = make_person(tree.so_a, post_level="TP", post_title="Trưởng phòng")
    m.PostAssignment.objects.create(person=person, level="PGD", title="Phó Giám đốc")
    m.PlannedPost.objects.create(person=person, level="PGD")
    m.PlannedPost.objects.create(person=person, level="GD")
    assert m.PostAssignment.objects.filter(person=person, valid_to__isnull=True).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m.UnitAssignment, m.PostAssignment, m.PlannedPost])
def test_a_period_ending_before_it_starts_is_refused(tree, model):
    person = make_person(tree.so_a)
    values = {"unit": tree.so_b} if model is m.UnitAssignment else {"level": "GD"}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(person=person, valid_from=D, valid_to=D - datetime.timedelta(days=1), **values)
    model.objects.create(person=person, valid_from=D, valid_to=D, **values)  # one day


# ---------------------------------------------------------------- the services apply the planner


@pytest.mark.django_db
def test_services_follow_the_planner(tree):
    person = make_person(tree.so_a, valid_from=BEFORE)
    opened = services.change_single(person, m.UnitAssignment, D, Source.DECISION, "1/QĐ", unit=tree.so_b)
    assert (opened.unit, opened.valid_from, opened.decision_no) == (tree.so_b, D, "1/QĐ")
    corrected = services.change_single(person, m.UnitAssignment, D, Source.DECISION, "2/QĐ", unit=tree.xa)
    assert corrected.pk == opened.pk and (corrected.unit, corrected.valid_from) == (tree.xa, D)
    periods = list(person.unit_assignments.order_by("pk").values_list("unit__code", "valid_from", "valid_to"))
    assert periods == [("SO_A", BEFORE, D - datetime.timedelta(days=1)), ("XA01", D, None)]


# ---------------------------------------------------------------- concurrent changes of one person (PostgreSQL)


@pytest.mark.postgresql  # row locks between connections (SQLite has one writer)
def test_concurrent_changes_of_one_person_run_one_after_the_other(transactional_db, tree, monkeypatch):
    """Two transactions, each its own connection, change the same person's placement at the same moment. Each
    planning step waits a little so that, without the person's row lock, both would plan from the same open
    records (two open unit records, or an IntegrityError from the one-open index). With it, the second waits for
    the first to commit and plans from its result: both succeed, one open record of each history."""
    person = make_person(tree.so_a, valid_from=BEFORE, post_level="TP", post_title="Trưởng phòng")
    plan_single = history.plan_single

    def slow_plan_single(*args, **kwargs):
        changes = plan_single(*args, **kwargs)
        time.sleep(0.3)
        return changes

    monkeypatch.setattr(history, "plan_single", slow_plan_single)
    barrier = threading.Barrier(2)
    errors, finished = [], []

    def edit(unit, category, level):
        try:
            barrier.wait(timeout=10)
            services.update_person_assignments(
                m.Person.objects.get(pk=person.pk), on_date=D, unit=unit, category=category, post_level=level,
                post_title="", planned_levels=[level],
            )
            finished.append(unit.code)
        except Exception as exc:  # noqa: BLE001 — every error fails the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(tree.so_b, "VC", "PGD")),
               threading.Thread(target=edit, args=(tree.xa, "CB", "GD"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(finished) == 2
    last = finished[-1]
    for model in (m.UnitAssignment, m.CategoryAssignment, m.PostAssignment, m.PlannedPost):
        assert model.objects.filter(person=person, valid_to__isnull=True).count() == 1, model.__name__
    unit = m.UnitAssignment.objects.get(person=person, valid_to__isnull=True)
    assert (unit.unit.code, unit.valid_from) == (last, D)  # the second corrected the first's record of the same day
    assert m.UnitAssignment.objects.get(person=person, valid_to=D - datetime.timedelta(days=1)).unit == tree.so_a
