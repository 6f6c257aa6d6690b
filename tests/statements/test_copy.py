"""COPY ... TO and COPY ... FROM, in Parquet and CSV, checked against DuckDB reading the files."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tests.oracle import assert_same_result

QUERY = ("SELECT l_orderkey, l_quantity, l_shipdate, l_returnflag FROM lineitem "
         "WHERE l_orderkey < 100")


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_copy_query_to_a_file(tqp_con, duck_con, tmp_path, file_format):
    """The file tqp writes reads back (with DuckDB) as the file DuckDB writes for the same
    COPY: a CSV keeps no types, so both are read back the same way."""
    path, theirs = tmp_path / f"out.{file_format}", tmp_path / f"duck.{file_format}"
    sql = f"COPY ({QUERY}) TO '{path}' (FORMAT {file_format})"
    duck_con.execute(f"COPY ({QUERY}) TO '{theirs}' (FORMAT {file_format})")
    reader = "read_parquet" if file_format == "parquet" else "read_csv"
    expected = duckdb.sql(f"SELECT * FROM {reader}('{theirs}')").to_arrow_table()
    assert tqp_con.execute(sql).rowcount == expected.num_rows
    written = duckdb.sql(f"SELECT * FROM {reader}('{path}')").to_arrow_table()
    assert written.column_names == expected.column_names
    assert_same_result(written, expected, ordered=False, context=sql)


def test_copy_table_to_and_from(tmp_path):
    con = tqp.connect()
    con.execute("CREATE TABLE t (id INTEGER NOT NULL, price DECIMAL(8,2), d DATE, s VARCHAR)")
    con.execute("INSERT INTO t VALUES (1, 1.5, '2024-02-29', 'a,b'), (2, NULL, NULL, NULL)")
    con.execute(f"COPY t TO '{tmp_path / 't.csv'}' (HEADER, DELIMITER '|')")
    con.execute(f"COPY t TO '{tmp_path / 't.parquet'}'")
    assert pq.read_table(tmp_path / "t.parquet").schema.field("price").type == pa.decimal128(8, 2)
    con.execute("CREATE TABLE u (id INTEGER NOT NULL, price DECIMAL(8,2), d DATE, s VARCHAR)")
    assert con.execute(f"COPY u FROM '{tmp_path / 't.csv'}' (DELIMITER '|')").rowcount == 2
    assert con.execute(f"COPY u FROM '{tmp_path / 't.parquet'}' (FORMAT parquet)").rowcount == 2
    rows = con.execute("SELECT * FROM u ORDER BY id").fetchall()
    assert rows[0][:2] == (1, 1.5) and rows[0] == rows[1] and rows[2] == rows[3]
    with pytest.raises(tqp.DataError, match="column id INTEGER"):  # the header is a row now
        con.execute(f"COPY u FROM '{tmp_path / 't.csv'}' (DELIMITER '|', HEADER false)")
    assert con.execute("SELECT count(*) FROM u").fetchone() == (4,)


@pytest.mark.parametrize("sql, error, message", [
    ("COPY t TO '{dir}/x.json'", tqp.NotSupportedError, "format json"),
    ("COPY t TO '{dir}/x.csv' (COMPRESSION gzip)", tqp.NotSupportedError, "compression"),
    ("COPY t FROM '{dir}/missing.csv'", tqp.OperationalError, "no such file"),
    ("COPY nowhere TO '{dir}/x.csv'", tqp.ProgrammingError, "does not exist"),
])
def test_copy_errors(tmp_path, sql, error, message):
    con = tqp.connect()
    con.execute("CREATE TABLE t (a INTEGER)")
    with pytest.raises(error, match=message):
        con.execute(sql.format(dir=tmp_path))
