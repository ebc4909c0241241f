"""people.history.plan_past: dated past facts fitted into a person's history (docs/domain.md §15.6)."""
import datetime

from dtbd.people.history import Change, Fact, Insert, Record, SetStart, plan_past

D = datetime.date


def fact(start, key, end=None, ref=None):
    return Fact(ref or start, start, end, (key,))


def test_facts_chain_and_the_latest_dates_the_open_record_of_unknown_start():
    records = [Record(1, None, None, ("B",))]
    problems, changes = plan_past(records, [fact(D(2023, 3, 1), "B"), fact(D(2020, 1, 1), "A")])
    assert problems == []
    assert changes == [Insert(("A",), D(2020, 1, 1), D(2023, 2, 28)), SetStart(1, D(2023, 3, 1))]


def test_a_later_value_is_a_dated_change_of_an_open_record_with_a_known_start():
    records = [Record(1, D(2018, 1, 1), None, ("A",))]
    assert plan_past(records, [fact(D(2024, 5, 1), "B")]) == ([], [Change(("B",), D(2024, 5, 1))])


def test_the_same_file_twice_changes_nothing():
    records = [Record(1, D(2020, 1, 1), D(2023, 2, 28), ("A",)), Record(2, D(2023, 3, 1), None, ("B",))]
    assert plan_past(records, [fact(D(2020, 1, 1), "A"), fact(D(2023, 3, 1), "B")]) == ([], [])


def test_refusals():
    open_unknown = [Record(1, None, None, ("B",))]
    # another value until now, over a record of unknown start
    (problem,), changes = plan_past(open_unknown, [fact(D(2020, 1, 1), "A")])
    assert problem[1] == "value" and changes == []
    # two facts on one day; an end after the next start; an end before the start
    (problem,), _changes = plan_past([], [fact(D(2020, 1, 1), "A"), fact(D(2020, 1, 1), "B", ref="r2")])
    assert (problem[0].ref, problem[1]) == ("r2", "from")
    assert plan_past([], [fact(D(2020, 1, 1), "A", D(2021, 1, 1)), fact(D(2020, 6, 1), "B")])[0][0][1] == "to"
    assert plan_past([], [fact(D(2020, 1, 1), "A", D(2019, 1, 1))])[0][0][1] == "to"
    # a past period over a recorded one; a past period after the (dated) open record's start
    recorded = [Record(1, D(2019, 1, 1), D(2020, 12, 31), ("X",)), Record(2, D(2021, 1, 1), None, ("B",))]
    assert plan_past(recorded, [fact(D(2020, 6, 1), "A", D(2020, 8, 1))])[0][0][1] == "from"
    (problem,), _changes = plan_past([Record(2, D(2021, 1, 1), None, ("B",))], [fact(D(2020, 6, 1), "B", D(2021, 3, 1))])
    assert problem[1] == "to" and "01/01/2021" in problem[2]
    # a person who left takes past periods only
    assert plan_past([], [fact(D(2020, 1, 1), "A")], left_on=D(2024, 1, 1))[0][0][1] == "to"
    assert plan_past([], [fact(D(2020, 1, 1), "A", D(2023, 12, 31))], left_on=D(2024, 1, 1)) == (
        [], [Insert(("A",), D(2020, 1, 1), D(2023, 12, 31))])
