import pytest

from dtbd.elearning.services.serving import Unsatisfiable, parse_range


@pytest.mark.parametrize("header,expected", [
    ("", None), ("bytes=0-", (0, 99)), ("bytes=0-0", (0, 0)), ("bytes=10-20", (10, 20)), ("bytes=90-500", (90, 99)),
    ("bytes=-5", (95, 99)), ("bytes=-500", (0, 99)), ("items=0-5", None), ("bytes=0-1,5-6", None),
    ("BYTES = 3 - 4", (3, 4)),
])
def test_ranges(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", [
    "bytes=100-", "bytes=200-300", "bytes=5-1", "bytes=x-1", "bytes=-0", "bytes=-", "bytes=", "bytes=1-2-3",
    "bytes=" + "9" * 40 + "-",
])
def test_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_empty_file_has_no_satisfiable_range():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)
