"""DuckDB as the oracle: compare a tqp result with DuckDB's answer to the same SQL.

The value rules (row counts, then values: floats with a relative tolerance of 1e-6, in order when
the query orders its output, as multisets otherwise) live in `bench/tpch/compare.py`, the one
implementation shared by the tests and the benchmark. Before the values, `result_problem` compares
the column names and the kind of each column's type (`schema_problem`); the suite
(`assert_same_result`) and the fuzzer (tests/fuzz) both use it. This module turns a difference
into a test failure.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from bench.tpch.compare import compare_tables, is_ordered

__all__ = ["assert_same_result", "check_against_duckdb", "is_ordered", "result_problem",
           "schema_problem", "type_kind"]


def type_kind(arrow_type: pa.DataType) -> str:
    """The kind of an Arrow type: integer, decimal, float (single precision), double, string,
    date, timestamp, timestamp with time zone, interval (Arrow's month_day_nano_interval, as
    DuckDB returns an INTERVAL; a duration is not one), boolean, null, or the type's own name."""
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_decimal(arrow_type):
        return "decimal"
    if pa.types.is_float64(arrow_type):
        return "double"
    if pa.types.is_floating(arrow_type):  # DuckDB's FLOAT: float32 vs float64 is a difference
        return "float"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp" if arrow_type.tz is None else "timestamp with time zone"
    if arrow_type == pa.month_day_nano_interval():
        return "interval"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_null(arrow_type):
        return "null"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"list of {type_kind(arrow_type.value_type)}"
    if pa.types.is_struct(arrow_type):  # the fields' names and kinds, in order
        fields = ", ".join(f"{f.name}: {type_kind(f.type)}" for f in arrow_type)
        return f"struct<{fields}>"
    return str(arrow_type)


def schema_problem(actual: pa.Table, expected: pa.Table) -> str | None:
    """None when the column names and type kinds agree, otherwise a message saying where not.

    A column DuckDB types as NULL (an untyped NULL literal) may have any type in tqp.
    """
    if actual.column_names != expected.column_names:
        return f"column names {actual.column_names} != {expected.column_names}"
    for name, got, want in zip(actual.column_names, actual.schema.types, expected.schema.types):
        got_kind, want_kind = type_kind(got), type_kind(want)
        if got_kind != want_kind and want_kind != "null":
            return f"column {name!r}: type {got} ({got_kind}) != {want} ({want_kind})"
    return None


def result_problem(actual: pa.Table, expected: pa.Table, ordered: bool) -> str | None:
    """None when `actual` is `expected`: names, type kinds, then rows (see compare_tables)."""
    if actual.num_columns != expected.num_columns:
        return compare_tables(actual, expected, ordered)
    problem = schema_problem(actual, expected)
    if problem is not None:
        return problem
    return compare_tables(*_exact_floats(actual, expected), ordered)


def _exact_floats(actual: pa.Table, expected: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Both tables with their float32 columns as text (the shortest digits of each float32):
    FLOAT values must agree exactly, not within the tolerance DOUBLEs get, which would not
    tell 1.1 from 1.1::REAL. -0.0 reads as 0.0, as it does among DOUBLEs."""
    def text(column):
        column = pc.if_else(pc.equal(column, 0), pa.scalar(0.0, pa.float32()), column)
        return column.cast(pa.string())

    for i, (got, want) in enumerate(zip(actual.schema.types, expected.schema.types)):
        if pa.types.is_float32(got) and pa.types.is_float32(want):
            actual = actual.set_column(i, actual.field(i).name, text(actual.column(i)))
            expected = expected.set_column(i, expected.field(i).name, text(expected.column(i)))
    return actual, expected


def assert_same_result(actual: pa.Table, expected: pa.Table, ordered: bool, context: str = ""):
    """Fail with a readable message unless `actual` has `expected`'s column names, type kinds
    and rows."""
    problem = result_problem(actual, expected, ordered)
    if problem is not None:
        where = f" [{context}]" if context else ""
        raise AssertionError(f"{problem}{where}")


def check_against_duckdb(tqp_con, duck_con, sql: str):
    """Run `sql` on tqp and DuckDB and assert the answers agree."""
    expected = duck_con.sql(sql).to_arrow_table()
    actual = tqp_con.execute(sql).fetch_arrow_table()
    assert_same_result(actual, expected, is_ordered(sql), context=sql.strip()[:200])
