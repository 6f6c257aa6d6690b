"""Sources: table scans and the one-row source of SELECT without FROM.

A table scan's partitions are the table's segments (tqp/storage/sources.py): for Parquet files,
runs of row groups. Each partition skips the row groups its pushed-down bounds rule out by their
statistics, takes its columns from the tensor cache or reads and converts only the columns the
query needs, and yields batches of the context's batch size, sliced (as views) from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.execution.local import count
from tqp.physical.operator import PhysicalOperator
from tqp.storage.column import Batch, Column
from tqp.storage.pruning import Bound
from tqp.storage.sources import Segment
from tqp.walk import each_node


@dataclass(frozen=True, eq=False)
class TableScan(PhysicalOperator):
    """Read `fields` of catalog table `table` as columns `binding.field`, one segment per
    partition, skipping row groups that `bounds` rule out. The string fields named in `strings`
    need less than a sorted dictionary (dictionary.UNIQUE or AS_READ:
    planner/string_orders.py). A scan under a LIMIT has a `head`, the rows the limit needs: each
    partition then reads only its first row groups that hold that many rows (none for LIMIT
    0), and the limit above cuts the rest."""

    table: str
    binding: str
    fields: tuple[str, ...]
    segments: tuple[Segment, ...]
    bounds: tuple[Bound, ...] = ()
    strings: tuple[tuple[str, str], ...] = ()  # (field, order) where less than sorted
    head: int | None = None  # rows needed from the start (a LIMIT above), None for all

    @property
    def partitions(self) -> int:
        return len(self.segments)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        segment = self.segments[partition]
        catalog = ctx.catalog
        groups = None
        if segment.row_groups:
            bounds = self.bounds + tuple(ctx.state.get(pushed_key(self), ()))
            groups = catalog.surviving_row_groups(self.table, segment, bounds)
            if self.head is not None:
                groups = _leading_groups(groups, catalog.source(self.table).group_rows(
                    Segment(segment.start, 0, segment.file, groups)), self.head)
            count(self, ctx, "row groups read", len(groups))
            if len(groups) < len(segment.row_groups):
                count(self, ctx, "row groups skipped", len(segment.row_groups) - len(groups))
        columns = catalog.read(self.table, segment, self.fields, groups, ctx.memory.cache_room,
                               dict(self.strings))
        columns = {f"{self.binding}.{f}": c for f, c in columns.items()}
        if columns:
            rows = len(next(iter(columns.values())))
        elif groups is None or groups == segment.row_groups:
            rows = segment.num_rows
        else:
            rows = sum(catalog.source(self.table).group_rows(
                Segment(segment.start, 0, segment.file, groups)))
        step = max(ctx.batch_rows, 1)
        for lo in range(0, max(rows, 1), step):
            hi = min(lo + step, rows)
            yield Batch({n: _slice(c, lo, hi) for n, c in columns.items()}, hi - lo, ctx.device)
            if ctx.progress is not None:
                ctx.progress.add(hi - lo)
        if ctx.progress is not None and rows < segment.num_rows:
            ctx.progress.add(segment.num_rows - rows)  # skipped row groups count as done

    def describe(self) -> str:
        text = f"TableScan {self.table} AS {self.binding} [{', '.join(self.fields)}]"
        if self.bounds:
            text += f" bounds=[{', '.join(b.describe() for b in self.bounds)}]"
        if self.strings:
            text += f" strings=[{', '.join(f'{f}: {order}' for f, order in self.strings)}]"
        if self.head is not None:
            text += f" head={self.head}"
        return text + (f" partitions={self.partitions}" if self.partitions > 1 else "")


def _leading_groups(groups: tuple[int, ...], rows: list[int], head: int) -> tuple[int, ...]:
    """The first of `groups` (holding `rows` rows each) that together hold `head` rows."""
    held = 0
    for taken, n in enumerate(rows):
        if held >= head:
            return groups[:taken]
        held += n
    return groups


def scanned_columns(root: PhysicalOperator) -> frozenset[tuple[str, str]]:
    """The (table, column) pairs the table scans under `root` read (table names lower-case, as
    the tensor cache keys them)."""
    return frozenset((op.table.lower(), f) for op in each_node(root)
                     if isinstance(op, TableScan) for f in op.fields)


def pushed_key(scan: TableScan) -> tuple:
    """Where a run keeps the bounds that operators above (join_bounds.py) hand to `scan`."""
    return ("pushed bounds", id(scan))


def _slice(column: Column, lo: int, hi: int) -> Column:
    if lo == 0 and hi == len(column):
        return column
    valid = None if column.valid is None else column.valid[lo:hi]
    return replace(column, values=column.values[lo:hi], valid=valid)


@dataclass(frozen=True, eq=False)
class OneRowSource(PhysicalOperator):
    """One row with no columns."""

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        yield Batch({}, 1, ctx.device)

    def describe(self) -> str:
        return "OneRow"
