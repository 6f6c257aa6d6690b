"""Groups numbered in order of first appearance, for DISTINCT and the set operations, which
need no key order: rows of equal key tuples (NULLs equal) get one id, and each group's first
row.

The key columns are packed (mixed radix) into as few int64 columns as fit. One column goes
through `group_ids`. More, which `group_ids` would number by sorting more than once (a dense
rank of each column wider than the rows, then of the packed keys), go into an open-addressing
hash table built in rounds over whole columns: each round, the rows not yet placed look at
their next slot (double hashing), a free slot goes to the first row that looks at it, and a row
is placed where the slot holds its own key tuple. All rows of a key tuple look at the same
slots and find the same owners, so they are placed in the same round, at the slot their first
row owns."""

from __future__ import annotations

import torch

from tqp.operators.group import group_ids, key_columns
from tqp.operators.hashing import tuple_hashes
from tqp.operators.keys import MAX_PACKED_RANGE, column_ranges, mixed_radix, rangeable
from tqp.storage.gather import gather
from tqp.storage.masks import set_true, true_rows
from tqp.storage.wide import key_words

# Past this many probing rounds (long collision chains), the keys are sorted instead.
MAX_ROUNDS = 32


def first_group_ids(keys: list[tuple[torch.Tensor, torch.Tensor | None]]
                    ) -> tuple[torch.Tensor, int, torch.Tensor]:
    """(ids, G, first) as `group_ids` returns them for (values, valid) `keys`, but groups
    numbered in order of their first rows: `first` (each group's first row) ascends."""
    first_of_row, ids, first = _numbering(keys)
    if first_of_row is not None:
        starts = first_of_row == torch.arange(first_of_row.numel(), device=first_of_row.device)
        number = torch.cumsum(starts, 0) - 1
        first = true_rows(starts)
        return number[first_of_row], first.numel(), first
    starts = _marked(first, ids.numel())
    number = torch.cumsum(starts, 0) - 1
    return number[first][ids], first.numel(), true_rows(starts)


def first_rows(keys: list[tuple[torch.Tensor, torch.Tensor | None]]) -> torch.Tensor:
    """The first row of each distinct key tuple of (values, valid) `keys`, ascending."""
    first_of_row, ids, first = _numbering(keys)
    if first_of_row is not None:
        return true_rows(first_of_row == torch.arange(first_of_row.numel(),
                                                      device=first_of_row.device))
    return true_rows(_marked(first, ids.numel()))


def _numbering(keys):
    """(first row per row, None, None) from the hash table where the keys pack into more than
    one int64 column, else (None, ids, first) from `group_ids` of the packed column."""
    columns = [rangeable(words) for c in key_columns(keys) for words in key_words(c)]
    if columns[0].numel() == 0:
        ids, _, first = group_ids(keys)
        return None, ids, first
    packed = _packed(columns)
    if len(packed) > 1:  # `group_ids` would sort more than once
        first_of_row = _first_rows(packed, columns[0].numel())
        if first_of_row is not None:
            return first_of_row, None, None
        ids, _, first = group_ids(keys)
    else:
        ids, _, first = group_ids([(packed[0], None)])
    return None, ids, first


def _packed(columns: list[torch.Tensor]) -> list[torch.Tensor]:
    """The key columns packed (mixed radix, no sort) into as few int64 columns as fit
    MAX_PACKED_RANGE each: equal where the tuples are."""
    ranges = column_ranges(columns)
    packed, start, span = [], 0, 1
    for i, (lo, hi) in enumerate(ranges):
        width = hi - lo + 1
        if i > start and span * width > MAX_PACKED_RANGE:
            packed.append(mixed_radix(columns[start:i], ranges[start:i]))
            start, span = i, 1
        span *= width
    packed.append(mixed_radix(columns[start:], ranges[start:]))
    return packed


def _marked(first: torch.Tensor, n: int) -> torch.Tensor:
    """A bool per row, True at the groups' first rows: read back in row order, cheaper than
    sorting them."""
    return set_true(torch.zeros(n, dtype=torch.bool, device=first.device), first)


def _first_rows(columns: list[torch.Tensor], n: int) -> torch.Tensor | None:
    """Per row, the first row with its key tuple; None past MAX_ROUNDS rounds."""
    device = columns[0].device
    size = 1 << max(10, (2 * n - 1).bit_length())  # a power of two, at least 2n: half full
    hashes = tuple_hashes(columns)
    slot = hashes & (size - 1)
    step = (hashes >> 40) | 1  # double hashing: an odd step visits every slot, no clusters
    owner = torch.full((size,), n, dtype=torch.int64, device=device)  # n: free
    rows = torch.arange(n, device=device)
    for round_ in range(MAX_ROUNDS):
        held = gather(owner, slot)
        claim = true_rows(held == n)
        owner.scatter_reduce_(0, gather(slot, claim), gather(rows, claim), "amin")
        held = gather(owner, slot)
        same = None
        for column in columns:
            mine = column if round_ == 0 else gather(column, rows)
            equal = gather(column, held) == mine
            same = equal if same is None else same.logical_and_(equal)
        if round_ == 0:
            first = held
        else:
            placed = true_rows(same)
            first.index_copy_(0, gather(rows, placed), gather(held, placed))
        left = true_rows(~same)
        if left.numel() == 0:
            return first
        rows, step = gather(rows, left), gather(step, left)
        slot = (gather(slot, left) + step) & (size - 1)
    return None
