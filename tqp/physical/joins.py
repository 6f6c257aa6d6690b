"""Join operators, named by the algorithm that matches keys.

The right input is the build side: read whole once (through a broadcast Exchange) and, for an
equi-join, turned into a table once. The left input is the probe side and streams: each probe
batch is matched against the table and becomes an output batch. Right and full outer joins
need every probe row before they know which build rows never matched, so their probe side is
gathered first.

- DirectJoin: the build keys' range is small (from the column statistics): a direct-address
  table, `table[key - min]`.
- BinarySearchJoin: the build keys are sorted, each probe key finds its run by binary search.
- NestedLoopJoin: no equality keys: every pair, filtered by the residual.
- KeySetMarkJoin / PairMarkJoin: EXISTS and IN; a key set (no pairs) without a residual, the
  matching pairs reduced to one flag per row with one.

The table may still come out otherwise than planned (a "direct" build whose keys turn out
sparse is sorted instead); EXPLAIN ANALYZE notes what ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream, track_state
from tqp.operators import joins
from tqp.operators.batches import concat_batches
from tqp.operators.join import match_any
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
    strategy: ClassVar[str] = "auto"

    @property
    def children(self):
        return (self.probe, self.build)

    @property
    def partitions(self) -> int:
        return 1 if self.kind in ("right", "full") else self.probe.partitions

    def describe(self) -> str:
        keys = _keys_text(self.left_keys, self.right_keys)
        text = f"{type(self).__name__}[{self.kind}]" + (f" ON {keys}" if keys else "")
        return text + (f" WHERE {sql_text(self.residual)}" if self.residual is not None else "")

    def _build_batch(self, ctx: ExecutionContext) -> list:
        """[build batch, prepared BuildSide or None (not yet / cannot), reservation]."""
        key = ("build", id(self))
        if key not in ctx.state:
            batch = read_all(self.build, ctx)
            reservation = ctx.memory.reserve(f"build side of {self.describe()}", batch.nbytes)
            track_state(self, ctx, batch.nbytes)
            ctx.state[key] = [batch, None, reservation]
        return ctx.state[key]

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        state = self._build_batch(ctx)
        right = state[0]
        ran: list = []
        if self.partitions == 1:
            # Whole probe side at once: right/full joins, or a probe side of one batch (which
            # may then be the side that is built, when it is much smaller).
            batches = list(stream(self.probe, partition, ctx))
            if len(batches) == 1 or self.kind in ("right", "full") or not self.left_keys:
                left = concat_batches(batches)
                yield joins.join(left, right, self.kind, self.left_keys, self.right_keys,
                                 self.residual, ctx.device, ran=ran)
                for r in ran:
                    note(self, ctx, f"ran: {r}")
                return
            source = iter(batches)
        else:
            source = stream(self.probe, partition, ctx)
        for batch in source:
            yield self._probe(batch, state, ctx)

    def _probe(self, batch: Batch, state: list, ctx: ExecutionContext) -> Batch:
        right = state[0]
        if not self.left_keys:
            note(self, ctx, "ran: nested loop")
            return joins.join(batch, right, self.kind, (), (), self.residual, ctx.device)
        if state[1] is None:
            state[1] = joins.prepare_build(right, self.right_keys, batch.num_rows,
                                           self.strategy) or False
        pairs = joins.probe_pairs(state[1], batch, self.left_keys, self.residual) \
            if state[1] else None
        if pairs is None:
            note(self, ctx, "ran: whole-batch join per probe batch")
            return joins.join(batch, right, self.kind, self.left_keys, self.right_keys,
                              self.residual, ctx.device)
        note(self, ctx, f"ran: {state[1].strategy}")
        return joins.assemble(batch, right, *pairs, self.kind)


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
class _MarkJoin(PhysicalOperator):
    probe: PhysicalOperator
    build: PhysicalOperator
    mark: str
    left_keys: tuple[exp.Expression, ...] = ()
    right_keys: tuple[exp.Expression, ...] = ()
    residual: exp.Expression | None = None
    null_aware: bool = False

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
        state = _Join._build_batch(self, ctx)
        for batch in stream(self.probe, partition, ctx):
            yield self._mark_batch(batch, state, ctx)

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
        if state[1] is None:
            state[1] = joins.prepare_build(right, self.right_keys, batch.num_rows,
                                           key_set=True) or False
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
        if state[1] is None:
            state[1] = joins.prepare_build(right, self.right_keys, batch.num_rows) or False
        pairs = joins.probe_pairs(state[1], batch, self.left_keys, self.residual) \
            if state[1] else None
        if pairs is None:
            return self._whole(batch, right, ctx)
        note(self, ctx, f"ran: {state[1].strategy}")
        found = match_any(batch.num_rows, pairs[0])
        return batch.with_columns({self.mark: Column(found, DataType.BOOLEAN)})
