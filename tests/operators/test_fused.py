"""Compiled fused kernels (operators/fused.py): the same answers as DuckDB when every filter,
projection and aggregate input that can compile does, an eager fallback when compiling fails,
and the `compile` option of connect."""

from __future__ import annotations

import os

import pytest
import torch

import tqp
from tests.oracle import check_against_duckdb
from tests.sql.fixtures import extra_tables, load_corpus
from tqp.operators import fused

# A slice of the corpus rich in arithmetic, comparisons and NULLs over numbers and dates: each
# query compiles a few kernels (seconds each; Inductor's on-disk cache serves later runs), so
# the suite runs a few and TQP_COMPILED_CORPUS names files to run whole ("all": every file).
COMPILED_QUERIES = ("numeric::decimal_times_int", "numeric::int_division",
                    "numeric::precedence_unary", "tpch_variants::q06_1997_arith_bounds",
                    "tpch_variants::q01_delta_60",
                    "nulls::between_null", "nulls::null_arithmetic")
_FILES = os.environ.get("TQP_COMPILED_CORPUS", "")
QUERIES = [q for q in load_corpus() if q.id in COMPILED_QUERIES or q.file in _FILES.split(",")
           or _FILES == "all"]
COMPILED = "ran compiled"


@pytest.fixture(scope="module")
def compiled_con(tpch_tables):
    con = tqp.connect(compile="always")
    for name, table in {**tpch_tables, **extra_tables()}.items():
        con.register(name, table)
    yield con
    con.close()


def _plan(con, sql: str) -> str:
    return "\n".join(row[0] for row in con.execute("EXPLAIN ANALYZE " + sql).fetchall())


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_compiled_corpus_query(query, compiled_con, corpus_duck_con):
    for statement in query.setup:
        corpus_duck_con.execute(statement)
        compiled_con.execute(statement)
    check_against_duckdb(compiled_con, corpus_duck_con, query.sql)


SUM_SQL = ("select l_returnflag, sum(l_extendedprice * (1 - l_discount)) as s, count(*) as n "
           "from lineitem where l_shipdate <= date '1998-09-01' - interval 3 day "
           "group by l_returnflag order by l_returnflag")


def test_aggregate_inputs_run_compiled_and_explain_analyze_says_so(compiled_con,
                                                                    corpus_duck_con):
    check_against_duckdb(compiled_con, corpus_duck_con, SUM_SQL)
    assert COMPILED in _plan(compiled_con, SUM_SQL)


def test_one_kernel_serves_every_constant_of_a_shape(compiled_con):
    compiled_con.execute("select sum(l_quantity * 2) from lineitem where l_tax < 0.03").fetchall()
    kernels = len(fused._KERNELS)
    compiled_con.execute("select sum(l_quantity * 3) from lineitem where l_tax < 0.05").fetchall()
    assert len(fused._KERNELS) == kernels


def test_a_failed_compile_falls_back_to_eager(tpch_tables, corpus_duck_con, monkeypatch):
    def broken(fn, **options):
        def run(*args):
            raise RuntimeError("forced compile failure")
        return run

    monkeypatch.setattr(torch, "compile", broken)
    monkeypatch.setattr(fused, "_KERNELS", {})
    with tqp.connect(compile="always") as con:
        con.register("lineitem", tpch_tables["lineitem"])
        check_against_duckdb(con, corpus_duck_con, SUM_SQL)
        assert all(kernel is None or kernel.broken for kernel in fused._KERNELS.values())
        assert COMPILED not in _plan(con, SUM_SQL)


def test_a_query_error_in_compiled_code_is_the_eager_error(compiled_con):
    with pytest.raises(tqp.DataError, match="Overflow"):
        compiled_con.execute("select l_orderkey * 9223372036854775 as x from lineitem "
                             "where l_orderkey > 2").fetchall()


def test_auto_runs_eager_while_a_new_kernel_compiles_in_the_background(
        tpch_tables, corpus_duck_con, monkeypatch):
    monkeypatch.setattr(fused, "COMPILE_MIN_ROWS", 1)
    monkeypatch.setattr(fused, "_KERNELS", {})
    with tqp.connect(compile="auto") as con:
        con.register("lineitem", tpch_tables["lineitem"])
        assert COMPILED not in _plan(con, SUM_SQL)  # the first run: eager, the compile started
        for kernel in fused._KERNELS.values():
            if kernel is not None and kernel.compiling is not None:
                kernel.compiling.join()
        check_against_duckdb(con, corpus_duck_con, SUM_SQL)
        assert COMPILED in _plan(con, SUM_SQL)


@pytest.mark.parametrize("mode", ["off", "auto"])
def test_off_and_auto_on_small_batches_run_eager(mode, tpch_tables):
    with tqp.connect(compile=mode) as con:
        con.register("lineitem", tpch_tables["lineitem"])
        assert COMPILED not in _plan(con, SUM_SQL)


def test_connect_rejects_an_unknown_compile_mode():
    with pytest.raises(tqp.ProgrammingError, match="compile must be one of"):
        tqp.connect(compile="sometimes")
