"""The differential corpus: every query of `corpus/*.sql` must give DuckDB's answer on tqp."""

from __future__ import annotations

import pytest

from tests.oracle import check_against_duckdb
from tests.sql.fixtures import load_corpus

QUERIES = load_corpus()


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_corpus_query(query, corpus_tqp_con, corpus_duck_con):
    for statement in query.setup:  # views: created on both sides (create or replace)
        corpus_duck_con.execute(statement)
        corpus_tqp_con.execute(statement)
    check_against_duckdb(corpus_tqp_con, corpus_duck_con, query.sql)
