"""ORDER BY: a stable multi-key sort of the whole input, or a top-k when a LIMIT follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.operators.expressions import evaluate
from tqp.operators.sort import sort_indices, top_k_indices
from tqp.physical.aggregate import _gather
from tqp.physical.operator import PhysicalOperator, sql_text
from tqp.storage.column import Batch


def _order_keys(keys, batch: Batch) -> list:
    out = []
    for key in keys:
        column = evaluate(key.expr, batch)
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
        batch = _gather(self, self.input, ctx)
        yield batch.take(sort_indices(_order_keys(self.keys, batch)))

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
        batch = _gather(self, self.input, ctx)
        keys = _order_keys(self.keys, batch)
        order = top_k_indices(keys, self.k) if self.k < batch.num_rows else sort_indices(keys)
        yield batch.take(order)

    def describe(self) -> str:
        return f"TopK[{self.k}] {_keys_text(self.keys)}"
