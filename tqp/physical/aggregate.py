"""Aggregation operators: group by keys and reduce, reading the input batch by batch.

Each input batch is first reduced on its own (a partial aggregate: sums, counts, minima...),
and the partial results are merged by a final aggregate over them, so the state held is the
partial groups, not the input. When the first batch barely reduces (nearly one group per row),
or an aggregate cannot be merged that way (DISTINCT, MEDIAN, variances), the input batches are
kept and aggregated whole instead. A Filter directly below is fused: the aggregate reads its
mask rather than a copy of the rows it keeps, when it keeps most of them.

Named by how groups are numbered, as planned from the key columns' statistics:
DirectAggregate (a small key range: a presence table over it) and SortAggregate (sorted unique
keys); UngroupedAggregate has no keys. The numbering that actually ran is noted by EXPLAIN
ANALYZE.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Iterator

import torch
from sqlglot import exp

from tqp.errors import Error
from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream, track_state
from tqp.execution.memory import MemoryLimitExceeded
from tqp.execution.spill import HashSpill, hold, spill_by_hash
from tqp.operators import aggregation, fused, relational
from tqp.operators.batches import concat_batches
from tqp.operators.expressions import column_ref, evaluate
from tqp.physical.exchange import Exchange
from tqp.physical.operator import PhysicalOperator, sql_text
from tqp.planner.logical import AggregateCall
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.masks import count_true
from tqp.types import DataType

# Aggregate a filter's input with its mask when the filter keeps at least this fraction of rows.
MASK_AGGREGATE_FRACTION = 0.5
# Partial aggregation stops paying when a batch keeps more than this fraction of its rows as
# groups: the batches are then aggregated whole.
PARTIAL_MAX_FRACTION = 0.5
# How each mergeable aggregate is split: the partial aggregates, and the final one over them.
_MERGE = {"count_star": "sum", "count": "sum", "sum": "sum", "min": "min", "max": "max",
          "bool_and": "bool_and", "bool_or": "bool_or", "any_value": "any_value",
          "first": "first", "group_value": "group_value"}


@dataclass(frozen=True)
class Merge:
    """The partial and final aggregates of a grouped aggregation, and how the final output is
    finished (AVG = summed sums / summed counts)."""

    partial: tuple[tuple[str, AggregateCall], ...]
    final: tuple[tuple[str, AggregateCall], ...]
    averages: tuple[tuple[str, str, str], ...]  # (output, sum column, count column)


def plan_merge(aggregates) -> Merge | None:
    """The partial/final split of `aggregates`, or None when one of them cannot be merged."""
    partial, final, averages = [], [], []
    for name, call in aggregates:
        if call.distinct or call.filter is not None or call.order:
            return None  # FIRST ... FILTER / ORDER BY do not merge across batches
        if call.func == "avg":
            s, c = f"{name}$sum", f"{name}$count"
            partial += [(s, AggregateCall("sum", call.arg, param=aggregation.AVERAGED)),
                        (c, AggregateCall("count", call.arg))]
            final += [(s, AggregateCall("sum", column_ref(s), param=aggregation.AVERAGED)),
                      (c, AggregateCall("sum", column_ref(c)))]
            averages.append((name, s, c))
        elif call.func in _MERGE:
            partial.append((name, call))
            # an AVG's partial SUMs (merged again on Ray) keep summing an INTERVAL's parts
            param = aggregation.AVERAGED if call.param == aggregation.AVERAGED else None
            final.append((name, AggregateCall(_MERGE[call.func], column_ref(name),
                                              param=param)))
        else:
            return None
    return Merge(tuple(partial), tuple(final), tuple(averages))


@dataclass(frozen=True, eq=False)
class _Aggregate(PhysicalOperator):
    # One partition (an Exchange gathers a partitioned input), or, with keys, partitions of
    # the input split by a hash of the keys (on Ray): each partition's groups are its own.
    input: PhysicalOperator
    keys: tuple[tuple[str, exp.Expression], ...]
    aggregates: tuple[tuple[str, AggregateCall], ...]
    condition: exp.Expression | None = None  # a fused Filter below
    merge: Merge | None = None

    @property
    def children(self):
        return (self.input,)

    @property
    def partitions(self) -> int:
        return self.input.partitions

    def describe(self) -> str:
        keys = ", ".join(f"{n} := {sql_text(e)}" for n, e in self.keys)
        aggs = ", ".join(f"{n} := {c.sql()}" for n, c in self.aggregates)
        text = f"{type(self).__name__} keys=[{keys}] aggregates=[{aggs}]"
        if self.condition is not None:
            text += f" WHERE {sql_text(self.condition)}"
        return text

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        source = stream(self.input, partition, ctx)
        first = next(source)
        second = next(source, None)
        if second is None:  # one batch: aggregate it as it is
            yield self._aggregate(self.keys, self.aggregates, first, ctx)
            return
        empty = relational.slice_rows(first, 0, 0)
        partial = False
        if self.merge is not None:
            reduced = self._aggregate(self.keys, self.merge.partial, first, ctx)
            partial = reduced.num_rows <= PARTIAL_MAX_FRACTION * first.num_rows
            if partial:
                first = reduced
        note(self, ctx, "ran: partial aggregates merged" if partial else "ran: whole input")
        reservation = ctx.memory.reserve("groups", 0, self)
        held = []
        pending = itertools.chain([second], source)
        for batch in itertools.chain([first], pending):
            if partial and batch is not first:
                batch = self._aggregate(self.keys, self.merge.partial, batch, ctx)
            try:
                reservation.grow(batch.nbytes)
            except MemoryLimitExceeded:
                if not self.keys:
                    raise  # one group: partitioning cannot make it smaller
                reservation.release()
                yield from self._spill(held + [batch], pending, partial, empty, ctx)
                return
            held.append(batch)
        track_state(self, ctx, reservation.size)
        whole = concat_batches(held)
        del held
        yield self._combine(whole, partial, ctx)
        reservation.release()

    def _combine(self, whole: Batch, partial: bool, ctx: ExecutionContext,
                 filtered: bool = False) -> Batch:
        """The aggregate of `whole`: merged partial states, or input rows (already `filtered`
        by the fused condition, or not)."""
        if partial:
            final_keys = tuple((n, column_ref(n)) for n, _ in self.keys)
            merged = aggregation.aggregate(final_keys, self.merge.final, whole)
            return _finish(merged, self.keys, self.aggregates, self.merge)
        if filtered:
            return aggregation.aggregate(self.keys, self.aggregates, whole)
        return self._aggregate(self.keys, self.aggregates, whole, ctx)

    def _spill(self, held, pending, partial: bool, empty: Batch, ctx: ExecutionContext):
        """Past the memory limit: split everything by a hash of the group keys into spill
        files, then aggregate one partition at a time (each group lies in one partition)."""
        spill = HashSpill(ctx)
        try:
            def add(batch: Batch, raw: bool) -> None:
                if raw and partial:
                    batch = self._aggregate(self.keys, self.merge.partial, batch, ctx)
                elif raw and self.condition is not None:
                    batch = relational.filter_(self.condition, batch)
                if partial:
                    keys = [batch[n] for n, _ in self.keys]
                else:
                    keys = [evaluate(e, batch) for _, e in self.keys]
                spill.add(batch, keys)

            for batch in held:
                add(batch, raw=not partial)
            held.clear()
            for batch in pending:
                add(batch, raw=True)
            note(self, ctx, f"spilled {spill.rows} rows to {spill.partitions} partitions")
            produced = False
            for p in range(spill.partitions):
                batches = list(spill.read(p))
                if not batches:
                    continue
                size = sum(b.nbytes for b in batches)
                reservation = ctx.memory.reserve("spilled partition", size, self)
                track_state(self, ctx, size)
                produced = True
                yield self._combine(concat_batches(batches), partial, ctx, filtered=True)
                reservation.release()
            if not produced:
                yield self._aggregate(self.keys, self.aggregates, empty, ctx)
        finally:
            spill.close()

    def _aggregate(self, keys, aggregates, batch: Batch, ctx: ExecutionContext) -> Batch:
        """`batch` aggregated, through the fused filter's mask when it keeps most rows; the
        filter and the aggregates' inputs from one compiled kernel where that applies."""
        ran: list = []
        mask = None
        compiled = self._compiled_inputs(keys, aggregates, batch, ctx)
        if compiled is not None:
            keys, aggregates, batch, mask = compiled
        if self.condition is None:
            out = aggregation.aggregate(keys, aggregates, batch, ran=ran)
        else:
            out = self._aggregate_filtered(keys, aggregates, batch, ran, mask)
        for r in ran:
            note(self, ctx, f"groups numbered {r}")
        return out

    def _compiled_inputs(self, keys, aggregates, batch: Batch, ctx: ExecutionContext):
        """(keys, aggregates, batch, mask) reading the fused filter's mask and the computed
        keys and arguments from one compiled kernel, or None to evaluate them eagerly."""
        if not fused.applies(ctx.compile, batch.num_rows) or \
                any(call.expressions() not in ((), (call.arg,)) for _, call in aggregates):
            return None  # FILTER, ORDER BY, a second argument: their own row selections
        computed = fused.ComputedColumns(batch)
        keys = tuple((name, computed.add(e)) for name, e in keys)
        aggregates = tuple((name, replace(call, arg=computed.add(call.arg)))
                           for name, call in aggregates)
        condition = None if self.condition is None else computed.add(fused.is_true(self.condition))
        try:
            out = computed.run(ctx.compile)
        except Error:
            return None  # e.g. an overflow in a row the filter drops: the eager path decides
        if out is None:
            return None
        note(self, ctx, "ran compiled: filter and aggregate inputs in one fused kernel")
        mask = out[condition.name].values if computed.holds(condition) else None
        return keys, aggregates, out, mask

    def _aggregate_filtered(self, keys, aggregates, batch: Batch, ran: list,
                            mask: torch.Tensor | None = None) -> Batch:
        """With a `mask` from a compiled kernel and no keys, the aggregates' inputs are computed
        for every row already: reading them through the mask beats gathering the kept rows
        however few. With keys, numbering the groups of every row costs more than gathering
        few kept rows (a sort, for SortAggregate)."""
        least = 1 if mask is not None and not keys else MASK_AGGREGATE_FRACTION * batch.num_rows
        if mask is None:
            mask = relational.filter_mask(self.condition, batch)
        use_mask = mask.dim() == 1 and mask.stride(0) != 0 and batch.num_rows > 0 and \
            aggregation.takes_mask(keys, aggregates)
        if use_mask and int(count_true(mask)) >= least:
            try:
                return aggregation.aggregate(keys, aggregates, batch, keep=mask, ran=ran)
            except Error:  # e.g. an overflow in a row the filter drops: aggregate the kept rows
                pass
        rows = relational.filter_(self.condition, _read_by(batch, keys, aggregates), mask)
        return aggregation.aggregate(keys, aggregates, rows, ran=ran)


def columns_read(keys, aggregates) -> frozenset[str]:
    """The names of the input columns the group `keys` and the `aggregates` read."""
    expressions = [e for _, e in keys] + [e for _, c in aggregates for e in c.expressions()]
    return frozenset(c.name for e in expressions for c in e.find_all(exp.Column))


def _read_by(batch: Batch, keys, aggregates) -> Batch:
    """`batch` with only the columns `keys` and `aggregates` read: the kept rows of a column
    only the fused condition read are never gathered."""
    names = columns_read(keys, aggregates)
    return batch.select([n for n in batch.names if n in names])


def _finish(merged: Batch, keys, aggregates, merge: Merge) -> Batch:
    """The final output columns in order: keys, then each aggregate (AVG from its sum and
    count)."""
    averages = {name: (s, c) for name, s, c in merge.averages}
    counts = {name: call.func in ("count", "count_star") for name, call in aggregates}
    out = {name: merged[name] for name, _ in keys}
    for name, _ in aggregates:
        if name in averages:
            s, c = (merged[k] for k in averages[name])
            if s.type is DataType.INTERVAL:
                out[name] = aggregation.interval_average(s.values, c.values)
                continue
            values = s.as_double() / c.values.clamp(min=1).double()
            out[name] = Column(values, DataType.DOUBLE, normalize_valid(c.values > 0))
        elif counts.get(name):  # the summed partial counts are a count again, not a HUGEINT
            out[name] = Column(merged[name].values, DataType.BIGINT, merged[name].valid)
        else:
            out[name] = merged[name]
    return Batch(out, merged.num_rows, merged.device)


@dataclass(frozen=True, eq=False)
class DirectAggregate(_Aggregate):
    pass


@dataclass(frozen=True, eq=False)
class SortAggregate(_Aggregate):
    pass


@dataclass(frozen=True, eq=False)
class UngroupedAggregate(_Aggregate):
    pass


@dataclass(frozen=True, eq=False)
class PartialAggregate(_Aggregate):
    """The partial states (`aggregates`: a Merge's partial aggregates) of each input partition
    on its own, keeping the input's partitions. Where partitions run apart (Ray tasks), only
    these partial groups cross the exchange to a MergeAggregate."""


@dataclass(frozen=True, eq=False)
class MergeAggregate(_Aggregate):
    """The final aggregate over gathered partial states (`aggregates`: a Merge's final ones,
    keyed by the group key columns), finished into `outputs` (AVG from its sum and count)."""

    finish: Merge | None = None
    outputs: tuple[tuple[str, AggregateCall], ...] = ()

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for batch in super().execute(partition, ctx):
            yield _finish(batch, self.keys, self.outputs, self.finish)


def split_partial(op: PhysicalOperator) -> PhysicalOperator | None:
    """A mergeable aggregate over a gathered, partitioned input as a PartialAggregate per
    input partition, gathered into a MergeAggregate; None when `op` is not one."""
    if not isinstance(op, (DirectAggregate, SortAggregate, UngroupedAggregate)) or \
            op.merge is None or not isinstance(op.input, Exchange) or op.input.kind != "gather":
        return None
    partial = PartialAggregate(op.input.input, op.keys, op.merge.partial, op.condition,
                               plan_merge(op.merge.partial))
    final_keys = tuple((n, column_ref(n)) for n, _ in op.keys)
    return MergeAggregate(Exchange(partial, "gather"), final_keys, op.merge.final, None,
                          plan_merge(op.merge.final), op.merge, op.aggregates)


@dataclass(frozen=True, eq=False)
class GroupingSetsAggregate(PhysicalOperator):
    """GROUPING SETS / ROLLUP / CUBE: the whole input gathered, then one aggregation per set
    (the keys outside the set NULL), concatenated.

    When the aggregates merge (`plan_merge`; GROUPING() is computed per set anyway), the input
    is first reduced to partial states grouped by every key, and each set aggregates those
    groups instead of the input rows: one pass over the input rather than one per set."""

    input: PhysicalOperator
    keys: tuple[tuple[str, exp.Expression], ...]
    aggregates: tuple[tuple[str, AggregateCall], ...]
    sets: tuple[tuple[int, ...], ...]

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        held, reservation, rest = hold("input", stream(self.input, 0, ctx), ctx, self)
        if rest is None:
            track_state(self, ctx, reservation.size)
            whole = concat_batches(held)
            del held
            yield self._whole(whole, ctx)
            reservation.release()
            return
        # Past the limit: the input goes to a spill file, read once per grouping set.
        run = HashSpill(ctx, partitions=1)
        try:
            for batch in itertools.chain(held, rest):
                run.files[0].write(batch)
            held.clear()
            note(self, ctx, f"spilled {run.files[0].rows} rows, read once per grouping set")
            for present in self.sets:
                if present:
                    yield from self._spilled_set(present, run, ctx)
                else:
                    yield self._spilled_total(run, ctx)
        finally:
            run.close()

    def _spilled_set(self, present: tuple[int, ...], run: HashSpill,
                     ctx: ExecutionContext) -> Iterator[Batch]:
        """One grouping set with keys: the input split by a hash of them (each group in one
        partition), aggregated a partition at a time."""
        spill = spill_by_hash(ctx, run.read(0), [self.keys[i][1] for i in present])
        try:
            for p in range(spill.partitions):
                batches = list(spill.read(p))
                if batches:
                    part = concat_batches(batches)
                    reservation = ctx.memory.reserve("spilled partition", part.nbytes, self)
                    track_state(self, ctx, part.nbytes)
                    yield aggregation.aggregate(self.keys, self.aggregates, part,
                                                sets=(present,))
                    reservation.release()
        finally:
            spill.close()

    def _spilled_total(self, run: HashSpill, ctx: ExecutionContext) -> Batch:
        """The grouping set () over the spilled input: each batch reduced to partial states,
        merged; the whole input read at once (within the limit) when an aggregate does not
        merge."""
        calls = tuple((n, c) for n, c in self.aggregates if c.func != "grouping")
        merge = plan_merge(calls)
        if merge is None:
            whole = concat_batches(list(run.read(0)))
            reservation = ctx.memory.reserve("input", whole.nbytes, self)
            out = aggregation.aggregate(self.keys, self.aggregates, whole, sets=((),))
            reservation.release()
            return out
        first = None
        partials = []
        for batch in run.read(0):
            if first is None:
                first = relational.slice_rows(batch, 0, 1)
            partials.append(aggregation.aggregate(self.keys, merge.partial, batch, sets=((),)))
        final_keys = tuple((n, column_ref(n)) for n, _ in self.keys)
        merged = aggregation.aggregate(final_keys, merge.final, concat_batches(partials),
                                       sets=((),))
        out = _finish(merged, self.keys, calls, merge).columns
        # GROUPING() of the set (): the same for any row, taken from one.
        grouping = aggregation.aggregate(self.keys, self.aggregates, first, sets=((),))
        columns = {n: out.get(n, grouping[n]) for n in grouping.names}
        return Batch(columns, 1, grouping.device)

    def _whole(self, whole: Batch, ctx: ExecutionContext) -> Batch:
        """The sets over the input held whole: with mergeable aggregates, reduced once to
        partial groups by every key, and each set aggregated from those."""
        grouping = tuple((n, c) for n, c in self.aggregates if c.func == "grouping")
        merge = plan_merge(tuple((n, c) for n, c in self.aggregates if c.func != "grouping"))
        if merge is None or whole.num_rows == 0 or len(self.sets) < 2:
            # (An empty input: the grand total's COUNT is 0, where summed partial counts
            # would be NULL.)
            return aggregation.aggregate(self.keys, self.aggregates, whole, sets=self.sets)
        finest = aggregation.aggregate(self.keys, merge.partial, whole)
        note(self, ctx, f"ran: sets from {finest.num_rows} partial groups")
        final_keys = tuple((n, column_ref(n)) for n, _ in self.keys)
        merged = aggregation.aggregate(final_keys, merge.final + grouping, finest, sets=self.sets)
        return _finish(merged, self.keys, self.aggregates, merge)

    def describe(self) -> str:
        keys = ", ".join(f"{n} := {sql_text(e)}" for n, e in self.keys)
        aggs = ", ".join(f"{n} := {c.sql()}" for n, c in self.aggregates)
        return f"GroupingSetsAggregate keys=[{keys}] sets={[list(s) for s in self.sets]} " \
               f"aggregates=[{aggs}]"


@dataclass(frozen=True, eq=False)
class Distinct(PhysicalOperator):
    """One row per distinct tuple of the input, in order of first appearance."""

    input: PhysicalOperator

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        whole = gather_input(self, self.input, ctx)
        yield relational.distinct(whole)

    def describe(self) -> str:
        return "Distinct (group ids, first row of each)"


def gather_input(op: PhysicalOperator, child: PhysicalOperator, ctx: ExecutionContext) -> Batch:
    """Every batch of `child` (one partition) as one batch, its bytes reserved for `op`."""
    reservation = ctx.memory.reserve("input", 0, op)
    batches = []
    for batch in stream(child, 0, ctx):
        reservation.grow(batch.nbytes)
        batches.append(batch)
    track_state(op, ctx, reservation.size)
    whole = concat_batches(batches)
    reservation.release()
    return whole
