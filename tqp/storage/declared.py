"""Declared column types: the Arrow field each `CREATE TABLE` column type is stored as, and the
checked conversion of values into it.

A table created by SQL keeps its declared types in its Arrow schema: the Arrow type (SMALLINT is
int16, REAL float32, DECIMAL(p,s) decimal128(p,s)), `nullable=False` for NOT NULL, and the type's
SQL name in the field metadata (for DESCRIBE and the database folder's catalog file). Values
written into such a table go through `conform`: a value that does not fit its column raises
`DataError`, a NULL in a NOT NULL column `IntegrityError`, and nothing is ever silently wrapped.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from tqp.errors import DataError, IntegrityError, NotSupportedError, ProgrammingError
from tqp.types import DEFAULT_DECIMAL, MAX_DECIMAL_PRECISION
from tqp.storage import intervals
from tqp.storage.arrow import TYPE_KEY, arrow_type_to_sql

# Text parsed as a decimal keeps this many digits after the point before rounding to the column's.
TEXT_DECIMAL_SCALE = 18

_ARROW_TYPES = {
    exp.DataType.Type.TINYINT: ("TINYINT", pa.int8()),
    exp.DataType.Type.SMALLINT: ("SMALLINT", pa.int16()),
    exp.DataType.Type.INT: ("INTEGER", pa.int32()),
    exp.DataType.Type.BIGINT: ("BIGINT", pa.int64()),
    exp.DataType.Type.FLOAT: ("FLOAT", pa.float32()),
    exp.DataType.Type.DOUBLE: ("DOUBLE", pa.float64()),
    exp.DataType.Type.BOOLEAN: ("BOOLEAN", pa.bool_()),
    exp.DataType.Type.DATE: ("DATE", pa.date32()),
    exp.DataType.Type.TIMESTAMP: ("TIMESTAMP", pa.timestamp("us")),
    exp.DataType.Type.TIMESTAMPNTZ: ("TIMESTAMP", pa.timestamp("us")),
    exp.DataType.Type.DATETIME: ("TIMESTAMP", pa.timestamp("us")),
    exp.DataType.Type.TIMESTAMPTZ: ("TIMESTAMP WITH TIME ZONE", pa.timestamp("us", tz="UTC")),
    exp.DataType.Type.TEXT: ("VARCHAR", pa.string()),
    exp.DataType.Type.VARCHAR: ("VARCHAR", pa.string()),
    exp.DataType.Type.CHAR: ("VARCHAR", pa.string()),
    exp.DataType.Type.NVARCHAR: ("VARCHAR", pa.string()),
}


def declared_field(name: str, kind: exp.DataType | str, not_null: bool = False) -> pa.Field:
    """The Arrow field that stores a column declared as `kind` (a sqlglot type or its SQL)."""
    if isinstance(kind, str):
        try:
            kind = exp.DataType.build(kind, dialect="duckdb")
        except Exception:  # noqa: BLE001 - sqlglot raises several kinds for a bad type name
            raise ProgrammingError(f"unknown column type {kind!r}") from None
    if kind.this == exp.DataType.Type.DECIMAL:
        sql_name, arrow_type = _decimal(kind)
    elif kind.this in _ARROW_TYPES:
        sql_name, arrow_type = _ARROW_TYPES[kind.this]
    else:
        raise NotSupportedError(
            f"column type {kind.sql(dialect='duckdb')} (tqp stores INTEGER, BIGINT, SMALLINT, "
            "TINYINT, DOUBLE, REAL, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ and "
            "BOOLEAN)")
    return pa.field(name, arrow_type, nullable=not not_null, metadata={TYPE_KEY: sql_name})


def _decimal(kind: exp.DataType) -> tuple[str, pa.DataType]:
    params = [int(p.name) for p in kind.expressions]
    precision, scale = DEFAULT_DECIMAL if not params else (params + [0])[:2]
    if not 1 <= precision <= MAX_DECIMAL_PRECISION or not 0 <= scale <= precision:
        raise ProgrammingError(f"DECIMAL({precision},{scale}): the width must be 1 to 38 and "
                               "the scale at most the width")
    return f"DECIMAL({precision},{scale})", pa.decimal128(precision, scale)


def type_name(field: pa.Field) -> str:
    """The SQL name of a column's type: as declared, or as tqp reads the Arrow type."""
    if field.metadata and TYPE_KEY in field.metadata:
        return field.metadata[TYPE_KEY].decode()
    if pa.types.is_decimal(field.type):
        return f"DECIMAL({field.type.precision},{field.type.scale})"
    if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):  # INTEGER[]
        return type_name(pa.field(field.name, field.type.value_type)) + "[]"
    if pa.types.is_struct(field.type):  # STRUCT(a INTEGER, "year" BIGINT), as DuckDB's
        from tqp.planner.names import quoted_field_name  # the planner imports storage

        return "STRUCT(" + ", ".join(f"{quoted_field_name(f.name)} {type_name(f)}"
                                     for f in field.type) + ")"
    return arrow_type_to_sql(field.type).value


# Field metadata of the columns of a table made by CREATE TABLE AS: their Arrow types are the
# types tqp computed, which may be wider than DuckDB's (TINYINT as INTEGER), so TYPEOF of them
# is refused.
QUERY_TYPE_KEY = b"tqp_query_type"


def with_query_types(table: pa.Table) -> pa.Table:
    """`table` with every field marked as typed by a tqp query (QUERY_TYPE_KEY)."""
    fields = [f.with_metadata({**(f.metadata or {}), QUERY_TYPE_KEY: b"1"}) for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table`'s columns (matched to `schema` by position) converted to the declared types.

    Raises:
        DataError: a value does not fit its column's type (out of range, unparsable text).
        IntegrityError: a NULL in a NOT NULL column.
    """
    arrays = []
    for column, field in zip(table.columns, schema):
        array = conform_array(column, field)
        if not field.nullable and array.null_count:
            raise IntegrityError(f"NOT NULL constraint failed: column {field.name} "
                                 f"({array.null_count} NULL value(s) given)")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def conform_array(array: pa.ChunkedArray | pa.Array, field: pa.Field) -> pa.ChunkedArray:
    """One column converted to `field`'s type, with DuckDB's rules for implicit casts."""
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array], array.type)
    target = field.type
    if array.type == target:
        return array
    try:
        return _convert(array, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError) as exc:
        raise DataError(f"a value does not fit column {field.name} {type_name(field)}: "
                        f"{_short(exc)}") from None


def _convert(array: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    source = array.type
    if pa.types.is_null(source):
        return pa.chunked_array([pa.nulls(len(array), target)], target)
    if pa.types.is_dictionary(source):
        return _convert(array.cast(source.value_type), target)
    if pa.types.is_integer(target):
        if pa.types.is_floating(source):
            _check_finite(array)
        # DuckDB rounds to the nearest integer: a DOUBLE's ties to even (nearbyint), a
        # DECIMAL's away from zero.
        if pa.types.is_floating(source):
            array = pc.round(array, round_mode="half_to_even")
        elif pa.types.is_decimal(source):
            array = pc.round(array, round_mode="half_towards_infinity")
        return array.cast(target)
    if pa.types.is_decimal(target):
        if pa.types.is_integer(source) or pa.types.is_boolean(source):
            return array.cast(pa.string()).cast(target)  # int -> decimal checks the width
        if pa.types.is_floating(source):
            _check_finite(array)
        if pa.types.is_string(source) or pa.types.is_large_string(source):
            array = array.cast(pa.decimal128(MAX_DECIMAL_PRECISION, TEXT_DECIMAL_SCALE))
        if pa.types.is_decimal(array.type) or pa.types.is_floating(source):
            array = pc.round(array, ndigits=target.scale, round_mode="half_towards_infinity")
        return array.cast(target)
    if pa.types.is_floating(target):
        out = array.cast(target)
        if target.bit_width < 64 and pa.types.is_floating(source):
            overflow = pc.and_(pc.is_finite(array), pc.invert(pc.is_finite(out)))
            if pc.any(overflow).as_py():
                raise pa.ArrowInvalid(f"value out of range for {target}")
        return out
    if pa.types.is_timestamp(target) and pa.types.is_timestamp(source):
        return array.cast(target, safe=False)  # finer units are truncated, as on reading
    if pa.types.is_date(target) and pa.types.is_timestamp(source):
        return array.cast(target, safe=False)  # the date part
    if target == pa.month_day_nano_interval():
        return pa.chunked_array([intervals.month_day_nano(c) for c in array.chunks], target)
    if pa.types.is_timestamp(target) and target.tz is not None and (
            pa.types.is_string(source) or pa.types.is_large_string(source)):
        # A TIMESTAMPTZ from text: with a UTC offset after the time it is that instant,
        # without one it is a wall clock in the session zone, UTC.
        zoned = pc.match_substring_regex(array, _ZONED_TEXT)
        instants = pc.if_else(zoned, array, pa.scalar(None, source)).cast(target)
        clocks = pc.if_else(zoned, pa.scalar(None, source), array).cast(
            pa.timestamp(target.unit)).cast(target)
        return pc.coalesce(instants, clocks)
    return array.cast(target)


# Text that ends with a UTC offset right after its time: `... 10:00:00+02`, `...10:00Z`.
_ZONED_TEXT = r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?(?:[+-][0-9]{2}(?::?[0-9]{2})*|[zZ])\s*$"


def _check_finite(array: pa.ChunkedArray) -> None:
    bad = pc.invert(pc.is_finite(array))
    if pc.any(bad).as_py():
        raise pa.ArrowInvalid("NaN and infinity have no exact value of this type")


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0]
