"""Reading the lists of a LIST column as whole tensors: each row's span (start, length) in its
list array's elements, and the elements of every row gathered in one pass.

The two building blocks of every list kernel (operators/lists.py) and of the conversion to
Arrow (storage/arrow.py). No loop runs over rows or lists.
"""

from __future__ import annotations

import torch

from tqp.storage.column import Column


def spans(column: Column) -> tuple[torch.Tensor, torch.Tensor]:
    """(start, length) of each row's list in its element column; a NULL list has length 0."""
    ids = column.values.long()
    offsets = column.lists.offsets
    if offsets.shape[0] == 1:  # no lists at all (a column of NULLs)
        zeros = torch.zeros_like(ids)
        return zeros, zeros
    ids = ids.clamp(max=offsets.shape[0] - 2)
    starts = offsets[ids]
    lengths = offsets[ids + 1] - starts
    if column.valid is not None:
        lengths = torch.where(column.valid, lengths, torch.zeros_like(lengths))
    return starts, lengths


def element_rows(starts: torch.Tensor, lengths: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every element of every row's span, rows in order: (row of each element, its index in the
    element column, its 0-based position within its list)."""
    n = lengths.shape[0]
    total = int(lengths.sum()) if n else 0
    rows = torch.repeat_interleave(torch.arange(n, device=lengths.device), lengths,
                                   output_size=total)
    first = torch.cumsum(lengths, 0) - lengths
    position = torch.arange(total, device=lengths.device) - first[rows]
    return rows, starts[rows] + position, position


def compact(column: Column) -> tuple[torch.Tensor, Column]:
    """The rows' lists as (lengths, elements in row order): what leaves for Arrow, and what a
    new list built from some of them starts from."""
    starts, lengths = spans(column)
    _, index, _ = element_rows(starts, lengths)
    return lengths, column.lists.elements.take(index)
