"""Variances and standard deviations over window frames, without cancellation.

A frame's variance is not a difference of prefix sums of x and x² (which cancels badly): each
power-of-two range [i, i + 2^k) keeps its (count, mean, sum of squared deviations), built level
by level by Chan's pairwise merge, and a frame segment [a, b) merges the disjoint ranges given
by the bits of its length, highest first (one gather per bit). Segments of an EXCLUDE merge
the same way.
"""

from __future__ import annotations

import torch

from tqp.operators.aggregation import VARIANCES
from tqp.storage.column import Column, normalize_valid
from tqp.types import DataType

Moments = tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # count, mean, squared deviations


def merge(left: Moments, right: Moments) -> Moments:
    """The moments of two disjoint sets of values (Chan et al.); an empty side changes nothing."""
    n_a, mean_a, m2_a = left
    n_b, mean_b, m2_b = right
    n = n_a + n_b
    share = torch.where(n > 0, n_b / n.clamp(min=1), torch.zeros_like(n))
    delta = mean_b - mean_a
    return n, mean_a + delta * share, m2_a + m2_b + delta * delta * n_a * share


def framed_variance(func: str, arg: Column, parts) -> Column:
    """VAR_SAMP, VAR_POP, STDDEV_SAMP or STDDEV_POP of every row's frame segments."""
    valid = arg.validity()
    count = valid.double()
    values = torch.where(valid, arg.as_double(), torch.zeros((), dtype=torch.float64,
                                                                device=arg.device))
    rows = values.shape[0]
    levels = [(count, values, torch.zeros_like(values))]
    longest = int(max((b - a).max() for a, b in parts)) if rows else 0
    width = 1
    while 2 * width <= longest:
        low = levels[-1]
        head = rows - width  # ranges starting later would pass the end: never read
        merged = merge(tuple(t[:head] for t in low), tuple(t[width:] for t in low))
        levels.append(tuple(torch.cat([m, t[head:]]) for m, t in zip(merged, low)))
        width *= 2
    table = [torch.stack([level[i] for level in levels]).flatten() for i in range(3)]
    zero = torch.zeros(rows, dtype=torch.float64, device=arg.device)
    total: Moments = (zero, zero, zero)
    last = max(rows - 1, 0)
    for a, b in parts:
        start, length = a.clone(), b - a
        for level in reversed(range(len(levels))):
            take = ((length >> level) & 1).bool()
            at = level * rows + start.clamp(max=last)
            block = tuple(torch.where(take, t[at], torch.zeros_like(zero)) for t in table)
            total = merge(total, block)
            start = torch.where(take, start + (1 << level), start)
    n, _, m2 = total
    sample, root = VARIANCES[func]
    divisor = n - 1 if sample else n
    result = m2.clamp(min=0) / divisor.clamp(min=1)
    return Column(result.sqrt() if root else result, DataType.DOUBLE,
                  normalize_valid(divisor > 0))
