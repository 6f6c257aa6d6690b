"""ORDER BY: a stable multi-key sort (or top-k when a LIMIT follows). Strings sort by their
codes, which follow string order because dictionaries are sorted."""

from __future__ import annotations

from tqp.operators.expressions import evaluate
from tqp.operators.lists import reject_list_keys
from tqp.operators.sort import sort_indices, top_k_indices
from tqp.planner.logical import Sort
from tqp.storage.column import Batch


def sort(node: Sort, batch: Batch) -> Batch:
    keys = []
    for key in node.keys:
        column = evaluate(key.expr, batch)
        reject_list_keys([column], "ORDER BY")
        keys.append((column.values.contiguous(), column.valid, key.descending, key.nulls_first))
    if node.limit is not None and node.limit < batch.num_rows:
        order = top_k_indices(keys, node.limit)
    else:
        order = sort_indices(keys)
    return batch.take(order)
