"""Unaliased result columns are named as DuckDB names them (aggregates, operators, literals)."""

import duckdb
import pyarrow as pa
import pytest

import tqp

TABLE = pa.table({"a": [1, 2], "b": [2.5, 3.5], "s": ["x", "y"]})

QUERIES = [
    "select count(*), sum(a), count(distinct a), avg(b), min(s), max(a + 1) from t",
    "select a + 1, -a, a, t.a, 42, 'lit', a * 2 + 1, a = 1 and b > 2, not (a = 1), a // 2 from t",
    "select s || 'z', a % 2, a <> 1, b / 2 as half from t",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_names_match_duckdb(sql):
    con = tqp.connect()
    con.register("t", TABLE)
    duck = duckdb.connect()
    duck.register("t", TABLE)
    expected = duck.sql(sql).to_arrow_table().column_names
    assert con.execute(sql).fetch_arrow_table().column_names == expected
