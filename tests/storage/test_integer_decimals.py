"""DECIMAL columns that a Parquet file stores as INT32/INT64 are read as those integers (a
rewritten footer) and labelled decimal again: DuckDB's answers, with NULLs, negatives and the
widest values, and the file's own decimal128 path wherever the rewrite does not apply."""

from __future__ import annotations

import decimal
import pickle
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tests.oracle import check_against_duckdb
from tqp.storage import sources
from tqp.storage.integer_decimals import integer_decimals, labelled, unscaled_footer
from tqp.storage.sources import ParquetSource

D = decimal.Decimal
ROWS = 300


def _table() -> pa.Table:
    """a: DECIMAL(7,2) (INT32), b: DECIMAL(18,3) (INT64) reaching 18 digits both ways,
    c: DECIMAL(30,2) (a fixed-length binary), with NULLs; a group key and a date."""
    def a(i):
        return None if i % 11 == 0 else D(i * 37 % 20000 - 10000) / 100

    def b(i):
        if i % 13 == 0:
            return None
        if i == 1:
            return D("999999999999999.999")
        if i == 2:
            return D("-999999999999999.999")
        return D(i * 7919 - 1000000) / 1000

    return pa.table({
        "g": pa.array([i % 5 for i in range(ROWS)], pa.int64()),
        "a": pa.array([a(i) for i in range(ROWS)], pa.decimal128(7, 2)),
        "b": pa.array([b(i) for i in range(ROWS)], pa.decimal128(18, 3)),
        "c": pa.array([None if i % 17 == 0 else D(i) / 4 for i in range(ROWS)],
                      pa.decimal128(30, 2)),
        "s": pa.array([f"s{i % 3}" for i in range(ROWS)]),
    })


@pytest.fixture(params=[True, False], ids=["arrow-schema", "no-arrow-schema"])
def parquet_file(tmp_path, request):
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=64, store_decimal_as_integer=True,
                   store_schema=request.param)
    return path


@pytest.fixture
def labels(monkeypatch):
    """The columns each read of a ParquetSource labelled as decimals from integers."""
    seen = []

    def spy(data, types):
        seen.append(tuple(sorted(types)))
        return labelled(data, types)

    monkeypatch.setattr(sources, "labelled", spy)
    return seen


QUERIES = [
    "SELECT a, b, c FROM t ORDER BY g, a, b NULLS FIRST",
    "SELECT g, sum(a), sum(b), min(a), max(b), avg(a), count(b) FROM t GROUP BY g ORDER BY g",
    "SELECT count(*) FROM t WHERE a > 12.5 OR b < 0",
    "SELECT a * 2 + b AS x FROM t WHERE a IS NOT NULL ORDER BY x NULLS LAST LIMIT 7",
    "SELECT b FROM t WHERE b IN (999999999999999.999, -999999999999999.999) ORDER BY b",
    "SELECT s, max(a) FROM t WHERE a BETWEEN -20 AND 20 GROUP BY s ORDER BY s",
]


def test_integer_backed_decimals_are_named_with_their_labels(parquet_file):
    metadata = pq.read_metadata(parquet_file)
    schema = metadata.schema.to_arrow_schema()
    assert integer_decimals(metadata, schema) == {"a": pa.decimal32(7, 2),
                                                  "b": pa.decimal64(18, 3)}


def test_the_rewritten_footer_reads_them_as_integers(parquet_file):
    metadata = pq.read_metadata(parquet_file)
    columns = integer_decimals(metadata, metadata.schema.to_arrow_schema())
    unscaled = unscaled_footer(parquet_file, metadata, columns)
    read = pq.ParquetFile(parquet_file, metadata=unscaled).read()
    assert read.schema.field("a").type == pa.int32()
    assert read.schema.field("b").type == pa.int64()
    assert read.schema.field("c").type == pa.decimal128(30, 2)  # left as it was
    assert labelled(read, columns).cast(_table().schema).equals(_table())


@pytest.mark.parametrize("sql", QUERIES)
def test_answers_match_duckdb(parquet_file, labels, sql):
    con, duck = tqp.connect(), duckdb.connect()
    con.register("t", parquet_file)
    duck.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet_file}')")
    check_against_duckdb(con, duck, sql)
    assert any(set(read) & {"a", "b"} for read in labels)  # the integers were read


def test_segments_and_pruned_row_groups_read_the_right_rows(parquet_file, labels):
    con, duck = tqp.connect(batch_rows=64), duckdb.connect()
    con.register("t", parquet_file)
    duck.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet_file}')")
    for sql in ["SELECT g, sum(b) FROM t GROUP BY g ORDER BY g",
                "SELECT a, b FROM t WHERE g = 3 ORDER BY a, b"]:
        check_against_duckdb(con, duck, sql)
    assert labels


def test_a_nested_file_keeps_the_decimal128_path(tmp_path, labels):
    path = tmp_path / "nested.parquet"
    table = _table().append_column("r", pa.array([{"x": i} for i in range(ROWS)]))
    pq.write_table(table, path, store_decimal_as_integer=True)
    metadata = pq.read_metadata(path)
    columns = integer_decimals(metadata, metadata.schema.to_arrow_schema())
    assert columns and unscaled_footer(path, metadata, columns) is None
    con, duck = tqp.connect(), duckdb.connect()
    con.register("t", path)
    duck.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
    check_against_duckdb(con, duck, QUERIES[1])
    assert not labels


def test_a_footer_that_changed_since_it_was_read_is_not_rewritten(tmp_path, parquet_file):
    metadata = pq.read_metadata(parquet_file)
    columns = integer_decimals(metadata, metadata.schema.to_arrow_schema())
    other = tmp_path / "other.parquet"
    pq.write_table(_table().slice(0, 10), other, store_decimal_as_integer=True)
    shutil.copy(other, parquet_file)
    assert unscaled_footer(parquet_file, metadata, columns) is None


def test_a_source_falls_back_where_no_footer_can_be_made(parquet_file, monkeypatch, labels):
    monkeypatch.setattr(sources, "unscaled_footer", lambda *args: None)
    source = ParquetSource(parquet_file)
    table = source.read(source.segments(1 << 20)[0], ["a", "b"])
    assert table.schema.field("a").type == pa.decimal128(7, 2) and not labels
    assert table.equals(_table().select(["a", "b"]))


def test_a_source_shipped_to_another_process_rewrites_its_own_footer(parquet_file, labels):
    source = ParquetSource(parquet_file)
    segment = source.segments(1 << 20)[0]
    source.read(segment, ["b"])  # the footer rewritten here stays here
    shipped = pickle.loads(pickle.dumps(source))  # as to a Ray worker
    table = shipped.read(segment, ["a", "b"])
    assert table.cast(_table().select(["a", "b"]).schema).equals(_table().select(["a", "b"]))
    assert labels[-1] == ("a", "b")


def test_a_source_read_whole_keeps_the_files_decimal_types(parquet_file):
    table = ParquetSource(parquet_file).to_arrow()  # read_parquet(), saving to a database
    assert table.schema.field("a").type == pa.decimal128(7, 2)
    assert table.schema.field("b").type == pa.decimal128(18, 3)
    assert table.equals(_table())
