"""Streaming operators: each batch of the input becomes a batch of the output, partition by
partition (filter, project, scalar broadcast), or across partitions in order (limit, row
numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, stream
from tqp.operators import fused, relational
from tqp.physical.operator import PhysicalOperator, read_all, sql_text
from tqp.storage.column import Batch

COMPILED_NOTE = "ran compiled: one fused kernel"


@dataclass(frozen=True, eq=False)
class _PerBatch(PhysicalOperator):
    """An operator over one input that maps each of its batches, keeping its partitions."""

    input: PhysicalOperator

    @property
    def children(self):
        return (self.input,)

    @property
    def partitions(self) -> int:
        return self.input.partitions


@dataclass(frozen=True, eq=False)
class Filter(_PerBatch):
    """The rows where `condition` is TRUE: a mask, then one gather per column. With `keep`,
    only those columns are passed on (the rest the condition alone read): the parent drops
    them, and a filter keeping few rows gathers its columns at once (LateColumn.over)."""

    condition: exp.Expression
    keep: frozenset[str] | None = None

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for batch in stream(self.input, partition, ctx):
            mask = _compiled(self, ctx, (fused.is_true(self.condition),), batch)
            mask = relational.filter_mask(self.condition, batch) if mask is None \
                else mask[0].values
            if self.keep is not None:
                batch = batch.select([n for n in batch.names if n in self.keep])
            yield relational.filter_(self.condition, batch, mask)

    def describe(self) -> str:
        return f"Filter {sql_text(self.condition)}"


@dataclass(frozen=True, eq=False)
class Project(_PerBatch):
    """The expressions (name, expression) computed over each batch."""

    exprs: tuple[tuple[str, exp.Expression], ...]

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        for batch in stream(self.input, partition, ctx):
            exprs, computed = self.exprs, None
            if fused.applies(ctx.compile, batch.num_rows):
                columns = fused.ComputedColumns(batch)
                exprs = tuple((name, columns.add(e)) for name, e in self.exprs)
                computed = columns.run(ctx.compile)
            if computed is None:
                yield relational.project(self.exprs, batch)
            else:
                note(self, ctx, COMPILED_NOTE)
                yield relational.project(exprs, computed)

    def describe(self) -> str:
        return "Project " + ", ".join(f"{n} := {sql_text(e)}" for n, e in self.exprs)


def _compiled(op: PhysicalOperator, ctx: ExecutionContext, expressions, batch: Batch):
    """The values of `expressions` over `batch` from a compiled kernel (noted for EXPLAIN
    ANALYZE), or None to evaluate them eagerly."""
    columns = fused.fused_columns(expressions, batch, ctx.compile)
    if columns is not None:
        note(op, ctx, COMPILED_NOTE)
    return columns


@dataclass(frozen=True, eq=False)
class ScalarBroadcast(PhysicalOperator):
    """Each batch plus column `name`: the single value of the uncorrelated `subquery`
    (computed once), broadcast without a copy."""

    input: PhysicalOperator
    subquery: PhysicalOperator
    name: str

    @property
    def children(self):
        return (self.input, self.subquery)

    @property
    def partitions(self) -> int:
        return self.input.partitions

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        key = ("scalar", id(self))
        if key not in ctx.state:
            ctx.state[key] = read_all(self.subquery, ctx)
        for batch in stream(self.input, partition, ctx):
            yield relational.scalar_apply(self.name, batch, ctx.state[key])

    def describe(self) -> str:
        return f"ScalarBroadcast {self.name}"


@dataclass(frozen=True, eq=False)
class Limit(PhysicalOperator):
    """At most `limit` rows after skipping `offset`, reading the input's partitions in order and
    no further than needed."""

    input: PhysicalOperator
    limit: int | None
    offset: int = 0

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        skip, left, emitted = self.offset, self.limit, False
        for p in range(self.input.partitions):
            for batch in stream(self.input, p, ctx):
                take = batch.num_rows - skip if left is None else min(batch.num_rows - skip, left)
                out = relational.slice_rows(batch, skip, skip + max(take, 0))
                skip = max(skip - batch.num_rows, 0)
                if left is not None:
                    left -= out.num_rows
                if out.num_rows or not emitted:  # the first batch always, for its columns
                    emitted = True
                    yield out
                if left is not None and left <= 0:
                    return  # read no further

    def describe(self) -> str:
        return f"Limit {self.limit} OFFSET {self.offset}"


@dataclass(frozen=True, eq=False)
class PercentLimit(PhysicalOperator):
    """`LIMIT p%`: the input read whole (its row count decides the limit), then the first
    floor(rows * p / 100) rows after skipping `offset`."""

    input: PhysicalOperator
    percent: float
    offset: int = 0

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        whole = read_all(self.input, ctx)
        count = math.floor(whole.num_rows * self.percent / 100)
        yield relational.slice_rows(whole, self.offset, self.offset + count)

    def describe(self) -> str:
        return f"Limit {self.percent:g}% OFFSET {self.offset}"


@dataclass(frozen=True, eq=False)
class RowNumber(PhysicalOperator):
    """The input plus column `name` numbering its rows 0..n-1 across all its partitions."""

    input: PhysicalOperator
    name: str

    @property
    def children(self):
        return (self.input,)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        start = 0
        for p in range(self.input.partitions):
            for batch in stream(self.input, p, ctx):
                yield relational.row_number(self.name, batch, start)
                start += batch.num_rows

    def describe(self) -> str:
        return f"RowNumber {self.name}"
