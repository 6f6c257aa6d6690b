"""Aggregates on Ray: grouped aggregates are merged by a hash of their keys across tasks (the
partial states of mergeable ones, the rows of DISTINCT ones), aggregates without keys in one
task; every answer is DuckDB's, with ORDER BY and LIMIT above the shuffle kept."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb

TPCH = [
    "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS q, avg(l_discount) AS d, count(*) AS n "
    "FROM lineitem GROUP BY ALL ORDER BY ALL",
    "SELECT l_orderkey, sum(l_extendedprice) AS s FROM lineitem GROUP BY l_orderkey "
    "ORDER BY s DESC, l_orderkey LIMIT 7",
    "SELECT l_shipmode, count(DISTINCT l_suppkey) AS n, min(l_comment) AS c FROM lineitem "
    "GROUP BY l_shipmode ORDER BY l_shipmode",
    "SELECT count(DISTINCT l_partkey) AS n, sum(l_quantity) AS q FROM lineitem",
    "SELECT l_suppkey % 7 AS g, max(l_shipdate) AS m, count(*) AS n FROM lineitem "
    "WHERE l_quantity > 30 GROUP BY g HAVING count(*) > 10 ORDER BY g",
]


@pytest.mark.parametrize("sql", TPCH)
def test_tpch_aggregates_on_ray(sql, ray_con, duck_con):
    check_against_duckdb(ray_con, duck_con, sql)


KEYS = pa.table({
    "k": pa.array([None, 1, 2, None, 1, 3, 2, 2, None, 5, 1, 4], pa.int64()),
    "s": pa.array(["a", None, "b", "a", "c", None, "b", "a", "c", "c", None, "b"]),
    "x": pa.array([0.0, -0.0, 1.5, 0.0, 2.5, -0.0, 1.5, 3.0, 0.0, 2.5, 1.5, 0.0]),
    "v": pa.array(range(12), pa.int64()),
})

SMALL = [
    "SELECT k, sum(v) AS s, count(*) AS n FROM t GROUP BY k ORDER BY k NULLS FIRST",
    "SELECT s, k, count(DISTINCT v % 3) AS n FROM t GROUP BY s, k ORDER BY s, k",
    "SELECT x, count(*) AS n FROM t GROUP BY x ORDER BY x",
    "SELECT count(DISTINCT s) AS n, avg(v) AS a FROM t",
    "SELECT k, sum(v) AS s FROM t WHERE v > 100 GROUP BY k",  # no rows in any partition
]


@pytest.fixture(scope="module")
def small_con(ray_cluster):
    """Four rows per task: every hash partition gets groups from several tasks."""
    con = tqp.connect(cluster="ray", batch_rows=4)
    con.register("t", KEYS)
    yield con
    con.close()


@pytest.mark.parametrize("sql", SMALL)
def test_null_and_float_keys_meet_in_one_partition(sql, small_con):
    duck = duckdb.connect()
    duck.register("t", KEYS)
    check_against_duckdb(small_con, duck, sql)
