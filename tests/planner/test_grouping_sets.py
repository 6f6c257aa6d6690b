"""GROUP BY clauses expanded into keys and grouping sets (DuckDB's cross product)."""

from __future__ import annotations

import sqlglot

from tqp.planner.grouping_sets import expand


def _expand(group_by: str):
    group = sqlglot.parse_one(f"select 1 from t group by {group_by}", read="duckdb").args["group"]
    keys, sets = expand(group, lambda e: e)
    return [k.sql() for k in keys], sets


def test_plain_group_by_has_no_sets():
    assert _expand("a, b") == (["a", "b"], None)


def test_rollup_cube_and_grouping_sets():
    assert _expand("rollup (a, b)") == (["a", "b"], ((0, 1), (0,), ()))
    assert _expand("cube (a, b)") == (["a", "b"], ((0, 1), (0,), (1,), ()))
    assert _expand("grouping sets ((a, b), (b), ())") == (["a", "b"], ((0, 1), (1,), ()))


def test_items_combine_as_a_cross_product():
    keys, sets = _expand("a, rollup (b, c)")
    assert keys == ["a", "b", "c"]
    assert sets == ((0, 1, 2), (0, 1), (0,))
    _, sets = _expand("rollup (a), cube (b)")
    assert sets == ((0, 1), (0,), (1,), ())


def test_composite_elements_and_repeated_sets():
    assert _expand("rollup ((a, b), c)")[1] == ((0, 1, 2), (0, 1), ())
    assert _expand("grouping sets ((a), (a))")[1] == ((0,), (0,))
