"""The benchmark's result check: is tqp's answer DuckDB's (bench/tpch/compare.py)."""

from __future__ import annotations

import datetime
import decimal

import pyarrow as pa

from bench.tpch.compare import compare_tables, is_ordered


def table(**columns) -> pa.Table:
    return pa.table(columns)


EXPECTED = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5, 1.25, 2.0])



def test_same_table_passes():
    assert compare_tables(EXPECTED, EXPECTED, ordered=True) is None


def test_changed_value_fails():
    actual = table(k=["a", "b", "c"], n=[1, 2, 4], x=[0.5, 1.25, 2.0])
    message = compare_tables(actual, EXPECTED, ordered=False)
    assert message is not None and "differs" in message


def test_changed_string_fails():
    actual = table(k=["a", "B", "c"], n=[1, 2, 3], x=[0.5, 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is not None


def test_missing_row_fails():
    message = compare_tables(EXPECTED.slice(0, 2), EXPECTED, ordered=False)
    assert message == "row count 2 != 3"


def test_missing_column_fails():
    message = compare_tables(EXPECTED.drop_columns(["x"]), EXPECTED, ordered=False)
    assert message is not None and message.startswith("column count 2 != 3")


def test_reordered_rows_fail_when_ordered():
    reordered = EXPECTED.take([2, 0, 1])
    assert compare_tables(reordered, EXPECTED, ordered=True) is not None


def test_reordered_rows_pass_when_unordered():
    reordered = EXPECTED.take([2, 0, 1])
    assert compare_tables(reordered, EXPECTED, ordered=False) is None


def test_unordered_floats_equal_in_their_sort_digits_pair_by_their_exact_values():
    """9000000000.0 and 9000009297.0 agree to five digits: each side's order of them must not
    decide which pairs with which (a fuzz case failed on equal multisets that way)."""
    actual = table(x=[9000009297.0, 9000000000.0, None, 9000000000.0])
    expected = table(x=[9000000000.0, None, 9000000000.0, 9000009297.0])
    assert compare_tables(actual, expected, ordered=False) is None
    different = table(x=[9000009297.0, 9000090000.0, None, 9000000000.0])
    assert compare_tables(different, expected, ordered=False) is not None


def test_float_within_relative_tolerance_passes():
    actual = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5 * (1 + 1e-9), 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is None


def test_float_beyond_relative_tolerance_fails():
    actual = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5 * (1 + 1e-4), 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is not None


def test_integers_compare_exactly():
    big = 10**15
    assert compare_tables(table(n=[big + 1]), table(n=[big]), ordered=True) is not None


def test_decimal_compares_as_float():
    expected = pa.table({"x": pa.array([decimal.Decimal("1.10")], pa.decimal128(10, 2))})
    assert compare_tables(table(x=[1.1]), expected, ordered=True) is None


def test_nulls_match_only_nulls():
    assert compare_tables(table(x=[None, 1.0]), table(x=[1.0, None]), ordered=False) is None
    assert compare_tables(table(x=[None, 1.0]), table(x=[0.0, 1.0]), ordered=True) is not None


def test_dates_compare_exactly():
    day = datetime.date(1995, 3, 15)
    assert compare_tables(table(d=[day]), table(d=[day]), ordered=True) is None
    other = table(d=[day + datetime.timedelta(days=1)])
    assert compare_tables(other, table(d=[day]), ordered=True) is not None


def test_is_ordered_looks_at_the_outermost_query():
    assert is_ordered("select a from t order by a")
    assert not is_ordered("select a from (select a from t order by a limit 3) s")
