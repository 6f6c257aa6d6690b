"""How a join's probe side meets its build side: one probe batch against a much larger build
side is joined whole (the kernel builds the smaller side); otherwise it probes the build side's
table, which a small build side with several keys of wide ranges builds on one key."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb

ROWS = 20_000


@pytest.fixture(scope="module")
def cons():
    big = pa.table({
        "a": pa.array([i * 7919 % 1_000_003 for i in range(ROWS)], pa.int64()),
        "b": pa.array([None if i % 97 == 0 else i * 31 % 500_009 for i in range(ROWS)], pa.int64()),
        "v": pa.array(range(ROWS), pa.int32()),
    })
    # Keys that match some big rows on both columns, some on one only, a NULL, and a tie.
    small = pa.table({
        "a": pa.array([7919, 7919 * 2, 15838, 5, None, 7919 * 97 % 1_000_003], pa.int64()),
        "b": pa.array([31, 62, 62, 499_999, 31, None], pa.int64()),
        "w": pa.array([1, 2, 3, 4, 5, 6], pa.int32()),
    })
    t, d = tqp.connect(), duckdb.connect()
    for name, table in (("big", big), ("small", small)):
        t.register(name, table)
        d.register(name, table)
    yield t, d
    t.close()
    d.close()


@pytest.mark.parametrize("sql", [
    "SELECT big.v, small.w FROM big JOIN small ON big.a = small.a AND big.b = small.b ORDER BY 1, 2",
    "SELECT big.v, small.w FROM big LEFT JOIN small ON big.a = small.a AND big.b = small.b "
    "WHERE big.v < 100 OR small.w IS NOT NULL ORDER BY 1, 2",
    "SELECT count(*) FROM big WHERE EXISTS (SELECT 1 FROM small WHERE small.a = big.a AND "
    "small.b = big.b)",
    "SELECT big.v, small.w FROM big JOIN small ON big.a = small.a AND big.b = small.b "
    "AND big.v > small.w ORDER BY 1, 2",
])
def test_a_large_probe_batch_against_a_small_build_side_gives_duckdbs_answer(cons, sql):
    check_against_duckdb(*cons, sql)


def test_a_small_build_side_with_wide_keys_is_probed_on_one_key(cons):
    con, _ = cons
    text = con.execute("EXPLAIN ANALYZE SELECT big.v, small.w FROM big JOIN small "
                       "ON big.a = small.a AND big.b = small.b").fetchall()[0][0]
    join = next(line for line in text.splitlines() if "Join[inner]" in line)
    assert "on one key]" in join, text
