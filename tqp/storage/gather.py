"""Gathering rows by position: the step under every join, filter, sort and group.

On a CPU, torch's `index_select` over a 1-D tensor runs on one thread whatever
`torch.set_num_threads` says; `torch.take` splits a gather across the threads but costs more
per position. Measured on 2 threads, 2M int64 positions: from a cache-sized source (100K
values) in random order, as a join's lookups into a dimension's table, take 1.6 ms against
2.2; from a 6M-value source in random order, take 15.2 ms against 10.3 (its accesses to
memory do not overlap as well), and in ascending order 1.7 against 2.8, though at 300K
positions into 6M values equal. So take serves large gathers from small sources only, whose
positions come in any order; small gathers stay on `index_select`, as waking a second thread
costs more than it saves.
"""

from __future__ import annotations

import torch

# Positions from which a 1-D gather on a CPU is split across threads, from a source of at most
# TAKE_MAX_SOURCE_BYTES (one that stays in the cache while it is read at random).
PARALLEL_MIN_ROWS = 1 << 16
TAKE_MAX_SOURCE_BYTES = 1 << 20


def gather(values: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """`values` at positions `rows` along the first dimension (`values.index_select(0, rows)`);
    positions must lie in range.

    Example:
        >>> gather(torch.tensor([5, 6, 7]), torch.tensor([2, 0, 2]))
        tensor([7, 5, 7])
    """
    if (values.dim() == 1 and rows.dtype == torch.int64 and values.device.type == "cpu"
            and rows.numel() >= PARALLEL_MIN_ROWS and torch.get_num_threads() > 1
            and values.numel() * values.element_size() <= TAKE_MAX_SOURCE_BYTES):
        return torch.take(values, rows)
    return values.index_select(0, rows)
