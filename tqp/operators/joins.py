"""Join operators: inner/outer/cross joins and mark joins (EXISTS, IN), from match indices.

Key columns are aligned (same type, shared string dictionary), rows with a NULL key are set
aside (NULL never equals anything), the keys are packed into one int64 per row and matched by
`join.join_indices` (direct address table or sort + searchsorted). A residual condition then
filters the matched pairs; outer joins add the unmatched rows padded with NULLs.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.operators.expressions import evaluate
from tqp.operators.expressions.coerce import align
from tqp.operators.join import join_indices, key_in, match_any, unmatched
from tqp.operators.keys import pack_join_keys
from tqp.planner.logical import Join, MarkJoin
from tqp.storage.column import Batch, Column
from tqp.types import DataType

MAX_CROSS_PAIRS = 200_000_000  # refuse nested-loop joins that would not fit in memory


def _valid_rows(columns: list[Column]) -> torch.Tensor | None:
    """Indices of the rows whose keys are all non-NULL (None when every key is valid)."""
    valid = None
    for c in columns:
        if c.valid is not None:
            valid = c.valid if valid is None else valid & c.valid
    return None if valid is None else torch.nonzero(valid).squeeze(1)


def _join_keys(left: Batch, right: Batch, left_keys, right_keys):
    """Both sides' keys packed into one int64 per row, keeping only rows whose keys are all
    non-NULL: (left keys, left rows or None for all, right keys, right rows or None)."""
    lcols, rcols = [], []
    for le, re in zip(left_keys, right_keys):
        lc, rc = evaluate(le, left), evaluate(re, right)
        lc, rc = align([lc, rc], f"join condition {le.sql()} = {re.sql()}")
        lcols.append(lc)
        rcols.append(rc)
    lrows, rrows = _valid_rows(lcols), _valid_rows(rcols)
    lk, rk = pack_join_keys([c.values if lrows is None else c.values[lrows] for c in lcols],
                            [c.values if rrows is None else c.values[rrows] for c in rcols])
    return lk, lrows, rk, rrows


def match_pairs(left: Batch, right: Batch, left_keys, right_keys, residual, device,
                ordered: bool = True):
    """All (left row, right row) pairs whose keys are equal and that pass `residual` (ordered by
    left row unless `ordered` is False)."""
    if left_keys:
        lk, lrows, rk, rrows = _join_keys(left, right, left_keys, right_keys)
        li, ri = join_indices(lk, rk, ordered)
        if lrows is not None:
            li = lrows[li]
        if rrows is not None:
            ri = rrows[ri]
    else:
        total = left.num_rows * right.num_rows
        if total > MAX_CROSS_PAIRS:
            from tqp.errors import NotSupportedError

            raise NotSupportedError(
                f"a join without equality keys producing {total} candidate pairs")
        li = torch.arange(left.num_rows, device=device).repeat_interleave(right.num_rows)
        ri = torch.arange(right.num_rows, device=device).repeat(left.num_rows)
    if residual is not None and li.numel():
        needed = {c.name for c in residual.find_all(exp.Column)}
        pairs = Batch({**{n: c for n, c in left.take(li).columns.items() if n in needed},
                       **{n: c for n, c in right.take(ri).columns.items() if n in needed}},
                      int(li.shape[0])) if needed else Batch({}, int(li.shape[0]))
        cond = evaluate(residual, pairs)
        keep = cond.values if cond.valid is None else cond.values & cond.valid
        if keep.stride(0) == 0:
            keep = keep.clone()
        li, ri = li[keep], ri[keep]
    return li, ri


def join(node: Join, left: Batch, right: Batch, device) -> Batch:
    li, ri = match_pairs(left, right, node.left_keys, node.right_keys, node.residual, device)
    if node.kind in ("left", "full"):
        extra = unmatched(left.num_rows, li)
        li = torch.cat([li, extra])
        ri = torch.cat([ri, torch.full_like(extra, -1)])
    if node.kind in ("right", "full"):
        extra = unmatched(right.num_rows, ri[ri >= 0])
        li = torch.cat([li, torch.full_like(extra, -1)])
        ri = torch.cat([ri, extra])
    if node.kind in ("right", "full"):
        lout = left.take_or_null(li)
    elif _is_identity(li, left.num_rows):  # every left row matched once: nothing to gather
        lout = left
    else:
        lout = left.take(li)
    rout = right.take_or_null(ri) if node.kind in ("left", "full") else right.take(ri)
    return Batch({**lout.columns, **rout.columns}, int(li.shape[0]))


def _is_identity(indices: torch.Tensor, n: int) -> bool:
    """True when `indices` is 0, 1, ..., n-1 (pairs come ordered by left row)."""
    if indices.shape[0] != n:
        return False
    return n == 0 or (int(indices[0]) == 0 and int(indices[-1]) == n - 1
                      and bool((indices[1:] - indices[:-1] == 1).all()))


def mark_join(node: MarkJoin, left: Batch, right: Batch, device) -> Batch:
    """`left` plus a bool column: does each row have a matching right row?"""
    n = left.num_rows
    if not node.left_keys and node.residual is None:
        mark = torch.full((n,), right.num_rows > 0, dtype=torch.bool, device=device)
        return left.with_columns({node.mark: Column(mark, DataType.BOOLEAN)})
    if node.left_keys and node.residual is None:
        # Only whether a match exists matters: no pairs are formed.
        lk, lrows, rk, _ = _join_keys(left, right, node.left_keys, node.right_keys)
        found = key_in(lk, rk)
        if lrows is None:
            mark = found
        else:
            mark = torch.zeros(n, dtype=torch.bool, device=device)
            mark[lrows] = found
    else:
        li, _ = match_pairs(left, right, node.left_keys, node.right_keys, node.residual, device,
                            ordered=False)
        mark = match_any(n, li)
    valid = None
    if node.null_aware and right.num_rows:
        # x IN (...) is NULL, not FALSE, when unmatched and x is NULL or the list holds a NULL.
        probe = evaluate(node.left_keys[0], left)
        build = evaluate(node.right_keys[0], right)
        right_has_null = build.valid is not None and bool((~build.valid).any())
        unknown = torch.full((n,), right_has_null, dtype=torch.bool, device=device)
        if probe.valid is not None:
            unknown = unknown | ~probe.valid
        valid = mark | ~unknown
        if bool(valid.all()):
            valid = None
    return left.with_columns({node.mark: Column(mark, DataType.BOOLEAN, valid)})
