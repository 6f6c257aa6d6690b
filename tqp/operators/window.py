"""WindowSort: window functions as whole-column tensor programs.

Per distinct (PARTITION BY, ORDER BY) the rows are sorted once: partition ids from
`group.group_ids` (NULL a partition of its own) and the order keys packed into one int64 per row
by `sort.sort_key`, then one stable `torch.sort`; rows with equal packed keys are peers.
Over the sorted rows, partition and peer-group runs come from boundary masks: run ids are a
`cumsum` of the mask, run ends the running sum of the run lengths (`bincount`). Then
every function is a few gathers and scans over whole tensors, with no loop over rows or
partitions:

- row_number = position - partition start + 1; rank = peer start - partition start + 1;
  dense_rank = the cumulative count of peer boundaries since the partition start;
  percent_rank, cume_dist and ntile are arithmetic on those;
- lag/lead gather the row `offset` away when it stays in the partition; with IGNORE NULLS the
  `offset`-th non-NULL row, found through the positions of the non-NULL rows and a prefix count;
- first_value/last_value/nth_value gather at a frame edge (or the n-th counted row of the
  frame's segments); aggregates run over frames in `window_frames.py`, or, when the frame is the
  whole partition, as a grouped aggregate per partition spread back to its rows (every aggregate
  tqp has, DISTINCT included).

Results are scattered back to the input's row order, so the node keeps its input's rows.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from sqlglot import exp

from tqp.errors import DataError, ProgrammingError
from tqp.operators import aggregation
from tqp.operators.lists import reject_list_keys
from tqp.operators.expressions import evaluate
from tqp.operators.expressions.casts import cast_column
from tqp.operators.expressions.conditional import choose
from tqp.operators.group import group_ids
from tqp.operators.sort import sort_key
from tqp.operators.window_frames import (
    Layout, framed_aggregate, prefix, range_key, segments,
)
from tqp.planner.logical import AggregateCall, SortKey, Window, WindowCall
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.types import DataType

RANKING = frozenset({"row_number", "rank", "dense_rank", "ntile", "percent_rank", "cume_dist"})


# Functions that read the rows in window order; the other aggregates over whole partitions
# are grouped aggregates, computed without sorting.
ORDERED = RANKING | {"lag", "lead", "first_value", "last_value", "nth_value", "first",
                     "any_value"}


# Window functions over a frame that move LIST values without comparing or adding them.
LIST_FRAMED = RANKING | {"lag", "lead", "first_value", "last_value", "nth_value", "first",
                         "any_value", "count", "count_star"}


def _reject_list_arguments(call: WindowCall, batch: Batch) -> None:
    """Refuse a framed window function of LIST values that would compare or add them (the
    types are known from no rows at all)."""
    empty = batch.take(torch.zeros(0, dtype=torch.long, device=batch.device))
    reject_list_keys([evaluate(a, empty) for a in call.args[:1]], f"{call.func} OVER (...)")


def window(node: Window, batch: Batch, device) -> Batch:
    """The input plus one column per window function, rows in input order. `node` is the
    logical Window or its physical WindowSort: only its `functions` are read."""
    sorts: dict[tuple, list[tuple[str, WindowCall]]] = {}
    for name, call in node.functions:
        sorts.setdefault((call.partition, call.order), []).append((name, call))
    out = {}
    for (partition, order), calls in sorts.items():
        pid, groups = _partition_ids(batch, partition, device)
        layout = None
        for name, call in calls:
            if call.func not in ORDERED and call.frame.whole_partition(bool(call.order)):
                out[name] = _partition_aggregate(call, batch, pid, groups, device)
                continue
            if call.func not in LIST_FRAMED:
                _reject_list_arguments(call, batch)
            if layout is None:
                layout = _layout(batch, pid, bool(partition), order, calls, device)
            out[name] = layout.to_input_order(_compute(call, layout))
    return batch.with_columns(out)


def _partition_ids(batch: Batch, partition, device) -> tuple[torch.Tensor, int]:
    """Partition id per row (0..P-1 in ascending key order, NULLs a partition of their own)."""
    n = batch.num_rows
    if not partition:
        return torch.zeros(n, dtype=torch.int64, device=device), min(n, 1)
    keys = [evaluate(e, batch) for e in partition]
    reject_list_keys(keys, "PARTITION BY")
    pid, groups, _ = group_ids([(k.values, k.valid) for k in keys], first_row=False)
    return pid, groups


def _layout(batch: Batch, pid: torch.Tensor, partitioned: bool, order: tuple[SortKey, ...],
            calls, device) -> Layout:
    """The sort by (partition, order keys) and the runs it makes."""
    n = batch.num_rows
    pos = torch.arange(n, device=device)
    sort_keys = [(pid, None, False, False)] if partitioned else []
    for k in order:
        column = evaluate(k.expr, batch)
        reject_list_keys([column], "a window's ORDER BY")
        sort_keys.append((column.values.contiguous(), column.valid, k.descending, k.nulls_first))
    key = sort_key(sort_keys) if sort_keys and n else torch.zeros_like(pos)
    # Input often arrives clustered (a table stored in key order): then there is nothing to sort.
    in_order = n < 2 or bool((key[1:] >= key[:-1]).all())
    if in_order:
        perm = inverse = pos
    else:
        key, perm = torch.sort(key, stable=True)
        inverse = torch.empty_like(perm).scatter_(0, perm, pos)
    new_peer = torch.ones(n, dtype=torch.bool, device=device)
    new_peer[1:] = key[1:] != key[:-1]
    return Layout(perm, inverse, pid if in_order else gather(pid, perm), pos, new_peer,
                  _sorted_input(batch, calls, None if in_order else perm), in_order)


def _sorted_input(batch: Batch, calls, perm: torch.Tensor | None) -> Batch:
    """The columns the calls read, in sorted order (`perm` None: already in order)."""
    names = set()
    for _, call in calls:
        bounds = (call.frame.start.offset, call.frame.end.offset)
        for e in (*call.args, *(k.expr for k in call.order), *bounds):
            if e is not None:
                names.update(c.name for c in e.find_all(exp.Column))
    columns = {n: batch[n] if perm is None else batch[n].take(perm) for n in names if n in batch}
    return Batch(columns, batch.num_rows)


def _partition_aggregate(call: WindowCall, batch: Batch, pid: torch.Tensor, groups: int,
                         device) -> Column:
    """An aggregate over whole partitions: grouped by partition, spread back to the rows."""
    arg = call.args[0] if call.args else None
    result = aggregation.reduce_groups(AggregateCall(call.func, arg, call.distinct), batch, pid,
                                       groups, device)
    return result.take(pid)


def _compute(call: WindowCall, layout: Layout) -> Column:
    """One window function over the sorted rows (sorted order)."""
    frame = call.frame
    if frame.kind == "range" and "offset" in (frame.start.kind, frame.end.kind):
        range_key(call, layout)  # checked even where the function ignores its frame
    if call.func in RANKING:
        return _ranking(call, layout)
    if call.func in ("lag", "lead"):
        return _lag_lead(call, layout)
    if call.func in ("first_value", "last_value", "nth_value"):
        return _nth(call, layout)
    if call.func in ("first", "any_value"):  # the frame's first row; ANY_VALUE: non-NULL
        return _nth(replace(call, func="first_value", ignore_nulls=call.func == "any_value"),
                    layout)
    return framed_aggregate(call, layout)


def _ranking(call: WindowCall, layout: Layout) -> Column:
    start, end = layout.part_start, layout.part_end
    if call.func == "row_number":
        return Column(layout.pos - start + 1, DataType.BIGINT)
    rank = layout.peer_start - start + 1
    if call.func == "rank":
        return Column(rank, DataType.BIGINT)
    if call.func == "dense_rank":
        peers = torch.cumsum(layout.new_peer.long(), 0)
        return Column(peers - peers[start] + 1 if layout.num_rows else peers, DataType.BIGINT)
    size = end - start
    if call.func == "percent_rank":
        ratio = (rank - 1).double() / (size - 1).clamp(min=1).double()
        return Column(torch.where(size > 1, ratio, torch.zeros_like(ratio)), DataType.DOUBLE)
    if call.func == "cume_dist":
        return Column((layout.peer_end - start).double() / size.double(), DataType.DOUBLE)
    return _ntile(call, layout, size)


def _ntile(call: WindowCall, layout: Layout, size: torch.Tensor) -> Column:
    """NTILE(b): rows split into b buckets as evenly as possible, the larger ones first."""
    buckets = layout.sorted(call.args[0])
    if not (buckets.type.is_integer or buckets.type is DataType.NULL):
        raise ProgrammingError(f"NTILE needs an integer number of buckets: {call.sql()}")
    b = buckets.values.long()
    known = buckets.validity()
    if layout.num_rows and bool((known & (b <= 0)).any()):
        raise DataError("Argument for ntile must be greater than zero")
    b = torch.minimum(b.clamp(min=1), size)
    row = layout.pos - layout.part_start
    small = size // b  # rows per bucket; the first `large` buckets hold one more
    large = size - b * small
    in_large = large * (small + 1)
    tile = torch.where(row < in_large, row // (small + 1),
                       large + (row - in_large) // small.clamp(min=1))
    return Column(tile + 1, DataType.BIGINT, normalize_valid(known))


def _counted(call: WindowCall, layout: Layout, value: Column):
    """(positions, prefix): the rows a function counts (every row, or with IGNORE NULLS the
    non-NULL ones) by ascending position, and how many of them precede each position."""
    if not call.ignore_nulls or value.valid is None:
        return layout.pos, torch.arange(layout.num_rows + 1, device=layout.pos.device)
    return true_rows(value.valid), prefix(value.valid.long())


def _lag_lead(call: WindowCall, layout: Layout) -> Column:
    """LAG/LEAD(x, offset, default): x from the row `offset` counted rows before/after, within
    the partition; `default` where there is none."""
    value = layout.sorted(call.args[0])
    offset = layout.sorted(call.args[1])
    if not (offset.type.is_integer or offset.type is DataType.NULL):
        raise ProgrammingError(f"the offset of {call.func.upper()} must be an integer")
    steps = offset.values.long()
    if call.func == "lead":
        steps = -steps
    positions, counts = _counted(call, layout, value)
    # The target's ordinal among the counted rows: `steps` counted rows back (or ahead).
    pos = layout.pos
    ordinal = torch.where(steps > 0, counts[pos] - steps, counts[pos + 1] - steps - 1)
    found = (ordinal >= counts[layout.part_start]) & (ordinal < counts[layout.part_end])
    last = max(positions.shape[0] - 1, 0)
    target = positions[ordinal.clamp(min=0, max=last)] if positions.shape[0] else ordinal
    itself = steps == 0  # a zero offset reads the row itself, NULL or not
    target = torch.where(itself, pos, target)
    found = (found | itself) & offset.validity()
    result = value.take_or_null(torch.where(found, target, -1))
    default = call.args[2]
    if isinstance(default, exp.Null):
        return result.with_valid(result.valid)
    default = layout.sorted(default)
    if value.type is not DataType.NULL and default.type is not value.type:
        default = cast_column(default, value.type, value.decimal)  # the result keeps x's type
    return choose([~found & offset.validity()], [default], result, f"{call.func.upper()} default")


def _nth(call: WindowCall, layout: Layout) -> Column:
    """FIRST_VALUE, LAST_VALUE and NTH_VALUE(x, k): the k-th counted row of the frame's
    segments in order (k = 1 for the first, the count for the last)."""
    value = layout.sorted(call.args[0])
    positions, counts = _counted(call, layout, value)
    parts = segments(call.frame, call, layout)
    sizes = [counts[b] - counts[a] for a, b in parts]
    total = sum(sizes)
    known = None
    if call.func == "first_value":
        k = torch.ones_like(total)
    elif call.func == "last_value":
        k = total
    else:
        nth = layout.sorted(call.args[1])
        if not (nth.type.is_integer or nth.type is DataType.NULL):
            raise ProgrammingError(f"the index of NTH_VALUE must be an integer: {call.sql()}")
        k, known = nth.values.long(), nth.validity()  # k <= 0 finds no row: NULL
    target = torch.full_like(total, -1)
    before = torch.zeros_like(total)
    last = max(positions.shape[0] - 1, 0)
    for (a, _), size in zip(parts, sizes):
        hit = (k > before) & (k <= before + size)
        ordinal = (counts[a] + k - before - 1).clamp(min=0, max=last)
        if positions.shape[0]:
            target = torch.where(hit, positions[ordinal], target)
        before = before + size
    if known is not None:
        target = torch.where(known, target, -1)
    result = value.take_or_null(target)
    return result.with_valid(result.valid)
