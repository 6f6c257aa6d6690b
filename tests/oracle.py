"""DuckDB as the oracle: compare a tqp result with DuckDB's answer to the same SQL.

Row counts first, then values: floats with a relative tolerance of 1e-6, everything else exactly;
in order when the query orders its output, as multisets when it does not.
"""

from __future__ import annotations

import datetime
import decimal
import math

import pyarrow as pa
import sqlglot

REL_TOL = 1e-6
ABS_TOL = 1e-9


def is_ordered(sql: str) -> bool:
    """True when the outermost query has an ORDER BY, so row order is part of the answer."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.args.get("order") is not None


def _normalize(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def _rows(table: pa.Table) -> list[tuple]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [tuple(_normalize(v) for v in row) for row in zip(*columns)]


def _sort_key(row: tuple):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif isinstance(v, float):
            key.append((1, 0.0 if math.isnan(v) else float(f"{v:.5g}")))
        elif isinstance(v, (int, bool)):
            key.append((1, float(v)))
        else:
            key.append((2, str(v)))
    return key


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not (
        isinstance(a, bool) or isinstance(b, bool)
    ):
        if isinstance(a, float) or isinstance(b, float):
            if math.isnan(a) or math.isnan(b):
                return math.isnan(a) and math.isnan(b)
            return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
        return a == b
    return a == b


def assert_same_result(actual: pa.Table, expected: pa.Table, ordered: bool, context: str = ""):
    """Fail with a readable message unless `actual` holds the same rows as `expected`."""
    where = f" [{context}]" if context else ""
    assert actual.num_columns == expected.num_columns, (
        f"column count {actual.num_columns} != {expected.num_columns}{where}: "
        f"{actual.column_names} vs {expected.column_names}"
    )
    assert actual.num_rows == expected.num_rows, (
        f"row count {actual.num_rows} != {expected.num_rows}{where}"
    )
    got, want = _rows(actual), _rows(expected)
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w) or not all(_same_value(a, b) for a, b in zip(g, w)):
            raise AssertionError(f"row {i} differs{where}:\n  tqp:    {g}\n  duckdb: {w}")


def check_against_duckdb(tqp_con, duck_con, sql: str):
    """Run `sql` on tqp and DuckDB and assert the answers agree."""
    expected = duck_con.sql(sql).to_arrow_table()
    actual = tqp_con.execute(sql).fetch_arrow_table()
    assert_same_result(actual, expected, is_ordered(sql), context=sql.strip()[:200])


