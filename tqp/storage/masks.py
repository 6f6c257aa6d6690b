"""The positions of a bool mask's True entries, the step every compaction starts with."""

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
