"""The 22 TPC-H queries at SF 0.01: tqp's answer must be DuckDB's, on every device."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.oracle import check_against_duckdb

QUERY_DIR = Path(__file__).resolve().parents[2] / "bench" / "tpch" / "queries"
QUERIES = [f"q{n:02d}" for n in range(1, 23)]


@pytest.mark.parametrize("query", QUERIES)
def test_tpch_query(query, tqp_con, duck_con):
    sql = (QUERY_DIR / f"{query}.sql").read_text()
    check_against_duckdb(tqp_con, duck_con, sql)
