"""ASOF JOIN: both inputs read whole, then one sort of the right side and one binary search
per left row (operators/asof_join.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.operators.asof_join import asof_join
from tqp.physical.operator import PhysicalOperator, read_all, sql_text
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class AsofJoin(PhysicalOperator):
    left: PhysicalOperator
    right: PhysicalOperator
    kind: str
    left_keys: tuple[exp.Expression, ...]
    right_keys: tuple[exp.Expression, ...]
    left_on: exp.Expression
    right_on: exp.Expression
    op: str

    @property
    def children(self):
        return (self.left, self.right)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        left, right = read_all(self.left, ctx), read_all(self.right, ctx)
        yield asof_join(self.kind, self.left_keys, self.right_keys, self.left_on, self.right_on,
                        self.op, left, right)

    def describe(self) -> str:
        keys = "".join(f"{sql_text(a)} = {sql_text(b)} AND "
                       for a, b in zip(self.left_keys, self.right_keys))
        return f"AsofJoin[{self.kind}] ON {keys}{sql_text(self.left_on)} {self.op} " \
               f"{sql_text(self.right_on)}"
