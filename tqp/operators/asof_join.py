"""ASOF JOIN: each left row meets the one right row with equal keys whose `on` value is the
nearest on the side the inequality allows (`l.t >= r.t`: the greatest r.t not above l.t).

The equality keys and the `on` value pack into one order-preserving int64 per row (the `on`
value least significant), the right side is sorted by it once and every left row finds its
partner by one `searchsorted` (among tied right rows, the first in input order); a partner whose
keys differ is no match. No loop over rows.
"""

from __future__ import annotations

import torch

from tqp.operators.expressions import evaluate
from tqp.operators.expressions.coerce import align
from tqp.operators.keys import pack_join_keys
from tqp.storage.column import Batch
from tqp.storage.masks import true_rows


def _rows_with_values(columns, device) -> torch.Tensor:
    """Indices of the rows where every column is non-NULL."""
    valid = None
    for c in columns:
        if c.valid is not None:
            valid = c.valid if valid is None else valid & c.valid
    n = len(columns[0])
    return torch.arange(n, device=device) if valid is None else true_rows(valid)


def asof_join(kind: str, left_keys, right_keys, left_on, right_on, op: str, left: Batch,
              right: Batch) -> Batch:
    """`left` ASOF JOIN `right` (`kind` "inner" or "left") on `left_keys` = `right_keys` and
    `left_on op right_on`; the output holds the columns of both inputs."""
    device = left.device
    lcols, rcols = [], []
    pairs = list(zip(left_keys, right_keys)) + [(left_on, right_on)]
    for le, re in pairs:
        lc, rc = align([evaluate(le, left), evaluate(re, right)],
                       f"ASOF JOIN condition {le.sql()} and {re.sql()}")
        lcols.append(lc)
        rcols.append(rc)
    lrows, rrows = _rows_with_values(lcols, device), _rows_with_values(rcols, device)
    lpacked, rpacked = pack_join_keys([c.values[lrows] for c in lcols],
                                      [c.values[rrows] for c in rcols])
    ordered, order = torch.sort(rpacked, stable=True)
    upper = op in (">=", "<")  # search after equal values: `>=` keeps them, `<` skips them
    position = torch.searchsorted(ordered, lpacked, right=upper)
    if op in (">=", ">"):
        position = position - 1  # the last right value at or below (below) the left one
    found = (position >= 0) & (position < ordered.numel())
    partner = torch.full_like(position, -1)
    if ordered.numel():
        position = position.clamp(0, ordered.numel() - 1)
        # Among right rows tied on the value found, the first in input order (stable sort).
        position = torch.searchsorted(ordered, ordered[position])
        candidate = order[position]
        if left_keys:
            lkeys, rkeys = pack_join_keys([c.values[lrows] for c in lcols[:-1]],
                                          [c.values[rrows] for c in rcols[:-1]])
            found = found & (lkeys == rkeys[candidate])
        partner = torch.where(found, rrows[candidate], partner)
    matches = torch.full((left.num_rows,), -1, dtype=torch.long, device=device)
    matches[lrows] = partner
    if kind == "left":
        return Batch({**left.columns, **right.take_or_null(matches).columns}, left.num_rows,
                     device)
    li = true_rows(matches >= 0)
    ri = matches[li]
    return Batch({**left.take(li).columns, **right.take(ri).columns}, int(li.shape[0]), device)
