"""From the logical plan to the plan that runs: prune the columns each operator carries, and
merge stacked filters into one.

Join and filter algorithms are picked at run time from the data (dense keys get a direct-address
table, others a sort + searchsorted), so the physical plan differs from the logical one only in
which columns flow: every node keeps just what the nodes above it still read, and scans read
only those columns from storage.
"""

from __future__ import annotations

from collections import Counter

from sqlglot import exp

from tqp.planner.logical import (
    Aggregate, Distinct, Filter, Join, Limit, MarkJoin, OneRow, Plan, Project, Query, RowNumber,
    ScalarApply, Scan, SetOp, Sort, Window,
)
from tqp.planner.scope import ref


def to_physical(query: Query) -> Query:
    """The query with unused columns pruned from every operator."""
    return Query(Pruner(query.plan).prune(query.plan, set(query.plan.columns)), query.names)


def _refs(*expressions) -> set[str]:
    names = set()
    for e in expressions:
        if e is not None:
            names.update(c.name for c in e.find_all(exp.Column))
    return names


class Pruner:
    """Top-down pass; subplans used more than once (a CTE read twice) are pruned once, keeping
    all their columns, so they still run once."""

    def __init__(self, root: Plan):
        self.uses: Counter = Counter()
        self._count(root)
        self.shared: dict[int, Plan] = {}

    def _count(self, node: Plan) -> None:
        self.uses[id(node)] += 1
        if self.uses[id(node)] == 1:
            for child in node.children:
                self._count(child)

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
            return Filter(self.prune(source, required | _refs(condition)), condition)
        if isinstance(node, Project):
            exprs = tuple((n, e) for n, e in node.exprs if n in required) or node.exprs[:1]
            return Project(self.prune(node.input, _refs(*(e for _, e in exprs))), exprs)
        if isinstance(node, Join):
            need = required | _refs(*node.left_keys, *node.right_keys, node.residual)
            left = self._narrow(node.left, need & set(node.left.columns))
            right = self._narrow(node.right, need & set(node.right.columns))
            return Join(left, right, node.kind, node.left_keys, node.right_keys, node.residual)
        if isinstance(node, MarkJoin):
            need = (required - {node.mark}) | _refs(*node.left_keys, *node.right_keys, node.residual)
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
            need = _refs(*(e for _, e in node.keys), *(c.arg for _, c in node.aggregates))
            return Aggregate(self.prune(node.input, need), node.keys, node.aggregates)
        if isinstance(node, Sort):
            need = required | _refs(*(k.expr for k in node.keys))
            return Sort(self.prune(node.input, need), node.keys, node.limit)
        if isinstance(node, Window):
            functions = tuple((n, c) for n, c in node.functions if n in required)
            if not functions:
                return self.prune(node.input, required)
            need = (required - {n for n, _ in functions}) | _refs(*(
                e for _, c in functions
                for e in (*c.args, *c.partition, *(k.expr for k in c.order),
                          c.frame.start.offset, c.frame.end.offset)))
            return Window(self.prune(node.input, need), functions)
        if isinstance(node, Limit):
            return Limit(self.prune(node.input, required), node.limit, node.offset)
        if isinstance(node, Distinct):
            return Distinct(self.prune(node.input, set(node.input.columns)))
        if isinstance(node, SetOp):
            return SetOp(node.kind, node.all, self.prune(node.left, set(node.left.columns)),
                         self.prune(node.right, set(node.right.columns)))
        raise AssertionError(f"no pruning rule for {type(node).__name__}")

