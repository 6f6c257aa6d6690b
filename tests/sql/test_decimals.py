"""Exact DECIMAL and integer sums: every result column has DuckDB's exact Arrow type (decimal
precision and scale included) and every decimal value is DuckDB's, digit for digit. Sums past
64 bits are exact (two int64 words a row); computing further with them raises DataError rather
than wrap."""

from __future__ import annotations

from decimal import Decimal

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
def big():
    """BIGINTs near 2**62 and DECIMAL(18,0)s near 10**18 (their sums pass int64), and a few that
    sum right below its limit; with the same tables in DuckDB."""
    import duckdb

    near = pa.table({"g": pa.array([i % 3 for i in range(1000)], pa.int32()),
                     "b": pa.array([2**62 + i for i in range(1000)], pa.int64()),
                     "fits": pa.array([(2**63 - 1) // 1000] * 1000, pa.int64()),
                     "d": pa.array([9 * 10**17 + i for i in range(1000)], pa.decimal128(18, 0)),
                     "e": pa.array([Decimal(-(9 * 10**17) - i).scaleb(-2) for i in range(1000)],
                                  pa.decimal128(18, 2))})
    con, duck = tqp.connect(), duckdb.connect()
    con.register("big", near)
    duck.register("big", near)
    yield con, duck
    con.close()


@pytest.mark.parametrize("sql", [
    "select sum(b) as s from big",
    "select sum(-b) as s, sum(e) as se from big",
    "select g, sum(b) as s, avg(b) as a, sum(d) as sd, avg(d) as ad from big group by g order by g",
    "select sum(fits) as s, sum(d) as sd, avg(b) as a, sum(e) as se, avg(e) as ae from big",
    "select sum(s) as t from (select g, sum(b) as s from big group by g)",
    "select g, sum(b) as s from big group by g order by s desc",
    "select s, count(*) as n from (select sum(b) as s from big union all select sum(b) from big) "
    "group by s",
    "select sum(b) as s from big where g = 1 union all select 1 order by s",
])
def test_sums_past_64_bits_are_exact_and_typed_as_duckdb(big, sql):
    """Integer sums are HUGEINT (decimal128(38, 0)) and DECIMAL(p,s) sums DECIMAL(38,s), exact
    past int64: summed in two int64 limbs, kept as two words a row, sorted and grouped by
    both."""
    con, duck = big
    table = con.execute(sql).fetch_arrow_table()
    expected = duck.sql(sql).to_arrow_table()
    assert table.schema == expected.schema
    check_against_duckdb(con, duck, sql)
    for name in _decimal_columns(expected):
        assert table[name].to_pylist() == expected[name].to_pylist(), name


@pytest.mark.parametrize("sql", [
    "select sum(b) + 0.5 from big",
    "select sum(d) * 1000 from big",
    "select g from big group by g having sum(b) > 0",
    "select max(s) from (select g, sum(b) as s from big group by g)",
])
def test_computing_with_a_sum_past_64_bits_raises_never_wraps(big, sql):
    """tqp computes in int64: a 128-bit sum reaching arithmetic, a comparison or MIN/MAX is an
    error (DuckDB computes in int128), never one word of the value."""
    with pytest.raises(tqp.DataError, match="64 bits"):
        big[0].execute(sql).fetchall()


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
