"""Dates and timestamps: EXTRACT, DATE_TRUNC and interval arithmetic agree with DuckDB.

DATE is int32 days and TIMESTAMP int64 microseconds since 1970-01-01; the `dates` table holds a
leap day, month and year ends, ISO-week edge days and dates before 1970 (down to 1582), where
floor division (not truncation) must be used on negative day numbers.
"""

from __future__ import annotations

import pytest

PARTS = ["year", "month", "day", "quarter", "dow", "isodow", "doy", "week", "decade", "epoch"]
TIME_PARTS = ["hour", "minute", "second"]
TRUNC_UNITS = ["year", "quarter", "month", "week", "day"]

SHORTHANDS = [
    "year(dt)", "month(dt)", "day(dt)", "dayofweek(dt)", "dayofyear(dt)", "weekofyear(dt)",
    "quarter(ts)", "year(ts)", "dayofmonth(dt)",
]

DATE_ARITHMETIC = [
    "dt + 1", "dt - 1", "1 + dt", "dt + n", "dt - n", "dt - dt", "dt - DATE '1970-01-01'",
    "DATE '2000-03-01' - dt", "dt + NULL",
]

INTERVALS = [
    "dt + INTERVAL 1 MONTH", "dt - INTERVAL 1 MONTH", "dt + INTERVAL '1' YEAR",
    "dt + INTERVAL 3 DAY", "dt + INTERVAL 2 WEEK", "dt + INTERVAL 1 QUARTER",
    "dt - INTERVAL 12 MONTH", "dt + INTERVAL 1 HOUR", "dt + INTERVAL '1 year'",
    "ts + INTERVAL 1 DAY", "ts - INTERVAL 90 MINUTE", "ts + INTERVAL 1 SECOND",
    "ts + INTERVAL 1 MONTH", "ts - INTERVAL 1 YEAR",
]

COMPARISONS = [
    "dt < DATE '2000-01-01'", "dt = DATE '2000-02-29'", "dt = '2000-02-29'",
    "dt < '1970-01-01'", "dt BETWEEN '1960-01-01' AND '2000-12-31'", "ts > dt", "ts = dt",
    "dt IN (DATE '1970-01-01', DATE '1969-12-31')", "greatest(dt, DATE '2000-01-01')",
    "least(dt, ts)", "coalesce(dt, DATE '1999-01-01')", "nullif(dt, DATE '1970-01-01')",
]

CASTS = [
    "CAST(ts AS DATE)", "CAST(dt AS VARCHAR)", "CAST(ts AS VARCHAR)", "dt::VARCHAR || '!'",
    "CAST(dt AS TIMESTAMP)", "CAST('2000-02-29' AS DATE)", "CAST(ts AS DATE) = dt",
]


@pytest.mark.parametrize("part", PARTS)
def test_extract_from_dates(engines, part):
    engines.check_column("dates", f"extract({part} FROM dt)")


@pytest.mark.parametrize("part", PARTS + TIME_PARTS)
def test_extract_from_timestamps(engines, part):
    engines.check_column("dates", f"extract({part} FROM ts)")


@pytest.mark.parametrize("expression", SHORTHANDS)
def test_part_functions(engines, expression):
    engines.check_column("dates", expression)


@pytest.mark.parametrize("unit", TRUNC_UNITS)
def test_date_trunc_of_dates(engines, unit):
    engines.check_column("dates", f"date_trunc('{unit}', dt)")


@pytest.mark.parametrize("unit", TRUNC_UNITS + TIME_PARTS)
def test_date_trunc_of_timestamps(engines, unit):
    engines.check_column("dates", f"date_trunc('{unit}', ts)")


@pytest.mark.parametrize("expression", DATE_ARITHMETIC)
def test_date_arithmetic(engines, expression):
    """DATE +/- integer days is a DATE; DATE - DATE is a number of days."""
    engines.check_column("dates", expression)


@pytest.mark.parametrize("expression", INTERVALS)
def test_interval_arithmetic(engines, expression):
    """Adding months clamps to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    engines.check_column("dates", expression)


@pytest.mark.parametrize("expression", COMPARISONS)
def test_date_comparisons(engines, expression):
    engines.check_column("dates", expression)


@pytest.mark.parametrize("expression", CASTS)
def test_date_casts(engines, expression):
    engines.check_column("dates", expression)


def test_constant_date_plus_interval_is_a_timestamp(engines):
    """Folding constants must keep DuckDB's type: DATE + INTERVAL is a TIMESTAMP."""
    engines.check("SELECT DATE '2024-02-29' + INTERVAL 1 YEAR AS v")


def test_timestamp_literals(engines):
    engines.check("SELECT TIMESTAMP '2000-01-01 10:00:00' AS v")
    engines.check("SELECT id FROM dates WHERE ts >= TIMESTAMP '2000-01-01 00:00:00'")
    engines.check_column("dates", "ts < '1970-01-01 00:00:00'")


def test_dates_in_where_group_and_order(engines):
    engines.check("SELECT extract(year FROM dt) AS y, count(*) AS n, min(dt) AS lo, max(ts) AS hi "
                  "FROM dates WHERE dt < DATE '2024-01-01' GROUP BY y ORDER BY y NULLS FIRST")
    engines.check("SELECT id FROM dates ORDER BY dt + INTERVAL 1 MONTH DESC NULLS LAST, id")
