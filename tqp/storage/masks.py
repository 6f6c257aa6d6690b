"""The positions of a bool mask's True entries, the step every compaction starts with, and their
count."""

from __future__ import annotations

import numpy as np
import torch


def true_rows(mask: torch.Tensor) -> torch.Tensor:
    """int64 indices, ascending, of the True (nonzero) entries of the 1-D `mask`.

    On a CPU, numpy's `flatnonzero` over the same memory, no copy: `torch.nonzero` (torch 2.13)
    took 40 ms for a 6M-row mask on 2 threads, numpy 5 ms (a tenth of the rows True: 13 vs
    2 ms). Other devices use `torch.nonzero`.

    Example:
        >>> true_rows(torch.tensor([False, True, True, False]))
        tensor([1, 2])
    """
    if mask.device.type != "cpu":
        return torch.nonzero(mask).flatten()
    return torch.from_numpy(np.flatnonzero(mask.numpy()).astype(np.int64, copy=False))


def count_true(mask: torch.Tensor) -> torch.Tensor:
    """The number of True entries of a bool `mask`, as a 0-d int64 tensor on its device (read
    it with `int()` where the host needs it).

    `mask.sum()` widens every entry to int64 first: 7 ms for 6M rows on 2 threads, against
    1.3 ms for `count_nonzero` (and 0.3 ms for numpy's on a CPU)."""
    if mask.device.type == "cpu" and mask.is_contiguous():
        return torch.tensor(int(np.count_nonzero(mask.numpy())))
    return torch.count_nonzero(mask)
