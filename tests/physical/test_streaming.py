"""Streaming operators: a Filter under a projection passes on only the columns the projection
reads, so a selective filter gathers no column its condition alone reads; answers are DuckDB's."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb

TABLE = pa.table({
    "k": pa.array([i % 4 for i in range(100)], pa.int64()),
    "x": pa.array([None if i % 7 == 0 else i for i in range(100)], pa.int64()),
    "f": pa.array([i * 0.5 for i in range(100)], pa.float64()),
    "s": pa.array([f"v{i % 5}" for i in range(100)], pa.string()),
})


@pytest.fixture
def engines():
    con, duck = tqp.connect(), duckdb.connect()
    con.register("t", TABLE)
    duck.register("t", TABLE)
    yield con, duck
    con.close()
    duck.close()


@pytest.mark.parametrize("sql, passed", [
    ("SELECT x + 1 AS y, k FROM t WHERE f < 3 AND s <> 'v1' ORDER BY k, y", ["k", "x"]),
    ("SELECT x, f FROM t WHERE f < 30 AND s <> 'v1' ORDER BY f", ["f", "x"]),
])
def test_a_filter_passes_on_only_what_the_projection_above_reads(engines, filtered_columns,
                                                                 sql, passed):
    check_against_duckdb(*engines, sql)
    assert filtered_columns == [passed]
