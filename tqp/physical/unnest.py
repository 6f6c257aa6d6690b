"""UNNEST in the select list: each batch's rows repeated once per list element (a gather by
the lists' offsets), batch by batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.execution.local import stream
from tqp.operators.lists import unnest
from tqp.physical.operator import sql_text
from tqp.physical.streaming import _PerBatch
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class Unnest(_PerBatch):
    """The input plus one column per list of `lists` (name, expression), one row per element."""

    lists: tuple[tuple[str, exp.Expression], ...]

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for batch in stream(self.input, partition, ctx):
            yield unnest(batch, self.lists)

    def describe(self) -> str:
        return "Unnest " + ", ".join(f"{n} := {sql_text(e)}" for n, e in self.lists)
