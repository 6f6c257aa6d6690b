"""The physical operator interface.

An operator has a number of output partitions and yields, for one partition, an iterator of
Batches: `execute(partition, ctx)`. Streaming operators (filter, project, join probe) keep
their input's partitions and transform batches as they pass; pipeline breakers (join build,
aggregate, sort) read every partition of their input through an Exchange and hold only their
own state. Operators are immutable data; what a run accumulates lives in the
ExecutionContext.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.execution.local import stream
from tqp.operators.batches import concat_batches
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class PhysicalOperator:
    """Base of every physical operator; compared and hashed by identity."""

    @property
    def children(self) -> tuple["PhysicalOperator", ...]:
        return ()

    @property
    def partitions(self) -> int:
        """How many output partitions `execute` can be asked for."""
        return 1

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        raise NotImplementedError

    def describe(self) -> str:
        """One line for EXPLAIN: the algorithm and its arguments."""
        return type(self).__name__


def read_all(op: PhysicalOperator, ctx: ExecutionContext) -> Batch:
    """Every row of `op` (all partitions) as one batch; never fewer than zero rows with the
    right columns, since every partition yields at least one batch."""
    return concat_batches([b for p in range(op.partitions) for b in stream(op, p, ctx)])


def sql_text(expression) -> str:
    """An expression as short SQL for EXPLAIN. A plan's conditions are trees that rewrites
    build without the parentheses a parse would need (sqlglot prints none it is not given): an
    OR under an AND, or an AND/OR under a NOT, is printed in parentheses so that the text
    reads as the tree."""
    if any(_needs_parentheses(n) for n in expression.find_all(exp.Connector)
           if n is not expression):
        expression = expression.copy()
        expression.parent = None  # a node reused from a larger tree may still point into it
        expression = expression.transform(
            lambda n: exp.Paren(this=n.copy()) if _needs_parentheses(n) else n, copy=False)
    return expression.sql(dialect="duckdb", identify=False).replace('"', "")


def _needs_parentheses(node) -> bool:
    """An OR under an AND, or an AND/OR under a NOT (AND binds tighter than OR)."""
    parent = node.parent
    return (isinstance(node, exp.Or) and isinstance(parent, exp.And)) or (
        isinstance(node, exp.Connector) and isinstance(parent, exp.Not))
