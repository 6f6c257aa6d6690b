"""Sources: table scans and the one-row source of SELECT without FROM.

A table scan's partitions are row ranges of the table; each yields batches of the context's
batch size, sliced (as views, no copy) from the table's device columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.physical.operator import PhysicalOperator
from tqp.storage.column import Batch, Column


@dataclass(frozen=True, eq=False)
class TableScan(PhysicalOperator):
    """Read `fields` of catalog table `table` as columns `binding.field`, in `ranges` of rows
    (one partition each)."""

    table: str
    binding: str
    fields: tuple[str, ...]
    ranges: tuple[tuple[int, int], ...]

    @property
    def partitions(self) -> int:
        return len(self.ranges)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        columns = {f"{self.binding}.{f}": ctx.catalog.column(self.table, f) for f in self.fields}
        start, stop = self.ranges[partition]
        step = max(ctx.batch_rows, 1)
        for lo in range(start, max(stop, start + 1), step):
            hi = min(lo + step, stop)
            yield Batch({n: _slice(c, lo, hi) for n, c in columns.items()}, hi - lo, ctx.device)

    def describe(self) -> str:
        text = f"TableScan {self.table} AS {self.binding} [{', '.join(self.fields)}]"
        return text + (f" partitions={self.partitions}" if self.partitions > 1 else "")


def _slice(column: Column, lo: int, hi: int) -> Column:
    if lo == 0 and hi == len(column):
        return column
    valid = None if column.valid is None else column.valid[lo:hi]
    return Column(column.values[lo:hi], column.type, valid, column.dictionary, column.scale)


def row_ranges(num_rows: int, partition_rows: int) -> tuple[tuple[int, int], ...]:
    """[start, stop) ranges of at most `partition_rows` rows covering `num_rows` (at least one
    range, so an empty table still yields its empty batch)."""
    if num_rows == 0:
        return ((0, 0),)
    return tuple((lo, min(lo + partition_rows, num_rows))
                 for lo in range(0, num_rows, partition_rows))


@dataclass(frozen=True, eq=False)
class OneRowSource(PhysicalOperator):
    """One row with no columns."""

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        yield Batch({}, 1, ctx.device)

    def describe(self) -> str:
        return "OneRow"
