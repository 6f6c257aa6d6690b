"""Bringing two or more columns to one representation so they can be compared or combined.

Numbers widen to a common numeric type, DATE meets TIMESTAMP as microseconds, strings share one
sorted dictionary, and a string meeting a date or number is cast (as DuckDB casts literals).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import torch

from tqp.errors import ProgrammingError
from tqp.storage import dictionary as dicts
from tqp.storage.column import Column
from tqp.types import DataType, common_numeric_type

MICROS_PER_DAY = 86_400_000_000


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
    if all(t is known[0] for t in known):
        return known[0]
    if all(t.is_numeric for t in known):
        result = known[0]
        for t in known[1:]:
            result = common_numeric_type(result, t)
        return result
    kinds = set(known)
    if kinds <= {DataType.DATE, DataType.TIMESTAMP}:
        return DataType.TIMESTAMP
    if DataType.VARCHAR in kinds and len(kinds) == 2:
        return (kinds - {DataType.VARCHAR}).pop()  # the string side is cast, as DuckDB does
    if DataType.BOOLEAN in kinds and all(t.is_integer or t is DataType.BOOLEAN for t in kinds):
        return DataType.BOOLEAN
    names = ", ".join(sorted(t.value for t in kinds))
    raise ProgrammingError(f"cannot compare or combine values of types {names} in {what}")


def to_type(column: Column, target: DataType, what: str = "expression") -> Column:
    """`column` converted to `target` (implicit conversions only: widening, DATE -> TIMESTAMP,
    string -> anything by parsing, NULL -> anything)."""
    if column.type is target:
        return column
    if column.type is DataType.NULL:
        values = torch.zeros(len(column), dtype=target.torch_dtype, device=column.device)
        dictionary = pa.array([], pa.large_string()) if target is DataType.VARCHAR else None
        return Column(values, target, column.validity(), dictionary)
    if column.type.is_numeric and target.is_numeric:
        return Column(column.values.to(target.torch_dtype), target, column.valid)
    if column.type is DataType.DATE and target is DataType.TIMESTAMP:
        return Column(column.values.long() * MICROS_PER_DAY, target, column.valid)
    if column.type is DataType.BOOLEAN and target.is_integer:
        return Column(column.values.to(target.torch_dtype), target, column.valid)
    if column.type is DataType.VARCHAR or target is DataType.VARCHAR:
        from tqp.operators.expressions.casts import cast_column

        return cast_column(column, target)
    raise ProgrammingError(f"cannot convert {column.type.value} to {target.value} in {what}")


def align(columns: list[Column], what: str) -> list[Column]:
    """Columns converted to their common type; strings also share one dictionary."""
    target = common_type([c.type for c in columns], what)
    if target is DataType.NULL:
        return columns
    converted = [to_type(c, target, what) for c in columns]
    if target is DataType.VARCHAR:
        converted = unify_strings(converted)
    return converted


def gather_map(values: np.ndarray, codes: torch.Tensor) -> torch.Tensor:
    """Per-dictionary-entry results (numpy) looked up for every row by its code."""
    table = dicts.to_device_map(values, codes.device)
    if table.shape[0] == 0:
        return torch.zeros(codes.shape[0], dtype=table.dtype, device=codes.device)
    return table[codes.long()]
