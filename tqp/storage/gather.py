"""Gathering rows by position: the step under every join, filter, sort and group.

On a CPU, torch's `index_select` runs on one thread whatever `torch.set_num_threads` says, and
`torch.take`, which is split across the threads, costs more per position. A large gather is
instead cut into one slice of positions per thread, each slice's `index_select` writing its own
part of one output (threads.py: they release the GIL, so they run side by side). Measured on 2
threads, int64 values, min of 10: 2M positions into 6M values in random order 10.95 ms on one
thread, 5.67 split, 16.37 with take; in ascending order 2.24 / 1.62 / 1.64; 1M positions into
200K values 0.64 / 0.39 / 0.87. Below PARALLEL_MIN_ROWS positions, handing a slice to another
thread costs about what it saves (64K positions into 100K values: 0.036 ms on one thread,
0.044 split).
"""

from __future__ import annotations

import torch

from tqp.storage import threads

# Positions from which a gather on a CPU is split across threads.
PARALLEL_MIN_ROWS = 1 << 17


def gather(values: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """`values` at positions `rows` along the first dimension (`values.index_select(0, rows)`);
    positions must lie in range.

    Example:
        >>> gather(torch.tensor([5, 6, 7]), torch.tensor([2, 0, 2]))
        tensor([7, 5, 7])
    """
    if values.device.type != "cpu" or rows.numel() < PARALLEL_MIN_ROWS:
        return values.index_select(0, rows)
    parts = threads.slices(rows.numel(), PARALLEL_MIN_ROWS)
    if len(parts) == 1:
        return values.index_select(0, rows)
    out = values.new_empty((rows.numel(), *values.shape[1:]))
    threads.run_slices(lambda start, length: torch.index_select(
        values, 0, rows[start:start + length], out=out[start:start + length]), parts)
    return out
