"""Join operators, named by the algorithm that matches keys.

The right input is the build side: read whole once (through a broadcast Exchange) and, for an
equi-join, turned into a table once. The left input is the probe side and streams: each probe
batch is matched against the table and becomes an output batch. Right and full outer joins
need every probe row before they know which build rows never matched, so their probe side is
gathered first.

- DirectJoin: the build keys' range is small (from the column statistics): a direct-address
  table, `table[key - min]`.
- BinarySearchJoin: the build keys are sorted, each probe key finds its run by binary search.
- RangeJoin: no equality keys, but an inequality between the inputs (or a band of two): one
  side sorted by its value, each row of the other finds its matching run by binary search
  (operators/range_join.py); the other conditions filter those pairs.
- NestedLoopJoin: no equality keys nor inequality: every pair, filtered by the residual.
- KeySetMarkJoin / PairMarkJoin: EXISTS and IN; a key set (no pairs) without a residual, the
  matching pairs reduced to one flag per row with one. RangeMarkJoin: the pairs of a RangeJoin
  reduced so.

The table may still come out otherwise than planned (a "direct" build whose keys turn out
sparse is sorted instead); EXPLAIN ANALYZE notes what ran.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar, Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream, track_state
from tqp.execution.memory import MemoryLimitExceeded
from tqp.execution.spill import HashSpill
from tqp.operators import joins, range_join, relational
from tqp.operators.batches import concat_batches
from tqp.operators.expressions import evaluate
from tqp.operators.join import SWAP_RATIO, build_scratch_bytes, match_any
from tqp.operators.range_join import RangeCondition
from tqp.physical.exchange import Exchange
from tqp.physical.join_bounds import push_join_bounds
from tqp.physical.operator import PhysicalOperator, read_all, sql_text
from tqp.storage.column import Batch, Column
from tqp.types import DataType


def _keys_text(left_keys, right_keys) -> str:
    return " AND ".join(f"{sql_text(a)} = {sql_text(b)}" for a, b in zip(left_keys, right_keys))


@dataclass(frozen=True, eq=False)
class _Join(PhysicalOperator):
    probe: PhysicalOperator
    build: PhysicalOperator
    kind: str
    left_keys: tuple[exp.Expression, ...] = ()
    right_keys: tuple[exp.Expression, ...] = ()
    residual: exp.Expression | None = None
    # False where no consumer needs the rows in left-row order (an aggregate of sums, counts,
    # minima and maxima): a small left side built is then probed without re-sorting the pairs.
    ordered: bool = True
    # The columns passed on (those the parent reads), or None for all: see joins.assemble
    # (a RangeJoin's own matching passes all on; its parent drops them).
    keep: frozenset[str] | None = None
    strategy: ClassVar[str] = "auto"
    # Without keys, is the probe side joined batch by batch (else gathered whole)?
    streams_without_keys: ClassVar[bool] = False

    @property
    def children(self):
        return (self.probe, self.build)

    @property
    def partitions(self) -> int:
        return 1 if self.kind in ("right", "full") else self.probe.partitions

    def describe(self) -> str:
        keys = _keys_text(self.left_keys, self.right_keys)
        text = f"{type(self).__name__}[{self.kind}]" + (f" ON {keys}" if keys else "")
        text += f" WHERE {sql_text(self.residual)}" if self.residual is not None else ""
        return text + ("" if self.ordered else " (rows in any order)")

    def spillable(self) -> bool:
        """Can this join run partition by partition of the key hash? (Any join with keys:
        every match lies within one partition, and so do a build row's missed matches.)"""
        return bool(self.left_keys)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        state = _build(self, ctx)
        if isinstance(state, SpilledBuild):
            yield from _grace(self, partition, state, ctx, self._whole_join(ctx))
            return
        right = state[0]
        push_join_bounds(self, right, ctx)
        ran: list = []

        def whole(left: Batch) -> Batch:
            out = self._match(left, right, ctx, ran)
            for r in ran:
                note(self, ctx, f"ran: {r}")
            return out

        if self.partitions == 1 and (self.kind in ("right", "full") or
                                     not self.left_keys and not self.streams_without_keys):
            # Every probe row at once: right/full joins pad the build rows none met.
            batches = list(stream(self.probe, partition, ctx))
            yield from _join_whole(self, partition, state, batches, ctx, whole,
                                   self._whole_join(ctx))
            return
        batches, source = _gather_probe(self, partition, state[0].num_rows, ctx)
        if batches is not None:
            yield from _join_whole(self, partition, state, batches, ctx, whole,
                                   self._whole_join(ctx))
            return
        yield from _probe_all(self, partition, source, state, ctx, self._probe,
                              self._whole_join(ctx))

    def _match(self, left: Batch, right: Batch, ctx: ExecutionContext,
               ran: list | None = None) -> Batch:
        """`left` joined with `right`, both whole (the kernel picks the side to build on)."""
        return joins.join(left, right, self.kind, self.left_keys, self.right_keys,
                          self.residual, ctx.device, ran=ran, ordered=self.ordered,
                          keep=self.keep)

    def _whole_join(self, ctx: ExecutionContext):
        return lambda left, right, built: joins.join(
            left, right, self.kind, self.left_keys, self.right_keys, self.residual, ctx.device,
            keep=self.keep)

    def _probe(self, batch: Batch, state: list, ctx: ExecutionContext) -> Batch:
        right = state[0]
        if not self.left_keys:
            ran: list = []
            out = self._match(batch, right, ctx, ran)
            for r in ran:
                note(self, ctx, f"ran: {r}")
            return out
        # An inner join probes a filter's input with its mask while the kept rows are unlisted.
        probed, kept = joins.unlisted_probe(batch) if self.kind == "inner" else (batch, None)
        _prepare(self, state, probed, ctx, strategy=self.strategy)
        pairs = joins.probe_pairs(state[1], probed, self.left_keys, self.residual, kept) \
            if state[1] else None
        if pairs is None:
            note(self, ctx, "ran: whole-batch join per probe batch")
            return joins.join(batch, right, self.kind, self.left_keys, self.right_keys,
                              self.residual, ctx.device, keep=self.keep)
        note(self, ctx, f"ran: {state[1].strategy}" + (", filter's mask" if kept is not None
                                                       else ""))
        return joins.assemble(probed, right, *pairs, self.kind, self.keep)


@dataclass(frozen=True, eq=False)
class DirectJoin(_Join):
    strategy: ClassVar[str] = "direct"


@dataclass(frozen=True, eq=False)
class BinarySearchJoin(_Join):
    strategy: ClassVar[str] = "search"


@dataclass(frozen=True, eq=False)
class NestedLoopJoin(_Join):
    pass


@dataclass(frozen=True, eq=False)
class RangeJoin(_Join):
    """No equality keys, but an inequality between the inputs (`range`): one side sorted by
    its value, each row of the other finds its matches as one run by binary search."""

    range: RangeCondition | None = None
    # Each probe batch is matched on its own (its candidate pairs counted against the limit),
    # against the build side sorted once.
    streams_without_keys: ClassVar[bool] = True

    def describe(self) -> str:
        text = f"RangeJoin[{self.kind}] ON {self.range.describe(sql_text)}"
        text += f" (sorted: {self.range.sorted_side})"
        text += f" WHERE {sql_text(self.residual)}" if self.residual is not None else ""
        return text + ("" if self.ordered else " (rows in any order)")

    def _match(self, left: Batch, right: Batch, ctx: ExecutionContext,
               ran: list | None = None) -> Batch:
        return range_join.range_join(left, right, self.kind, self.range, self.residual,
                                     self.ordered, ran, _sorted_cache(self, ctx))


@dataclass(frozen=True, eq=False)
class _MarkJoin(PhysicalOperator):
    probe: PhysicalOperator
    build: PhysicalOperator
    mark: str
    left_keys: tuple[exp.Expression, ...] = ()
    right_keys: tuple[exp.Expression, ...] = ()
    residual: exp.Expression | None = None
    null_aware: bool = False
    # Up to this many probe rows (of a single-partition probe side) are read first, so that a
    # build side SWAP_RATIO times larger streams past a table of them (`_marks_streaming_build`)
    # rather than being held whole; 0: the build side is always read first.
    probe_limit: int = 0

    @property
    def children(self):
        return (self.probe, self.build)

    @property
    def partitions(self) -> int:
        return self.probe.partitions

    def describe(self) -> str:
        keys = _keys_text(self.left_keys, self.right_keys)
        text = f"{type(self).__name__}[{self.mark}{', null-aware' if self.null_aware else ''}]"
        text += f" ON {keys}" if keys else ""
        return text + (f" WHERE {sql_text(self.residual)}" if self.residual is not None else "")

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        probe, held, rest = None, (), None
        if self.probe_limit and self.probe.partitions == 1:
            probe, first = stream(self.probe, partition, ctx), []
            if not _read_until(probe, self.probe_limit + 1, first) and first:
                held, rest, larger = _read_build_past(self, ctx, sum(b.num_rows for b in first))
                if larger:
                    out = _marks_streaming_build(self, first, held, rest, ctx)
                    if out is not None:
                        yield out
                        return
            probe = itertools.chain(first, probe)
        state = _build(self, ctx, held, rest)
        whole = lambda left, right, built: self._spilled_marks(left, right, built, ctx)  # noqa: E731
        if isinstance(state, SpilledBuild):
            yield from _grace(self, partition, state, ctx, whole, probe)
            return
        batches, source = _gather_probe(self, partition, state[0].num_rows, ctx, probe)
        if batches is not None:
            yield from _join_whole(self, partition, state, batches, ctx,
                                   lambda left: self._whole(left, state[0], ctx), whole)
            return
        yield from _probe_all(self, partition, source, state, ctx, self._mark_batch, whole)

    def spillable(self) -> bool:
        """Marks need only the matches, which lie within one key partition; a null-aware
        one (NOT IN) also whether the whole build side is empty or holds a NULL key, which
        spilling records."""
        return bool(self.left_keys) and (not self.null_aware or len(self.left_keys) == 1)

    def _spilled_marks(self, left: Batch, right: Batch, built: "SpilledBuild",
                       ctx: ExecutionContext) -> Batch:
        """The marks of one hash partition; IN's NULL rules from the whole build side."""
        out = joins.mark_join(left, right, self.mark, self.left_keys, self.right_keys,
                              self.residual, False, ctx.device)
        if not self.null_aware or not built.spill.rows:
            return out
        found = out[self.mark].values
        valid = joins.null_aware_valid(found, evaluate(self.left_keys[0], left),
                                       built.has_null_key)
        return out.with_columns({self.mark: Column(found, DataType.BOOLEAN, valid)})

    def _whole(self, batch: Batch, right: Batch, ctx: ExecutionContext) -> Batch:
        ran: list = []
        out = joins.mark_join(batch, right, self.mark, self.left_keys, self.right_keys,
                              self.residual, self.null_aware, ctx.device, ran=ran)
        for r in ran:
            note(self, ctx, f"ran: {r}")
        return out


@dataclass(frozen=True, eq=False)
class KeySetMarkJoin(_MarkJoin):
    """Marks the probe rows whose keys are in the build side's key set (no pairs formed)."""

    def _mark_batch(self, batch: Batch, state: list, ctx: ExecutionContext) -> Batch:
        right = state[0]
        if not self.left_keys:
            return self._whole(batch, right, ctx)
        _prepare(self, state, batch, ctx, key_set=True)
        marks = joins.probe_marks(state[1], batch, self.left_keys, self.null_aware) \
            if state[1] else None
        if marks is None:
            return self._whole(batch, right, ctx)
        note(self, ctx, f"ran: key set ({state[1].strategy})")
        found, valid = marks
        return batch.with_columns({self.mark: Column(found, DataType.BOOLEAN, valid)})


@dataclass(frozen=True, eq=False)
class PairMarkJoin(_MarkJoin):
    """Marks the probe rows with at least one build row passing keys and residual."""

    def _mark_batch(self, batch: Batch, state: list, ctx: ExecutionContext) -> Batch:
        right = state[0]
        if not self.left_keys or self.null_aware:
            return self._whole(batch, right, ctx)
        _prepare(self, state, batch, ctx)
        pairs = joins.probe_pairs(state[1], batch, self.left_keys, self.residual) \
            if state[1] else None
        if pairs is None:
            return self._whole(batch, right, ctx)
        note(self, ctx, f"ran: {state[1].strategy}")
        found = match_any(batch.num_rows, pairs[0])
        return batch.with_columns({self.mark: Column(found, DataType.BOOLEAN)})


@dataclass(frozen=True, eq=False)
class RangeMarkJoin(_MarkJoin):
    """Marks the probe rows with a build row meeting an inequality (`range`, see RangeJoin)
    and the residual."""

    range: RangeCondition | None = None

    def describe(self) -> str:
        text = f"RangeMarkJoin[{self.mark}] ON {self.range.describe(sql_text)}"
        text += f" (sorted: {self.range.sorted_side})"
        return text + (f" WHERE {sql_text(self.residual)}" if self.residual is not None else "")

    def _whole(self, batch: Batch, right: Batch, ctx: ExecutionContext) -> Batch:
        ran: list = []
        out = range_join.range_marks(batch, right, self.mark, self.range, self.residual, ran,
                                     _sorted_cache(self, ctx))
        for r in ran:
            note(self, ctx, f"ran: {r}")
        return out

    def _mark_batch(self, batch: Batch, state: list, ctx: ExecutionContext) -> Batch:
        return self._whole(batch, state[0], ctx)


def _sorted_cache(op, ctx: ExecutionContext) -> list | None:
    """Where a range join keeps its build side sorted between probe batches (None when it
    sorts each probe batch instead); dropped with the build side."""
    if op.range.sorted_side != "right":
        return None
    return ctx.state.setdefault(("sorted", id(op)), [])


def _build(op, ctx: ExecutionContext, held=(), rest=None):
    """The build side of join `op`, read once per query: [build batch, prepared BuildSide or
    None (not yet / cannot), reservation], or a SpilledBuild when it passed the memory limit
    and `op` can be split by key hash. `held`, its first batches when already read, and
    `rest` (the stream they came from) come before and instead of a fresh stream."""
    key = ("build", id(op))
    if key not in ctx.state:
        reservation = ctx.memory.reserve("build side", 0, op)
        batches = []
        source = itertools.chain(held, stream(op.build, 0, ctx) if rest is None else rest)
        for batch in source:
            try:
                reservation.grow(batch.nbytes)
            except MemoryLimitExceeded as exc:
                if not op.spillable():
                    raise
                reservation.release()
                ctx.state[key] = _spill_build(op, batches + [batch], source, exc, ctx)
                return ctx.state[key]
            batches.append(batch)
        track_state(op, ctx, reservation.size)
        ctx.state[key] = [concat_batches(batches), None, reservation]
    return ctx.state[key]


def _read_until(source, rows: int, held: list, hold=None) -> bool:
    """Batches of `source` appended to `held` until they hold `rows` rows: whether they got
    that far (if not, `source` is read to its end). `hold(batch)`, when given, reserves each
    batch read (it may raise, leaving the batch in `held`)."""
    total = 0
    for batch in source:
        held.append(batch)
        total += batch.num_rows
        if hold is not None:
            hold(batch)
        if total >= rows:
            return True
    return False


def _read_build_past(op, ctx: ExecutionContext, probe_rows: int):
    """The build side of mark join `op` read until it holds SWAP_RATIO times `probe_rows`:
    (the batches read, the rest of its stream, whether it got that far). Stops early, not that
    far, where holding more would pass the memory limit (`_build` then spills)."""
    reservation = ctx.memory.reserve("build side", 0, op)
    held: list = []
    source = stream(op.build, 0, ctx)
    try:
        larger = _read_until(source, SWAP_RATIO * max(probe_rows, 1), held,
                             lambda batch: reservation.grow(batch.nbytes))
    except MemoryLimitExceeded:
        larger = False
    finally:
        reservation.release()
    return held, source, larger


def _marks_streaming_build(op, probe: list, held: list, rest, ctx: ExecutionContext):
    """The probe rows with their marks, from a table built on them (few) that the build side's
    batches (`held`, then `rest`) mark as they stream past, each dropped once read: the build
    side is never held whole, nor concatenated. None, having read nothing more, where the
    probe keys cannot make a table or it would pass the memory limit."""
    left = concat_batches(probe) if len(probe) != 1 else probe[0]
    reservation = ctx.memory.reserve("probe side", 0, op)
    scratch = ctx.memory.reserve("table", 0, op)  # what building holds, then the table
    try:
        reservation.grow(left.nbytes + sum(b.nbytes for b in held))
        side = joins.prepare_build(left, op.left_keys, held[0].num_rows * _partitions(op.build),
                                   key_set=op.residual is None, reserve=scratch.grow,
                                   cover=joins.probe_cover(joins.unlisted_probe(held[0])[0],
                                                           op.right_keys))
        if side:
            reservation.grow(side.nbytes)
    except MemoryLimitExceeded:
        side = None
    finally:
        scratch.release()
    if not side:
        reservation.release()
        return None
    try:
        track_state(op, ctx, reservation.size)
        note(op, ctx, f"ran: build side streamed past a table of the probe rows "
                      f"({side.strategy})")
        marks = joins.BuildMarks(side, op.left_keys, op.residual)
        masked = False
        for batch in itertools.chain(_drain(held), rest):
            masked |= marks.add(batch, op.right_keys)
        if masked:
            note(op, ctx, "ran: filter's mask")
        found = marks.found()
    finally:
        reservation.release()
    return left.with_columns({op.mark: Column(found, DataType.BOOLEAN)})


def _drain(batches: list) -> Iterator[Batch]:
    """The batches of `batches`, each removed from it as it is handed on (held no longer)."""
    while batches:
        yield batches.pop(0)


def _partitions(op: PhysicalOperator) -> int:
    """The partitions an input reads, through an Exchange that makes them one."""
    return op.input.partitions if isinstance(op, Exchange) else op.partitions


def _probe_rows(op, batch: Batch) -> int:
    """The rows a join's table will be probed with, judged from one probe batch: every
    partition of the probe side (gathered or not) probes the same table, so a direct-address
    table's size is weighed against all of them."""
    return batch.num_rows * max(_partitions(op.probe), 1)


def _prepare(op, state: list, batch: Batch, ctx: ExecutionContext, **how) -> None:
    """Build side `state` made ready to probe once (its table's bytes reserved beside the
    rows'), or marked as not preparable (False); `batch` is the first probe batch."""
    if state[1] is None:
        # The kernel reserves what the building holds as it learns it (the key range, whether
        # the keys need sorting; MemoryLimitExceeded: the caller may spill), then the table's
        # own bytes replace that.
        scratch = ctx.memory.reserve("table", 0, op)
        try:
            side = joins.prepare_build(state[0], op.right_keys, _probe_rows(op, batch), **how,
                                       reserve=scratch.grow,
                                       cover=joins.probe_cover(batch, op.left_keys)) or False
        finally:
            scratch.release()
        if side:
            state[2].grow(side.nbytes)
            track_state(op, ctx, state[2].size)
        state[1] = side


def _probe_all(op, partition: int, source, state: list, ctx: ExecutionContext, probe,
               whole) -> Iterator[Batch]:
    """`probe(batch, state, ctx)` for each batch of `source`, then the build side released
    once every partition has been probed. When the first table prepared passes the memory
    limit (before any output), the build side spills and the join goes grace instead."""
    for batch in source:
        try:
            out = probe(batch, state, ctx)
        except MemoryLimitExceeded as exc:
            if state[1] is not None or not op.spillable():
                raise
            yield from _spill_and_grace(op, partition, state, exc, ctx, whole,
                                        itertools.chain([batch], source))
            return
        yield out
    _release_build(op, ctx)


def _gather_probe(op, partition: int, build_rows: int, ctx: ExecutionContext, source=None):
    """(the probe batches, None) when a single-partition probe side is one batch SWAP_RATIO
    times smaller than the `build_rows`, to be joined whole (the kernel then builds the
    smaller side); else (None, the probe stream) to probe batch by batch against the build
    side's table (which a small build side with several keys builds on one of them, see
    `joins.prepare_build`). `source`: the probe side's stream, when already begun."""
    if source is None:
        source = stream(op.probe, partition, ctx)
    if op.probe.partitions > 1:
        return None, source
    held = list(itertools.islice(source, 2))  # one batch, or more (not all held at once)
    if len(held) == 1 and held[0].num_rows * SWAP_RATIO <= build_rows:
        return held, None
    return None, itertools.chain(held, source)


def _join_whole(op, partition: int, state: list, batches: list, ctx: ExecutionContext, join,
                whole) -> Iterator[Batch]:
    """`join(left)` over the probe batches gathered into one, the gathered rows and the table
    the kernel builds (over the smaller side) reserved while it runs; then the build side is
    released. When they pass the memory limit, the build side spills and the join goes grace."""
    left = concat_batches(batches)
    try:
        scratch = ctx.memory.reserve(
            "table", left.nbytes + build_scratch_bytes(min(left.num_rows, state[0].num_rows)), op)
    except MemoryLimitExceeded as exc:
        if not op.spillable():
            raise
        del left
        yield from _spill_and_grace(op, partition, state, exc, ctx, whole, iter(batches))
        return
    try:
        out = join(left)
    finally:
        scratch.release()
    del left, batches[:]
    _release_build(op, ctx)
    yield out


def _spill_and_grace(op, partition: int, state: list, reason: Exception, ctx: ExecutionContext,
                     whole, source) -> Iterator[Batch]:
    """The build side held in `state` written to spill files, then the probe batches of
    `source` joined grace (partition by partition of the key hash)."""
    state[2].release()
    built = _spill_build(op, [state[0]], iter(()), reason, ctx)
    ctx.state[("build", id(op))] = built
    yield from _grace(op, partition, built, ctx, whole, source)


def _release_build(op, ctx: ExecutionContext) -> None:
    """Count a probe partition done; after the last one, drop the build side and its
    reservation (later operators of the query get the memory)."""
    done = ctx.state[("probed", id(op))] = ctx.state.get(("probed", id(op)), 0) + 1
    if done == op.partitions:
        ctx.state.pop(("sorted", id(op)), None)
        state = ctx.state.pop(("build", id(op)), None)
        if isinstance(state, list):
            state[2].release()


# -- grace hash join: both sides split by a hash of the keys, joined partition by partition ----


@dataclass
class SpilledBuild:
    """A build side written to spill files by key hash; `empty` keeps its columns."""

    spill: HashSpill
    empty: Batch
    reason: Exception
    has_null_key: bool = False  # a build row's first key is NULL (for NOT IN)


def _spill_build(op, held: list, source, reason: Exception, ctx: ExecutionContext) -> SpilledBuild:
    spill = HashSpill(ctx)
    empty = relational.slice_rows(held[0], 0, 0)
    has_null = False
    for batch in itertools.chain(held, source):
        keys = [evaluate(k, batch) for k in op.right_keys]
        has_null = has_null or (keys[0].valid is not None and bool((~keys[0].valid).any()))
        spill.add(batch, keys)
    held.clear()
    note(op, ctx, f"build side spilled: {spill.rows} rows to {spill.partitions} partitions")
    return SpilledBuild(spill, empty, reason, has_null)


def _grace(op, partition: int, built: SpilledBuild, ctx: ExecutionContext, join,
           source=None) -> Iterator[Batch]:
    """The probe partition (`source`, or its stream) split like the build side, then each
    hash partition joined alone (its build rows reserved in the pool). Key types must hash
    alike on both sides."""
    probe = HashSpill(ctx)
    empty = None
    try:
        for batch in source if source is not None else stream(op.probe, partition, ctx):
            keys = [evaluate(k, batch) for k in op.left_keys]
            build_types = [(c.type, c.decimal) for c in
                           (evaluate(k, built.empty) for k in op.right_keys)]
            if [(k.type, k.decimal) for k in keys] != build_types:
                # e.g. INTEGER against DOUBLE keys, or decimals of two scales: hashes would differ
                raise built.reason
            if empty is None:
                empty = relational.slice_rows(batch, 0, 0)
            probe.add(batch, keys)
        # Right and full joins pad the build rows a partition's probe rows never met: each
        # partition is joined whole, even with no probe rows.
        whole = getattr(op, "kind", None) in ("right", "full")
        produced = False
        for h in range(probe.partitions):
            batches = list(probe.read(h))
            if whole and (batches or built.spill.files[h].rows):
                batches = [concat_batches(batches or [empty])]
            if not batches:
                continue
            right = concat_batches(list(built.spill.read(h)) or [built.empty])
            reservation = ctx.memory.reserve("spilled partition", right.nbytes, op)
            track_state(op, ctx, right.nbytes)
            for left in batches:
                produced = True
                yield join(left, right, built)
            reservation.release()
        if not produced:
            yield join(empty, built.empty, built)
    finally:
        probe.close()
