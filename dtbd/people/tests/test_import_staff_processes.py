"""Staff import of a large file: the stored tables read while calamine parses the sheet, the rows validated and
planned in two processes. The outcome is the one a single process gives: same errors in the same order (a duplicate
across the halves named like any other), same report, same rows written; a failed second process is made up for."""
import datetime
import logging
import os

import pytest

from dtbd.core.importing import ImportFailed
from dtbd.people import importing
from dtbd.people import models as m
from dtbd.people.importing import import_staff
from dtbd.people.testing import make_person

from .test_import_staff import TODAY, counts, row, xlsx


def staff_rows(count, **changes_by_index):
    """`count` valid rows CB101, CB102… with citizen IDs of their own; changes_by_index[i] applies to the i-th."""
    rows = []
    for i in range(count):
        changes = {"Mã cán bộ": f"CB{101 + i}", "Số CCCD": f"0010851{234 + i:05d}", "Họ và tên": f"Nguyễn Văn {i}"}
        changes.update(changes_by_index.get(f"r{i}", {}))
        rows.append(row(**changes))
    return rows


@pytest.fixture
def forks(monkeypatch):
    """Count the processes the import forks."""
    calls = []
    real_fork = os.fork

    def counting_fork():
        calls.append(1)
        return real_fork()

    monkeypatch.setattr(importing.os, "fork", counting_fork)
    return calls


def outcome(path, monkeypatch, processes, **kwargs):
    """(errors or report figures, counts) of one import in one or two processes."""
    monkeypatch.setattr(importing, "LOAD_ALL_ABOVE", 0 if processes == 2 else 3000)
    monkeypatch.setattr(importing, "TWO_PROCESSES_ABOVE", 0 if processes == 2 else 20_000)
    monkeypatch.setattr(importing, "TWO_PROCESSES_REGISTERED_SHARE", 0)
    try:
        report = import_staff(path, today=TODAY, **kwargs)
    except ImportFailed as failed:
        return [(e.row, e.column, e.value, e.message) for e in failed.errors], counts()
    return (report.rows, report.created, report.changed, report.unchanged, report.preview), counts()


def test_large_file_forks_once_and_the_halves_make_the_whole(tree, tmp_path, monkeypatch, forks):
    path = xlsx(tmp_path, *staff_rows(6))
    two = outcome(path, monkeypatch, 2, dry_run=True)
    assert len(forks) == 1
    one = outcome(path, monkeypatch, 1, dry_run=True)
    assert len(forks) == 1  # a small file: one process
    assert two == one and two[0][:2] == (6, 6)
    two = outcome(path, monkeypatch, 2)
    assert m.Person.objects.filter(code__in=[f"CB{101 + i}" for i in range(6)]).count() == 6
    # Re-import with a change in each half: the plans of both halves are saved.
    make_person(tree.so_b, code="KHAC01")
    changed = xlsx(tmp_path, *staff_rows(6, r1={"Mã ngạch": "01.002"}, r5={"Họ và tên": "Trần Thị Bình"}),
                   name="changed.xlsx")
    report_two, counts_two = outcome(changed, monkeypatch, 2, dry_run=True)
    report_one, counts_one = outcome(changed, monkeypatch, 1, dry_run=True)
    assert report_two == report_one and report_two[1:4] == (0, 2, 4)
    outcome(changed, monkeypatch, 2)
    assert m.Person.objects.get(code="CB106").full_name == "Trần Thị Bình"
    assert m.RankAssignment.objects.get(person__code="CB102", valid_to__isnull=True).rank.code == "01.002"
    assert m.RankAssignment.objects.get(person__code="CB102", valid_to=TODAY - datetime.timedelta(days=1))


def test_the_second_process_reads_no_database(tree, tmp_path, monkeypatch, forks, caplog):
    # Changes in the later half that the audit entry describes by name (a new unit, a new job position): the names
    # come from what was loaded before the fork, and a query in the child would fail it (its half then redone here).
    path = xlsx(tmp_path, *staff_rows(4))
    outcome(path, monkeypatch, 2)
    changed = xlsx(tmp_path, *staff_rows(4, r3={"Mã đơn vị": "SO_B", "Vị trí việc làm": "Kế toán viên"}),
                   name="changed.xlsx")
    forks.clear()
    with caplog.at_level(logging.WARNING, logger="dtbd.people.importing"):
        report, _counts = outcome(changed, monkeypatch, 2)
    assert len(forks) == 1 and "failed" not in caplog.text
    assert report[:4] == (4, 0, 1, 3)
    assert report[4][0]["changes"][0] == "Đơn vị: SO_A → SO_B"
    assert m.UnitAssignment.objects.get(person__code="CB104", valid_to__isnull=True).unit == tree.so_b


def test_a_query_in_the_second_process_fails_it_and_the_parent_does_its_half(tree, tmp_path, monkeypatch, forks,
                                                                            caplog):
    real_plan = importing.StaffImport.plan

    def plan_with_a_query(self):
        m.Person.objects.count()
        return real_plan(self)

    monkeypatch.setattr(importing.StaffImport, "plan", plan_with_a_query)
    with caplog.at_level(logging.WARNING, logger="dtbd.people.importing"):
        report, _counts = outcome(xlsx(tmp_path, *staff_rows(4)), monkeypatch, 2)
    assert len(forks) == 1 and "second process failed" in caplog.text
    assert report[:2] == (4, 4) and m.Person.objects.filter(code__startswith="CB1").count() == 4


def test_duplicates_across_the_halves_are_named_as_in_one_pass(tree, tmp_path, monkeypatch, forks):
    # Rows 2–4 in the first half, 5–7 in the second. Row 5 repeats row 2's code and row 7 row 5's (so row 2's, the
    # first); row 6 repeats row 3's citizen ID, typed as a number (Excel drops the leading zeros).
    rows = staff_rows(6, r3={"Mã cán bộ": "CB101"}, r5={"Mã cán bộ": "CB101"})
    rows[4][HEADERS_INDEX["Số CCCD"]] = float(rows[1][HEADERS_INDEX["Số CCCD"]])
    path = xlsx(tmp_path, *rows)
    two = outcome(path, monkeypatch, 2)
    one = outcome(path, monkeypatch, 1)
    assert len(forks) == 1
    assert two == one
    assert two[0] == [
        (5, "Mã cán bộ", "CB101", "Mã cán bộ CB101 trùng với dòng 2."),
        (6, "Số CCCD", "1085100235", "Số CCCD trùng với dòng 3."),
        (7, "Mã cán bộ", "CB101", "Mã cán bộ CB101 trùng với dòng 2."),
    ]


def test_database_checks_of_both_halves(tree, users, tmp_path, monkeypatch, forks):
    make_person(tree.so_b, code="KHAC01", citizen_id="001085101239")  # row 7's citizen ID
    make_person(tree.so_b, code="CB102")  # row 3: a person in a unit outside the officer's scope
    rows = staff_rows(6, r5={"Số CCCD": "001085101239"})
    for cells in rows:
        cells[HEADERS_INDEX["Mã đơn vị"]] = "SO_A.P1"
    path = xlsx(tmp_path, *rows)
    two = outcome(path, monkeypatch, 2, user=users.officer)
    one = outcome(path, monkeypatch, 1, user=users.officer)
    assert len(forks) == 1
    assert two == one
    assert [(e[0], e[1]) for e in two[0]] == [(3, "Mã cán bộ"), (7, "Số CCCD")]


def test_a_failed_second_process_is_made_up_for(tree, tmp_path, monkeypatch, forks, caplog):
    parent = os.getpid()
    real_run_part = importing.StaffImport._run_part

    def failing_in_the_child(self, items):
        if os.getpid() != parent:
            raise RuntimeError("the child dies")
        return real_run_part(self, items)

    monkeypatch.setattr(importing.StaffImport, "_run_part", failing_in_the_child)
    path = xlsx(tmp_path, *staff_rows(6, r4={"Mã cán bộ": "CB101"}))
    with caplog.at_level(logging.WARNING, logger="dtbd.people.importing"):
        errors, _counts = outcome(path, monkeypatch, 2)
    assert len(forks) == 1 and "second process failed" in caplog.text
    assert errors == [(6, "Mã cán bộ", "CB101", "Mã cán bộ CB101 trùng với dòng 2.")]
    report, _counts = outcome(xlsx(tmp_path, *staff_rows(6), name="ok.xlsx"), monkeypatch, 2)
    assert report[:2] == (6, 6) and m.Person.objects.filter(code__startswith="CB1").count() == 6


def test_no_second_process_to_be_had(tree, tmp_path, monkeypatch, caplog):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(importing.os, "fork", no_fork)
    path = xlsx(tmp_path, *staff_rows(6, r4={"Mã cán bộ": "CB101"}))
    with caplog.at_level(logging.WARNING, logger="dtbd.people.importing"):
        errors, _counts = outcome(path, monkeypatch, 2)
    assert "no second process" in caplog.text
    assert errors == [(6, "Mã cán bộ", "CB101", "Mã cán bộ CB101 trùng với dòng 2.")]
    report, _counts = outcome(xlsx(tmp_path, *staff_rows(6), name="ok.xlsx"), monkeypatch, 2)
    assert report[:2] == (6, 6)


def test_one_process_when_told_or_when_the_register_is_much_larger(tree, tmp_path, monkeypatch, forks, settings):
    path = xlsx(tmp_path, *staff_rows(4))
    settings.DTBD_IMPORT_FORK = False
    outcome(path, monkeypatch, 2, dry_run=True)
    assert forks == []
    settings.DTBD_IMPORT_FORK = True
    with monkeypatch.context() as patch:  # mostly new people (a first import): their rows would be sent back whole
        outcome(path, monkeypatch, 2, dry_run=True)
        assert len(forks) == 1
        forks.clear()
        patch.setattr(importing, "TWO_PROCESSES_REGISTERED_SHARE", 0.5)
        patch.setattr(importing, "TWO_PROCESSES_ABOVE", 0)
        patch.setattr(importing, "LOAD_ALL_ABOVE", 0)
        import_staff(path, today=TODAY, dry_run=True)
        assert forks == []
    for i in range(12):  # more than twice the file's rows already registered: read by key, one process
        make_person(tree.so_b, code=f"OLD{i}")
    assert outcome(path, monkeypatch, 2, dry_run=True)[0][:2] == (4, 4)
    assert forks == []


HEADERS_INDEX = {name: i for i, name in enumerate(importing.HEADERS)}
