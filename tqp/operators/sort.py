"""Sort kernels: the permutation that orders rows by several keys, and its first k rows.

`sort_indices` is a least-significant-key-first sort: a stable `torch.sort` on the last key, then
on each earlier key gathered through the permutation so far. Stability makes the earlier (more
significant) keys win while ties keep the order of the later ones, and rows equal on every key
keep their input order. NULLs of a key are moved to its front or back by a stable partition.

`top_k_indices` serves ORDER BY ... LIMIT k: `torch.topk` on the first key finds the k-th value,
only the rows at or before it are sorted, so the result is exactly `sort_indices(keys)[:k]`.
"""

from __future__ import annotations

import torch

from tqp.operators.keys import float_key, pack_keys
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.storage.wide import key_words

SortKey = tuple[torch.Tensor, "torch.Tensor | None", bool, bool]  # values, valid, descending, nulls_first

# Use the topk pre-selection only when k is at most this fraction of the rows.
TOPK_MAX_FRACTION = 0.125


def _sortable(values: torch.Tensor) -> torch.Tensor:
    """Values in a dtype every backend sorts the SQL way."""
    if values.dtype == torch.bool:
        return values.to(torch.uint8)
    if values.dtype.is_floating_point:
        return values + 0.0  # -0.0 becomes 0.0, so the two tie
    return values


def _one_word_keys(keys: list[SortKey]) -> list[SortKey]:
    """`keys` with each 128-bit key (storage/wide.py) as its two int64 `key_words`."""
    return [(words, *rest) for values, *rest in keys for words in key_words(values)]


def sort_indices(keys: list[SortKey]) -> torch.Tensor:
    """The int64 permutation ordering the rows lexicographically by `keys` (stable).

    Each key is (values, valid, descending, nulls_first); values int32/int64/float64/bool,
    valid a bool tensor (True = not NULL) or None. NaN sorts greater than every number.

    Example:
        >>> sort_indices([(torch.tensor([2, 1, 2]), None, False, False),
        ...               (torch.tensor([5, 6, 7]), None, True, False)])
        tensor([1, 2, 0])
    """
    if not keys:
        raise ValueError("sort_indices needs at least one key")
    keys = _one_word_keys(keys)
    n = keys[0][0].numel()
    perm = torch.arange(n, device=keys[0][0].device)
    for values, valid, descending, nulls_first in reversed(keys):
        v = gather(_sortable(values), perm)
        if valid is not None:
            ok = gather(valid, perm)
            # NULL slots get one common value so the stable sort keeps their relative order.
            v = torch.where(ok, v, torch.zeros((), dtype=v.dtype, device=v.device))
        order = torch.sort(v, stable=True, descending=descending).indices
        perm = gather(perm, order)
        if valid is not None:
            ok = gather(ok, order)
            non_null, null = true_rows(ok), true_rows(~ok)
            parts = (null, non_null) if nulls_first else (non_null, null)
            perm = gather(perm, torch.cat(parts))
    return perm


def sort_key(keys: list[SortKey]) -> torch.Tensor:
    """One int64 per row whose ascending order is the lexicographic order of `keys` and whose
    equality is the keys' equality (NULLs equal, -0.0 = 0.0, NaN = NaN): each key's
    `rank_components` (a NULL flag where the key has NULLs, then the value) packed by
    `keys.pack_keys`.

    One stable sort of it replaces `sort_indices`' one sort per key, and neighbouring rows
    compare on it as peers (window functions read both)."""
    if not keys:
        raise ValueError("sort_key needs at least one key")
    keys = _one_word_keys(keys)
    columns = []
    for values, valid, descending, nulls_first in keys:
        flag, ranked = rank_components(_sortable(values), valid, descending, nulls_first)
        columns += [ranked] if valid is None else [flag, ranked]
    return pack_keys(columns)


def top_k_indices(keys: list[SortKey], k: int) -> torch.Tensor:
    """The first k rows of `sort_indices(keys)`, exactly (ties in the same order).

    When k is small against the row count and the first key has no NULLs, `torch.topk` finds
    the k-th value of the first key; only rows at or before it can be in the result, and only
    those are sorted.
    """
    if not keys:
        raise ValueError("top_k_indices needs at least one key")
    keys = _one_word_keys(keys)
    values, valid, descending, _ = keys[0]
    n = values.numel()
    if k <= 0:
        return torch.empty(0, dtype=torch.int64, device=values.device)
    if k >= n or valid is not None or k > TOPK_MAX_FRACTION * n:
        return sort_indices(keys)[:k]
    # float_key orders NaN above every number, as the sort does.
    first = float_key(values) if values.dtype.is_floating_point else _sortable(values).to(torch.int64)
    best = torch.topk(first, k, largest=descending, sorted=False).values
    if descending:
        candidates = true_rows(first >= best.min())
    else:
        candidates = true_rows(first <= best.max())
    sub_keys = [
        (gather(v, candidates), None if ok is None else gather(ok, candidates),
         desc, nulls_first)
        for v, ok, desc, nulls_first in keys
    ]
    return candidates[sort_indices(sub_keys)[:k]]


def rank_components(values: torch.Tensor, valid: torch.Tensor | None, descending: bool,
                    nulls_first: bool) -> list[torch.Tensor]:
    """Two int64 tensors whose lexicographic order is this key's ORDER BY order: a NULL flag
    (placing NULLs first or last), then the value (order-preserving integers; bitwise NOT for
    DESC). Integer-like values must come as they are; doubles through `float_key`."""
    if values.dtype.is_floating_point:
        ranked = float_key((values + 0.0).double())
    else:
        ranked = values.to(torch.int64)
    if descending:
        ranked = ~ranked
    if valid is None:
        flag = torch.full_like(ranked, 0 if not nulls_first else 1)
        return [flag, ranked]
    is_null = ~valid
    flag = (~is_null if nulls_first else is_null).to(torch.int64)
    return [flag, torch.where(valid, ranked, torch.zeros_like(ranked))]


def count_splitters_below(rows: list[torch.Tensor], splitters: list[torch.Tensor]) -> torch.Tensor:
    """For each row, how many splitter tuples sort strictly before it: its range partition.

    `rows` and `splitters` are the same number of int64 component tensors (n and m long);
    tuples compare lexicographically. Rows equal to a splitter go to the partition before it,
    so equal rows always share a partition. A loop over the m splitters and the components,
    never over rows."""
    n = rows[0].numel()
    count = torch.zeros(n, dtype=torch.int64, device=rows[0].device)
    for j in range(splitters[0].numel()):
        greater = torch.zeros(n, dtype=torch.bool, device=count.device)
        equal = torch.ones(n, dtype=torch.bool, device=count.device)
        for r, s in zip(rows, splitters):
            value = s[j]
            greater |= equal & (r > value)
            equal &= r == value
        count += greater.to(torch.int64)
    return count
