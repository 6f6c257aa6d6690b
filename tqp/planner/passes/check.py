"""The invariants checked after every rewrite pass.

A pass must not change what the query returns, so the root's output columns stay the same, in
order; and every expression in the plan must read only columns its node's inputs produce (a
condition pushed below the input that computes a column it reads would fail at run time, or
worse, read another column). A broken invariant is a bug in the pass: `InternalError` names it.
"""

from __future__ import annotations

from tqp.errors import InternalError
from tqp.planner.logical import (
    Aggregate, AsofJoin, Filter, Join, MarkJoin, MultiJoin, Plan, Project, Sort, Unnest, Window,
)
from tqp.planner.passes.context import ColumnReads


class PlanCheck:
    """Checks the plans of one rewrite. Plan nodes are immutable, so a subtree that passed
    once (most of the plan, after most passes) is not walked again."""

    def __init__(self, reads: ColumnReads):
        self.reads = reads
        self._passed: dict[int, Plan] = {}  # holding the node keeps its id unique

    def __call__(self, plan: Plan, columns: tuple[str, ...], pass_name: str) -> None:
        """Raise `InternalError` when `plan` does not output `columns` or reads an absent
        column."""
        if plan.columns != columns:
            raise InternalError(f"rewrite pass {pass_name} changed the output columns "
                                f"{list(columns)} into {list(plan.columns)}")
        self._visit(plan, pass_name)

    def _visit(self, node: Plan, pass_name: str) -> None:
        if self._passed.get(id(node)) is node:
            return
        for child in node.children:
            self._visit(child, pass_name)
        for expressions, available in expression_reads(node):
            missing = self.reads(*expressions) - available
            if missing:
                raise InternalError(f"after rewrite pass {pass_name}, {type(node).__name__} "
                                    f"reads columns its inputs lack: {sorted(missing)}")
        self._passed[id(node)] = node


def expression_reads(node: Plan):
    """(expressions, the columns they may read) for each expression group of `node`."""
    if isinstance(node, Filter):
        return [((node.condition,), node.input.column_set)]
    if isinstance(node, Project):
        return [(tuple(e for _, e in node.exprs), node.input.column_set)]
    if isinstance(node, (Join, MarkJoin)):
        both = node.left.column_set | node.right.column_set
        return [(node.left_keys, node.left.column_set),
                (node.right_keys, node.right.column_set),
                ((node.residual,), both)]
    if isinstance(node, AsofJoin):
        return [(node.left_keys + (node.left_on,), node.left.column_set),
                (node.right_keys + (node.right_on,), node.right.column_set)]
    if isinstance(node, MultiJoin):
        return [(node.conditions, node.column_set)]
    if isinstance(node, Aggregate):
        calls = tuple(e for _, c in node.aggregates for e in c.expressions())
        return [(tuple(e for _, e in node.keys) + calls, node.input.column_set)]
    if isinstance(node, Sort):
        return [(tuple(k.expr for k in node.keys), node.input.column_set)]
    if isinstance(node, Unnest):
        return [(tuple(e for _, e in node.lists), node.input.column_set)]
    if isinstance(node, Window):
        read = tuple(e for _, c in node.functions
                     for e in (*c.args, *c.partition, *(k.expr for k in c.order),
                               c.frame.start.offset, c.frame.end.offset))
        return [(read, node.input.column_set)]
    return []

