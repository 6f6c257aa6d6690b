"""The SQL corpus through Ray tasks: the small NULL-bearing tables cut into partitions of 3
rows (so joins, aggregates and subqueries cross stages with NULLs and empty partitions), the
TPC-H tables in partitions as in test_tpch."""

from __future__ import annotations

import pytest

import tqp
from tests.oracle import check_against_duckdb
from tests.sql.fixtures import extra_tables, load_corpus
from tests.sql.test_corpus import TPCH_TABLE


QUERIES = load_corpus()


@pytest.fixture(scope="module")
def ray_corpus_cons(ray_con, ray_cluster):
    """(the TPC-H connection with the corpus tables too, one over the small tables only in
    partitions of 3 rows)."""
    small = tqp.connect(cluster="ray", batch_rows=3)
    for name, table in extra_tables().items():
        small.register(name, table)
        ray_con.register(name, table)
    yield ray_con, small
    small.close()


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_corpus_query_on_ray(query, ray_corpus_cons, corpus_duck_con):
    reads_tpch = any(TPCH_TABLE.search(s) for s in (query.sql, *query.setup))
    con = ray_corpus_cons[0 if reads_tpch else 1]
    for statement in query.setup:
        corpus_duck_con.execute(statement)
        con.execute(statement)
    check_against_duckdb(con, corpus_duck_con, query.sql)
