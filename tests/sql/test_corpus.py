"""The differential corpus: every query of `corpus/*.sql` must give DuckDB's answer on tqp."""

from __future__ import annotations

import re

import pytest

import tqp
from bench.tpch.datagen import TABLES
from tests.oracle import check_against_duckdb
from tests.sql.fixtures import extra_tables, load_corpus

QUERIES = load_corpus()


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_corpus_query(query, corpus_tqp_con, corpus_duck_con):
    for statement in query.setup:  # views: created on both sides (create or replace)
        corpus_duck_con.execute(statement)
        corpus_tqp_con.execute(statement)
    check_against_duckdb(corpus_tqp_con, corpus_duck_con, query.sql)


TPCH_TABLE = re.compile(r"\b(" + "|".join(TABLES) + r")\b", re.IGNORECASE)
SMALL_TABLE_QUERIES = [q for q in QUERIES
                       if not any(TPCH_TABLE.search(s) for s in (q.sql, *q.setup))]


@pytest.fixture(scope="module")
def tiny_batch_con():
    """tqp over the corpus's small tables only, streaming them in batches of 2 rows."""
    con = tqp.connect(batch_rows=2)
    for name, table in extra_tables().items():
        con.register(name, table)
    yield con
    con.close()


@pytest.mark.parametrize("query", SMALL_TABLE_QUERIES, ids=[q.id for q in SMALL_TABLE_QUERIES])
def test_corpus_query_in_batches_of_two_rows(query, tiny_batch_con, corpus_duck_con):
    """NULLs, duplicate keys and empty inputs cut across batch boundaries give the same answer."""
    for statement in query.setup:
        corpus_duck_con.execute(statement)
        tiny_batch_con.execute(statement)
    check_against_duckdb(tiny_batch_con, corpus_duck_con, query.sql)


@pytest.fixture(scope="module")
def uncached_con(tpch_tables):
    """tqp over the corpus's tables, its tensor cache emptied before each query (below)."""
    con = tqp.connect()
    for name, table in {**tpch_tables, **extra_tables()}.items():
        con.register(name, table)
    yield con
    con.close()


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_corpus_query_from_an_empty_cache(query, uncached_con, corpus_duck_con):
    """Each query reads its columns itself, with the dictionary order it asks for: a column
    an earlier query left sorted in the cache cannot hide a string read in hash order."""
    uncached_con.uncache()
    for statement in query.setup:
        corpus_duck_con.execute(statement)
        uncached_con.execute(statement)
    check_against_duckdb(uncached_con, corpus_duck_con, query.sql)
