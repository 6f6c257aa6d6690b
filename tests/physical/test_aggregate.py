"""Aggregation operators: a Filter below is fused (the aggregate reads its mask instead of a copy
of the rows it keeps, when it keeps most of them), and many batches are reduced to partial
aggregates that are then merged, or aggregated whole when partials do not pay. Every way must
give DuckDB's answer."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.conftest import devices
from tests.oracle import check_against_duckdb
from tqp.operators import group
from tqp.physical import aggregate

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
    con, duck = tqp.connect(device=request.param, memory_limit="1GB"), duckdb.connect()
    con.register("t", TABLE)
    duck.register("t", TABLE)
    yield con, duck
    con.close()
    duck.close()


@pytest.mark.parametrize("sql", QUERIES)
@pytest.mark.parametrize("fraction", [aggregate.MASK_AGGREGATE_FRACTION, 2.0],
                         ids=["mask", "copy"])
def test_aggregate_over_filter_matches_duckdb(engines, monkeypatch, sql, fraction):
    """Both ways (mask, or the copied rows when the fraction can never be reached) agree."""
    monkeypatch.setattr(aggregate, "MASK_AGGREGATE_FRACTION", fraction)
    check_against_duckdb(*engines, sql)


MORE = QUERIES + [
    "SELECT k, avg(x), avg(f), count(DISTINCT s), median(f) FROM t GROUP BY k",
    "SELECT s, min(k), max(x), bool_or(f > 3), any_value(k) FROM t GROUP BY s",
    "SELECT count(*), avg(x) FROM t WHERE k = 9",
    "SELECT x, count(*) FROM t GROUP BY x",  # nearly one group per row: aggregated whole
]


@pytest.mark.parametrize("sql", MORE)
@pytest.mark.parametrize("fraction", [aggregate.PARTIAL_MAX_FRACTION, 2.0],
                         ids=["adaptive", "always-partial"])
def test_aggregates_over_many_batches_match_duckdb(engines, monkeypatch, sql, fraction):
    """Batches of 7 rows: partial aggregates merged, or the whole input when they do not pay."""
    _, duck = engines
    con = tqp.connect(device=engines[0]._device, batch_rows=7)
    con.register("t", TABLE)
    monkeypatch.setattr(aggregate, "PARTIAL_MAX_FRACTION", fraction)
    check_against_duckdb(con, duck, sql)


KEY_RANGES = QUERIES + [
    "SELECT k, s, count(*), sum(x), avg(f), min(x), max(s) FROM t WHERE f < 19 GROUP BY k, s",
    "SELECT x % 3 AS r, k, count(x), max(f) FROM t GROUP BY r, k",  # NULL keys: a flag each
    "SELECT k, count(*), sum(x) FROM t WHERE f > 15 GROUP BY k",  # keeps a few of the groups
    "SELECT f > 3 AS p, k, count(*) FROM t GROUP BY p, k",  # bool keys
]


@pytest.mark.parametrize("sql", KEY_RANGES)
@pytest.mark.parametrize("slots", [group.SLOTS_MAX, 0], ids=["key-range", "group-ids"])
def test_groups_numbered_by_key_range_match_duckdb(engines, monkeypatch, sql, slots):
    """Reductions over the keys' whole range (empty slots dropped after) and over the numbered
    groups agree with DuckDB, with and without the filter's mask."""
    monkeypatch.setattr(group, "SLOTS_MAX", slots)
    check_against_duckdb(*engines, sql)


SHARED_INPUTS = [
    # AVG after and before the SUM of its argument; an argument inside another; NULLs in x.
    "SELECT k, sum(x), avg(x), avg(f), sum(f), count(x), avg(x * 2), sum(x * 2 + 1), "
    "sum(x * 2) FROM t WHERE f < 19 GROUP BY k",
    "SELECT avg(x % 5 * 3 - 1), sum((x % 5 * 3 - 1) * (x % 5 * 3 - 1)), max(x % 5 * 3 - 1), "
    "avg(f * 3 - 1), sum((f * 3 - 1) * (f * 3 - 1)) FROM t",
    "SELECT k, avg(x) FILTER (WHERE f > 2) AS a, sum(x), avg(DISTINCT x % 3), sum(x % 3) "
    "FROM t GROUP BY k",
    "SELECT k, sum(f::DECIMAL(18, 2)), "
    "avg(f::DECIMAL(18, 2)) FROM t GROUP BY k",
    "SELECT k, x % 2 AS r, sum(x % 2), avg(x % 2) FROM t GROUP BY k, r",  # a key read again
]


@pytest.mark.parametrize("sql", SHARED_INPUTS)
def test_aggregates_sharing_inputs_and_sums_match_duckdb(engines, sql):
    """An expression read by several aggregates (or inside another's argument) is computed
    once, and an AVG divides the SUM of its argument: the answers are DuckDB's."""
    check_against_duckdb(*engines, sql)


def test_explain_shows_the_fused_filter_and_what_ran(engines):
    con = tqp.connect(device=engines[0]._device, batch_rows=20)  # 2 batches, 5 groups each
    con.register("t", TABLE)
    plan = "\n".join(r[0] for r in con.execute(
        "EXPLAIN ANALYZE SELECT k, count(*) FROM t WHERE f < 19 GROUP BY k").fetchall())
    line = plan.splitlines()[1]
    assert "Aggregate keys=" in line and "WHERE" in line and "partial aggregates merged" in line
    assert "Filter" not in plan


def test_a_column_only_the_fused_filter_reads_is_not_carried_to_the_aggregate(
        engines, monkeypatch, filtered_columns):
    """The kept rows are gathered for the columns the keys and aggregates read: `f` and `s`,
    read by the condition alone, are not among them."""
    monkeypatch.setattr(aggregate, "MASK_AGGREGATE_FRACTION", 2.0)  # always the kept rows
    check_against_duckdb(*engines, "SELECT k, sum(x) FROM t WHERE f < 9 AND s <> 'v1' GROUP BY k")
    assert filtered_columns == [["k", "x"]]


SETS = [
    "SELECT k, s, count(*), count(x), sum(x), avg(x), min(s), max(f), grouping(k, s) AS g "
    "FROM t GROUP BY ROLLUP (k, s)",
    "SELECT k, s, sum(f), avg(f) FROM t WHERE x IS NULL GROUP BY CUBE (k, s)",
    "SELECT k, count(*), sum(x) FROM t WHERE f > 100 GROUP BY ROLLUP (k)",  # empty input
    "SELECT x, count(*) FROM t GROUP BY GROUPING SETS ((x), ())",  # as many groups as rows
    "SELECT k, count(DISTINCT s), median(f) FROM t GROUP BY ROLLUP (k)",  # do not merge
]


@pytest.mark.parametrize("sql", SETS)
def test_grouping_sets_from_partial_groups_match_duckdb(engines, sql):
    """Mergeable aggregates reduce the input once by every key, and each set aggregates those
    partial groups (NULL keys, GROUPING(), AVG and COUNT finished as over rows)."""
    check_against_duckdb(*engines, sql)


def test_explain_shows_grouping_sets_from_partial_groups(engines):
    plan = "\n".join(r[0] for r in engines[0].execute(
        "EXPLAIN ANALYZE SELECT k, s, sum(x) FROM t GROUP BY ROLLUP (k, s)").fetchall())
    assert "ran: sets from 22 partial groups" in plan
