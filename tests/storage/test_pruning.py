"""Row-group pruning decides only from statistics, and only ever conservatively: a row group is
skipped when its min/max/NULL count prove no row can satisfy a bound, and kept whenever the
statistics are missing or cannot be compared with the constant."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tqp.storage.pruning import Bound, may_match, surviving_groups

STATS = (10, 20, 0)  # min, max, NULL count of a 100-row group


@pytest.mark.parametrize("op, value, expected", [
    ("=", 15, True), ("=", 9, False), ("=", 21, False),
    ("<", 10, False), ("<", 11, True), ("<=", 10, True), ("<=", 9, False),
    (">", 20, False), (">", 19, True), (">=", 20, True), (">=", 21, False),
])
def test_comparisons_against_min_and_max(op, value, expected):
    assert may_match(Bound("x", op, (value,)), STATS, 100) is expected


def test_in_lists_need_one_value_inside_the_range():
    assert may_match(Bound("x", "in", (1, 15, 99)), STATS, 100)
    assert not may_match(Bound("x", "in", (1, 99)), STATS, 100)


def test_null_tests_use_the_null_count():
    assert not may_match(Bound("x", "is_null"), STATS, 100)
    assert may_match(Bound("x", "is_null"), (10, 20, 3), 100)
    assert not may_match(Bound("x", "not_null"), (None, None, 100), 100)
    assert not may_match(Bound("x", "=", (15,)), (None, None, 100), 100)  # only NULLs


def test_unknown_or_incomparable_statistics_keep_the_group():
    assert may_match(Bound("x", "=", (15,)), None, 100)
    assert may_match(Bound("x", "=", ("text",)), STATS, 100)  # another type: no verdict
    # a float constant against exact decimals could round the wrong way
    assert may_match(Bound("x", ">=", (0.05,)), (Decimal("0.01"), Decimal("0.05"), 0), 100)


def test_dates_compare_with_timestamps_at_midnight():
    stats = (date(2020, 1, 1), date(2020, 1, 31), 0)
    assert not may_match(Bound("d", ">", (datetime(2020, 1, 31),)), stats, 10)
    assert may_match(Bound("d", ">=", (datetime(2020, 1, 31),)), stats, 10)


def test_every_bound_must_allow_a_group():
    statistics = {"x": [(0, 9, 0), (10, 19, 0), (20, 29, 0)], "y": [None, (5, 5, 0), (1, 2, 0)]}
    keep = surviving_groups([Bound("x", ">=", (5,)), Bound("y", "=", (2,))], statistics,
                            [10, 10, 10])
    assert keep == [True, False, True]


def test_bounds_describe_themselves_as_sql():
    assert Bound("d", ">=", (date(1994, 1, 1),)).describe() == "d >= DATE '1994-01-01'"
    assert Bound("s", "in", ("a", "b'c")).describe() == "s IN ('a', 'b''c')"
    assert Bound("n", "not_null").describe() == "n IS NOT NULL"
