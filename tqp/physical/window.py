"""Window functions: the whole input (one partition) through `operators.window`, one sort per
distinct (PARTITION BY, ORDER BY), then segmented scans over the sorted rows.

Past the memory limit, the input is split by a hash of the PARTITION BY keys every function
shares (a window partition then lies in one spill partition) and each spill partition is
computed alone; rows then come out grouped by spill partition, not in input order."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream, track_state
from tqp.execution.spill import hold, spill_by_hash
from tqp.operators.batches import concat_batches
from tqp.operators.window import window
from tqp.physical.operator import PhysicalOperator
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class WindowSort(PhysicalOperator):
    """The input plus one column per window function (name, WindowCall), in input order."""

    input: PhysicalOperator
    functions: tuple

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        held, reservation, rest = hold("input", stream(self.input, 0, ctx), ctx, self)
        keys = self.shared_partition_keys()
        if rest is not None and not keys:
            # One window partition spans everything, so it cannot be split: the error names
            # this operator and the limit (or, if the cache made room since, it fits after all).
            held += list(rest)
            reservation.grow(sum(b.nbytes for b in held))
        if rest is None or not keys:
            track_state(self, ctx, reservation.size)
            whole = concat_batches(held)
            del held
            yield window(self, whole, ctx.device)
            reservation.release()
            return
        spill = spill_by_hash(ctx, itertools.chain(held, rest), keys)
        try:
            held.clear()
            note(self, ctx, f"spilled {spill.rows} rows to {spill.partitions} partitions")
            for p in range(spill.partitions):
                batches = list(spill.read(p))
                if not batches:
                    continue
                part = concat_batches(batches)
                reservation = ctx.memory.reserve("spilled partition", part.nbytes, self)
                track_state(self, ctx, part.nbytes)
                yield window(self, part, ctx.device)
                reservation.release()
        finally:
            spill.close()

    def shared_partition_keys(self) -> tuple:
        """The PARTITION BY expressions common to every function (by their SQL)."""
        shared = None
        for _, call in self.functions:
            texts = {e.sql(dialect="duckdb"): e for e in call.partition}
            shared = texts if shared is None else {t: e for t, e in shared.items() if t in texts}
        return tuple((shared or {}).values())

    def describe(self) -> str:
        """One `WindowSort partition=[...] order=[...] functions=[...]` per sort, joined by |."""
        sorts: dict = {}
        for name, call in self.functions:
            sorts.setdefault(call.spec_sql(), []).append(f"{name} := {call.sql()}")
        return " | ".join(f"WindowSort partition=[{p}] order=[{o}] functions=[{', '.join(fs)}]"
                          for (p, o), fs in sorts.items()).replace('"', "")
