"""The positions of a bool mask's True entries, the step every compaction starts with, and their
count; and the reverse, a bool table set True at given positions (a presence table of keys, the
rows a join matched)."""

from __future__ import annotations

import numpy as np
import torch

from tqp.storage import threads

# Masks below this many rows are read on one thread.
PARALLEL_MIN_ROWS = 1 << 18
# Positions below this many are set on one thread.
PARALLEL_MIN_POSITIONS = 1 << 16
# Threads other than the caller's set their share in a private table, OR-ed in after: worth it
# while the table is at most this many times as long as the positions.
PRIVATE_TABLE_FACTOR = 4


def true_rows(mask: torch.Tensor) -> torch.Tensor:
    """int64 indices, ascending, of the True (nonzero) entries of the 1-D `mask`.

    On a CPU, numpy's `flatnonzero` over the same memory, no copy: `torch.nonzero` (torch 2.13)
    took 40 ms for a 6M-row mask on 2 threads, numpy 5 ms (a tenth of the rows True: 13 vs
    2 ms). numpy's loop runs on one thread and stores a position for every row, so a long
    mask is cut into a slice per thread and the slices' positions joined: 6M rows in random
    order, min of 15 on the 2-core AMD VM, half True 23.1-23.9 -> 15.4-17.6 ms, 30% True
    18.8-20.0 -> 10.9-12.6, 98% 20.2-26.6 -> 22.5-23.5 (the join's copy), 2% 4.0 -> 2.7.
    Other devices use `torch.nonzero`.

    Example:
        >>> true_rows(torch.tensor([False, True, True, False]))
        tensor([1, 2])
    """
    if mask.device.type != "cpu":
        return torch.nonzero(mask).flatten()
    flags = mask.numpy()
    parts = threads.slices(flags.size, PARALLEL_MIN_ROWS)
    if len(parts) == 1:
        return torch.from_numpy(np.flatnonzero(flags).astype(np.int64, copy=False))

    def positions(start: int, length: int) -> np.ndarray:
        found = np.flatnonzero(flags[start:start + length]).astype(np.int64, copy=False)
        if start:
            found += start
        return found

    return torch.from_numpy(np.concatenate(threads.run_slices(positions, parts)))


def count_true(mask: torch.Tensor) -> torch.Tensor:
    """The number of True entries of a bool `mask`, as a 0-d int64 tensor on its device (read
    it with `int()` where the host needs it).

    `mask.sum()` widens every entry to int64 first: 7 ms for 6M rows on 2 threads, against
    1.3 ms for `count_nonzero` (and 0.3 ms for numpy's on a CPU)."""
    if mask.device.type == "cpu" and mask.is_contiguous():
        return torch.tensor(int(np.count_nonzero(mask.numpy())))
    return torch.count_nonzero(mask)


def set_true(table: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Set the 1-D bool `table` True at `positions` (integers, each in range, any repeated), in
    place; `table` is returned.

    On a CPU, numpy's fancy assignment, without torch's int64 index: `index_fill_` (torch 2.13)
    took 12 ms for 1.5M positions into 150K entries, numpy 6 ms; on two threads, the second
    setting its half in a table of its own then OR-ed in, 3.8 ms (6M positions into 6M entries:
    41 -> 23 ms). Both threads writing one table were slower (its cache lines moved between
    them). Other devices use `index_fill_`.

    Example:
        >>> set_true(torch.zeros(4, dtype=torch.bool), torch.tensor([2, 0, 2]))
        tensor([ True, False,  True, False])
    """
    if table.device.type != "cpu" or not table.is_contiguous():
        return table.index_fill_(0, positions.long(), True)
    out, where = table.numpy(), positions.numpy()
    parts = threads.slices(where.size, PARALLEL_MIN_POSITIONS)
    if len(parts) == 1 or out.size > PRIVATE_TABLE_FACTOR * where.size:
        out[where] = True
        return table

    def fill(start: int, length: int) -> np.ndarray | None:
        mine = out if start == 0 else np.zeros(out.size, dtype=np.bool_)
        mine[where[start:start + length]] = True
        return None if start == 0 else mine

    for private in threads.run_slices(fill, parts)[1:]:
        np.logical_or(out, private, out=out)
    return table
