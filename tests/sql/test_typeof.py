"""TYPEOF answers only where tqp's type is DuckDB's: over tables made by SQL statements and
files, the columns whose type tqp may widen are refused (the corpus, typeof.sql, checks the
answers over registered tables)."""

from __future__ import annotations

import duckdb
import pytest

import tqp


@pytest.fixture()
def pair():
    con, duck = tqp.connect(), duckdb.connect()
    for sql in ["create table declared (a smallint, b real, c integer, d decimal(5,2), e varchar, "
                "f timestamp, g bigint, h date, i boolean, j double)",
                "insert into declared values (1, 1.5, 2, 3.25, 'x', "
                "timestamp '2020-01-01 00:00:00', "
                "3, date '2020-01-01', true, 2.5)",
                "create table made as select 1::tinyint as x, 1 as i, 'a' as s"]:
        con.execute(sql)
        duck.execute(sql)
    yield con, duck
    con.close()
    duck.close()


def test_declared_columns_of_exact_types(pair):
    con, duck = pair
    sql = ("select typeof(c), typeof(d), typeof(e), typeof(f), typeof(g), typeof(h), typeof(i), "
           "typeof(j), typeof(c + g), typeof(d * 2), typeof(b), typeof(b * c), typeof(b + j), "
           "typeof(b * d) from declared")
    assert con.execute(sql).fetchall() == duck.sql(sql).fetchall()


@pytest.mark.parametrize("sql,word", [
    ("select typeof(a) from declared", "int16"),
    ("select typeof(x) from made", "create table as"),
    ("select typeof(i) from made", "create table as"),  # exact here, but not known to be
])
def test_widened_or_computed_columns_are_refused(pair, sql, word):
    con, duck = pair
    duck.sql(sql).fetchall()
    with pytest.raises(tqp.NotSupportedError, match=f"(?i){word}"):
        con.execute(sql)


def test_csv_columns_are_refused(pair, tmp_path):
    """Arrow infers a CSV's types, DuckDB's sniffer its own ('2020/01/02' is a DATE to it)."""
    con, duck = pair
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2020/01/02\n")
    sql = f"select typeof(b) from read_csv('{path}')"
    assert duck.sql(sql).fetchall() == [("DATE",)]
    with pytest.raises(tqp.NotSupportedError, match="CSV"):
        con.execute(sql)


@pytest.mark.parametrize("value", [1.5, -0.25, 1e300])
def test_float_parameters_are_doubles(value):
    """A Python float binds as DuckDB binds it: a DOUBLE (it was a DECIMAL literal, and
    `? * 0.1` gave a DECIMAL where DuckDB gives a DOUBLE)."""
    con = tqp.connect()
    for sql in ("select typeof(?)", "select ? * 0.1"):
        assert con.execute(sql, [value]).fetchall() == duckdb.execute(sql, [value]).fetchall()


@pytest.mark.parametrize("value", [1, 3_000_000_000, "a", None, True])
def test_other_parameters(value):
    con = tqp.connect()
    assert con.execute("select typeof(?)", [value]).fetchall() == \
        duckdb.execute("select typeof(?)", [value]).fetchall()
