"""DuckDB's FLOAT (REAL, FLOAT4) at the edges of tqp: what the DB-API, Arrow, torch, Parquet,
declared tables and the shell give for it, each checked against DuckDB; the oracle that the
corpus (corpus/floats.sql) relies on to tell a FLOAT from a DOUBLE; and what is refused."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

import tqp
from tests.conftest import devices
from tests.oracle import result_problem
from tqp.format import format_table

VALUES = [1.1, 0.1, 16777217.0, -0.0, None, float("nan"), float("inf"), 3.4e38, 1e-45]


@pytest.fixture()
def pair():
    table = pa.table({"id": pa.array(range(len(VALUES)), pa.int32()),
                      "r": pa.array(VALUES, pa.float32())})
    con, duck = tqp.connect(), duckdb.connect()
    con.register("f", table)
    duck.register("f", table)
    yield con, duck
    con.close()
    duck.close()


def _same(a, b) -> bool:
    return a == b or a != a and b != b  # NaN is NaN


def _rows_equal(got, want) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(_same(x, y) for x, y in zip(g, w)) for g, w in zip(got, want))


def test_oracle_tells_float_from_double():
    """The corpus would pass a FLOAT computed as a DOUBLE if the oracle compared them within
    its float tolerance: the type kinds differ, and FLOAT values must agree exactly."""
    single = pa.table({"x": pa.array([1.1], pa.float32())})
    double = pa.table({"x": pa.array([1.1], pa.float64())})
    assert result_problem(double, single, True) is not None
    assert result_problem(single, single, True) is None
    one_ulp = pa.table({"x": pa.array([np.nextafter(np.float32(1.1), np.float32(2))],
                                      pa.float32())})
    assert result_problem(one_ulp, single, True) is not None
    zeros = pa.table({"x": pa.array([0.0, float("nan")], pa.float32())})
    signed = pa.table({"x": pa.array([-0.0, float("nan")], pa.float32())})
    assert result_problem(zeros, signed, True) is None  # as among DOUBLEs


def test_fetchall_description_and_arrow(pair):
    con, duck = pair
    sql = "select r, r * 2 as twice, r::double as d, sum(r) over () as s from f order by id"
    cursor = con.execute(sql)
    assert [d[1] for d in cursor.description] == ["FLOAT", "FLOAT", "DOUBLE", "DOUBLE"]
    assert _rows_equal(cursor.fetchall(), duck.sql(sql).fetchall())
    table = con.execute(sql).fetch_arrow_table()
    assert table.schema.types == duck.sql(sql).to_arrow_table().schema.types
    assert con.execute("select 1.1::real").fetchall() == [(1.100000023841858,)]


@pytest.mark.parametrize("device", devices())
def test_torch_gives_float32(device):
    con = tqp.connect(device=device)
    tensors = con.execute("select 1.1::real as a, cast(null as float) as b, 1.1 as c").torch()
    assert tensors["a"].dtype == torch.float32 and tensors["a"].device.type == device
    assert tensors["a"].item() == np.float32(1.1)
    assert torch.isnan(tensors["b"]).all()


@pytest.mark.parametrize("device", devices())
def test_float_arithmetic_on_each_device(device):
    """The same float32 answers on cpu and cuda as in DuckDB."""
    con, duck = tqp.connect(device=device), duckdb.connect()
    table = pa.table({"r": pa.array([1.1, 0.1, -2.5, 16777217.0], pa.float32())})
    con.register("f", table)
    duck.register("f", table)
    sql = ("select r * 3 as a, r / 7 as b, r + 0.2 as c, r % 0.3 as d, round(r, 1) as e "
           "from f")
    problem = result_problem(con.execute(sql).fetch_arrow_table(),
                             duck.sql(sql).to_arrow_table(), False)
    assert problem is None


def test_declared_real_columns(pair):
    con, duck = pair
    for c in (con, duck):
        c.execute("create table tr (a real, b float4, c float, d double)")
        c.execute("insert into tr values (1.1, 0.1, 16777217, 1.1), (null, 2.5, 'nan', 2)")
    sql = "select a, b, c, d, typeof(a), a * d, a + b from tr"
    assert _rows_equal(con.execute(sql).fetchall(), duck.sql(sql).fetchall())
    assert con.execute("select * from tr").fetch_arrow_table().schema.types[:3] == \
        [pa.float32()] * 3


def test_parquet_float_columns(pair, tmp_path):
    con, duck = pair
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"x": pa.array([1.1, 2.5, None], pa.float32())}), path)
    sql = f"select x, typeof(x), x::varchar, x + 1 from read_parquet('{path}')"
    assert _rows_equal(con.execute(sql).fetchall(), duck.sql(sql).fetchall())


def test_shell_shows_floats_by_their_shortest_digits(pair):
    con, _ = pair
    table = con.execute("select 1.1::real as a, 123456789::float as b, 1e20::float as c, "
                        "0.1::float + 0.2::float as e").fetch_arrow_table()
    assert format_table(table).splitlines()[-1].split() == \
        ["1.1", "|", "123456790.0", "|", "1e+20", "|", "0.3"]


def test_double_out_of_float_range_is_a_conversion_error(pair):
    con, duck = pair
    with pytest.raises(duckdb.ConversionException):
        duck.sql("select 1e39::double::float").fetchall()
    with pytest.raises(tqp.DataError, match="FLOAT"):
        con.execute("select 1e39::double::float")
    # Past the range but not finite, or reached by arithmetic: infinity, as in DuckDB.
    sql = "select 'inf'::double::float, 1e38::float * 10, '1e39'::float"
    assert con.execute(sql).fetchall() == duck.sql(sql).fetchall()


def test_half_floats_are_refused():
    """DuckDB does not read Arrow float16 columns; tqp refuses them too."""
    con = tqp.connect()
    con.register("h", pa.table({"x": pa.array(np.array([1.5], np.float16))}))
    with pytest.raises(tqp.NotSupportedError, match="halffloat"):
        con.execute("select x from h")


@pytest.mark.parametrize("condition", ["r = 1.1", "r in (0.1, 16777217)", "r <= 0.1",
                                       "r >= 16777217", "r between 0.1 and 1.1",
                                       "r > 1.1::double", "r = 1.1::double"])
def test_row_group_pruning_compares_constants_as_floats(tmp_path, condition):
    """A Parquet FLOAT column's statistics are float32 values: a constant DuckDB converts to
    FLOAT (1.1 becomes 1.100000023841858) must not rule out the row groups holding it."""
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"r": pa.array([1.1, 0.1, 2.5, 16777217.0] * 2, pa.float32()),
                             "i": pa.array(range(8), pa.int32())}), path, row_group_size=1)
    sql = f"select i from read_parquet('{path}') where {condition} order by i"
    assert tqp.connect().execute(sql).fetchall() == duckdb.sql(sql).fetchall()
