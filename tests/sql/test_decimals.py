"""Exact DECIMAL and integer sums: every result column has DuckDB's exact Arrow type (decimal
precision and scale included) and every decimal value is DuckDB's, digit for digit. Sums past
64 bits raise DataError rather than wrap."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb
from tests.sql.fixtures import CORPUS_DIR, parse_corpus_file

DECIMAL_QUERIES = parse_corpus_file(CORPUS_DIR / "decimals.sql")


def _decimal_columns(table: pa.Table) -> list[str]:
    return [f.name for f in table.schema if pa.types.is_decimal(f.type)]


@pytest.mark.parametrize("query", DECIMAL_QUERIES, ids=[q.name for q in DECIMAL_QUERIES])
def test_types_and_decimal_values_are_duckdbs(query, corpus_tqp_con, corpus_duck_con):
    expected = corpus_duck_con.sql(query.sql).to_arrow_table()
    actual = corpus_tqp_con.execute(query.sql).fetch_arrow_table()
    assert actual.schema.names == expected.schema.names
    assert actual.schema.types == expected.schema.types
    check_against_duckdb(corpus_tqp_con, corpus_duck_con, query.sql)  # the values, floats too
    if "order by" in query.sql.lower() or actual.num_rows <= 1:
        for name in _decimal_columns(expected):
            assert actual[name].to_pylist() == expected[name].to_pylist(), name


@pytest.fixture()
def big(corpus_duck_con):
    """BIGINTs near 2**62 (their sum passes int64) and a few that sum right below its limit."""
    con = tqp.connect()
    near = pa.table({"g": pa.array([i % 2 for i in range(1000)], pa.int32()),
                     "b": pa.array([2**62 + i for i in range(1000)], pa.int64()),
                     "fits": pa.array([(2**63 - 1) // 1000] * 1000, pa.int64()),
                     "d": pa.array([2**62 // 1000] * 1000, pa.decimal128(18, 0))})
    con.register("big", near)
    yield con
    con.close()


@pytest.mark.parametrize("sql", [
    "select sum(b) from big",
    "select g, sum(b) from big group by g",
    "select sum(b) over () from big",
    "select sum(d) * 1000 from big",
    "select sum(b) + 0.5 from big",
])
def test_sums_past_64_bits_raise_never_wrap(big, sql):
    with pytest.raises(tqp.DataError, match="64 bits"):
        big.execute(sql).fetchall()


def test_sums_right_below_the_limit_are_exact_and_typed_as_duckdb(big):
    import duckdb

    table = big.execute("select sum(fits) as s, sum(d) as sd, avg(b) as a from big").fetch_arrow_table()
    duck = duckdb.connect()
    duck.register("big", big.execute("select * from big").fetch_arrow_table())
    expected = duck.sql("select sum(fits) as s, sum(d) as sd, avg(b) as a from big").to_arrow_table()
    assert table.schema.types == expected.schema.types  # HUGEINT is decimal128(38, 0)
    assert table.column("s").to_pylist() == expected.column("s").to_pylist()
    assert table.column("sd").to_pylist() == expected.column("sd").to_pylist()


def test_decimal_overflow_in_a_product_is_an_error_as_in_duckdb(corpus_tqp_con):
    with pytest.raises(tqp.DataError, match="DECIMAL\\(18,4\\)"):
        corpus_tqp_con.execute("select d * d from t_dec").fetchall()


def test_models_and_tensors_receive_decimals_as_float64(corpus_tqp_con):
    import torch

    tensors = corpus_tqp_con.execute("select e, sum(w) over () as s from t_dec where e is not null "
                                     "order by id").torch()
    assert tensors["e"].dtype == torch.float64
    assert tensors["e"].tolist() == [0.06, 0.1, 0.05, -1.0, 99.99, 0.0, 0.07]
    assert tensors["s"].dtype == torch.float64
