"""The 22 TPC-H queries at SF 0.01 through Ray tasks: tqp's answer must be DuckDB's, column
names and type kinds included."""

from __future__ import annotations

import pytest

from tests.oracle import is_ordered, result_problem
from tests.tpch.test_queries import QUERIES, QUERY_DIR


@pytest.mark.parametrize("query", QUERIES)
def test_tpch_query_on_ray(query, ray_con, duck_con):
    sql = (QUERY_DIR / f"{query}.sql").read_text()
    expected = duck_con.sql(sql).to_arrow_table()
    actual = ray_con.execute(sql).fetch_arrow_table()
    assert result_problem(actual, expected, is_ordered(sql)) is None


@pytest.fixture(scope="module")
def ray_files_con(ray_cluster, tpch_dir):
    """A Ray connection on the Parquet files themselves: the tasks read their row groups."""
    import tqp

    con = tqp.connect(tpch_dir, cluster="ray", batch_rows=16384)
    yield con
    con.close()


@pytest.mark.parametrize("query", ["q01", "q03", "q09", "q18", "q21"])
def test_tpch_query_on_ray_reading_files(query, ray_files_con, duck_con):
    sql = (QUERY_DIR / f"{query}.sql").read_text()
    expected = duck_con.sql(sql).to_arrow_table()
    actual = ray_files_con.execute(sql).fetch_arrow_table()
    assert result_problem(actual, expected, is_ordered(sql)) is None
