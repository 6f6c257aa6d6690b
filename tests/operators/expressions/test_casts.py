"""CAST between SQL types agrees with DuckDB: numbers, strings, dates, booleans and NULLs.

Casting a DOUBLE to an integer rounds half to even and a DECIMAL half away from zero; strings are
parsed after trimming; numbers print as DuckDB prints them. A value that does not fit or does
not parse is an error, as in DuckDB, never a silently wrapped number.
"""

from __future__ import annotations

import pytest

import tqp

NUMERIC_CASTS = [
    "CAST(i AS BIGINT)", "CAST(i AS DOUBLE)", "CAST(i AS SMALLINT)", "CAST(i AS TINYINT)",
    "CAST(b AS DOUBLE)", "CAST(d AS DOUBLE)", "CAST(d AS INTEGER)", "CAST(d * 100 AS BIGINT)",
    "CAST(f AS BIGINT)", "CAST(f AS FLOAT)", "CAST(f AS REAL)", "CAST(f AS DECIMAL(18, 1))",
    "CAST(i AS DECIMAL(10, 2))", "CAST(d AS DECIMAL(10, 1))", "CAST(i AS BOOLEAN)",
    "CAST(f AS BOOLEAN)", "CAST(NULL AS INTEGER)", "i::BIGINT + 1",
    # f = 2.675 and 1e10 are not in these rows; 1.5, -2.5, 0.5, -0.5 round half to even
    "CAST(CASE WHEN abs(f) < 1e3 THEN f END AS INTEGER)",
]

TO_STRING = [
    "CAST(i AS VARCHAR)", "CAST(b AS VARCHAR)", "CAST(f AS VARCHAR)", "CAST(d AS VARCHAR)",
    "i::VARCHAR || '!'", "CAST(NULL AS VARCHAR)", "CAST(nullif(i, 0) / 0 AS VARCHAR)",
    "CAST(f * 1e300 AS VARCHAR)",
]

FROM_STRING = [
    "CAST('42' AS INTEGER)", "CAST(' 42 ' AS INTEGER)", "CAST('-3.75' AS DOUBLE)",
    "CAST('1.5' AS DECIMAL(4, 1))", "CAST('2000-02-29' AS DATE)", "CAST('true' AS BOOLEAN)",
    "CAST('FALSE' AS BOOLEAN)", "CAST('1969-12-31 23:59:59' AS TIMESTAMP)",
]

LITERALS = [
    "CAST(0.1 AS VARCHAR)", "CAST(1e300 AS VARCHAR)", "CAST(1.0 / 3 AS VARCHAR)",
    "CAST(1e15 AS VARCHAR)", "CAST(1e16 AS VARCHAR)", "CAST(123456789.0 AS VARCHAR)",
    "CAST(2.5 AS INTEGER)", "CAST(3.5 AS INTEGER)", "CAST(-2.5 AS INTEGER)",
    "CAST(TRUE AS INTEGER)",
]


@pytest.mark.parametrize("expression", NUMERIC_CASTS)
def test_numeric_casts(engines, expression):
    engines.check_column("nums", expression)


@pytest.mark.parametrize("expression", TO_STRING)
def test_numbers_to_strings(engines, expression):
    engines.check_column("nums", expression)


@pytest.mark.parametrize("expression", FROM_STRING)
def test_strings_to_other_types(engines, expression):
    engines.check_column("nums", expression)


@pytest.mark.parametrize("expression", LITERALS)
def test_casts_of_literals(engines, expression):
    engines.check(f"SELECT {expression} AS v")


@pytest.mark.parametrize("expression", [
    "CAST(d + d AS VARCHAR)", "CAST(d * 2 AS VARCHAR)", "CAST(-d AS VARCHAR)",
    "CAST(abs(d) AS VARCHAR)", "CAST(d * d AS VARCHAR)", "CAST(round(d, 1) AS VARCHAR)",
])
def test_decimal_expressions_print_with_duckdbs_scale(engines, expression):
    """DECIMAL(10,2) + DECIMAL(10,2) is DECIMAL(11,2) in DuckDB: '-7.00', not '-7.0'."""
    engines.check_column("nums", expression)


def test_decimal_sum_prints_exactly(engines):
    engines.check("SELECT CAST(sum(d) AS VARCHAR) AS v FROM nums")


def test_boolean_casts(engines):
    engines.check_column("bools", "CAST(p AS INTEGER)")
    engines.check_column("bools", "CAST(p AS VARCHAR)")
    engines.check_column("bools", "CAST(i AS BOOLEAN)")


def test_string_column_casts(engines):
    engines.check("SELECT id, CAST(s AS VARCHAR) AS v FROM strs")
    engines.check("SELECT id, CAST(n AS VARCHAR) || s AS v FROM strs")
    engines.check("SELECT id, CAST(CAST(n AS VARCHAR) AS INTEGER) AS v FROM strs")


def test_try_cast_of_a_string_that_parses(engines):
    engines.check("SELECT TRY_CAST('12' AS INTEGER) AS v")


@pytest.mark.parametrize("sql", [
    "SELECT CAST(s AS INTEGER) FROM strs",
    "SELECT CAST('abc' AS DOUBLE)",
    "SELECT CAST('2001-02-29' AS DATE)",  # not a leap year
    "SELECT i = 'abc' FROM nums",
])
def test_strings_that_do_not_parse_are_data_errors(engines, sql):
    engines.both_raise(sql, tqp.DataError)


@pytest.mark.parametrize("sql", [
    "SELECT CAST(f AS INTEGER) FROM nums",  # 1e10 does not fit an INTEGER
    "SELECT CAST(b AS INTEGER) FROM nums",  # 2**40 does not fit an INTEGER
    "SELECT CAST(f AS DECIMAL(10, 1)) FROM nums",  # 1e10 needs 11 digits before the point
    "SELECT CAST(i * 3 AS TINYINT) FROM nums",  # 300
    "SELECT CAST(i * 1000 AS SMALLINT) FROM nums",  # 100000
])
def test_values_out_of_range_of_the_target_type_are_data_errors(engines, sql):
    engines.both_raise(sql, tqp.DataError)
