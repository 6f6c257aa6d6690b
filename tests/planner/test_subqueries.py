"""Correlated scalar subqueries (planner/subqueries.py): the subquery grouped by its correlation
keys and left-joined back, and where no group matched, the aggregate's value over no rows. That
value is planned apart (a copy of the subquery over no rows) only where it can be other than
NULL, as COUNT's 0 or a COALESCE: for SUM, AVG, MIN, MAX and arithmetic or casts on them, the
left join's NULL padding is the answer. Every answer is checked against DuckDB."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb
from tqp.planner.explain import explain

# o.k = 4 has no inner rows, o.k = 2 only inner rows whose v is NULL, o.k NULL matches nothing.
TABLES = {
    "o": pa.table({"k": pa.array([1, 2, 3, 4, None], pa.int32()),
                   "x": pa.array([1.0, 2.0, 3.0, 4.0, 5.0], pa.float64())}),
    "i": pa.table({"k": pa.array([1, 1, 2, 3, 3, None], pa.int32()),
                   "v": pa.array([10, None, None, 7, 8, 9], pa.int64())}),
}

NULL_OVER_NO_ROWS = ["sum(i.v)", "avg(i.v)", "min(i.v)", "max(i.v) * 2", "-sum(i.v) + 1",
                     "CAST(min(i.v) AS DOUBLE) / 2", "(sum(i.v) - 3) * 0"]
OTHER_OVER_NO_ROWS = ["count(i.v)", "count(*)", "coalesce(sum(i.v), 0)", "sum(i.v) + count(*)",
                      "CASE WHEN sum(i.v) IS NULL THEN -1 ELSE 1 END"]


def _over_tables(connection):
    """`connection` (tqp's or DuckDB's) with TABLES registered."""
    for name, table in TABLES.items():
        connection.register(name, table)
    return connection


@pytest.fixture(scope="module")
def con():
    with _over_tables(tqp.connect()) as connection:
        yield connection


@pytest.fixture(scope="module")
def duck():
    with _over_tables(duckdb.connect()) as connection:
        yield connection


def _built(con, sql: str) -> str:
    query, _ = con._engine.build(sql)
    return explain(query.plan)


@pytest.mark.parametrize("value", NULL_OVER_NO_ROWS)
def test_a_value_null_over_no_rows_is_the_left_joins_padding(con, value):
    plan = _built(con, f"SELECT o.k, (SELECT {value} FROM i WHERE i.k = o.k) AS s FROM o")
    assert "Join[left]" in plan and "ScalarApply" not in plan and "Limit 0" not in plan


@pytest.mark.parametrize("value", OTHER_OVER_NO_ROWS)
def test_a_value_over_no_rows_that_may_not_be_null_is_planned_apart(con, value):
    plan = _built(con, f"SELECT o.k, (SELECT {value} FROM i WHERE i.k = o.k) AS s FROM o")
    assert "ScalarApply" in plan and "Limit 0" in plan


@pytest.mark.parametrize("value", NULL_OVER_NO_ROWS + OTHER_OVER_NO_ROWS)
@pytest.mark.parametrize("template", [
    "SELECT o.k, (SELECT {value} FROM i WHERE i.k = o.k) AS s FROM o ORDER BY o.k",
    "SELECT o.k FROM o WHERE o.x < (SELECT {value} FROM i WHERE i.k = o.k) ORDER BY o.k",
    "SELECT o.k FROM o WHERE (SELECT {value} FROM i WHERE i.k = o.k) IS NULL ORDER BY o.k",
    "SELECT o.k, (SELECT {value} FROM i WHERE i.k < o.k) AS s FROM o ORDER BY o.k",
])
def test_answers_match_duckdb_where_no_row_matches(con, duck, value, template):
    check_against_duckdb(con, duck, template.format(value=value))
