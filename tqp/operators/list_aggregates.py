"""Aggregates whose result is a LIST: LIST/ARRAY_AGG (every value of the group, NULLs included,
in input order or the call's ORDER BY) and DuckDB's top-n MIN(x, n)/MAX(x, n).

The rows are ordered by group on the device (a stable sort keeps the order within each group),
the elements gathered once, and the group sizes become the offsets of the result's lists.
"""

from __future__ import annotations

import torch

from tqp.operators.lists import from_lengths, reject_list_keys
from tqp.operators.sort import sort_indices
from tqp.storage.column import Column


def collect(arg: Column, ids: torch.Tensor, groups: int) -> Column:
    """LIST(x): each group's values as a list; NULL for a group that read no row (a FILTER, or
    a global aggregate over no rows)."""
    rows = torch.argsort(ids, stable=True)
    lengths = torch.bincount(ids, minlength=groups)
    return from_lengths(arg.take(rows), lengths, lengths > 0)


def top_n(arg: Column, ids: torch.Tensor, groups: int, n: int, largest: bool) -> Column:
    """MIN(x, n) / MAX(x, n): the n smallest (largest) non-NULL values of each group, in that
    order, duplicates kept; NULL for a group without a value."""
    reject_list_keys([arg], f"{'MAX' if largest else 'MIN'}(x, n)")
    rows = torch.arange(len(arg), device=ids.device)
    if arg.valid is not None:
        rows = rows[arg.valid]
    values = arg.values[rows].contiguous()
    group = ids[rows].contiguous()
    order = sort_indices([(group, None, False, False), (values, None, largest, False)])
    rows, group = rows[order], group[order]
    counts = torch.bincount(group, minlength=groups)
    first = torch.cumsum(counts, 0) - counts
    position = torch.arange(rows.shape[0], device=ids.device) - first[group]
    kept = position < n
    lengths = counts.clamp(max=n)
    return from_lengths(arg.take(rows[kept]), lengths, counts > 0)
