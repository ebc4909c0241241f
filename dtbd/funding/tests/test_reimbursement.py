"""The reimbursement formula (docs/domain.md §14.3) and the `dtbd reimbursement` command."""
import os
import subprocess
import sys
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dtbd.funding.reimbursement import BadValue, amount, round_half_up


@pytest.mark.parametrize("cost,t1,t2,expected", [
    (100_000_000, 48, 0, 100_000_000),          # nothing served: everything
    (100_000_000, 48, 48, 0),                   # served in full
    (100_000_000, 48, 60, 0),                   # served more than committed
    (100_000_000, 48, 28, 41_666_667),          # 100e6 / 48 × 20 = 41 666 666,67 → up
    (120_000_000, 36, 12, 80_000_000),          # exact
    (10, 4, 1, 8),                              # 10/4 × 3 = 7,5 → 8 (a half goes up)
    (10, 4, 3, 3),                              # 10/4 × 1 = 2,5 → 3
    (1, 3, 1, 1),                               # 0,67 → 1
    (1, 3, 2, 0),                               # 0,33 → 0
    (0, 12, 3, 0),
])
def test_unfinished_service(cost, t1, t2, expected):
    assert amount(cost, t1, t2) == expected
    assert amount(cost, t1, t2, "unfinished") == expected


@pytest.mark.parametrize("case", ["dropped_out", "dismissed", "no_diploma"])
@pytest.mark.parametrize("t2", [0, 10, 48, 100])
def test_full_cost_cases_whatever_was_served(case, t2):
    assert amount(123_456_789, 48, t2, case) == 123_456_789


@pytest.mark.parametrize("case", ["illness", "disaster", "transfer"])
@pytest.mark.parametrize("t2", [0, 10])
def test_exemptions_owe_nothing(case, t2):
    assert amount(123_456_789, 48, t2, case) == 0


def test_exact_arithmetic_on_large_amounts():
    # A float would lose the last đồng: 999 999 999 999 999 / 7 × 3 = 428 571 428 571 428,14…
    assert amount(999_999_999_999_999, 7, 4) == 428_571_428_571_428
    assert round_half_up(Fraction(5, 2)) == 3 and round_half_up(Fraction(7, 2)) == 4 and round_half_up(Fraction(9, 4)) == 2


@pytest.mark.parametrize("cost,t1,t2,case", [
    (100, 0, 0, "unfinished"), (-1, 10, 0, "unfinished"), (100, 10, -1, "unfinished"), (100, -3, 0, "unfinished"),
    (100, 10, 0, "holiday"), (1.5, 10, 0, "unfinished"),
])
def test_bad_values_are_refused(cost, t1, t2, case):
    with pytest.raises(BadValue):
        amount(cost, t1, t2, case)


def test_command_prints_the_amount_alone():
    out = StringIO()
    call_command("reimbursement", "--cost", "100000000", "--commitment-months", "48", "--served-months", "28", stdout=out)
    assert out.getvalue().strip() == "41666667"
    out = StringIO()
    call_command("reimbursement", "--cost", "5000000", "--commitment-months", "24", "--served-months", "1",
                 "--case", "no_diploma", stdout=out)
    assert out.getvalue().strip() == "5000000"


def test_command_refuses_bad_values():
    with pytest.raises(CommandError, match="T1"):
        call_command("reimbursement", "--cost", "100", "--commitment-months", "0", "--served-months", "0", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("reimbursement", "--cost", "abc", "--commitment-months", "3", "--served-months", "0", stdout=StringIO())


def _run(*args):
    return subprocess.run([sys.executable, "-m", "dtbd.manage", "reimbursement", *args], capture_output=True, text=True,
                          env={**os.environ, "DTBD_PRODUCTION": "0"})


@pytest.mark.parametrize("args,code,stdout", [
    (["--cost", "100000000", "--commitment-months", "48", "--served-months", "28"], 0, "41666667"),
    (["--cost", "10", "--commitment-months", "4", "--served-months", "1"], 0, "8"),
    (["--cost", "10", "--commitment-months", "4", "--served-months", "1", "--case", "illness"], 0, "0"),
    (["--cost", "100", "--commitment-months", "0", "--served-months", "0"], 1, ""),
    (["--cost", "-100", "--commitment-months", "10", "--served-months", "0"], 1, ""),
    (["--cost", "100", "--commitment-months", "10", "--served-months", "-2"], 1, ""),
    (["--cost", "100", "--commitment-months", "10"], 1, ""),
    (["--cost", "100", "--commitment-months", "10", "--served-months", "2", "--case", "nope"], 1, ""),
])
def test_the_command_line(args, code, stdout):
    result = _run(*args)
    assert result.returncode == code, result.stderr
    assert result.stdout.strip() == stdout
    if code == 0:
        assert result.stdout.strip().isdigit()
    else:
        assert result.stderr.strip()
