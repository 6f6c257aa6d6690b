"""Kernels over STRUCT columns: Arrow's struct layout, one child column per field.

A STRUCT column numbers structs of a `StructArray` as a LIST column numbers lists: gathering
rows moves the numbers, and reading a field is one gather of its child column at them, NULL
where the struct is NULL. No loop runs over rows.
"""

from __future__ import annotations

import torch

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.storage.column import Column, StructArray, normalize_valid
from tqp.types import DataType


def from_fields(names: list[str], fields: list[Column],
                valid: torch.Tensor | None = None) -> Column:
    """A STRUCT column whose row i holds row i of each of `fields` (named `names`); `valid`
    marks NULL structs."""
    lowered = [n.lower() for n in names]
    if len(set(lowered)) != len(lowered):
        raise ProgrammingError(f"duplicate field names in a STRUCT: {', '.join(names)}")
    rows = len(fields[0])
    ids = torch.arange(rows, device=fields[0].device)
    return Column(ids, DataType.STRUCT, normalize_valid(valid),
                  struct=StructArray(tuple(names), tuple(fields)))


def require_struct(column: Column, what: str) -> None:
    """Raise unless `column` holds structs."""
    if column.type is not DataType.STRUCT:
        raise NotSupportedError(f"{what} of a {column.type.value} value (a STRUCT is expected)")


def field_of(column: Column, name: str) -> Column:
    """The field `name` of each row's struct: NULL where the struct or the field is NULL."""
    child = column.struct.field(name)
    if child is None:
        known = ", ".join(column.struct.names)
        raise ProgrammingError(f"a STRUCT has no field {name!r} (its fields: {known})")
    ids = column.values.long()
    if column.valid is None:
        return child.take(ids)
    return child.take_or_null(torch.where(column.valid, ids, torch.full_like(ids, -1)))


def fields_of(column: Column) -> list[Column]:
    """Every field of each row's struct, in order (NULL where the struct is NULL)."""
    return [field_of(column, name) for name in column.struct.names]

