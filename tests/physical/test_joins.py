"""How a join's probe side meets its build side: one probe batch against a much larger build
side is joined whole (the kernel builds the smaller side); otherwise it probes the build side's
table, which a small build side with several keys of wide ranges builds on one key."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb
from tqp.operators import joins

ROWS = 20_000


def _tables() -> dict[str, pa.Table]:
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
    return {"big": big, "small": small}


def _tqp_over(tables: dict[str, pa.Table], **options):
    """A tqp connection (`tqp.connect(**options)`) with `tables` registered."""
    con = tqp.connect(**options)
    for name, table in tables.items():
        con.register(name, table)
    return con


def _connections(tables: dict[str, pa.Table]):
    """A tqp and a DuckDB connection, each with `tables` registered (a fixture's body)."""
    t, d = _tqp_over(tables), duckdb.connect()
    for name, table in tables.items():
        d.register(name, table)
    yield t, d
    t.close()
    d.close()


@pytest.fixture(scope="module")
def cons():
    yield from _connections(_tables())


def _explained(con, sql: str, operator: str) -> str:
    """The EXPLAIN ANALYZE line of the first operator of `sql` whose text holds `operator`."""
    text = con.execute("EXPLAIN ANALYZE " + sql).fetchall()[0][0]
    return next(line for line in text.splitlines() if operator in line)


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
    assert "on one key]" in _explained(con, "SELECT big.v, small.w FROM big JOIN small "
                                            "ON big.a = small.a AND big.b = small.b", "Join[inner]")


@pytest.mark.parametrize("sql", [
    # A NULL in the key the table is built on, then in the other one: those probe rows are
    # given a key no build row has, and the other key is read only where the first matched.
    "SELECT big.v, small.w FROM big JOIN small ON NULLIF(big.a, 15838) = small.a "
    "AND big.b = small.b ORDER BY 1, 2",
    "SELECT big.v, small.w FROM big JOIN small ON big.a = small.a "
    "AND NULLIF(big.b, 62) = small.b ORDER BY 1, 2",
    "SELECT count(*), sum(small.w) FROM big LEFT JOIN small ON NULLIF(big.a, 7919) = small.a "
    "AND NULLIF(big.b, 62) = small.b",
])
def test_probe_rows_with_a_null_key_against_a_table_on_one_key_match_nothing(cons, sql):
    con, duck = cons
    check_against_duckdb(con, duck, sql)
    assert "on one key]" in _explained(con, sql, "Join[")


@pytest.fixture(scope="module")
def partitioned(cons):
    """`big` and `small` in partitions of 1,000 rows, for tqp and DuckDB."""
    _, duck = cons
    con = _tqp_over(_tables(), batch_rows=1000)
    yield con, duck
    con.close()


# EXISTS and NOT EXISTS (mark joins without IN's NULL rules) whose probe side is a few rows of
# a partitioned input or a small table, against 20,000 build rows in 20 partitions.
FEW_PROBE_ROWS = [
    "SELECT s.w FROM small s WHERE EXISTS (SELECT 1 FROM big b WHERE b.a = s.a) ORDER BY 1",
    "SELECT s.w FROM small s WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.a = s.a "
    "AND b.v <> s.w) ORDER BY 1",
    "SELECT b1.v FROM big b1 WHERE b1.v < 60 AND EXISTS (SELECT 1 FROM big b2 "
    "WHERE b2.a % 1000 = b1.a % 1000 AND b2.v <> b1.v) ORDER BY 1",
    "SELECT count(*) FROM big b1 WHERE b1.v < 60 AND NOT EXISTS (SELECT 1 FROM big b2 "
    "WHERE b2.b = b1.b AND b2.v > b1.v)",
]


@pytest.mark.parametrize("sql", FEW_PROBE_ROWS)
def test_a_build_side_streams_past_a_table_of_few_probe_rows(partitioned, sql):
    con, duck = partitioned
    check_against_duckdb(con, duck, sql)
    assert "build side streamed past a table of the probe rows" in \
        _explained(con, sql, "MarkJoin[")


def test_a_probe_side_past_its_limit_is_read_after_the_build_side(partitioned):
    """A probe side estimated no larger than the build side but found larger than a quarter
    of it is read after the build side, as for any join, with the same answer."""
    con, duck = partitioned
    sql = ("SELECT count(*), sum(b1.v) FROM big b1 WHERE b1.v < 15000 AND EXISTS "
           "(SELECT 1 FROM big b2 WHERE b2.a % 1000 = b1.a % 1000 AND b2.v <> b1.v)")
    check_against_duckdb(con, duck, sql)
    text = con.execute("EXPLAIN ANALYZE " + sql).fetchall()[0][0]
    assert "Exchange[gather]" in text and "streamed" not in text, text


@pytest.mark.parametrize("sql, assembled", [
    # The keys are read by nothing after the join: not among its output columns.
    ("SELECT big.v, small.w FROM big JOIN small ON big.a = small.a ORDER BY 1, 2", ["v", "w"]),
    ("SELECT small.w, sum(big.v) AS s FROM big JOIN small ON big.a = small.a AND big.b = small.b "
     "GROUP BY small.w ORDER BY 1", ["v", "w"]),
    # A key read after the join stays.
    ("SELECT big.a, small.w FROM big LEFT JOIN small ON big.a = small.a ORDER BY 1, 2",
     ["a", "w"]),
])
def test_a_join_passes_on_only_what_its_parent_reads(cons, monkeypatch, sql, assembled):
    seen = []
    original = joins.assemble

    def spy(left, right, li, ri, kind, keep=None):
        out = original(left, right, li, ri, kind, keep)
        seen.append(sorted(n.rsplit(".", 1)[-1] for n in out.names))
        return out

    monkeypatch.setattr(joins, "assemble", spy)
    check_against_duckdb(*cons, sql)
    assert seen and all(names == assembled for names in seen)


def _probe_and_builds() -> dict[str, pa.Table]:
    """A probe table (integer keys with NULLs, strings) and build sides of every kind of
    table: unique keys (direct), repeated keys (direct runs), keys too far apart for a table
    (sorted), and two keys with wide ranges (a table on one of them, of unique keys or of
    runs)."""
    n = 30_000
    probe = pa.table({
        "k": pa.array([None if i % 89 == 0 else i * 7 % 5003 for i in range(n)], pa.int64()),
        "w": pa.array([i * 7919 % 1_000_003 for i in range(n)], pa.int64()),
        "s": pa.array([f"s{i % 40}" for i in range(n)]),
        "v": pa.array(range(n), pa.int32()),
    })
    unique = pa.table({"k": pa.array(range(0, 5003, 4), pa.int64()),
                       "u": pa.array(range(1251), pa.int32())})
    repeated = pa.table({"k": pa.array([i % 700 * 3 for i in range(2100)], pa.int64()),
                         "u": pa.array(range(2100), pa.int32())})
    far = pa.table({"k": pa.array([i * 11 for i in range(400)] + [10**12, -10**12], pa.int64()),
                    "u": pa.array(range(402), pa.int32())})
    wide = pa.table({"k": pa.array([i * 7 % 5003 for i in range(0, 3000, 3)], pa.int64()),
                     "w": pa.array([i * 7919 % 1_000_003 for i in range(0, 3000, 3)], pa.int64()),
                     "s": pa.array([f"s{i % 40}" for i in range(0, 3000, 3)]),
                     "u": pa.array(range(1000), pa.int32())})
    sampled = range(0, n, 10)  # each sampled probe row's keys twice, one pair not matching
    runs = pa.table({"k": pa.array([i * 7 % 5003 for i in sampled for _ in (0, 1)], pa.int64()),
                     "w": pa.array([i * 7919 % 1_000_003 * 1000 + j for i in sampled
                                    for j in (0, 1)], pa.int64()),
                     "u": pa.array(range(2 * len(sampled)), pa.int32())})
    return {"probe": probe, "uniq": unique, "rep": repeated, "far": far, "wide": wide,
            "runs": runs}


@pytest.fixture(scope="module")
def masked():
    yield from _connections(_probe_and_builds())


# Filters keeping a third to nine tenths of the probe rows, in one run or spread out.
MASKED = [
    "SELECT p.v, b.u FROM probe p JOIN uniq b ON p.k = b.k WHERE p.v % 3 <> 0 ORDER BY 1, 2",
    "SELECT p.v, b.u FROM probe p JOIN rep b ON p.k = b.k WHERE p.v >= 9000 ORDER BY 1, 2",
    "SELECT p.v, b.u FROM probe p JOIN far b ON p.k = b.k WHERE p.w < 700000 ORDER BY 1, 2",
    "SELECT p.v, b.u FROM probe p JOIN wide b ON p.k = b.k AND p.w = b.w WHERE p.v % 10 <> 4 "
    "ORDER BY 1, 2",
    "SELECT p.v, b.u FROM probe p JOIN runs b ON p.k = b.k AND p.w * 1000 = b.w WHERE p.v % 7 <> 3 "
    "ORDER BY 1, 2",
    "SELECT p.v, b.u FROM probe p JOIN wide b ON p.s = b.s AND p.k = b.k WHERE p.v % 2 = 0 "
    "ORDER BY 1, 2",
    "SELECT p.s, count(*), sum(b.u) FROM probe p JOIN uniq b ON p.k = b.k AND p.v > b.u "
    "WHERE p.w BETWEEN 100000 AND 800000 GROUP BY p.s ORDER BY 1",
    "SELECT count(*), sum(p.v) FROM probe p JOIN rep b ON p.k + 0 = b.k WHERE p.k IS NOT NULL "
    "AND p.v % 4 <> 0",
]


@pytest.mark.parametrize("sql", MASKED)
def test_an_inner_join_probes_a_filters_input_with_its_mask(masked, sql):
    """A filter keeping a quarter of its rows or more is not listed: the join looks up every
    row's key and pairs only those the mask kept (NULL keys, repeated keys, sorted and
    one-key tables, a residual and a computed key alike), as DuckDB answers."""
    con, duck = masked
    check_against_duckdb(con, duck, sql)
    assert "filter's mask" in _explained(con, sql, "Join[inner]")


def test_each_probe_partition_is_probed_with_its_filters_mask(masked):
    """Partitions of 4,000 rows: each batch's filter hands its own mask to the join."""
    _, duck = masked
    con = _tqp_over(_probe_and_builds(), batch_rows=4000)
    try:
        for sql in MASKED:
            check_against_duckdb(con, duck, sql)
            assert "filter's mask" in _explained(con, sql, "Join[inner]")
    finally:
        con.close()


@pytest.mark.parametrize("sql", [
    # Few rows kept: listed as before.
    "SELECT p.v, b.u FROM probe p JOIN uniq b ON p.k = b.k WHERE p.v % 10 = 0 ORDER BY 1, 2",
    # Outer joins keep their unmatched rows: they read the rows the filter kept.
    "SELECT p.v, b.u FROM probe p LEFT JOIN uniq b ON p.k = b.k WHERE p.v % 3 <> 0 ORDER BY 1, 2",
])
def test_other_filtered_probe_sides_are_listed_first(masked, sql):
    con, duck = masked
    check_against_duckdb(con, duck, sql)
    assert "filter's mask" not in _explained(con, sql, "Join[")


@pytest.mark.parametrize("sql", [
    "SELECT b.u FROM uniq b WHERE EXISTS (SELECT 1 FROM probe p WHERE p.k = b.k "
    "AND p.v % 3 <> 0) ORDER BY 1",
    "SELECT b.u FROM rep b WHERE NOT EXISTS (SELECT 1 FROM probe p WHERE p.k = b.k "
    "AND p.v >= 9000) ORDER BY 1",
    "SELECT b.u FROM uniq b WHERE EXISTS (SELECT 1 FROM probe p WHERE p.k = b.k "
    "AND p.v <> b.u * 7 AND p.w < 700000) ORDER BY 1",
])
def test_a_filters_rows_streamed_past_a_mark_joins_table_are_read_with_its_mask(masked, sql):
    """EXISTS and NOT EXISTS (with or without a residual) over a filtered subquery of many
    rows: its batches stream past a table of the few outer rows, each read as the filter's
    input and mask (keys looked up, only the kept rows' matches marked)."""
    con, duck = masked
    check_against_duckdb(con, duck, sql)
    line = _explained(con, sql, "MarkJoin[")
    assert "streamed past a table of the probe rows" in line and "filter's mask" in line, line


@pytest.mark.parametrize("sql", [
    "SELECT b.u, count(p.v) FROM uniq b LEFT JOIN (SELECT * FROM probe WHERE v % 3 <> 0) p "
    "ON b.k = p.k GROUP BY b.u ORDER BY 1",
    "SELECT b.u, p.v FROM far b LEFT JOIN (SELECT * FROM probe WHERE w < 700000) p "
    "ON b.k = p.k ORDER BY 1, 2",
    "SELECT b.u, sum(p.v) FROM rep b LEFT JOIN (SELECT * FROM probe WHERE v >= 9000) p "
    "ON b.k = p.k AND p.v > b.u GROUP BY b.u ORDER BY 1",
])
def test_a_small_side_built_meets_a_filters_input_with_its_mask(masked, sql):
    """A join of a small left side with a filtered right side many times larger is built on
    the left side and probed by the right side's input with the filter's mask: LEFT JOINs
    (NULL keys, repeated keys, a residual) as DuckDB answers."""
    con, duck = masked
    check_against_duckdb(con, duck, sql)
    assert "right side's filter mask" in _explained(con, sql, "Join[left]")
