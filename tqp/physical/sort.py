"""ORDER BY: a stable multi-key sort of the whole input, or a top-k when a LIMIT follows.

Past the memory limit the sort goes external: the input is written to a spill file while a
sample of its keys is kept; splitters picked from the sorted sample cut the key space into
ranges; each row goes to its range's file (input order kept within it), and the ranges are
sorted one at a time and emitted in order. Equal keys always share a range, so the result is
the stable sort's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

import torch

from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream, track_state
from tqp.execution.memory import MemoryLimitExceeded
from tqp.execution.spill import SPILL_PARTITIONS
from tqp.operators import relational
from tqp.operators.batches import concat_batches
from tqp.operators.expressions import evaluate
from tqp.operators.lists import reject_list_keys
from tqp.operators.sort import count_splitters_below, rank_components, sort_indices, top_k_indices
from tqp.physical.operator import PhysicalOperator, sql_text
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column
from tqp.storage.spill import SpillFile
from tqp.types import DataType

# Rows of each input batch kept in the sample that splitters are chosen from.
SAMPLE_ROWS = 512
_names = itertools.count()


def _order_keys(keys, batch: Batch) -> list:
    out = []
    for key in keys:
        column = evaluate(key.expr, batch)
        reject_list_keys([column], "ORDER BY")
        out.append((column.values.contiguous(), column.valid, key.descending, key.nulls_first))
    return out


def _keys_text(keys) -> str:
    return ", ".join(f"{sql_text(k.expr)} {'DESC' if k.descending else 'ASC'}"
                     f"{' NULLS FIRST' if k.nulls_first else ''}" for k in keys)


@dataclass(frozen=True, eq=False)
class Sort(PhysicalOperator):
    """The input (one partition) ordered by `keys` (SortKey): LSD passes of a stable sort."""

    input: PhysicalOperator
    keys: tuple

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        yield from _sorted(self, None, ctx)

    def describe(self) -> str:
        return f"Sort {_keys_text(self.keys)}"


@dataclass(frozen=True, eq=False)
class TopK(PhysicalOperator):
    """The first `k` rows of the input in `keys` order: the k-th value of the first key found
    by topk, then only the rows up to it sorted."""

    input: PhysicalOperator
    keys: tuple
    k: int

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        yield from _sorted(self, self.k, ctx)

    def describe(self) -> str:
        return f"TopK[{self.k}] {_keys_text(self.keys)}"


def _sorted(op, limit: int | None, ctx: ExecutionContext) -> Iterator[Batch]:
    reservation = ctx.memory.reserve("input", 0, op)
    held = []
    source = stream(op.input, 0, ctx)
    for batch in source:
        try:
            reservation.grow(batch.nbytes)
        except MemoryLimitExceeded:
            reservation.release()
            yield from _external(op, held + [batch], source, limit, ctx)
            return
        held.append(batch)
    track_state(op, ctx, reservation.size)
    whole = concat_batches(held)
    del held
    keys = _order_keys(op.keys, whole)
    if limit is not None and limit < whole.num_rows:
        yield whole.take(top_k_indices(keys, limit))
    else:
        yield whole.take(sort_indices(keys))
    reservation.release()


def _external(op, held: list, source, limit: int | None, ctx: ExecutionContext):
    """Sort past the memory limit by ranges of the key space (see the module docstring)."""
    stem = ctx.spill_dir / f"sort{next(_names)}"
    run = SpillFile(stem.with_suffix(".all.arrow"))
    empty = relational.slice_rows(held[0], 0, 0)
    samples = []
    for batch in itertools.chain(held, source):
        run.write(batch)
        rows = torch.randperm(batch.num_rows, device=batch.device)[:SAMPLE_ROWS]
        keys = [evaluate(k.expr, batch).take(rows) for k in op.keys]
        samples.append(Batch({f"k{i}": c for i, c in enumerate(keys)}, int(rows.numel()),
                             batch.device))
    held.clear()
    splitters = _splitters(op, concat_batches(samples))
    parts = [SpillFile(stem.with_suffix(f".{p}.arrow")) for p in range(SPILL_PARTITIONS)]
    for batch in run.read(ctx.device):
        part = _range_of(op, batch, splitters)
        order = torch.argsort(part, stable=True)
        start = 0
        for p, count in enumerate(torch.bincount(part, minlength=len(parts)).tolist()):
            if count:
                parts[p].write(batch.take(order[start:start + count]))
                start += count
    run.path.unlink(missing_ok=True)
    note(op, ctx, f"external sort: {len(parts)} ranges spilled")
    left, produced = limit, False
    for part in parts:
        batches = list(part.read(ctx.device))
        part.path.unlink(missing_ok=True)
        if not batches or (left is not None and left <= 0):
            continue
        whole = concat_batches(batches)
        reservation = ctx.memory.reserve("spilled range", whole.nbytes, op)
        track_state(op, ctx, whole.nbytes)
        out = whole.take(sort_indices(_order_keys(op.keys, whole)))
        if left is not None:
            out = relational.slice_rows(out, 0, left)
            left -= out.num_rows
        produced = True
        yield out
        reservation.release()
    if not produced:
        yield empty


def _splitters(op, sample: Batch) -> Batch:
    """SPILL_PARTITIONS - 1 key tuples cutting the sorted sample into equal parts."""
    order = sort_indices([(c.values.contiguous(), c.valid, k.descending, k.nulls_first)
                          for c, k in zip(sample.columns.values(), op.keys)])
    n = sample.num_rows
    picks = sorted({n * j // SPILL_PARTITIONS for j in range(1, SPILL_PARTITIONS)} - {n})
    return sample.take(order[torch.tensor(picks, dtype=torch.long, device=order.device)])


def _range_of(op, batch: Batch, splitters: Batch) -> torch.Tensor:
    """The key range (partition) of each row of `batch`."""
    rows, cuts = [], []
    for key, split in zip(op.keys, splitters.columns.values()):
        column = evaluate(key.expr, batch)
        values, split_values = column.values, split.values
        if column.type is DataType.VARCHAR:
            values, split_values = _string_positions(column, split)
        rows += rank_components(values, column.valid, key.descending, key.nulls_first)
        cuts += rank_components(split_values, split.valid, key.descending, key.nulls_first)
    return count_splitters_below(rows, cuts)


def _string_positions(column: Column, split: Column) -> tuple[torch.Tensor, torch.Tensor]:
    """Comparable integers for strings of two dictionaries: a row's code doubled, and each
    splitter's place in the row's dictionary (doubled, or just before, when absent)."""
    codes = split.values.tolist()  # a handful of splitters: read on the host
    places = []
    for code in codes:
        text = split.dictionary[code].as_py() if len(split.dictionary) else ""
        position, found = dicts.lookup(column.dictionary, text)
        places.append(2 * position if found else 2 * position - 1)
    return column.values.long() * 2, torch.tensor(places, dtype=torch.int64,
                                                  device=column.device)
