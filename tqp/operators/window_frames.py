"""Window frames over sorted rows, and the aggregates computed over them.

Every tensor here is in the window's sorted order (partition, then order keys): a partition is a
run of rows [part_start, part_end) and a peer group (rows equal on the order keys) a run
[peer_start, peer_end). A frame is, per row, a half-open range [lo, hi) of positions clamped to
the row's partition; EXCLUDE cuts it into at most three ordered, disjoint segments.

- ROWS bounds are the position plus or minus the offset.
- GROUPS bounds are peer-group starts/ends, the group index plus or minus the offset.
- RANGE offsets are searched: `key -/+ offset` (the evaluator's arithmetic, so dates take
  intervals) is looked up with `torch.searchsorted` among the keys of the row's partition. The
  keys and the targets are ranked together first, so the search is exact for every dtype and
  the partition id can offset the ranks without overflow.

Aggregates over segments: COUNT and SUM as differences of prefix sums gathered at segment edges
(DECIMALs summed as exact scaled integers), AVG as their ratio, MIN/MAX by a segmented running
scan (log-step doubling) when frames start at the partition start, else a sparse table (the
extreme of each power-of-two range, log2(longest segment) levels) queried with two gathers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import evaluate
from tqp.operators.expressions.coerce import align
from tqp.operators.aggregation import VARIANCES, interval_average
from tqp.operators.group import sum_may_overflow
from tqp.operators.keys import dense_rank, float_from_key, float_key, pack_keys
from tqp.operators.window_moments import framed_variance
from tqp.planner.logical import FrameBound, WindowCall, WindowFrame
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.types import TEMPORAL_TYPES, DataType, sum_type

_INT64_MAX = torch.iinfo(torch.int64).max
_INT64_MIN = torch.iinfo(torch.int64).min


@dataclass
class Layout:
    """One window sort: the permutation and, per sorted row, its partition and peer runs."""

    perm: torch.Tensor  # sorted position -> input row
    inverse: torch.Tensor  # input row -> sorted position
    pid: torch.Tensor  # partition id of each sorted row (0, 1, ... ascending)
    pos: torch.Tensor  # 0..n-1
    new_peer: torch.Tensor  # the row starts a peer group (or a partition)
    sorted_input: Batch  # the input rows the window reads, in sorted order
    in_order: bool = False  # the input was sorted already: perm is the identity

    def to_input_order(self, column: Column) -> Column:
        """A result in sorted order scattered back to the input's row order."""
        return column if self.in_order else column.take(self.inverse)

    @property
    def num_rows(self) -> int:
        return int(self.pos.shape[0])

    def sorted(self, expression: exp.Expression) -> Column:
        return evaluate(expression, self.sorted_input)

    @cached_property
    def _partitions(self) -> tuple[torch.Tensor, torch.Tensor]:
        return runs(self.pid)

    @cached_property
    def _peers(self) -> tuple[torch.Tensor, torch.Tensor]:
        return runs(torch.cumsum(self.new_peer.long(), 0) - 1)

    @property
    def part_start(self) -> torch.Tensor:
        return self._partitions[0]

    @property
    def part_end(self) -> torch.Tensor:
        return self._partitions[1]

    @property
    def peer_start(self) -> torch.Tensor:
        return self._peers[0]

    @property
    def peer_end(self) -> torch.Tensor:
        return self._peers[1]

    @cached_property
    def longest_partition(self) -> int:
        """Rows in the largest partition (one host sync, shared by the calls of this sort)."""
        return int((self.part_end - self.part_start).max()) if self.num_rows else 0


def runs(ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For ascending run ids 0, 0, 1, 1, 1, 2, ... (one per row), each row's run as
    [start, end) positions: from the run lengths (`bincount`) and their running sum."""
    lengths = torch.bincount(ids)
    ends = torch.cumsum(lengths, 0)
    return gather(ends - lengths, ids), gather(ends, ids)


def prefix(values: torch.Tensor) -> torch.Tensor:
    """[0, v0, v0+v1, ...]: sums over [a, b) are prefix[b] - prefix[a]."""
    return torch.cat([torch.zeros(1, dtype=values.dtype, device=values.device),
                      torch.cumsum(values, 0)])


def compensated_prefix(values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """`prefix` of float64 values plus the running sum of each step's rounding error (TwoSum,
    recovered from consecutive prefix values). A frame's sum is then the difference of the
    prefix sums plus that of the errors: no cancellation against the (possibly much larger)
    sum of all earlier rows. Exact where the cumsum adds sequentially (CPU); no worse than a
    plain prefix where it does not."""
    sums = prefix(values)
    before, after = sums[:-1], sums[1:]
    added = after - before
    errors = (before - (after - added)) + (values - added)
    return sums, prefix(errors)


# -- frames ------------------------------------------------------------------------------------

def segments(frame: WindowFrame, call: WindowCall,
             layout: Layout) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The frame of every row as ordered [lo, hi) segments (EXCLUDE removes a middle part)."""
    lo = _bound(frame.start, frame, call, layout, is_start=True)
    hi = _bound(frame.end, frame, call, layout, is_start=False)
    lo = torch.minimum(torch.maximum(lo, layout.part_start), layout.part_end)
    hi = torch.minimum(torch.maximum(hi, lo), layout.part_end)
    pos = layout.pos
    if frame.exclude == "no others":
        parts = [(lo, hi)]
    elif frame.exclude == "current row":
        parts = [(lo, torch.minimum(hi, pos)), (torch.maximum(lo, pos + 1), hi)]
    else:
        parts = [(lo, torch.minimum(hi, layout.peer_start)),
                 (torch.maximum(lo, layout.peer_end), hi)]
        if frame.exclude == "ties":
            inside = (lo <= pos) & (pos < hi)
            parts.insert(1, (pos, torch.where(inside, pos + 1, pos)))
    return [(a, torch.maximum(a, b)) for a, b in parts]


def _bound(bound: FrameBound, frame: WindowFrame, call: WindowCall, layout: Layout,
           is_start: bool) -> torch.Tensor:
    """One edge of every row's frame: a start position or an exclusive end position."""
    if bound.kind == "unbounded":
        return layout.part_start if bound.preceding else layout.part_end
    if bound.kind == "current":
        if frame.kind == "rows":
            return layout.pos if is_start else layout.pos + 1
        return layout.peer_start if is_start else layout.peer_end
    if frame.kind == "range":
        return _range_bound(bound, call, layout, is_start)
    offset = _offset(bound, layout)
    if frame.kind == "rows":
        edge = layout.pos - offset if bound.preceding else layout.pos + offset
        return edge if is_start else edge + 1
    return _groups_bound(offset if not bound.preceding else -offset, layout, is_start)


def _offset(bound: FrameBound, layout: Layout) -> torch.Tensor:
    """A ROWS/GROUPS offset per sorted row: a non-negative integer."""
    column = layout.sorted(bound.offset)
    if not (column.type.is_integer or column.type is DataType.NULL):
        raise ProgrammingError(f"a ROWS or GROUPS frame offset must be an integer: "
                               f"{bound.offset.sql(dialect='duckdb')}")
    values = column.values.long()
    bad = values < 0 if column.valid is None else (values < 0) | ~column.valid
    if layout.num_rows and bool(bad.any()):
        raise DataError("a window frame offset must be a non-negative number, not NULL")
    return values


def _groups_bound(step: torch.Tensor, layout: Layout, is_start: bool) -> torch.Tensor:
    """GROUPS: the start (end) of the peer group `step` groups from the row's own, clamped to
    the partition (a group past its end gives an empty frame)."""
    group = torch.cumsum(layout.new_peer.long(), 0) - 1
    group_starts = true_rows(layout.new_peer)
    group_ends = torch.cat([group_starts[1:], torch.full((1,), layout.num_rows,
                                                         device=group_starts.device)])
    first, last = group[layout.part_start], group[layout.part_end - 1]
    target = group + step
    inside = torch.minimum(torch.maximum(target, first), last)
    if is_start:
        return torch.where(target > last, layout.part_end, group_starts[inside])
    edge = torch.where(target < first, layout.part_start, group_ends[inside])
    return torch.where(target > last, layout.part_end, edge)


def _range_bound(bound: FrameBound, call: WindowCall, layout: Layout,
                 is_start: bool) -> torch.Tensor:
    """RANGE `offset` PRECEDING/FOLLOWING: the first row (start) or the first row past the last
    (end) whose order key lies within `offset` of the row's, searched in the row's partition
    among its non-NULL keys. Rows with a NULL key keep their peer group."""
    key_order = call.order[0]
    towards_smaller = bound.preceding != key_order.descending
    op = exp.Sub if towards_smaller else exp.Add
    target = layout.sorted(op(this=key_order.expr, expression=bound.offset))
    key = range_key(call, layout)
    if not isinstance(bound.offset, exp.Interval):
        offset = layout.sorted(bound.offset)
        if not offset.type.is_numeric:
            raise ProgrammingError("a RANGE frame offset must be a number or an interval")
        bad = offset.values < 0 if offset.valid is None else (offset.values < 0) | ~offset.valid
        if layout.num_rows and bool(bad.any()):
            raise DataError("a window frame offset must be a non-negative number, not NULL")
    key, target = align([key, target], "a RANGE frame")
    valid = key.validity()
    found = _search(key.values, target.values, valid, key_order, layout.pid, strict=not is_start)
    return torch.where(valid, found, layout.peer_start if is_start else layout.peer_end)


def range_key(call: WindowCall, layout: Layout) -> Column:
    """The ORDER BY key of a RANGE frame with an offset (sorted): a number or a date/time."""
    key = layout.sorted(call.order[0].expr)
    if key.type is DataType.INTERVAL:
        raise NotSupportedError(f"a RANGE frame with an offset over an INTERVAL ORDER BY key: "
                                f"{call.sql()}")
    if not (key.type.is_numeric or key.type in TEMPORAL_TYPES):
        raise ProgrammingError(f"a RANGE frame with an offset needs a numeric or temporal "
                               f"ORDER BY key, not {key.type.value}")
    return key


def _search(values: torch.Tensor, goal: torch.Tensor, valid: torch.Tensor, key_order,
            pid: torch.Tensor, strict: bool) -> torch.Tensor:
    """Per row, the first position of its partition whose (non-NULL) key is at or past `goal`
    in sort order (strictly past when `strict`), or the end of the partition's non-NULL keys.

    Keys and goals are ranked together (exact for any dtype), each rank offset by its row's
    partition id times the number of ranks (+2 slots for the NULL keys at either end): the
    sorted rows are then one ascending int64 sequence for `torch.searchsorted`."""
    both = torch.cat([values, goal])
    if both.is_floating_point():
        both = float_key(both)
    ranks = torch.unique(both.long(), sorted=True, return_inverse=True)[1]
    width = int(ranks.max()) + 3 if ranks.numel() else 3
    if key_order.descending:
        ranks = width - 3 - ranks
    n = values.shape[0]
    base = pid * width
    null_slot = 0 if key_order.nulls_first else width - 1
    sequence = torch.where(valid, base + ranks[:n] + 1, base + null_slot)
    return torch.searchsorted(sequence, base + ranks[n:] + 1, right=strict)


# -- aggregates over frames ----------------------------------------------------------------------

def framed_aggregate(call: WindowCall, layout: Layout) -> Column:
    """COUNT(*), COUNT, SUM, AVG, MIN, MAX, BOOL_AND, BOOL_OR, or a variance or standard
    deviation of every row's frame (sorted order)."""
    parts = segments(call.frame, call, layout)
    if call.func == "count_star":
        return Column(sum(b - a for a, b in parts), DataType.BIGINT)
    arg = layout.sorted(call.args[0])
    valid = arg.validity()
    counts = prefix(valid.long())
    count = sum(counts[b] - counts[a] for a, b in parts)
    if call.func == "count":
        return Column(count, DataType.BIGINT)
    has_value = normalize_valid(count > 0)
    if call.func in ("min", "max"):
        return _extreme(call, arg, parts, layout, has_value, call.func == "max")
    if call.func in ("bool_and", "bool_or"):
        if arg.type not in (DataType.BOOLEAN, DataType.NULL):
            raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {call.sql()}")
        result = _extreme(call, arg, parts, layout, has_value, call.func == "bool_or")
        return Column(result.values.to(torch.bool), DataType.BOOLEAN, result.valid)
    if arg.type is DataType.NULL:
        return Column(torch.zeros_like(count, dtype=torch.float64), DataType.DOUBLE,
                      torch.zeros_like(count, dtype=torch.bool))
    if arg.type is DataType.INTERVAL and call.func == "avg":  # each part's frame sums
        values = torch.where(valid[:, None], arg.values, 0)
        totals = []
        for part in range(3):
            if sum_may_overflow(values[:, part]):
                raise NotSupportedError(f"{call.sql()}: INTERVAL sums past 64 bits")
            sums = prefix(values[:, part].contiguous())
            totals.append(sum(sums[b] - sums[a] for a, b in parts))
        return interval_average(torch.stack(totals, dim=1), count)
    if not (arg.type.is_numeric or arg.type is DataType.BOOLEAN):
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {call.sql()}")
    if call.func in VARIANCES:
        if not arg.type.is_numeric:
            raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {call.sql()}")
        return framed_variance(call.func, arg, parts)
    values = arg.values.double() if arg.values.is_floating_point() else arg.values.long()
    values = torch.where(valid, values, torch.zeros((), dtype=values.dtype, device=values.device))
    if values.is_floating_point():
        total = _float_frame_sums(values, parts)
    else:  # integers and scaled decimals: exact prefix differences (correct modulo 2**64) ...
        sums = prefix(values)
        total = sum(sums[b] - sums[a] for a, b in parts)
        if sum_may_overflow(values):  # ... so a frame's sum near the int64 limits is an error
            near = _float_frame_sums(values.double(), parts).abs() >= 2.0 ** 62
            if bool((near if has_value is None else near & has_value).any()):
                raise DataError(f"Overflow in {call.sql()}: the sum does not fit in 64 bits")
    if call.func == "avg":
        mean = total.double() / count.clamp(min=1).double()
        if arg.type is DataType.DECIMAL:
            mean = mean / arg.decimal.unit
        return Column(mean, DataType.DOUBLE, has_value)
    if call.func != "sum":
        raise NotSupportedError(f"{call.func.upper()} over a window frame")
    type_, decimal = sum_type(arg.type, arg.decimal)
    return Column(total, type_, has_value, None, decimal)


def _float_frame_sums(values: torch.Tensor, parts) -> torch.Tensor:
    """float64 sums over the frames' segments, compensated (Kahan) prefix differences."""
    sums, errors = compensated_prefix(values)
    return sum((sums[b] - sums[a]) + (errors[b] - errors[a]) for a, b in parts)


def _extreme(call: WindowCall, arg: Column, parts, layout: Layout, has_value,
             is_max: bool) -> Column:
    """MIN/MAX over the segments, as order-preserving int64 keys (NaN greatest, as SQL)."""
    if arg.type is DataType.NULL:
        return Column(torch.zeros_like(layout.pos, dtype=torch.int32), DataType.NULL,
                      torch.zeros_like(layout.pos, dtype=torch.bool))
    if arg.type is DataType.INTERVAL:  # over (rank, row) keys: the frame's own row holding
        # the least (greatest) interval, the last of equal ones ('1 month', '30 days') as
        # DuckDB keeps it
        ranks, _ = dense_rank(pack_keys([arg.values]))
        rows = ranks.shape[0]
        position = torch.arange(rows, device=ranks.device)
        keys = ranks * max(rows, 1) + (position if is_max else rows - 1 - position)
        ranked = _extreme(call, Column(keys, DataType.BIGINT, arg.valid), parts, layout,
                          has_value, is_max)
        row = torch.remainder(ranked.values, max(rows, 1))
        picked = row if is_max else rows - 1 - row
        return replace(arg.take(picked.clamp(0, max(rows - 1, 0))) if rows else arg,
                       valid=has_value)
    work = float_key(arg.values) if arg.values.is_floating_point() else arg.values.long()
    identity = _INT64_MIN if is_max else _INT64_MAX
    work = torch.where(arg.validity(), work, torch.full_like(work, identity))
    op = torch.maximum if is_max else torch.minimum
    frame = call.frame
    if frame.start.kind == "unbounded" and frame.exclude == "no others":
        running = _running(work, layout.part_start, layout.pos, op, layout.longest_partition)
        lo, hi = parts[0]
        result = running[(hi - 1).clamp(min=0)] if layout.num_rows else work
    else:
        result = _SparseTable(work, op, parts).query(parts, identity)
    values = float_from_key(result) if arg.values.is_floating_point() else result
    return replace(arg, values=values.to(arg.values.dtype), valid=has_value)


def _running(work: torch.Tensor, run_start: torch.Tensor, pos: torch.Tensor, op,
             longest: int) -> torch.Tensor:
    """Segmented inclusive scan: op over [run_start, i] for every row, in log2 doubling steps."""
    result = work.clone()
    step = 1
    while step < longest:
        back = pos - step
        earlier = gather(result, back.clamp(min=0))
        result = torch.where(back >= run_start, op(result, earlier), result)
        step *= 2
    return result


class _SparseTable:
    """The extreme of every range [i, i + 2^k) for k up to log2(longest segment): a range
    [a, b) is then the extreme of two overlapping power-of-two ranges."""

    def __init__(self, work: torch.Tensor, op, parts):
        n = work.shape[0]
        longest = int(max((b - a).max() for a, b in parts)) if n else 0
        levels = [work]
        width = 1
        while 2 * width <= longest:
            prev = levels[-1]  # the tail keeps its shorter ranges: queries never reach past n
            levels.append(torch.cat([op(prev[:n - width], prev[width:]), prev[n - width:]]))
            width *= 2
        self.table = torch.stack(levels).flatten()
        # floor(log2(length)) for every length up to the longest, as a lookup table.
        lengths = torch.arange(max(longest, 1) + 1, device=work.device)
        self.level = torch.floor(torch.log2(lengths.clamp(min=1).double())).long()
        self.level = torch.where((1 << (self.level + 1)) <= lengths, self.level + 1, self.level)
        self.level = torch.where((1 << self.level) > lengths.clamp(min=1), self.level - 1,
                                 self.level)
        self.op, self.n = op, n

    def query(self, parts, identity: int) -> torch.Tensor:
        result = None
        last = max(self.n - 1, 0)
        for a, b in parts:
            length = b - a
            level = self.level[length]
            row = level * self.n
            left = self.table[row + a.clamp(max=last)]
            right = self.table[row + (b - (1 << level)).clamp(min=0, max=last)]
            value = torch.where(length > 0, self.op(left, right), torch.full_like(left, identity))
            result = value if result is None else self.op(result, value)
        return result
