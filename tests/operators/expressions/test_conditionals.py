"""CASE, IF, COALESCE, IFNULL and NULLIF agree with DuckDB, over every type and with NULLs.

A WHEN whose condition is NULL is not taken; a CASE with no ELSE is NULL; branches of different
numeric types meet in the wider one; string branches from different dictionaries are unified.
A branch that is not taken must not raise (DuckDB evaluates it only for the rows that take it).
"""

from __future__ import annotations

import pytest

CASE_ON_NUMBERS = [
    "CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END",
    "CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END",
    "CASE WHEN i > 0 THEN i WHEN f > 0 THEN f ELSE d END",
    "CASE WHEN f > 0 THEN d ELSE i END",
    "CASE WHEN i IS NULL THEN 'null' ELSE CAST(i AS VARCHAR) END",
    "CASE i WHEN 1 THEN 'one' WHEN -1 THEN 'minus one' WHEN NULL THEN 'never' ELSE 'other' END",
    "CASE WHEN i > 0 THEN NULL ELSE i END",
    "CASE WHEN NULL THEN 1 ELSE 2 END",
    "CASE WHEN i > 0 THEN b END + 1",
    "IF(i > 0, i, -i)", "IF(f > 0, 'pos', NULL)", "IF(i = 0, NULL, i)",
    "coalesce(i, b, 0)", "coalesce(NULL, NULL, f)", "coalesce(f, i)", "coalesce(d, f, i)",
    "ifnull(i, -99)", "coalesce(i, NULL)",
    "nullif(i, 0)", "nullif(f, 1.5)", "nullif(i, NULL)", "nullif(NULL, i)", "nullif(d, 2.5)",
]

CASE_ON_STRINGS = [
    "CASE s WHEN 'abc' THEN 1 WHEN '' THEN 2 END",
    "CASE WHEN n > 1 THEN s ELSE t END",
    "CASE WHEN n > 1 THEN s ELSE upper(s) END",
    "CASE WHEN s IS NULL THEN 'missing' WHEN s = '' THEN 'empty' ELSE s END",
    "CASE WHEN s < t THEN s ELSE t END",
    "IF(n > 0, s, 'neg')",
    "coalesce(s, t)", "coalesce(s, 'none')", "coalesce(s, t, 'none')", "nullif(s, '')",
    "nullif(s, t)",
]

CASE_ON_DATES_AND_BOOLEANS = [
    ("dates", "CASE WHEN n > 0 THEN dt ELSE NULL END"),
    ("dates", "CASE WHEN n > 0 THEN dt ELSE ts END"),
    ("dates", "coalesce(dt, DATE '1999-01-01')"),
    ("dates", "nullif(dt, DATE '1970-01-01')"),
    ("dates", "IF(dt < DATE '1970-01-01', 'before', 'after')"),
    ("bools", "CASE WHEN p THEN 1 WHEN q THEN 2 ELSE 3 END"),
    ("bools", "CASE WHEN p THEN q ELSE NOT q END"),
    ("bools", "CASE p WHEN TRUE THEN 'yes' WHEN FALSE THEN 'no' END"),
    ("bools", "coalesce(p, q)"),
    ("bools", "nullif(p, q)"),
    ("bools", "IF(p, i, NULL)"),
]


@pytest.mark.parametrize("expression", CASE_ON_NUMBERS)
def test_conditionals_over_numbers(engines, expression):
    engines.check_column("nums", expression)


@pytest.mark.parametrize("expression", CASE_ON_STRINGS)
def test_conditionals_over_strings(engines, expression):
    engines.check_column("strs", expression)


@pytest.mark.parametrize("table, expression", CASE_ON_DATES_AND_BOOLEANS)
def test_conditionals_over_dates_and_booleans(engines, table, expression):
    engines.check_column(table, expression)


def test_case_in_where_group_by_and_aggregates(engines):
    engines.check("SELECT CASE WHEN i > 0 THEN 'pos' ELSE 'other' END AS k, "
                  "sum(CASE WHEN f > 0 THEN f ELSE 0 END) AS s, count(*) AS n "
                  "FROM nums WHERE coalesce(i, 0) >= 0 GROUP BY k")


@pytest.mark.parametrize("expression", [
    "CASE WHEN z <> 0 THEN 10 // z END",
    "CASE WHEN z = 0 THEN NULL ELSE 10 % z END",
    "IF(z = 0, -1, 100 // z)",
])
def test_branches_not_taken_do_not_raise(engines, expression):
    """The usual guard against division by zero: DuckDB returns rows, it does not raise."""
    engines.check_column("nums", expression)


@pytest.mark.parametrize("expression", [
    "coalesce(CASE WHEN z = 0 THEN 0 END, 10 // z)",  # COALESCE is a CASE: later args are lazy
    "coalesce(i, 10 // z)",  # i is NULL only where z is 1
    "CASE WHEN z <> 0 AND 10 // z > 1 THEN 1 ELSE 0 END",
])
def test_guarded_arguments_are_only_evaluated_where_needed(engines, expression):
    engines.check_column("nums", expression)


@pytest.mark.parametrize("condition", [
    "z <> 0 AND 10 // z > 1",
    "z = 0 OR 10 // z > 1",
    "z <> 0 AND (10 // z > 1 OR f > 0)",
    "(z = 0 OR 10 % z = 0) AND id > 2",
])
def test_where_guards_against_division_by_zero(engines, condition):
    """DuckDB evaluates the right side of AND / OR in a filter only for the rows still open."""
    engines.check(f"SELECT id FROM nums WHERE {condition}")


def _nested(template: str, depth: int, inner: str) -> str:
    """`template` wrapped around itself `depth` times, `{}` the expression inside."""
    expression = inner
    for level in range(depth):
        expression = template.format(expression, level)
    return expression


# DuckDB itself takes time exponential in the depth of nested NULLIF (a CASE repeating its
# first argument), hence the smaller depth there.
NESTED_COALESCES = [
    ("nums", "coalesce({}, {})", 40),  # every argument cheap: evaluated eagerly
    ("nums", "coalesce({}, abs(z) + {})", 40),  # a costly argument: evaluated lazily
    ("nums", "ifnull(nullif({}, {}), i)", 10),
    ("strs", "coalesce(nullif({}, '{}'), t)", 10),
]


@pytest.mark.parametrize("table, template, depth", NESTED_COALESCES)
def test_nested_coalesce_evaluates_each_argument_once(engines, monkeypatch, table, template,
                                                      depth):
    """Nested COALESCE gives DuckDB's answer, reading each column reference a bounded number of
    times (spelled as CASE WHEN a IS NOT NULL THEN a, each level evaluated its first argument
    twice: 2^depth reads)."""
    from sqlglot import exp

    from tqp.operators import expressions

    reads = []
    read_column = expressions._HANDLERS[exp.Column]

    def counted(node, batch):
        reads.append(node)
        assert len(reads) <= 20 * depth, "nested COALESCE re-evaluates its arguments"
        return read_column(node, batch)

    monkeypatch.setitem(expressions._HANDLERS, exp.Column, counted)
    first = "i" if table == "nums" else "s"
    engines.check_column(table, _nested(template, depth, first))
