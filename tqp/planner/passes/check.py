"""The invariants checked after every rewrite pass.

A pass must not change what the query returns, so the root's output columns stay the same, in
order; and every expression in the plan must read only columns its node's inputs produce (a
condition pushed below the input that computes a column it reads would fail at run time, or
worse, read another column). A broken invariant is a bug in the pass: `InternalError` names it.
"""

from __future__ import annotations

from tqp.errors import InternalError
from tqp.planner.logical import (
    Aggregate, Filter, Join, MarkJoin, MultiJoin, Plan, Project, Sort,
)
from tqp.planner.passes.context import ColumnReads


def check_plan(plan: Plan, columns: tuple[str, ...], pass_name: str, reads: ColumnReads) -> None:
    """Raise `InternalError` when `plan` does not output `columns` or reads an absent column."""
    if plan.columns != columns:
        raise InternalError(f"rewrite pass {pass_name} changed the output columns "
                            f"{list(columns)} into {list(plan.columns)}")
    seen: set[int] = set()

    def visit(node: Plan) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for child in node.children:
            visit(child)
        for expressions, available in _reads(node):
            missing = reads(*expressions) - available
            if missing:
                raise InternalError(f"after rewrite pass {pass_name}, {type(node).__name__} "
                                    f"reads columns its inputs lack: {sorted(missing)}")

    visit(plan)


def _reads(node: Plan):
    """(expressions, the columns they may read) for each expression group of `node`."""
    if isinstance(node, Filter):
        return [((node.condition,), set(node.input.columns))]
    if isinstance(node, Project):
        return [(tuple(e for _, e in node.exprs), set(node.input.columns))]
    if isinstance(node, (Join, MarkJoin)):
        both = set(node.left.columns) | set(node.right.columns)
        return [(node.left_keys, set(node.left.columns)),
                (node.right_keys, set(node.right.columns)),
                ((node.residual,), both)]
    if isinstance(node, MultiJoin):
        return [(node.conditions, set(node.columns))]
    if isinstance(node, Aggregate):
        calls = tuple(c.arg for _, c in node.aggregates)
        return [(tuple(e for _, e in node.keys) + calls, set(node.input.columns))]
    if isinstance(node, Sort):
        return [(tuple(k.expr for k in node.keys), set(node.input.columns))]
    return []

