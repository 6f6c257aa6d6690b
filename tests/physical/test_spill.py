"""Operators that pass the memory limit spill: the input is split by a hash of the keys into
files, and each partition is processed alone. Answers must be DuckDB's; where even one
partition cannot fit, the query fails with one OperationalError and the connection goes on."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
import torch

import tqp
from tests.oracle import check_against_duckdb
from tqp.operators.hashing import partition_of, string_hashes
from tqp.storage.arrow import arrow_to_column, column_to_arrow
from tqp.storage.column import Batch, Column
from tqp.storage.spill import from_record_batch, to_record_batch
from tqp.types import DataType, DecimalType

ROWS = 12_000
TABLE = pa.table({
    "k": pa.array([i % 1500 for i in range(ROWS)], pa.int64()),
    "s": pa.array([None if i % 11 == 0 else f"name{i % 700}" for i in range(ROWS)], pa.string()),
    "v": pa.array([None if i % 13 == 0 else i * 0.25 for i in range(ROWS)], pa.float64()),
    "d": pa.array([i % 50 for i in range(ROWS)], pa.int32()),
})

QUERIES = [
    "SELECT k, sum(v), count(*), avg(v), min(s), max(d) FROM t GROUP BY k",
    "SELECT s, count(*), sum(d) FROM t WHERE d > 3 GROUP BY s",
    "SELECT k % 900 AS g, s, count(v) FROM t GROUP BY g, s",
    "SELECT k, median(v), count(DISTINCT d) FROM t GROUP BY k",  # not mergeable: rows spill
]


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    con.register("t", TABLE)
    yield con
    con.close()


def spilling_connection(limit: str) -> tqp.Connection:
    con = tqp.connect(memory_limit=limit, batch_rows=1000)
    con.register("t", TABLE)
    return con


def check_spilling(duck, sql: str, limit: str, *notes: str) -> None:
    """`sql` under `limit` gives DuckDB's answer, and EXPLAIN ANALYZE shows each of `notes`."""
    con = spilling_connection(limit)
    check_against_duckdb(con, duck, sql)
    plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][0]
    assert all(n in plan for n in notes), plan


@pytest.mark.parametrize("sql", QUERIES)
def test_aggregates_past_the_limit_spill_and_match_duckdb(duck, sql):
    check_spilling(duck, sql, "60KB", "spilled", "to 16 partitions")


def test_a_partition_too_big_even_after_spilling_is_one_clear_error(duck):
    con = spilling_connection("2KB")
    with pytest.raises(tqp.OperationalError, match="spilled partition of .*memory limit"):
        con.execute(QUERIES[0]).fetchall()
    con.execute("SET memory_limit = '1GB'")
    check_against_duckdb(con, duck, QUERIES[0])


def test_spill_files_are_removed(tmp_path, monkeypatch, duck):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    con = spilling_connection("60KB")
    check_against_duckdb(con, duck, QUERIES[1])
    assert list(tmp_path.iterdir()) == []


def test_batches_round_trip_through_spill_files_exactly():
    dictionary = pa.array(["a", "b", "c"], pa.large_string())
    batch = Batch({
        "s": Column(torch.tensor([2, 0, 1], dtype=torch.int32), DataType.VARCHAR,
                    torch.tensor([True, False, True]), dictionary),
        "d": Column(torch.tensor([125, 250, 300]), DataType.DECIMAL, None, None, DecimalType(20, 2)),
        "t": Column(torch.tensor([1, 2, 3], dtype=torch.int32), DataType.DATE),
    }, 3)
    back = from_record_batch(to_record_batch(batch), torch.device("cpu"))
    for name, column in batch.columns.items():
        again = back[name]
        assert again.type is column.type and again.decimal == column.decimal
        assert torch.equal(again.values, column.values)
        assert (again.valid is None) == (column.valid is None)
    assert back["s"].dictionary.equals(dictionary)


def test_lists_and_structs_round_trip_through_spill_files():
    kind = pa.struct([("a", pa.int64()), ("b", pa.list_(pa.string()))])
    structs = pa.array([{"a": 1, "b": ["x", None]}, None, {"a": None, "b": None}], kind)
    lists = pa.array([[1, 2], None, []], pa.list_(pa.int32()))
    device = torch.device("cpu")
    batch = Batch({"s": arrow_to_column(structs, device), "l": arrow_to_column(lists, device)}, 3)
    back = from_record_batch(to_record_batch(batch), device)
    assert back["s"].type is DataType.STRUCT and back["l"].type is DataType.LIST
    assert column_to_arrow(back["s"]).equals(structs)
    assert column_to_arrow(back["l"]).equals(lists)


def test_128_bit_sums_round_trip_through_spill_files_exactly():
    """A HUGEINT or DECIMAL(38) column is written as 128-bit words whatever its batch holds
    (one schema per file), and read back as one int64 word a row where every value fits."""
    wide = torch.tensor([[5, 1], [-1, -1], [7, 0]], dtype=torch.int64)  # 2**64 + 5, -1, 7
    batch = Batch({
        "h": Column(wide, DataType.HUGEINT, torch.tensor([True, False, True])),
        "d": Column(torch.tensor([125, -250, 300]), DataType.DECIMAL, None, None,
                    DecimalType(38, 2)),
    }, 3)
    back = from_record_batch(to_record_batch(batch), torch.device("cpu"))
    assert torch.equal(back["h"].values, wide) and torch.equal(back["h"].valid, batch["h"].valid)
    assert back["d"].values.dim() == 1 and torch.equal(back["d"].values, batch["d"].values)
    assert back["d"].decimal == DecimalType(38, 2)


def test_partitions_follow_values_not_dictionaries():
    """The same strings in two differently coded batches land in the same partitions."""
    one = Column(torch.tensor([0, 1, 2], dtype=torch.int32), DataType.VARCHAR, None,
                 pa.array(["x", "y", "zz"], pa.large_string()))
    two = Column(torch.tensor([1, 2, 3], dtype=torch.int32), DataType.VARCHAR, None,
                 pa.array(["a", "x", "y", "zz"], pa.large_string()))
    assert partition_of([one], 16).tolist() == partition_of([two], 16).tolist()
    assert len(set(string_hashes(pa.array([f"v{i}" for i in range(1000)])).tolist())) == 1000


JOINS = [
    "SELECT a.k, a.v, b.s FROM t a JOIN t b ON a.k = b.k AND a.d = b.d",
    "SELECT a.k, b.v FROM t a LEFT JOIN (SELECT * FROM t WHERE d < 45) b ON a.s = b.s AND a.k = b.k",
    "SELECT count(*) FROM t a WHERE EXISTS (SELECT 1 FROM t b WHERE b.k = a.k AND b.v > a.v)",
    "SELECT k, d FROM t a WHERE NOT EXISTS (SELECT 1 FROM t b WHERE b.k = a.k + 1 AND b.v > a.d)",
]


@pytest.mark.parametrize("sql", JOINS)
def test_joins_past_the_limit_spill_both_sides_and_match_duckdb(duck, sql):
    check_spilling(duck, sql, "100KB", "build side spilled")


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM t a WHERE a.d = 3 AND EXISTS "
    "(SELECT 1 FROM t b WHERE b.k = a.k AND b.v > a.v)",
    "SELECT a.k, a.s FROM t a WHERE a.d = 3 AND NOT EXISTS (SELECT 1 FROM t b WHERE b.k = a.k "
    "AND b.d <> 7)",
])
def test_a_build_side_streaming_past_few_probe_rows_needs_no_spill(duck, sql):
    """EXISTS for 240 outer rows over 12,000 rows: the table is built on the outer rows and
    the subquery's batches stream past it, so the limit that makes the usual build side
    spill is never reached."""
    con = spilling_connection("100KB")
    check_against_duckdb(con, duck, sql)
    plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][0]
    assert "build side streamed" in plan and "spilled" not in plan, plan


def test_a_build_side_that_fits_but_whose_table_does_not_spills_before_any_output(duck):
    """The build rows (9600 x 12 bytes) fit in 200KB; the table built over them (and the
    sort that builds it) would not: the join goes grace before probing, and matches DuckDB."""
    sql = "SELECT a.k, a.v, b.d FROM t a JOIN (SELECT k, d FROM t WHERE d < 40) b ON a.k = b.k"
    for limit, spills in (("200KB", True), ("2MB", False)):
        con = spilling_connection(limit)
        check_against_duckdb(con, duck, sql)
        plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][0]
        assert ("build side spilled" in plan) == spills, plan


WHOLE_PROBES = [
    "SELECT a.k, a.v, b.d FROM t a JOIN (SELECT k, d FROM t WHERE d < 40) b ON a.k = b.k",
    "SELECT a.k, a.v, b.d FROM t a RIGHT JOIN (SELECT k, d FROM t WHERE d < 40) b "
    "ON a.k = b.k AND a.d = b.d + 1",
    "SELECT a.k, b.k, b.d FROM (SELECT * FROM t WHERE d > 5) a "
    "FULL JOIN (SELECT k, d FROM t WHERE d < 40) b ON a.k = b.k AND a.d = b.d",
    "SELECT count(*) FROM t a WHERE EXISTS (SELECT 1 FROM t b WHERE b.k = a.k AND b.v > a.v)",
]


@pytest.mark.parametrize("sql", WHOLE_PROBES)
def test_a_probe_side_joined_whole_reserves_its_rows_and_table_or_goes_grace(duck, sql):
    """A probe side of one batch (or every probe row, for right and full joins) is joined in
    one kernel call: the gathered probe rows and the table built reserve their bytes. The
    build rows fit in 300KB, those would not: the build side spills and the join goes grace;
    with 4MB it runs whole. Both match DuckDB."""
    for limit, spills in (("300KB", True), ("4MB", False)):
        con = tqp.connect(memory_limit=limit, batch_rows=1 << 20)
        con.register("t", TABLE)
        check_against_duckdb(con, duck, sql)
        plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][0]
        assert ("build side spilled" in plan) == spills, plan


OUTER_AND_NOT_IN = [
    "SELECT a.k, a.d, b.s FROM (SELECT * FROM t WHERE d < 10) a "
    "RIGHT JOIN (SELECT * FROM t WHERE d > 5) b ON a.k = b.k AND a.d = b.d",
    "SELECT a.k, b.k, b.v FROM (SELECT * FROM t WHERE d < 30) a "
    "FULL JOIN (SELECT * FROM t WHERE d > 20) b ON a.s = b.s AND a.d = b.d AND a.v < b.v",
    "SELECT count(*) FROM t WHERE d NOT IN (SELECT d + 10 FROM t WHERE k > 100)",
    "SELECT count(*) FROM t WHERE v NOT IN (SELECT v FROM t)",  # the build side holds NULLs
    "SELECT k, v, v IN (SELECT v * 2 FROM t WHERE v IS NOT NULL) AS found FROM t",
    "SELECT k FROM t WHERE v NOT IN (SELECT v FROM t WHERE k < 0)",  # an empty build side
]


@pytest.mark.parametrize("sql", OUTER_AND_NOT_IN)
def test_outer_joins_and_null_aware_in_spill_and_match_duckdb(duck, sql):
    """Right and full joins pad per key partition; NOT IN's NULL rules read two facts of the
    whole build side (empty, holds a NULL) that spilling records."""
    empty_build = "k < 0" in sql  # nothing to spill
    check_spilling(duck, sql, "100KB", *(() if empty_build else ("build side spilled",)))


SORTS = [
    "SELECT k, s, v FROM t ORDER BY s, v DESC NULLS FIRST, k",
    "SELECT * FROM t ORDER BY v NULLS LAST, d DESC, k, s",
    "SELECT k, s FROM t ORDER BY s DESC, k LIMIT 5000",
    "SELECT d, k FROM t ORDER BY d, k OFFSET 100",
    "SELECT k, {'s': s, 'v': v, 'l': [d]} AS x FROM t ORDER BY s, v DESC NULLS FIRST, k",
]


@pytest.mark.parametrize("sql", SORTS)
def test_sorts_past_the_limit_go_external_and_match_duckdb(duck, sql):
    check_spilling(duck, sql, "100KB", "external sort")


WINDOWS = [
    "SELECT k, d, v, sum(v) OVER (PARTITION BY k ORDER BY d, v) AS s, "
    "row_number() OVER (PARTITION BY k, d ORDER BY v DESC NULLS LAST, s) AS r FROM t",
    "SELECT s, k, lag(k) OVER (PARTITION BY s ORDER BY k, v) AS prev, "
    "count(*) OVER (PARTITION BY s) AS n, median(v) OVER (PARTITION BY s) AS m FROM t",
]


@pytest.mark.parametrize("sql", WINDOWS)
def test_windows_past_the_limit_spill_by_their_shared_partition_keys(duck, sql):
    check_spilling(duck, sql, "100KB", "spilled", "to 16 partitions")


def test_a_window_over_everything_cannot_spill_and_says_so(duck):
    con = spilling_connection("100KB")
    sql = "SELECT k, d, count(v) OVER () AS n FROM t"
    with pytest.raises(tqp.OperationalError, match="input of WindowSort.*memory limit"):
        con.execute(sql).fetchall()
    con.execute("SET memory_limit = '1GB'")
    check_against_duckdb(con, duck, sql)


GROUPING_SETS = [
    "SELECT k % 40 AS a, d, sum(v), count(*), avg(v), min(s) FROM t GROUP BY ROLLUP (a, d)",
    "SELECT s, d, count(v), max(k), grouping(s, d) AS g FROM t GROUP BY CUBE (s, d)",
    "SELECT d, s, median(v), count(DISTINCT k) FROM t GROUP BY GROUPING SETS ((d), (s))",
]


@pytest.mark.parametrize("sql", GROUPING_SETS)
def test_grouping_sets_past_the_limit_spill_and_match_duckdb(duck, sql):
    """Each set with keys is aggregated by hash partitions of its keys; the set () merges
    partial states (or reads the input whole, within the limit, when they do not merge)."""
    check_spilling(duck, sql, "150KB", "read once per grouping set")


def test_a_grand_total_that_does_not_merge_reads_its_input_whole_or_says_so(duck):
    sql = "SELECT d, median(v) FROM t GROUP BY ROLLUP (d)"
    con = spilling_connection("150KB")
    with pytest.raises(tqp.OperationalError, match="input of GroupingSetsAggregate.*memory limit"):
        con.execute(sql).fetchall()
    con.execute("SET memory_limit = '1GB'")
    check_against_duckdb(con, duck, sql)


def test_intervals_round_trip_through_spill_files_and_spill_by_normalised_value(duck):
    """An INTERVAL column is written as its three int64 words a row and read back as written;
    intervals equal but written apart ('1 month', '30 days') land in one partition."""
    mdn = pa.MonthDayNano
    intervals = pa.array([mdn([1, 0, 0]), mdn([0, 30, 0]), None, mdn([0, 29, 86_400 * 10**9]),
                          mdn([-2, 3, -5_000])], pa.month_day_nano_interval())
    device = torch.device("cpu")
    column = arrow_to_column(intervals, device)
    back = from_record_batch(to_record_batch(Batch({"i": column}, 5)), device)
    assert back["i"].type is DataType.INTERVAL
    assert torch.equal(back["i"].values, column.values)
    assert column_to_arrow(back["i"]).equals(intervals)
    parts = partition_of([column], 16).tolist()
    assert parts[0] == parts[1] == parts[3]
    table = pa.table({"k": pa.array([i % 1500 for i in range(ROWS)], pa.int64()),
                      "i": pa.array([mdn([i % 3, (i % 7) * 30, 0]) for i in range(ROWS)],
                                    pa.month_day_nano_interval())})
    con = tqp.connect(memory_limit="300KB", batch_rows=1000)
    con.register("iv", table)
    duck.register("iv", table)
    check_against_duckdb(con, duck, "SELECT epoch(i) AS e, count(*) AS n, min(k) AS k "
                                    "FROM iv GROUP BY i ORDER BY e")
