"""Bringing two or more columns to one representation so they can be compared or combined.

Numbers widen to a common numeric type (DECIMALs to a common precision and scale, exactly; a
DECIMAL meeting a DOUBLE becomes a DOUBLE), DATE meets TIMESTAMP as microseconds, strings share one
sorted dictionary, and a string meeting a date or number is cast (as DuckDB casts literals).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import torch

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions.decimals import decimal_of, to_decimal
from tqp.storage import dictionary as dicts
from tqp.storage.column import Column, StructArray, zero_values
from tqp.storage.gather import gather
from tqp.types import (
    DEFAULT_DECIMAL, TEMPORAL_TYPES, TIMESTAMP_TYPES, DataType, DecimalType, common_numeric_type,
)

MICROS_PER_DAY = 86_400_000_000
# The days whose midnight is a TIMESTAMP (int64 microseconds), as DuckDB converts a DATE.
TIMESTAMP_DAYS = (2**63 - 1) // MICROS_PER_DAY


def date_micros(column: Column) -> torch.Tensor:
    """The int64 microseconds since 1970 of a DATE column's midnights; a DATE past the TIMESTAMP
    range (beyond the year 294246) raises DataError, as DuckDB's conversion does."""
    days = column.values.long()
    outside = days.abs() > TIMESTAMP_DAYS
    if column.valid is not None:
        outside &= column.valid
    if bool(outside.any()):
        raise DataError("Date and time not in timestamp range: a DATE converted to TIMESTAMP")
    return days * MICROS_PER_DAY


def unify_strings(columns: list[Column]) -> list[Column]:
    """The same string columns re-coded against one shared sorted dictionary."""
    first = columns[0].dictionary
    if all(c.dictionary is first for c in columns):
        return columns
    merged = columns[0].dictionary
    for c in columns[1:]:
        if c.dictionary is not merged:
            merged = dicts.union(merged, c.dictionary)
    out = []
    for c in columns:
        if len(c.dictionary) == 0:
            out.append(Column(torch.zeros_like(c.values), c.type, c.valid, merged))
            continue
        mapping = dicts.to_device_map(dicts.remap(c.dictionary, merged), c.device)
        out.append(Column(mapping[c.values.long()], c.type, c.valid, merged))
    return out


def common_type(types: list[DataType], what: str) -> DataType:
    """The type values of `types` meet in (for CASE, COALESCE, UNION, comparisons...)."""
    known = [t for t in types if t is not DataType.NULL]
    if not known:
        return DataType.NULL
    if DataType.LIST in known:  # lists are numbered per array: rows of two cannot be mixed
        raise NotSupportedError(f"LIST values in {what}")
    if DataType.STRUCT in known:
        raise NotSupportedError(f"STRUCT values in {what}")
    if all(t is known[0] for t in known):
        return known[0]
    if all(t.is_numeric for t in known):
        result = known[0]
        for t in known[1:]:
            result = common_numeric_type(result, t)
        return result
    kinds = set(known)
    if kinds <= TEMPORAL_TYPES:  # DuckDB: a TIMESTAMPTZ wins (the others in the session zone)
        return DataType.TIMESTAMPTZ if DataType.TIMESTAMPTZ in kinds else DataType.TIMESTAMP
    if DataType.VARCHAR in kinds and len(kinds) == 2:
        return (kinds - {DataType.VARCHAR}).pop()  # the string side is cast, as DuckDB does
    if DataType.BOOLEAN in kinds and all(t.is_integer or t is DataType.BOOLEAN for t in kinds):
        return DataType.BOOLEAN
    names = ", ".join(sorted(t.value for t in kinds))
    raise ProgrammingError(f"cannot compare or combine values of types {names} in {what}")


def to_type(column: Column, target: DataType, what: str = "expression",
            decimal: DecimalType | None = None) -> Column:
    """`column` converted to `target` (implicit conversions only: widening, DATE -> TIMESTAMP,
    string -> anything by parsing, NULL -> anything); a DECIMAL target takes `decimal` (by
    default the column's own, or the one its integer type converts to)."""
    if column.type is target and (decimal is None or column.decimal == decimal):
        return column
    if len(column) > 1 and column.is_broadcast:  # a constant: converted once, still a view
        return to_type(column.first_row(), target, what, decimal).broadcast(len(column))
    if column.type is DataType.NULL:
        values = zero_values(len(column), target, column.device)
        dictionary = pa.array([], pa.large_string()) if target is DataType.VARCHAR else None
        return Column(values, target, column.validity(), dictionary, _null_decimal(target, decimal))
    if column.type.is_numeric and target.is_numeric:
        if target is DataType.DOUBLE:
            return Column(column.as_double(), target, column.valid)
        if target is DataType.FLOAT:
            from tqp.operators.expressions.floats import to_float

            return to_float(column)
        if target is DataType.DECIMAL:
            return to_decimal(column, decimal or decimal_of(column), what)
        return Column(column.values.to(target.torch_dtype), target, column.valid)
    if column.type is DataType.DATE and target in TIMESTAMP_TYPES:
        return Column(date_micros(column), target, column.valid)
    if column.type is DataType.TIMESTAMP and target is DataType.TIMESTAMPTZ:  # UTC: the same
        return Column(column.values, target, column.valid)
    if column.type is DataType.BOOLEAN and target.is_integer:
        return Column(column.values.to(target.torch_dtype), target, column.valid)
    if column.type is DataType.VARCHAR or target is DataType.VARCHAR:
        from tqp.operators.expressions.casts import cast_column

        return cast_column(column, target, decimal)
    raise ProgrammingError(f"cannot convert {column.type.value} to {target.value} in {what}")


def _align_structs(columns: list[Column], what: str) -> list[Column]:
    """STRUCT columns (and untyped NULLs, which become NULL structs) numbering one struct
    array: the arrays of structs with the same field names are joined, each field's children
    end to end in their common type, and each column's numbers shifted past the arrays before
    its own."""
    from tqp.operators.batches import concat_columns  # batches imports this module

    structs = [c for c in columns if c.type is DataType.STRUCT]
    names = tuple(n.lower() for n in structs[0].struct.names)
    other = next((c for c in columns if c.type not in (DataType.STRUCT, DataType.NULL)), None)
    if other is not None:
        raise ProgrammingError(f"cannot combine STRUCT and {other.type.value} values in {what}")
    if any(tuple(n.lower() for n in c.struct.names) != names for c in structs):
        raise NotSupportedError(f"STRUCT values with other field names in {what}")
    arrays, shifts, shift = [], {}, 0
    for c in structs:  # a loop over the columns, each shifted whole
        if id(c.struct) not in shifts:
            shifts[id(c.struct)] = shift
            arrays.append(c.struct)
            shift += len(c.struct)
    merged = arrays[0]
    if len(arrays) > 1:
        merged = StructArray(merged.names, tuple(
            concat_columns([a.fields[i] for a in arrays], str(what))
            for i in range(len(names))))
    out = []
    for c in columns:
        if c.type is DataType.NULL:
            values = torch.zeros(len(c), dtype=torch.int64, device=c.device)
            out.append(Column(values, DataType.STRUCT,
                              torch.zeros(len(c), dtype=torch.bool, device=c.device),
                              struct=merged))
        else:
            values = c.values.long() + shifts[id(c.struct)] if len(arrays) > 1 else c.values
            out.append(Column(values, DataType.STRUCT, c.valid, struct=merged))
    return out


def _null_decimal(target: DataType, decimal: DecimalType | None) -> DecimalType | None:
    if target is not DataType.DECIMAL:
        return None
    return decimal or DecimalType(*DEFAULT_DECIMAL)


def common_decimal(columns: list[Column], supertype: bool = False) -> DecimalType:
    """The DECIMAL the numeric columns among `columns` meet in: to be compared, or with
    `supertype` to be one column (see `DecimalType.supertype`)."""
    typed = [decimal_of(c) for c in columns if c.type is DataType.DECIMAL or c.type.is_integer]
    result = typed[0]
    for d in typed[1:]:
        result = result.supertype(d) if supertype else result.common(d)
    return result


def align(columns: list[Column], what: str, supertype: bool = False) -> list[Column]:
    """Columns converted to their common type; strings also share one dictionary. With
    `supertype` the values become one column (CASE, COALESCE, UNION) rather than compared."""
    if supertype and any(c.type is DataType.STRUCT for c in columns):
        return _align_structs(columns, what)
    target = common_type([c.type for c in columns], what)
    if target is DataType.NULL:
        return columns
    decimal = common_decimal(columns, supertype) if target is DataType.DECIMAL else None
    converted = [to_type(c, target, what, decimal) for c in columns]
    if target is DataType.VARCHAR:
        converted = unify_strings(converted)
    return converted


def gather_map(values: np.ndarray, codes: torch.Tensor) -> torch.Tensor:
    """Per-dictionary-entry results (numpy) looked up for every row by its code."""
    table = dicts.to_device_map(values, codes.device)
    if table.shape[0] == 0:
        return torch.zeros(codes.shape[0], dtype=table.dtype, device=codes.device)
    return gather(table, codes)
