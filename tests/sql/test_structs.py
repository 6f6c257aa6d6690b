"""STRUCT values end to end, beyond the corpus (tests/sql/corpus/structs.sql): Cursor.description
of struct columns, Python values, tables stored from structs, no tensor form, and the row
numbers of structs built in several batches."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp


def test_description_names_struct_types(corpus_tqp_con, corpus_duck_con):
    sql = ("select s, {'a': 1, 'year': [2], 'n': {'x': 1.5}} as t, "
           "date_part(['year', 'epoch'], d) as p from t_structs, t_nulls limit 1")
    got = [d[1] for d in corpus_tqp_con.execute(sql).description]
    assert got[1:] == ['STRUCT(a INTEGER, "year" INTEGER[], n STRUCT(x DECIMAL(2,1)))',
                       'STRUCT("year" BIGINT, epoch DOUBLE)']
    duck = corpus_duck_con.execute(sql)
    described = [str(d[1]) for d in duck.description]
    duck.fetchall()  # the shared connection must not keep an unfinished result
    assert described == got


def test_structs_are_python_dicts():
    con = tqp.connect()
    rows = con.execute("select {'a': 1, 'b': [1, NULL]} as s, row(1, 'x') as r, "
                       "case when false then {'a': 1} end as n").fetchall()
    assert rows == [({"a": 1, "b": [1, None]}, {"element1": 1, "element2": "x"}, None)]


def test_structs_are_stored_and_described():
    con = tqp.connect()
    con.execute("create table ts as select {'a': 1, 'b': 'x'} as s")
    con.execute("insert into ts select NULL")
    assert con.execute("select s, s.b from ts").fetchall() == [
        ({"a": 1, "b": "x"}, "x"), (None, None)]
    assert con.execute("describe ts").fetchall() == [("s", "STRUCT(a INTEGER, b VARCHAR)")]


def test_structs_have_no_tensor_form():
    con = tqp.connect()
    with pytest.raises(tqp.NotSupportedError, match="STRUCT"):
        con.execute("select {'a': 1} as s").torch()


def test_structs_of_many_batches_keep_their_rows():
    """Each batch builds its own struct array; their union numbers every struct once."""
    con = tqp.connect(batch_rows=3)
    con.register("n", pa.table({"i": pa.array(range(10), pa.int32())}))
    got = con.execute("select {'i': i, 'sq': i * i} as s from n where i % 3 <> 1 "
                      "order by i desc").fetchall()
    assert got == [({"i": i, "sq": i * i},) for i in range(9, -1, -1) if i % 3 != 1]
