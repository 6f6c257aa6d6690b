"""UNION / INTERSECT / EXCEPT [ALL] over both inputs whole (types and dictionaries aligned)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.operators.setops import set_operation
from tqp.physical.aggregate import gather_input
from tqp.physical.operator import PhysicalOperator
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class SetOperation(PhysicalOperator):
    """Rows of both inputs numbered by distinct tuple; per-side counts decide the copies kept
    (UNION ALL is the concatenation alone)."""

    kind: str
    all: bool
    left: PhysicalOperator
    right: PhysicalOperator

    @property
    def children(self):
        return (self.left, self.right)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        left = gather_input(self, self.left, ctx)
        right = gather_input(self, self.right, ctx)
        yield set_operation(self.kind, self.all, left, right)

    def describe(self) -> str:
        return f"{'Concat' if self.kind == 'union' and self.all else 'GroupCount'}" \
               f"[{self.kind.upper()}{' ALL' if self.all else ''}]"
