"""Spilling: batches split by a hash of their keys into partition files in the query's spill
folder, to be processed one partition at a time when the whole does not fit the memory
limit (partitioned aggregation, grace hash join)."""

from __future__ import annotations

import itertools
from typing import Iterator

import torch

from tqp.execution.context import ExecutionContext
from tqp.execution.memory import MemoryLimitExceeded
from tqp.operators.expressions import evaluate
from tqp.operators.hashing import partition_of
from tqp.storage.column import Batch, Column
from tqp.storage.spill import SpillFile

# Partitions a spilling operator splits its input into.
SPILL_PARTITIONS = 16
_names = itertools.count()


class HashSpill:
    """`partitions` spill files; `add` splits a batch among them by the hash of its keys."""

    def __init__(self, ctx: ExecutionContext, partitions: int = SPILL_PARTITIONS):
        self.ctx, self.partitions = ctx, partitions
        stem = f"spill{next(_names)}"
        self.files = [SpillFile(ctx.spill_dir / f"{stem}-{p}.arrow") for p in range(partitions)]
        self.rows = 0

    def add(self, batch: Batch, keys: list[Column]) -> None:
        if batch.num_rows == 0:
            return
        part = partition_of(keys, self.partitions)
        order = torch.argsort(part, stable=True)
        counts = torch.bincount(part, minlength=self.partitions).tolist()
        start = 0
        for p, count in enumerate(counts):
            if count:
                self.files[p].write(batch.take(order[start:start + count]))
                start += count
        self.rows += batch.num_rows

    def read(self, partition: int) -> Iterator[Batch]:
        yield from self.files[partition].read(self.ctx.device)

    def close(self) -> None:
        for f in self.files:
            f.close()
            f.path.unlink(missing_ok=True)


def hold(owner: str, source: Iterator[Batch], ctx: ExecutionContext, op=None):
    """Read `source`, holding its batches under one reservation for `owner` of `op` (see
    MemoryPool.reserve): (batches,
    reservation, None) when all fit the memory limit, else (batches read so far, the one that
    did not fit included, a released reservation, the rest of `source`) for the caller to
    spill."""
    reservation = ctx.memory.reserve(owner, 0, op)
    held = []
    for batch in source:
        held.append(batch)
        try:
            reservation.grow(batch.nbytes)
        except MemoryLimitExceeded:
            reservation.release()
            return held, reservation, source
    return held, reservation, None


def spill_by_hash(ctx: ExecutionContext, batches, keys) -> HashSpill:
    """Every batch of `batches` split into a HashSpill by the hash of the expressions `keys`."""
    spill = HashSpill(ctx)
    for batch in batches:
        spill.add(batch, [evaluate(k, batch) for k in keys])
    return spill
