"""LIST values end to end, beyond the corpus (tests/sql/corpus/lists.sql): UNNEST where DuckDB
refuses it too, Cursor.description of list columns, and lists registered from Arrow."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp


@pytest.mark.parametrize("sql", [
    "select sum(unnest(l)) from t_lists",
    "select id from t_lists where unnest(l) = 1",
    "select id from t_lists group by unnest(l)",
    "select unnest(unnest([[1]]))",
])
def test_unnest_only_in_the_select_list(corpus_tqp_con, corpus_duck_con, sql):
    with pytest.raises(Exception):
        corpus_duck_con.execute(sql).fetchall()
    with pytest.raises(tqp.NotSupportedError, match="UNNEST"):
        corpus_tqp_con.execute(sql)


def test_description_names_list_types(corpus_tqp_con, corpus_duck_con):
    sql = "select l, s, [1, 2] as i from t_lists"
    got = [d[1] for d in corpus_tqp_con.execute(sql).description]
    assert got == ["BIGINT[]", "VARCHAR[]", "INTEGER[]"]
    duck = corpus_duck_con.execute(sql)
    described = [str(d[1]) for d in duck.description]
    duck.fetchall()  # the shared connection must not keep an unfinished result
    assert described == got


def test_top_n_needs_a_positive_n(corpus_tqp_con):
    with pytest.raises(tqp.ProgrammingError, match="positive"):
        corpus_tqp_con.execute("select min(a, 0) from t_nulls")


def test_large_list_arrow_columns_are_read():
    con = tqp.connect()
    con.register("big", pa.table({"l": pa.array([[1], None, [2, 3]], pa.large_list(pa.int8()))}))
    assert con.execute("select len(l) as n, l[-1] as x from big").fetchall() == [
        (1, 1), (None, None), (2, 3)]


def test_lists_are_stored_and_described():
    con = tqp.connect()
    con.execute("create table tl as select [1, 2] as l, ['a'] as s")
    con.execute("insert into tl select [3], NULL")
    assert con.execute("select * from tl").fetchall() == [([1, 2], ["a"]), ([3], None)]
    assert con.execute("describe tl").fetchall() == [("l", "INTEGER[]"), ("s", "VARCHAR[]")]


def test_lists_have_no_tensor_form():
    con = tqp.connect()
    with pytest.raises(tqp.NotSupportedError, match="LIST"):
        con.execute("select [1, 2] as l").torch()
