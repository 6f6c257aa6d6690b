"""An Aggregate over a Filter that keeps most rows reads the filter's mask instead of a copy of
the kept rows; the answers must be those of the filtered rows, as DuckDB gives them."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.conftest import devices
from tests.oracle import check_against_duckdb
from tqp.operators import executor

# k: groups 0-3; group 9 appears only in rows every filter below drops. x: NULLs, and a value
# whose product overflows BIGINT in a dropped row.
ROWS = 40
TABLE = pa.table({
    "k": pa.array([i % 4 for i in range(ROWS - 2)] + [9, 9], pa.int64()),
    "x": pa.array([None if i % 7 == 0 else i for i in range(ROWS - 1)] + [2**61], pa.int64()),
    "f": pa.array([i * 0.5 for i in range(ROWS)], pa.float64()),
    "s": pa.array([f"v{i % 5}" for i in range(ROWS)], pa.string()),
})

QUERIES = [
    "SELECT k, count(*), count(x), sum(x), avg(x), min(x), max(x), sum(f), min(s) "
    "FROM t WHERE f < 19 GROUP BY k",
    "SELECT count(*), sum(x), avg(f), max(s) FROM t WHERE f < 19",
    "SELECT k, sum(x * 4) FROM t WHERE x < 1000 GROUP BY k",  # overflow in a dropped row
    "SELECT s, count(*) FROM t WHERE k <> 9 AND f > 1 GROUP BY s",
    "SELECT sum(x) FROM t WHERE f > 100",  # keeps nothing: the compacting path
]


@pytest.fixture(params=devices())
def engines(request):
    con, duck = tqp.connect(device=request.param), duckdb.connect()
    con.register("t", TABLE)
    duck.register("t", TABLE)
    yield con, duck
    con.close()
    duck.close()


@pytest.mark.parametrize("sql", QUERIES)
@pytest.mark.parametrize("fraction", [executor.MASK_AGGREGATE_FRACTION, 2.0],
                         ids=["mask", "copy"])
def test_aggregate_over_filter_matches_duckdb(engines, monkeypatch, sql, fraction):
    """Both ways (mask, or the copied rows when the fraction can never be reached) agree."""
    monkeypatch.setattr(executor, "MASK_AGGREGATE_FRACTION", fraction)
    check_against_duckdb(*engines, sql)


def test_explain_analyze_counts_the_rows_the_filter_keeps(engines):
    con, _ = engines
    plan = "\n".join(r[0] for r in con.execute(
        "EXPLAIN ANALYZE SELECT k, count(*) FROM t WHERE f < 19 GROUP BY k").fetchall())
    assert "rows=38" in plan.split("Filter")[1].splitlines()[0]
