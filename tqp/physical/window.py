"""Window functions: the whole input (one partition) through `operators.window`, one sort per
distinct (PARTITION BY, ORDER BY), then segmented scans over the sorted rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.operators.window import window
from tqp.physical.aggregate import gather_input
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
        yield window(self, gather_input(self, self.input, ctx), ctx.device)

    def describe(self) -> str:
        """One `WindowSort partition=[...] order=[...] functions=[...]` per sort, joined by |."""
        sorts: dict = {}
        for name, call in self.functions:
            sorts.setdefault(call.spec_sql(), []).append(f"{name} := {call.sql()}")
        return " | ".join(f"WindowSort partition=[{p}] order=[{o}] functions=[{', '.join(fs)}]"
                          for (p, o), fs in sorts.items()).replace('"', "")
