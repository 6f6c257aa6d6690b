"""Comparisons and boolean logic follow SQL's three-valued logic exactly as DuckDB does.

`bools` holds all nine (p, q) pairs over {TRUE, FALSE, NULL}, so every truth table is checked in
full: FALSE wins over NULL in AND, TRUE wins over NULL in OR, NOT NULL is NULL, and WHERE keeps
only the rows whose condition is TRUE.
"""

from __future__ import annotations

import pytest

import tqp

TRUTH_TABLES = [
    "p AND q", "p OR q", "NOT p", "NOT q", "p AND NOT q", "NOT (p OR q)", "NOT (p AND q)",
    "p AND NULL", "p OR NULL", "NULL AND FALSE", "NULL OR TRUE", "p AND TRUE", "q OR FALSE",
    "(p AND q) OR (NOT p AND NOT q)", "p AND q AND i > 0", "p OR q OR i IS NULL",
]

IS_PREDICATES = [
    "p IS NULL", "p IS NOT NULL", "p IS TRUE", "p IS NOT TRUE", "p IS FALSE", "p IS NOT FALSE",
    "(p AND q) IS NULL", "(p OR q) IS NOT TRUE", "NOT p IS NULL",
]

BOOLEAN_COMPARISONS = [
    "p = q", "p <> q", "p < q", "p >= q", "p = TRUE", "p <> FALSE", "i > NULL",
    "p IN (TRUE, NULL)", "p NOT IN (FALSE)", "coalesce(p, q, FALSE)",
]

# A NULL operand makes every comparison NULL; IN with a NULL item is NULL unless a match exists.
NULL_COMPARISONS = [
    "i = 1 OR i IS NULL", "i IN (1, NULL)", "i NOT IN (1, NULL)", "i NOT IN (0, 5)",
    "i BETWEEN 0 AND NULL", "i NOT BETWEEN NULL AND 0", "i IN (SELECT 1)",
    "(i > 0) = p", "i = i", "i <> i",
]

WHERE_CONDITIONS = [
    "p", "q", "NOT p", "p OR q", "p AND q", "NOT (p AND q)", "p IS NOT FALSE", "i > 0 AND p",
    "NOT (i > 0)", "p OR i = 1", "i", "NOT i",
]


@pytest.mark.parametrize("expression", TRUTH_TABLES)
def test_three_valued_connectives(engines, expression):
    engines.check_column("bools", expression)


@pytest.mark.parametrize("expression", IS_PREDICATES)
def test_is_predicates_are_never_null(engines, expression):
    engines.check_column("bools", expression)


@pytest.mark.parametrize("expression", BOOLEAN_COMPARISONS)
def test_boolean_comparisons(engines, expression):
    engines.check_column("bools", expression)


@pytest.mark.parametrize("expression", NULL_COMPARISONS)
def test_comparisons_with_null(engines, expression):
    engines.check_column("bools", expression)


@pytest.mark.parametrize("condition", WHERE_CONDITIONS)
def test_where_keeps_only_true_rows(engines, condition):
    engines.check(f"SELECT id FROM bools WHERE {condition}")


def test_having_keeps_only_true_groups(engines):
    engines.check("SELECT p, count(*) AS n FROM bools GROUP BY p HAVING max(i) > 0 OR p")


def test_connectives_of_comparisons_across_tables(engines):
    """Comparisons produce NULL from NULL inputs, which then flow through AND / OR / NOT."""
    engines.check_column("nums", "(i > 0) AND (f > 0)")
    engines.check_column("nums", "(i > 0) OR (f > 0)")
    engines.check_column("nums", "NOT (i > 0 OR f IS NULL)")
    engines.check_column("nums", "(d < 0) = (f < 0)")


def test_boolean_compared_with_a_string_literal(engines):
    """DuckDB casts the literal: p = 'true' is p = TRUE."""
    engines.check_column("bools", "p = 'true'")


@pytest.mark.parametrize("sql", [
    "SELECT id FROM strs WHERE s",
    "SELECT s AND TRUE FROM strs",
    "SELECT NOT s FROM strs",
    "SELECT dt > 5 FROM dates",
    "SELECT ts + ts FROM dates",
])
def test_non_boolean_conditions_are_programming_errors(engines, sql):
    engines.both_raise(sql, tqp.ProgrammingError)


# A column against a constant in finer units (a DATE against a TIMESTAMP, an INTEGER or DECIMAL
# against a DECIMAL of larger scale, an INTEGER against a BIGINT) compares with the constant
# rounded to the column's units: each operator on both sides of every rounding.
FINER_CONSTANTS = [
    ("dates", "dt", ["TIMESTAMP '2000-02-29 00:00:00'", "TIMESTAMP '2000-02-29 12:00:00'",
                     "DATE '1970-01-01' - INTERVAL 1 HOUR", "TIMESTAMP '1969-12-31 23:59:59'"]),
    ("nums", "i", ["1.5", "-7.0", "2.000", "-6.999", "5::BIGINT", "99999999999", "-1.5"]),
    ("nums", "d", ["1.255", "-0.015", "2.50000", "-2.4999"]),
    ("nums", "b", ["0.5", "-3.01", "5.0"]),
]


@pytest.mark.parametrize("table,column,constant",
                         [(t, c, k) for t, c, ks in FINER_CONSTANTS for k in ks])
@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "=", "<>"])
def test_column_against_a_constant_in_finer_units(engines, table, column, constant, op):
    engines.check_column(table, f"{column} {op} {constant}")
    engines.check_column(table, f"{constant} {op} {column}")
