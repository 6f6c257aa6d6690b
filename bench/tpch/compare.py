"""Is tqp's answer DuckDB's answer? The benchmark's result check.

Row counts first, then values: floats with a relative tolerance of 1e-6, everything else exactly;
in order when the query orders its output, as multisets when it does not. The one implementation:
tests/oracle.py asserts on it; the benchmark gets a message back, so a run can go on after a wrong
answer.

Example:
    >>> import pyarrow as pa
    >>> compare_tables(pa.table({"x": [1.0, 2.0]}), pa.table({"x": [2.0, 1.0]}), ordered=False)
    >>> compare_tables(pa.table({"x": [1]}), pa.table({"x": [2]}), ordered=True)
    'row 0 differs:\\n  tqp:    (1,)\\n  duckdb: (2,)'
"""

from __future__ import annotations

import datetime
import decimal
import math

import pyarrow as pa
import sqlglot

REL_TOL = 1e-6
ABS_TOL = 1e-9
# Floats are rounded to this many significant digits in the sort key of unordered results, so
# that values equal within the tolerance sort to the same place on both sides.
SORT_DIGITS = 5


def is_ordered(sql: str) -> bool:
    """True when the outermost query has an ORDER BY, so row order is part of the answer."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.args.get("order") is not None


def compare_tables(actual: pa.Table, expected: pa.Table, ordered: bool) -> str | None:
    """None when `actual` holds the same rows as `expected`, otherwise a message saying where not.

    Args:
        actual: tqp's result.
        expected: DuckDB's result.
        ordered: compare rows in order (the query has an ORDER BY) rather than as multisets.
    """
    if actual.num_columns != expected.num_columns:
        return (f"column count {actual.num_columns} != {expected.num_columns}: "
                f"{actual.column_names} vs {expected.column_names}")
    if actual.num_rows != expected.num_rows:
        return f"row count {actual.num_rows} != {expected.num_rows}"
    got, want = _rows(actual), _rows(expected)
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w) or not all(_same_value(a, b) for a, b in zip(g, w)):
            return f"row {i} differs:\n  tqp:    {g}\n  duckdb: {w}"
    return None


def _normalize(value):
    """Python values both engines can produce for one SQL value, made comparable."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):  # an instant compares as its UTC clock
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.replace(tzinfo=None)
    return value


def _rows(table: pa.Table) -> list[tuple]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [tuple(_normalize(v) for v in row) for row in zip(*columns)]


def _sort_key(row: tuple) -> list[tuple]:
    """A total order over rows of mixed types: nulls, then numbers, then everything else.
    Rows whose floats agree to SORT_DIGITS digits in every column are then ordered by their
    exact numbers: without that, two such rows (9000000000.0 and 9000009297.0) kept each
    engine's own order and were paired wrongly."""
    key, exact = [], []
    for v in row:
        rounded = isinstance(v, float) and not math.isnan(v)
        if v is None:
            key.append((0, 0, 0))
        elif isinstance(v, float) and math.isnan(v):
            key.append((1, 1, 0.0))  # NaN after every number, as DuckDB orders it
        elif rounded:
            key.append((1, 0, float(f"{v:.{SORT_DIGITS}g}")))
        elif isinstance(v, (int, bool)):
            key.append((1, 0, float(v)))
        else:
            key.append((2, 0, str(v)))
        exact.append((3, 0, v if rounded else 0.0))
    return key + exact


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not (
        isinstance(a, bool) or isinstance(b, bool)
    ):
        if isinstance(a, float) or isinstance(b, float):
            if math.isnan(a) or math.isnan(b):
                return math.isnan(a) and math.isnan(b)
            return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
        return a == b
    return a == b
