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

from tqp.storage.column import broadcast_values


class TensorMemo:
    """A value remembered per tensor, for as long as the tensor lives and is not written (its
    version counter, shared with every view, has not moved)."""

    def __init__(self):
        self._entries: dict[int, tuple[weakref.ref, int, object]] = {}

    def get(self, tensor: torch.Tensor):
        """The value remembered for `tensor`, or None."""
        entry = self._entries.get(id(tensor))
        if entry is not None and entry[0]() is tensor and entry[1] == tensor._version:
            return entry[2]
        return None

    def put(self, tensor: torch.Tensor, value) -> None:
        key, entries = id(tensor), self._entries
        try:
            ref = weakref.ref(tensor, lambda _, key=key: entries.pop(key, None))
        except TypeError:  # not weak-referenceable: not remembered
            return
        entries[key] = (ref, tensor._version, value)


_RANGES = TensorMemo()


def value_ranges(columns: list[torch.Tensor]) -> list[tuple[int, int]]:
    """(min, max) of each non-empty integer (or bool) tensor as Python ints: remembered ones
    for free, the others with one host sync for all of them. A broadcast constant is read
    on its one value."""
    found: list[tuple[int, int] | None] = [_RANGES.get(c) for c in columns]
    missing = [i for i, r in enumerate(found) if r is None]
    if missing:
        rows = [_sample(columns[i]) for i in missing]
        bounds = torch.stack([torch.stack(torch.aminmax(r)) for r in rows]).tolist()
        for i, (lo, hi) in zip(missing, bounds):
            found[i] = (int(lo), int(hi))
            _RANGES.put(columns[i], found[i])
    return found  # type: ignore[return-value]


def value_range(column: torch.Tensor) -> tuple[int, int]:
    """(min, max) of one non-empty integer tensor (see `value_ranges`)."""
    return value_ranges([column])[0]


def note_range(column: torch.Tensor, lo: int, hi: int) -> None:
    """Remember bounds of `column` known without a pass over it (every value within them; they
    may be wider than its min and max, which only sizes a table larger)."""
    _RANGES.put(column, (int(lo), int(hi)))


def known_range(column: torch.Tensor) -> tuple[int, int] | None:
    """The remembered (min, max) of `column`, or None: no pass over its rows."""
    return _RANGES.get(column)


def _sample(column: torch.Tensor) -> torch.Tensor:
    """The rows that decide the range: a broadcast constant's one value, else all; bools as
    integers (aminmax takes no bool)."""
    if broadcast_values(column):
        column = column[:1]
    return column.to(torch.int8) if column.dtype == torch.bool else column
