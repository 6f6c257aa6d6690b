"""Projection pushdown: every node carries only the columns the nodes above it still read, and
scans read only those from storage; stacked filters merge into one (one mask, one gather).
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from tqp.planner.logical import (
    Aggregate, AsofJoin, Distinct, Filter, Join, Limit, MarkJoin, MultiJoin, OneRow, Plan, Project,
    RecursiveUnion, RowNumber, ScalarApply, Scan, SetOp, Sort, Unnest, Window, WorkTable,
)
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import use_counts
from tqp.planner.scope import ref


def prune_columns(plan: Plan, context: PassContext) -> Plan:
    """`plan` with every node narrowed to the columns read above it.

    Example: `Project(a := t.x) <- Filter(t.y > 1) <- Filter(t.z = 2) <- Scan t [x, y, z, w]`
    becomes `Project(a := t.x) <- Filter(t.z = 2 AND t.y > 1) <- Scan t [x, y, z]`."""
    return _Pruner(plan, context.reads).prune(plan, set(plan.columns))


class _Pruner:
    """Top-down pass; subplans used more than once (a CTE read twice) are pruned once, keeping
    all their columns, so they still run once."""

    def __init__(self, root: Plan, reads):
        self.uses = use_counts(root)
        self.reads = reads
        self.shared: dict[int, Plan] = {}

    def prune(self, node: Plan, required: set[str]) -> Plan:
        if self.uses[id(node)] > 1:
            if id(node) not in self.shared:
                self.shared[id(node)] = self._prune(node, set(node.columns))
            return self.shared[id(node)]
        return self._prune(node, required)

    def _narrow(self, node: Plan, required: set[str]) -> Plan:
        """`node` pruned, with a projection dropping what it still carries beyond `required`."""
        pruned = self.prune(node, required)
        if set(pruned.columns) <= required:
            return pruned
        return Project(pruned, tuple((c, ref(c)) for c in pruned.columns if c in required))

    def _prune(self, node: Plan, required: set[str]) -> Plan:
        if isinstance(node, Scan):
            prefix = f"{node.binding}."
            fields = tuple(f for f in node.fields if prefix + f in required)
            return Scan(node.table, node.binding, fields)
        if isinstance(node, OneRow):
            return node
        if isinstance(node, Filter):
            # Stacked filters become one: every condition over the same columns, one gather.
            condition, source = node.condition, node.input
            while isinstance(source, Filter) and self.uses[id(source)] == 1:
                condition = exp.And(this=source.condition, expression=condition)
                source = source.input
            return Filter(self.prune(source, required | self.reads(condition)), condition)
        if isinstance(node, Project):
            exprs = tuple((n, e) for n, e in node.exprs if n in required) or node.exprs[:1]
            return Project(self.prune(node.input, self.reads(*(e for _, e in exprs))), exprs)
        if isinstance(node, Join):
            need = required | self.reads(*node.left_keys, *node.right_keys, node.residual)
            left = self._narrow(node.left, need & set(node.left.columns))
            right = self._narrow(node.right, need & set(node.right.columns))
            return Join(left, right, node.kind, node.left_keys, node.right_keys, node.residual)
        if isinstance(node, MultiJoin):  # only when order_joins is switched off
            need = required | self.reads(*node.conditions)
            return MultiJoin(tuple(self._narrow(p, need & set(p.columns)) for p in node.inputs),
                             node.conditions)
        if isinstance(node, AsofJoin):
            need = required | self.reads(*node.left_keys, *node.right_keys, node.left_on,
                                         node.right_on)
            return replace(node, left=self._narrow(node.left, need & set(node.left.columns)),
                           right=self._narrow(node.right, need & set(node.right.columns)))
        if isinstance(node, MarkJoin):
            need = (required - {node.mark}) | self.reads(*node.left_keys, *node.right_keys,
                                                         node.residual)
            left = self._narrow(node.left, need & set(node.left.columns))
            right = self._narrow(node.right, need & set(node.right.columns))
            return MarkJoin(left, right, node.mark, node.left_keys, node.right_keys,
                            node.residual, node.null_aware)
        if isinstance(node, ScalarApply):
            inner = self.prune(node.subquery, {node.subquery.columns[0]})
            return ScalarApply(self.prune(node.input, required - {node.name}), inner, node.name)
        if isinstance(node, RowNumber):
            return RowNumber(self.prune(node.input, required - {node.name}), node.name)
        if isinstance(node, Aggregate):
            need = self.reads(*(e for _, e in node.keys),
                              *(e for _, c in node.aggregates for e in c.expressions()))
            return replace(node, input=self.prune(node.input, need))
        if isinstance(node, Sort):
            need = required | self.reads(*(k.expr for k in node.keys))
            return Sort(self.prune(node.input, need), node.keys, node.limit)
        if isinstance(node, Window):
            functions = tuple((n, c) for n, c in node.functions if n in required)
            if not functions:
                return self.prune(node.input, required)
            need = (required - {n for n, _ in functions}) | self.reads(*(
                e for _, c in functions
                for e in (*c.args, *c.partition, *(k.expr for k in c.order),
                          c.frame.start.offset, c.frame.end.offset)))
            return Window(self.prune(node.input, need), functions)
        if isinstance(node, Limit):
            return replace(node, input=self.prune(node.input, required))
        if isinstance(node, Unnest):  # every list decides how many rows there are: all stay
            need = (required - {n for n, _ in node.lists}) | self.reads(
                *(e for _, e in node.lists))
            return Unnest(self.prune(node.input, need), node.lists)
        if isinstance(node, Distinct):
            return Distinct(self.prune(node.input, set(node.input.columns)))
        if isinstance(node, WorkTable):  # every iteration's rows keep all their columns
            return node
        if isinstance(node, RecursiveUnion):
            return replace(node, anchor=self.prune(node.anchor, set(node.anchor.columns)),
                           step=self.prune(node.step, set(node.step.columns)))
        if isinstance(node, SetOp):
            return SetOp(node.kind, node.all, self.prune(node.left, set(node.left.columns)),
                         self.prune(node.right, set(node.right.columns)))
        raise AssertionError(f"no pruning rule for {type(node).__name__}")

