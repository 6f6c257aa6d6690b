"""An inner join hands its build keys' [min, max] down to the scan of its probe side, which then
skips the row groups whose statistics lie outside (also when the table is already in the tensor
cache); joins that keep unmatched probe rows, and scans read by more than one parent, skip
nothing. Every answer is DuckDB's."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tests.oracle import check_against_duckdb

GROUP = 10  # rows per row group of the fact table; its keys are 0..99 in order


@pytest.fixture
def connections(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"k": pa.array(range(100), pa.int32()),
                             "v": pa.array([i * 1.5 for i in range(100)])}),
                   path, row_group_size=GROUP)
    dim = pa.table({"dk": pa.array([21, 25, 34, None, 70, 71], pa.int64()),
                    "tag": ["a", "a", "a", "a", "b", None]})
    con = tqp.connect()
    con.register("f", path)
    con.register("d", dim)
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW f AS SELECT * FROM read_parquet('{path}')")
    duck.register("d", dim)
    return con, duck


def _fact_scan(con, sql: str) -> str:
    plan = con.execute("EXPLAIN ANALYZE " + sql).fetchone()[0]
    return next(line for line in plan.splitlines() if "TableScan f " in line)


INNER = "SELECT count(*), sum(v) FROM f JOIN d ON f.k = d.dk WHERE d.tag = 'a'"


def test_an_inner_join_skips_the_probe_row_groups_outside_its_build_keys(connections):
    con, duck = connections
    for _ in range(2):  # the second run finds the whole table in the tensor cache
        scan = _fact_scan(con, INNER)
        assert "row groups read 2" in scan and "row groups skipped 8" in scan
        check_against_duckdb(con, duck, INNER)


def test_the_bounds_pass_through_projections_and_filters_on_the_probe_side(connections):
    con, duck = connections
    sql = ("SELECT count(*), sum(x.v) FROM (SELECT k AS key, v FROM f WHERE v > 33) x "
           "JOIN d ON x.key = d.dk WHERE d.tag = 'b'")
    assert "row groups read 1" in _fact_scan(con, sql)
    check_against_duckdb(con, duck, sql)


def test_a_left_join_keeps_every_probe_row_group(connections):
    con, duck = connections
    sql = ("SELECT count(*), sum(v), count(dk) FROM f LEFT JOIN "
           "(SELECT * FROM d WHERE tag = 'a') d ON f.k = d.dk")
    assert "row groups read 10" in _fact_scan(con, sql)
    check_against_duckdb(con, duck, sql)


def test_a_scan_shared_by_two_readers_keeps_every_row_group(connections):
    con, duck = connections
    sql = ("WITH s AS MATERIALIZED (SELECT k, v FROM f) "
           "SELECT (SELECT count(*) FROM s JOIN d ON s.k = d.dk WHERE d.tag = 'a') AS n, "
           "(SELECT sum(v) FROM s) AS total")
    assert "row groups read 10" in _fact_scan(con, sql)
    check_against_duckdb(con, duck, sql)


@pytest.mark.parametrize("where", ["d.tag = 'none'", "d.tag IS NULL", "d.dk IS NULL"])
def test_builds_without_a_usable_key_skip_nothing_wrongly(connections, where):
    con, duck = connections
    check_against_duckdb(con, duck, f"SELECT count(*), sum(v) FROM f JOIN d ON f.k = d.dk "
                                    f"WHERE {where}")


def test_a_join_read_only_by_sums_and_counts_leaves_its_rows_in_any_order(connections):
    """An aggregate of counts and sums needs no row order from the join below it: EXPLAIN says
    so, and the answer is DuckDB's; a STRING_AGG (its order is the rows') keeps the order."""
    con, duck = connections
    sql = "SELECT d.tag, count(*) AS n, sum(f.v) AS s FROM d JOIN f ON f.k = d.dk GROUP BY d.tag"
    plan = con.execute("EXPLAIN " + sql).fetchone()[0]
    assert "(rows in any order)" in next(line for line in plan.splitlines() if "Join[" in line)
    check_against_duckdb(con, duck, sql)
    ordered = "SELECT string_agg(d.tag, ',') AS tags FROM d JOIN f ON f.k = d.dk"
    assert "(rows in any order)" not in con.execute("EXPLAIN " + ordered).fetchone()[0]
