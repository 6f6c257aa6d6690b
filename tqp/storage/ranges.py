"""The (min, max) of integer tensors, remembered per tensor.

Direct-address joins, key packing and grouping size their tables from the range of a key
column: one pass over the rows and a host sync each time. A cached column is the same tensor
in every query that reads it, and tensors are never changed in place once a column holds them,
so its range is found once and remembered for as long as the tensor lives (the entry goes with
it) and is not written (torch's version counter, shared with every view, must not have moved).
Intermediate tensors pay the pass as before, once however many operators ask.
"""

from __future__ import annotations

import weakref

import torch

_RANGES: dict[int, tuple[weakref.ref, int, int, int]] = {}


def value_ranges(columns: list[torch.Tensor]) -> list[tuple[int, int]]:
    """(min, max) of each non-empty integer (or bool) tensor as Python ints: remembered ones
    for free, the others with one host sync for all of them. A broadcast constant is read
    on its one value."""
    found: list[tuple[int, int] | None] = [_known(c) for c in columns]
    missing = [i for i, r in enumerate(found) if r is None]
    if missing:
        rows = [_sample(columns[i]) for i in missing]
        bounds = torch.stack([torch.stack(torch.aminmax(r)) for r in rows]).tolist()
        for i, (lo, hi) in zip(missing, bounds):
            lo, hi = int(lo), int(hi)
            found[i] = (lo, hi)
            _remember(columns[i], lo, hi)
    return found  # type: ignore[return-value]


def value_range(column: torch.Tensor) -> tuple[int, int]:
    """(min, max) of one non-empty integer tensor (see `value_ranges`)."""
    return value_ranges([column])[0]


def _known(column: torch.Tensor) -> tuple[int, int] | None:
    entry = _RANGES.get(id(column))
    if entry is not None and entry[0]() is column and entry[3] == column._version:
        return entry[1], entry[2]
    return None


def _sample(column: torch.Tensor) -> torch.Tensor:
    """The rows that decide the range: a broadcast constant's one value, else all; bools as
    integers (aminmax takes no bool)."""
    if column.dim() == 1 and column.numel() > 1 and column.stride(0) == 0:
        column = column[:1]
    return column.to(torch.int8) if column.dtype == torch.bool else column


def _remember(column: torch.Tensor, lo: int, hi: int) -> None:
    key = id(column)
    try:
        ref = weakref.ref(column, lambda _, key=key: _RANGES.pop(key, None))
    except TypeError:  # not weak-referenceable: not remembered
        return
    _RANGES[key] = (ref, lo, hi, column._version)
