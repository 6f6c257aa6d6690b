"""The local executor: runs a physical plan in this process, partition by partition.

Every operator pulls its inputs' batches through `stream`, which checks for cancellation
between batches, records the profile, and serves results that several parents read (a CTE used
twice) from one materialisation, dropped after its last reader.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Iterator

import torch

from tqp.execution.context import ExecutionContext
from tqp.execution.profile import OperatorStats
from tqp.operators.batches import concat_batches
from tqp.storage.column import Batch


def run(root, ctx: ExecutionContext) -> Batch:
    """All rows of `root`'s partitions, in partition order, as one batch."""
    return concat_batches(run_partitions(root, range(root.partitions), ctx))


def run_partitions(root, partitions, ctx: ExecutionContext) -> list[Batch]:
    """The batches of `partitions` of `root`, in order, then the context closed (a Ray task
    runs one partition of a stage this way)."""
    ctx.state["uses"] = _count_uses(root)
    try:
        return [b for p in partitions for b in stream(root, p, ctx)]
    finally:
        ctx.close()


def _count_uses(root) -> Counter:
    uses: Counter = Counter()

    def visit(op):
        uses[id(op)] += 1
        if uses[id(op)] == 1:
            for child in op.children:
                visit(child)

    visit(root)
    return uses


def stats(op, ctx: ExecutionContext) -> OperatorStats | None:
    """The profile entry of `op` (None when not profiling)."""
    if ctx.profile is None:
        return None
    return ctx.profile.setdefault(id(op), OperatorStats())


def note(op, ctx: ExecutionContext, text: str) -> None:
    """Record a run-time choice of `op` (shown by EXPLAIN ANALYZE)."""
    entry = stats(op, ctx)
    if entry is not None:
        entry.note(text)


def count(op, ctx: ExecutionContext, name: str, n: int) -> None:
    """Add `n` to `op`'s counter `name` (shown by EXPLAIN ANALYZE)."""
    entry = stats(op, ctx)
    if entry is not None:
        entry.count(name, n)


def track_state(op, ctx: ExecutionContext, nbytes: int) -> None:
    """Record that `op` holds `nbytes` of state (for its peak in EXPLAIN ANALYZE)."""
    entry = stats(op, ctx)
    if entry is not None:
        entry.peak_bytes = max(entry.peak_bytes, nbytes)


def stream(op, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
    """The batches of `partition` of `op`."""
    if ctx.state["uses"][id(op)] > 1:
        key = ("shared", id(op), partition)
        if key in ctx.state:  # computed for an earlier reader
            yield from _replay(key, ctx)
            return
        source = _materialize(op, partition, ctx)
    else:
        source = op.execute(partition, ctx)
    entry = stats(op, ctx)
    if entry is None:
        for batch in source:
            ctx.check_cancelled()
            yield batch
        return
    cuda = ctx.device.type == "cuda"
    while True:
        ctx.check_cancelled()
        start = time.perf_counter()
        try:
            batch = next(source)
        except StopIteration:
            entry.seconds += time.perf_counter() - start
            return
        if cuda:
            torch.cuda.synchronize(ctx.device)
        entry.seconds += time.perf_counter() - start
        entry.rows += batch.num_rows
        entry.batches += 1
        entry.peak_bytes = max(entry.peak_bytes, batch.nbytes)
        yield batch


def _materialize(op, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
    """A result read by several parents: computed once, kept (and its bytes reserved) until
    each of the other readers has had it."""
    batches = list(op.execute(partition, ctx))
    reservation = ctx.memory.reserve("shared result", sum(b.nbytes for b in batches), op)
    ctx.state[("shared", id(op), partition)] = [batches, ctx.state["uses"][id(op)] - 1,
                                                reservation]
    yield from batches


def _replay(key, ctx: ExecutionContext) -> Iterator[Batch]:
    entry = ctx.state[key]
    entry[1] -= 1
    if entry[1] == 0:
        entry[2].release()
        del ctx.state[key]
    yield from entry[0]
