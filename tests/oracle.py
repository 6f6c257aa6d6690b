"""DuckDB as the oracle: compare a tqp result with DuckDB's answer to the same SQL.

The comparison rules (row counts, then values: floats with a relative tolerance of 1e-6, in order
when the query orders its output, as multisets otherwise) live in `bench/tpch/compare.py`, the
one implementation shared by the tests and the benchmark; this module turns a difference into a
test failure.
"""

from __future__ import annotations

import pyarrow as pa

from bench.tpch.compare import compare_tables, is_ordered

__all__ = ["assert_same_result", "check_against_duckdb", "is_ordered"]


def assert_same_result(actual: pa.Table, expected: pa.Table, ordered: bool, context: str = ""):
    """Fail with a readable message unless `actual` holds the same rows as `expected`."""
    problem = compare_tables(actual, expected, ordered)
    if problem is not None:
        where = f" [{context}]" if context else ""
        raise AssertionError(f"{problem}{where}")


def check_against_duckdb(tqp_con, duck_con, sql: str):
    """Run `sql` on tqp and DuckDB and assert the answers agree."""
    expected = duck_con.sql(sql).to_arrow_table()
    actual = tqp_con.execute(sql).fetch_arrow_table()
    assert_same_result(actual, expected, is_ordered(sql), context=sql.strip()[:200])
