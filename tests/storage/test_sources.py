"""Lazy table sources: registration reads metadata only, scans read the columns and row groups a
query needs, the tensor cache keeps them within the memory limit and never serves a changed
file, and bad files give one clear error naming the file."""

from __future__ import annotations

import datetime as dt
import os
import time

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tests.oracle import check_against_duckdb
from tqp.storage.sources import ParquetSource

ROWS = 100
GROUP = 10  # rows per row group


def _table(rows: int = ROWS) -> pa.Table:
    """k sorted (so row groups have disjoint ranges), s few distinct strings, n NULL-bearing,
    d dates in order; the last row group has only NULLs in n."""
    return pa.table({
        "k": pa.array(range(rows), pa.int64()),
        "s": pa.array([["ant", "bee", "cat", "dog"][i % 4] for i in range(rows)], pa.string()),
        "n": pa.array([None if i % 7 == 0 or i >= rows - GROUP else i * 0.5
                       for i in range(rows)], pa.float64()),
        "d": pa.array([dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(rows)],
                      pa.date32()),
        "u": pa.array([f"unique-{i:05d}" for i in range(rows)], pa.string()),
    })


@pytest.fixture
def parquet_file(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=GROUP)
    return path


@pytest.fixture
def reads(monkeypatch):
    """Every read of Parquet data (ParquetSource.read or .batches): (columns, row groups)."""
    calls = []
    for method in ("read", "batches"):
        original = getattr(ParquetSource, method)

        def counting(self, segment, columns, row_groups=None, original=original, **options):
            calls.append((tuple(columns),
                          segment.row_groups if row_groups is None else row_groups))
            return original(self, segment, columns, row_groups, **options)

        monkeypatch.setattr(ParquetSource, method, counting)
    return calls


def _duck(path) -> duckdb.DuckDBPyConnection:
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
    return duck


def test_registering_a_file_reads_its_footer_only(parquet_file, reads):
    con = tqp.connect()
    con.register("t", parquet_file)
    assert con.schema("t").names == ["k", "s", "n", "d", "u"]
    con.execute("DESCRIBE t").fetchall()
    assert reads == []
    assert con.execute("SELECT count(*) FROM t").fetchone() == (ROWS,)


def test_a_scan_reads_only_the_columns_the_query_needs(parquet_file, reads):
    con = tqp.connect()
    con.register("t", parquet_file)
    con.execute("SELECT sum(k) FROM t WHERE s = 'bee'").fetchall()
    assert {c for columns, _ in reads for c in columns} == {"k", "s"}


@pytest.mark.parametrize("where, read", [
    ("k BETWEEN 20 AND 29", 1),
    ("k >= 95", 1),
    ("k < 10 OR k > 90", 10),  # a disjunction is not a bound: nothing skipped
    ("k IN (5, 55, 1000)", 2),
    ("k = 42 AND s = 'cat'", 1),
    ("n IS NULL", 10),  # every group has a NULL (i % 7 == 0), the last only NULLs
    ("n IS NOT NULL", 9),
    ("n > 1000", 0),
    ("d >= DATE '2020-03-01'", 4),  # day 60 on
    ("d < DATE '2020-01-01' + INTERVAL 15 DAY", 2),
    ("k > 49.5", 5),
    ("s = 'zebra'", 0),
])
def test_row_groups_ruled_out_by_statistics_are_skipped(parquet_file, where, read):
    con = tqp.connect()
    con.register("t", parquet_file)
    plan = con.execute(f"EXPLAIN ANALYZE SELECT count(*), sum(k) FROM t WHERE {where}").fetchone()[0]
    scan = next(line for line in plan.splitlines() if "TableScan" in line)
    assert "bounds=[" in scan or read == 10
    assert f"row groups read {read}" in scan
    if read < 10:
        assert f"row groups skipped {10 - read}" in scan
    check_against_duckdb(con, _duck(parquet_file), f"SELECT count(*), sum(k) FROM t WHERE {where}")


def test_pruned_answers_match_duckdb_on_every_kind_of_bound(parquet_file):
    con, duck = tqp.connect(), _duck(parquet_file)
    con.register("t", parquet_file)
    for where in ["k <= 0", "k > 98", "n = 0.5", "s IN ('ant', 'dog')", "s < 'b'",
                  "d BETWEEN DATE '2020-02-01' AND DATE '2020-02-10'", "n IS NULL AND k > 90",
                  "k = NULL", "u = 'unique-00077'", "u > 'unique-00090'"]:
        check_against_duckdb(con, duck, f"SELECT k, s, n, d FROM t WHERE {where} ORDER BY k")


def test_limit_without_order_stops_reading(tmp_path, reads):
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=GROUP)
    con = tqp.connect(batch_rows=GROUP)  # a segment per row group
    con.register("t", path)
    assert len(con.execute("SELECT k FROM t LIMIT 3").fetchall()) == 3
    assert len(reads) < ROWS // GROUP


@pytest.mark.parametrize("limit, offset, read", [(0, 0, 0), (3, 0, 1), (10, 0, 1), (11, 0, 2),
                                                 (5, 20, 3), (1000, 0, 10)])
def test_a_limit_right_above_a_scan_reads_only_the_row_groups_it_needs(
        parquet_file, reads, limit, offset, read):
    """One segment of ten row groups: LIMIT n OFFSET m reads the first row groups that hold
    n + m rows (none for LIMIT 0), as EXPLAIN ANALYZE counts."""
    con = tqp.connect()
    con.register("t", parquet_file)
    sql = f"SELECT k, s FROM t LIMIT {limit} OFFSET {offset}"
    plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchone()[0]
    scan = next(line for line in plan.splitlines() if "TableScan" in line)
    assert f"head={limit + offset}" in scan and f"row groups read {read}" in scan
    assert {g for _, groups in reads for g in groups} <= set(range(read))
    con.uncache("t")
    actual = con.execute(sql).fetch_arrow_table()
    expected = _duck(parquet_file).sql(f"SELECT k, s FROM t ORDER BY k LIMIT {limit} "
                                       f"OFFSET {offset}").to_arrow_table()
    assert actual.to_pydict() == expected.to_pydict()


def test_a_scalar_subquery_answer_over_no_rows_reads_no_row_groups(parquet_file, reads):
    """A correlated COUNT subquery's answer where no row matches (0) is computed over the
    subquery cut to no rows: its scan reads nothing."""
    con, duck = tqp.connect(), _duck(parquet_file)
    con.register("t", parquet_file)
    sql = ("SELECT a.k FROM t a WHERE a.k > (SELECT count(b.n) FROM t b WHERE b.s = a.s "
           "AND b.k < 50) ORDER BY a.k")
    plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchone()[0]
    assert "head=0" in plan and "row groups read 0" in plan
    check_against_duckdb(con, duck, sql)


def test_repeated_queries_read_from_the_cache(parquet_file, reads):
    con = tqp.connect()
    con.register("t", parquet_file)
    first = con.execute("SELECT s, sum(k) FROM t GROUP BY s ORDER BY s").fetchall()
    count = len(reads)
    assert con.execute("SELECT s, sum(k) FROM t GROUP BY s ORDER BY s").fetchall() == first
    assert len(reads) == count


def test_the_cache_stays_within_the_memory_limit(tmp_path):
    path = tmp_path / "big.parquet"
    pq.write_table(_table(20_000), path, row_group_size=1000)
    con = tqp.connect(batch_rows=1000)
    con.register("t", path)
    con.execute("SET memory_limit = '100KB'")
    check_against_duckdb(con, _duck(path), "SELECT sum(k), count(n), max(s) FROM t")
    assert con._engine.catalog.cache.bytes <= 100_000


def test_cache_pins_a_table_and_uncache_drops_it(parquet_file, reads):
    con = tqp.connect()
    con.register("t", parquet_file)
    size = con.cache("t")
    assert size > 0 and len(reads) > 0
    count = len(reads)
    con.execute("SELECT max(u), min(d) FROM t").fetchall()
    assert len(reads) == count
    cached = con.cached().to_pylist()
    assert cached == [{"table": "t", "bytes": size, "pinned": True}]
    con.uncache("t")
    assert con.cached().num_rows == 0
    con.execute("SELECT max(u) FROM t").fetchall()
    assert len(reads) > count
    with pytest.raises(tqp.ProgrammingError, match="does not exist"):
        con.cache("nope")


def _rewrite(path, table):
    """Write `table` over `path` so that its size and modification time both change."""
    before = os.stat(path).st_mtime_ns
    pq.write_table(table, path, row_group_size=GROUP)
    if os.stat(path).st_mtime_ns == before:  # a coarse clock: make the change visible
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_a_file_changed_on_disk_is_read_again(parquet_file):
    con = tqp.connect()
    con.register("t", parquet_file)
    con.cache("t")
    assert con.execute("SELECT count(*), max(k) FROM t").fetchone() == (ROWS, ROWS - 1)
    _rewrite(parquet_file, _table(30))
    assert con.execute("SELECT count(*), max(k) FROM t").fetchone() == (30, 29)
    assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet_file}')").fetchone() == (30,)
    _rewrite(parquet_file, _table(40))
    assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet_file}')").fetchone() == (40,)


def test_a_changed_csv_file_is_read_again(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    con = tqp.connect()
    con.register("t", path)
    assert con.execute("SELECT sum(a) FROM t").fetchone() == (3,)
    time.sleep(0.01)
    path.write_text("a,b\n1,x\n2,y\n3,z\n")
    assert con.execute("SELECT sum(a) FROM t").fetchone() == (6,)


def test_strings_from_parquet_dictionaries_match_duckdb_across_segments(tmp_path):
    """Each segment's strings get their own dictionary; joins, groups, sorts and comparisons
    across segments must not mix them up."""
    path = tmp_path / "t.parquet"
    pq.write_table(_table(2800), path, row_group_size=700)
    source = ParquetSource(path)
    assert source._dictionary_columns == ["s"]  # read as Parquet's own codes; u is near-unique
    con, duck = tqp.connect(batch_rows=700), _duck(path)
    con.register("t", path)
    for sql in ["SELECT s, count(*), min(u), max(u) FROM t GROUP BY s ORDER BY s",
                "SELECT DISTINCT s FROM t ORDER BY s DESC",
                "SELECT a.s, count(*) FROM t a JOIN t b ON a.s = b.s AND a.k < b.k "
                "GROUP BY a.s ORDER BY a.s",
                "SELECT u FROM t WHERE s > 'b' AND u LIKE '%7' ORDER BY u",
                "SELECT s || u AS x FROM t ORDER BY x LIMIT 5",
                "SELECT k FROM t WHERE s IN (SELECT s FROM t WHERE k = 3) ORDER BY k"]:
        check_against_duckdb(con, duck, sql)


def test_a_folder_of_parquet_files_is_one_table(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(_table().slice(0, 60), folder / "a.parquet", row_group_size=GROUP)
    pq.write_table(_table().slice(60), folder / "b.parquet", row_group_size=GROUP)
    con = tqp.connect()
    con.register("t", folder)
    assert con.execute("SELECT count(*), sum(k) FROM t").fetchone() == (ROWS, sum(range(ROWS)))
    plan = con.execute("EXPLAIN ANALYZE SELECT sum(k) FROM t WHERE k >= 70").fetchone()[0]
    assert "row groups read 3" in plan and "row groups skipped 7" in plan


def test_a_file_that_is_not_parquet_is_refused_naming_it(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("this is not parquet")
    con = tqp.connect()
    con.register("ok", _table())
    with pytest.raises(tqp.OperationalError, match="bad.parquet"):
        con.register("t", bad)
    with pytest.raises(tqp.OperationalError, match="bad.parquet"):
        con.execute(f"SELECT * FROM read_parquet('{bad}')")
    assert con.execute("SELECT count(*) FROM ok").fetchone() == (ROWS,)


def test_a_truncated_parquet_file_is_refused_naming_it(tmp_path, parquet_file):
    data = parquet_file.read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: len(data) // 2])
    con = tqp.connect()
    with pytest.raises(tqp.OperationalError, match="cut.parquet"):
        con.register("t", cut)


def test_a_folder_whose_files_disagree_on_the_schema_is_refused_naming_the_file(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(_table(), folder / "a.parquet")
    pq.write_table(pa.table({"k": ["text"]}), folder / "b.parquet")
    con = tqp.connect()
    with pytest.raises(tqp.OperationalError, match="b.parquet"):
        con.register("t", folder)


def test_a_file_damaged_after_registration_fails_its_scan_naming_it(tmp_path, parquet_file):
    con = tqp.connect()
    con.register("t", parquet_file)
    con.register("ok", _table())
    parquet_file.write_text("overwritten with garbage")
    with pytest.raises(tqp.OperationalError, match="t.parquet"):
        con.execute("SELECT sum(k) FROM t").fetchall()
    assert con.execute("SELECT count(*) FROM ok").fetchone() == (ROWS,)


def test_a_csv_with_ragged_rows_fails_naming_the_file(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3\n4,5,6\n")
    con = tqp.connect()
    con.register("ok", _table())
    with pytest.raises(tqp.OperationalError, match="ragged.csv"):
        con.register("t", path)
        con.execute("SELECT * FROM t").fetchall()
    assert con.execute("SELECT count(*) FROM ok").fetchone() == (ROWS,)


@pytest.fixture
def sorts(monkeypatch):
    """The sizes of the string dictionaries sorted (storage/dictionary.py)."""
    from tqp.storage import dictionary

    sizes = []
    original = dictionary.pc.sort_indices

    def counting(values, *args, **kwargs):
        sizes.append(len(values))
        return original(values, *args, **kwargs)

    monkeypatch.setattr(dictionary.pc, "sort_indices", counting)
    return sizes


def test_strings_only_like_reads_are_never_sorted(parquet_file, sorts):
    """A string column read only by LIKE keeps its dictionary in hash order: no sort at all."""
    con, duck = tqp.connect(), _duck(parquet_file)
    con.register("t", parquet_file)
    like = "SELECT count(*), sum(k) FROM t WHERE u LIKE '%7%' AND u NOT LIKE 'x%'"
    plan = con.execute(f"EXPLAIN {like}").fetchone()[0]
    assert "strings=[u: as read]" in plan
    check_against_duckdb(con, duck, like)
    assert sorts == []
    for sql in ["SELECT max(u), min(u) FROM t WHERE u LIKE '%1%'",  # the same column, ordered
                "SELECT u FROM t WHERE u LIKE '%3' ORDER BY u",
                "SELECT u, count(*) FROM t WHERE u > 'unique-00050' GROUP BY u ORDER BY 1",
                like]:
        check_against_duckdb(con, duck, sql)
    assert sorts  # ordering needed a sorted dictionary


def test_strings_only_read_by_per_entry_functions_are_never_sorted(parquet_file, sorts):
    """A string column read only as the operand of functions computed per dictionary entry
    (SUBSTRING, UPPER, LENGTH, ...) keeps each row's entry as read: no sort of its values, only
    of the functions' results (a few distinct values), and DuckDB's answers whether those are
    filtered on, grouped, ordered or returned."""
    con, duck = tqp.connect(), _duck(parquet_file)
    con.register("t", parquet_file)
    few_results = [
        "SELECT substring(u, 1, 8) AS p, count(*), sum(k) FROM t GROUP BY p ORDER BY p",
        "SELECT count(*) FROM t WHERE left(u, 3) = 'uni' AND right(u, 1) > '4'",
        "SELECT k FROM t WHERE substring(u, 8, 1) IN ('0', '1') ORDER BY k",
    ]
    for sql in few_results:
        assert "strings=[u: as read]" in con.execute(f"EXPLAIN {sql}").fetchone()[0], sql
        check_against_duckdb(con, duck, sql)
    assert sorts and max(sorts) < ROWS  # the results' few values, never the column's
    for sql in ["SELECT k, upper(u) FROM t WHERE k % 3 = 0 ORDER BY k",
                "SELECT lower(u) AS l, length(u) AS n FROM t WHERE k < 20 ORDER BY l DESC",
                "SELECT max(reverse(u)), min(trim(u)) FROM t"]:
        assert "strings=[u: as read]" in con.execute(f"EXPLAIN {sql}").fetchone()[0], sql
        check_against_duckdb(con, duck, sql)


def test_strings_only_grouped_counted_or_returned_are_hashed_not_sorted(parquet_file, sorts):
    """Equality is all a GROUP BY key or COUNT(DISTINCT) needs: a duplicate-free dictionary in
    any order, and no sort; a column only returned needs neither (each row's string is taken).
    A later query that orders the column sorts it then, and the answers match DuckDB's
    throughout."""
    con, duck = tqp.connect(), _duck(parquet_file)
    con.register("t", parquet_file)
    equal_only = ["SELECT u AS name, count(*) AS n, sum(k) FROM t GROUP BY u",
                  "SELECT count(DISTINCT u), count(u) FROM t WHERE k > 10",
                  "SELECT DISTINCT u FROM t WHERE k < 40"]
    for sql in equal_only:
        assert "strings=[u: unique]" in con.execute(f"EXPLAIN {sql}").fetchone()[0], sql
        check_against_duckdb(con, duck, sql)
    returned = "SELECT k, u FROM t WHERE k % 7 = 0 ORDER BY k LIMIT 20"
    assert "strings=[u: as read]" in con.execute(f"EXPLAIN {returned}").fetchone()[0]
    check_against_duckdb(con, duck, returned)
    assert sorts == []
    ordered = ["SELECT u, count(*) FROM t GROUP BY u ORDER BY u LIMIT 5",
               "SELECT max(u) FROM t",
               "SELECT count(*) FROM t WHERE u = 'unique-00042'",
               "SELECT x FROM (SELECT u AS x FROM t) ORDER BY x DESC LIMIT 3"]
    for sql in ordered:
        assert "u: unique" not in con.execute(f"EXPLAIN {sql}").fetchone()[0], sql
        check_against_duckdb(con, duck, sql)
    assert sorts  # ordering needed a sorted dictionary
    for sql in equal_only:  # served again, now from the sorted column in the cache
        check_against_duckdb(con, duck, sql)


def test_a_parquet_table_read_whole_decodes_its_dictionary_columns(parquet_file):
    """Statements that rewrite a table read it whole: dictionary-read strings (`s`) come back
    as plain values of the schema's type, equal to the file."""
    con = tqp.connect()
    con.register("t", parquet_file)
    whole = con._engine.catalog.table("t")
    assert whole.schema == con.schema("t")
    assert whole.to_pylist() == pq.read_table(parquet_file).to_pylist()
