"""Exchanges: where partitions are redistributed. In one process an exchange reads its input's
partitions in order; on a cluster it is where data crosses between workers (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.execution.local import stream
from tqp.operators.expressions import evaluate
from tqp.operators.hashing import partition_of
from tqp.physical.operator import PhysicalOperator, sql_text
from tqp.storage.column import Batch

KINDS = ("gather", "broadcast", "hash", "hash-broadcast")
HASHED = ("hash", "hash-broadcast")


@dataclass(frozen=True, eq=False)
class Exchange(PhysicalOperator):
    """All partitions of `input` as one partition: `gather` feeds a pipeline breaker (an
    aggregate, a sort, the result), `broadcast` a join's build side (every probe partition
    reads all of it). `hash` makes `buckets` partitions of the input's rows by a hash of
    `keys` (equal keys meet in one partition), and `hash-broadcast` is the other side of such
    a join: all rows as one partition here, but on a cluster probe task p receives only the
    rows whose keys hash to p. The Ray executor places these two between the large sides of a
    join; in one process each hash partition re-reads the input, so lowering does not."""

    input: PhysicalOperator
    kind: str
    keys: tuple = ()
    buckets: int = 1

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        assert (self.kind in HASHED) == bool(self.keys), self.keys

    @property
    def children(self):
        return (self.input,)

    @property
    def partitions(self) -> int:
        return self.buckets if self.kind == "hash" else 1

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for p in range(self.input.partitions):
            for batch in stream(self.input, p, ctx):
                yield batch if self.kind != "hash" else \
                    batch.filter(self.bucket_of(batch) == partition)

    def bucket_of(self, batch: Batch):
        """The hash partition of each row of `batch` (an int64 tensor)."""
        return partition_of([evaluate(k, batch) for k in self.keys], self.buckets)

    def describe(self) -> str:
        if self.kind in HASHED:
            keys = ", ".join(sql_text(k) for k in self.keys)
            return (f"Exchange[{self.kind} {keys}] to {self.buckets} partitions "
                    f"from {self.input.partitions}")
        return f"Exchange[{self.kind}] from {self.input.partitions} partitions"


def single(op: PhysicalOperator, kind: str = "gather") -> PhysicalOperator:
    """`op` itself when it has one partition, else an Exchange of `kind` over it."""
    return op if op.partitions == 1 else Exchange(op, kind)
