"""The rule of Circular 10/2017/TT-BNV as data: the invalid-form threshold and the index bands, at their boundaries."""
import datetime
from decimal import Decimal

import pytest

from dtbd.evaluation.models import Band, Rule
from dtbd.evaluation.services import band_of, form_is_valid, round_index, rule_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule():
    return rule_on(datetime.date(2025, 1, 1))


def test_the_seeded_rule_is_that_of_the_circular(rule):
    assert rule.valid_from == datetime.date(2018, 2, 15)
    assert (rule.invalid_unanswered_pct, rule.weak_from, rule.average_from, rule.fair_from, rule.good_from) == (
        Decimal(5), Decimal(2), Decimal(4), Decimal(6), Decimal(8))


@pytest.mark.parametrize("index, band", [
    ("1.00", Band.POOR), ("1.99", Band.POOR), ("2.00", Band.WEAK), ("3.99", Band.WEAK), ("4.00", Band.AVERAGE),
    ("5.99", Band.AVERAGE), ("6.00", Band.FAIR), ("7.99", Band.FAIR), ("8.00", Band.GOOD), ("10.00", Band.GOOD),
])
def test_every_band_boundary(rule, index, band):
    assert band_of(Decimal(index), rule) == band


def test_an_index_is_banded_as_shown_rounded_to_two_places(rule):
    assert round_index(Decimal("7.995")) == Decimal("8.00")
    assert band_of(Decimal("7.995"), rule) == Band.GOOD
    assert band_of(Decimal("7.9949"), rule) == Band.FAIR
    assert band_of(None, rule) is None


@pytest.mark.parametrize("expected, unanswered, valid", [
    (20, 0, True), (20, 1, True),  # exactly 5 %: valid
    (20, 2, False),  # 10 %
    (100, 5, True), (100, 6, False),  # 5 % and just above
    (1000, 50, True), (1000, 51, False),  # 5,0 % and 5,1 %
    (19, 1, False),  # 5,26 %: just above
    (0, 0, False),  # a form without scored items counts for nothing
])
def test_the_invalid_form_rule_at_exactly_five_percent_and_just_above(rule, expected, unanswered, valid):
    assert form_is_valid(expected, unanswered, rule) is valid


def test_the_rule_is_dated_data():
    Rule.objects.create(valid_from=datetime.date(2030, 1, 1), invalid_unanswered_pct=Decimal(10),
                        weak_from=Decimal(3), average_from=Decimal(5), fair_from=Decimal(7), good_from=Decimal(9))
    old, new = rule_on(datetime.date(2029, 12, 31)), rule_on(datetime.date(2030, 1, 1))
    assert band_of(Decimal("8.50"), old) == Band.GOOD and band_of(Decimal("8.50"), new) == Band.FAIR
    assert not form_is_valid(20, 2, old) and form_is_valid(20, 2, new)
