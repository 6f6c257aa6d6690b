"""A handful of the 99 TPC-DS queries at SF 0.01: tqp's answer must be DuckDB's.

The queries are chosen for what they exercise: correlated subqueries (q01), ROLLUP with
GROUPING() and ranking windows (q05, q36, q67, q70, q80), window aggregates and offsets (q12,
q47, q51, q98), INTERSECT (q14), outer joins followed by comma joins (q40, q80, q93). The data is
tests/tpcds/conftest.py's; the whole benchmark is `python -m bench.tpcds`.
"""

from __future__ import annotations

import duckdb
import pytest

import tqp
from bench.tpcds.datagen import TABLES
from bench.tpcds.runner import TPCDS
from tests.oracle import check_against_duckdb

QUERIES = (1, 5, 12, 14, 36, 40, 47, 51, 67, 70, 80, 93, 98)


@pytest.fixture(scope="module")
def tpcds_tqp(tpcds_dir):
    con = tqp.connect()
    for table in TABLES:
        con.register(table, str(tpcds_dir / f"{table}.parquet"))
    yield con
    con.close()


@pytest.fixture(scope="module")
def tpcds_duck(tpcds_dir):
    con = duckdb.connect()
    con.execute("SET threads TO 1")
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS "
                    f"SELECT * FROM read_parquet('{tpcds_dir / f'{table}.parquet'}')")
    yield con
    con.close()


@pytest.mark.parametrize("number", QUERIES, ids=[f"q{n:02d}" for n in QUERIES])
def test_tpcds_query(number, tpcds_tqp, tpcds_duck):
    check_against_duckdb(tpcds_tqp, tpcds_duck, TPCDS.query_sql(number))
