"""Exchanges: where partitions are redistributed. In one process an exchange reads its input's
partitions in order; on a cluster it is where data crosses between workers (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.execution.local import stream
from tqp.physical.operator import PhysicalOperator
from tqp.storage.column import Batch

KINDS = ("gather", "broadcast")


@dataclass(frozen=True, eq=False)
class Exchange(PhysicalOperator):
    """All partitions of `input` as one partition: `gather` feeds a pipeline breaker (an
    aggregate, a sort, the result), `broadcast` a join's build side (every probe partition
    reads all of it)."""

    input: PhysicalOperator
    kind: str

    def __post_init__(self):
        assert self.kind in KINDS, self.kind

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for p in range(self.input.partitions):
            yield from stream(self.input, p, ctx)

    def describe(self) -> str:
        return f"Exchange[{self.kind}] from {self.input.partitions} partitions"


def single(op: PhysicalOperator, kind: str = "gather") -> PhysicalOperator:
    """`op` itself when it has one partition, else an Exchange of `kind` over it."""
    return op if op.partitions == 1 else Exchange(op, kind)
