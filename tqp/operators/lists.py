"""Kernels over LIST columns: whole-column tensor programs on Arrow's list layout.

A LIST column numbers lists of a `ListArray` (offsets into one flat element column). Every list
operation reduces to two steps over all rows at once: the span (start, length) of each row's
list, and, where elements are read, one gather of the elements of all rows, with the row each
element belongs to (`element_rows`). No loop runs over rows or lists.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators.expressions import evaluate
from tqp.storage.column import Batch, Column, ListArray, normalize_valid, null_column
from tqp.storage.lists import element_rows, spans
from tqp.types import DataType


def require_list(column: Column, what: str) -> None:
    """Raise unless `column` holds lists (NULL, an untyped NULL, is let through by callers)."""
    if column.type is not DataType.LIST:
        raise NotSupportedError(f"{what} of a {column.type.value} value (a LIST is expected)")


def reject_list_keys(columns, what: str) -> None:
    """Raise where LIST or STRUCT values would be compared, grouped or ordered as keys: tqp
    compares lists only element by element (list_contains) and structs field by field, not as
    whole values."""
    for column in columns:
        if column.type is DataType.LIST:
            raise NotSupportedError(f"LIST values as keys of {what} (comparing whole lists)")
        if column.type is DataType.STRUCT:
            raise NotSupportedError(f"STRUCT values as keys of {what} (comparing whole structs)")


def from_lengths(elements: Column, lengths: torch.Tensor,
                 valid: torch.Tensor | None = None) -> Column:
    """A LIST column whose row i holds the next `lengths[i]` elements of `elements` (which
    holds exactly the rows' elements, in row order); `valid` marks NULL lists."""
    offsets = torch.zeros(lengths.shape[0] + 1, dtype=torch.int64, device=lengths.device)
    torch.cumsum(lengths, 0, out=offsets[1:])
    ids = torch.arange(lengths.shape[0], device=lengths.device)
    return Column(ids, DataType.LIST, normalize_valid(valid), lists=ListArray(offsets, elements))


def extract(column: Column, index: Column) -> Column:
    """`list[i]` / list_extract: the element at the 1-based `index` (negative counts from the
    end); NULL where the list or index is NULL or the index is out of range (0 included)."""
    starts, lengths = spans(column)
    i = index.values.long()
    position = torch.where(i > 0, i - 1, lengths + i)
    found = (i != 0) & (position >= 0) & (position < lengths)
    if index.valid is not None:
        found &= index.valid
    if column.valid is not None:
        found &= column.valid
    at = torch.where(found, starts + position, torch.full_like(starts, -1))
    return column.lists.elements.take_or_null(at)


def slice_(column: Column, begin: Column, end: Column) -> Column:
    """list_slice(l, begin, end): elements begin..end, 1-based and inclusive; a negative bound
    counts from the end, bounds are clamped to the list; NULL where any argument is NULL."""
    starts, lengths = spans(column)
    first = _bound(begin.values.long(), lengths)
    last = _bound(end.values.long(), lengths)
    first = first.clamp(min=1)
    last = torch.minimum(last, lengths)
    kept = (last - first + 1).clamp(min=0)
    valid = column.validity() & begin.validity() & end.validity()
    kept = torch.where(valid, kept, torch.zeros_like(kept))
    _, index, _ = element_rows(starts + first - 1, kept)
    return from_lengths(column.lists.elements.take(index), kept, valid)


def _bound(value: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    return torch.where(value < 0, lengths + value + 1, value)


def length(column: Column) -> Column:
    """len / array_length: the number of elements (NULL elements included), BIGINT."""
    _, lengths = spans(column)
    return Column(lengths, DataType.BIGINT, column.valid)


def any_per_row(hits: torch.Tensor, rows: torch.Tensor, n: int) -> torch.Tensor:
    """Per row: is any of its elements' `hits` True? (Rows without elements: False.)"""
    counts = torch.zeros(n, dtype=torch.int64, device=hits.device)
    return counts.index_add_(0, rows, hits.long()) > 0


def unnest(batch: Batch, lists: tuple[tuple[str, exp.Expression], ...]) -> Batch:
    """`batch`'s rows, each repeated once per element of its longest list among `lists`, plus
    a column per list with the element at that position (NULL past a shorter list's end)."""
    columns = [evaluate(e, batch) for _, e in lists]
    for column in columns:
        if column.type is not DataType.NULL:
            require_list(column, "UNNEST")
    listed = [c for c in columns if c.type is DataType.LIST]
    n = batch.num_rows
    spans_ = [spans(c) for c in listed]
    longest = torch.zeros(n, dtype=torch.int64, device=batch.device)
    for _, lengths in spans_:  # a loop over the unnested columns
        longest = torch.maximum(longest, lengths)
    rows, _, position = element_rows(torch.zeros_like(longest), longest)
    out = batch.take(rows)
    spans_ = iter(spans_)
    added = {}
    for (name, _), column in zip(lists, columns):
        if column.type is DataType.NULL:
            added[name] = null_column(len(rows), DataType.NULL, batch.device)
            continue
        starts, lengths = next(spans_)
        inside = position < lengths[rows]
        at = torch.where(inside, starts[rows] + position, torch.full_like(position, -1))
        added[name] = column.lists.elements.take_or_null(at)
    return out.with_columns(added)
