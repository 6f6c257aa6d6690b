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
from tqp.planner.passes.tree import use_counts, with_children
from tqp.planner.scope import ref


def prune_columns(plan: Plan, context: PassContext) -> Plan:
    """`plan` with every node narrowed to the columns read above it.

    Example: `Project(a := t.x) <- Filter(t.y > 1) <- Filter(t.z = 2) <- Scan t [x, y, z, w]`
    becomes `Project(a := t.x) <- Filter(t.z = 2 AND t.y > 1) <- Scan t [x, y, z]`."""
    return _Pruner(plan, context.reads).run(plan)


class _Pruner:
    """Top-down pass. A subplan used more than once (a CTE read twice) is pruned once, to the
    columns any of its users reads, after all of them (so it still runs once): its users first
    keep it as it is and note what they read of it, then each shared subplan is pruned, those
    inside it noted likewise, and the results take the original's place everywhere."""

    def __init__(self, root: Plan, reads):
        self.uses = use_counts(root)
        self.reads = reads
        self.wanted: dict[int, set[str]] = {}  # a shared subplan's id -> columns its users read

    def run(self, root: Plan) -> Plan:
        pruned = {id(root): self._prune(root, set(root.columns))}
        for node in _shared_in_order(root, self.uses):
            pruned[id(node)] = self._prune(node, self.wanted.get(id(node), set()))
        return _substituted(root, pruned, {})

    def prune(self, node: Plan, required: set[str]) -> Plan:
        if self.uses[id(node)] > 1:  # kept for now; pruned once all its users are known
            self.wanted.setdefault(id(node), set()).update(required & node.column_set)
            return node
        return self._prune(node, required)

    def _narrow(self, node: Plan, required: set[str]) -> Plan:
        """`node` pruned, with a projection dropping what it still carries beyond `required`."""
        pruned = self.prune(node, required)
        if pruned.column_set <= required:
            return pruned
        return Project(pruned, tuple((c, ref(c)) for c in pruned.columns if c in required))

    def _positions(self, node: Plan, keep: list[int]) -> Plan:
        """`node` pruned to its columns at the positions `keep`, in that order (an input of a
        set operation, whose columns match by position)."""
        names = [node.columns[i] for i in keep]
        pruned = self.prune(node, set(names))
        if list(pruned.columns) == names:
            return pruned
        return Project(pruned, tuple((c, ref(c)) for c in names))

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
            left = self._narrow(node.left, need & node.left.column_set)
            right = self._narrow(node.right, need & node.right.column_set)
            return Join(left, right, node.kind, node.left_keys, node.right_keys, node.residual)
        if isinstance(node, MultiJoin):  # only when order_joins is switched off
            need = required | self.reads(*node.conditions)
            return MultiJoin(tuple(self._narrow(p, need & p.column_set) for p in node.inputs),
                             node.conditions)
        if isinstance(node, AsofJoin):
            need = required | self.reads(*node.left_keys, *node.right_keys, node.left_on,
                                         node.right_on)
            return replace(node, left=self._narrow(node.left, need & node.left.column_set),
                           right=self._narrow(node.right, need & node.right.column_set))
        if isinstance(node, MarkJoin):
            need = (required - {node.mark}) | self.reads(*node.left_keys, *node.right_keys,
                                                         node.residual)
            left = self._narrow(node.left, need & node.left.column_set)
            right = self._narrow(node.right, need & node.right.column_set)
            return MarkJoin(left, right, node.mark, node.left_keys, node.right_keys,
                            node.residual, node.null_aware)
        if isinstance(node, ScalarApply):
            inner = self.prune(node.subquery, {node.subquery.columns[0]})
            return ScalarApply(self.prune(node.input, required - {node.name}), inner, node.name)
        if isinstance(node, RowNumber):
            return RowNumber(self.prune(node.input, required - {node.name}), node.name)
        if isinstance(node, Aggregate):
            # Unread aggregates go (SINGLE stays: it raises for a group of several rows); a
            # grand total keeps one, so that it still returns its row.
            aggregates = tuple((n, c) for n, c in node.aggregates
                               if n in required or c.func == "single") \
                or (node.aggregates[:1] if not node.keys else ())
            need = self.reads(*(e for _, e in node.keys),
                              *(e for _, c in aggregates for e in c.expressions()))
            return replace(node, input=self.prune(node.input, need), aggregates=aggregates)
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
            if node.kind == "union" and node.all:  # rows pass whole: unread columns can go
                keep = [i for i, c in enumerate(node.columns) if c in required] or [0]
                return SetOp(node.kind, node.all, self._positions(node.left, keep),
                             self._positions(node.right, keep))
            return SetOp(node.kind, node.all, self.prune(node.left, set(node.left.columns)),
                         self.prune(node.right, set(node.right.columns)))
        raise AssertionError(f"no pruning rule for {type(node).__name__}")


def _shared_in_order(root: Plan, uses) -> list[Plan]:
    """The subplans used more than once, each after every shared subplan that holds a use of
    it (the users of a subplan are then all pruned before it)."""
    below: dict[int, list[Plan]] = {}  # a shared subplan (or the root) -> the shared ones under it
    nodes: dict[int, Plan] = {id(root): root}

    def collect(owner: int, node: Plan, seen: set[int]) -> None:
        for child in node.children:
            if uses[id(child)] > 1:
                below.setdefault(owner, []).append(child)
                if id(child) not in nodes:
                    nodes[id(child)] = child
                    collect(id(child), child, set())
            elif id(child) not in seen:
                seen.add(id(child))
                collect(owner, child, seen)

    collect(id(root), root, set())
    holders = {key: 0 for key in nodes}
    for owner, children in below.items():
        for child in children:
            holders[id(child)] += 1
    ready, order = [id(root)], []
    while ready:
        key = ready.pop()
        if key != id(root):
            order.append(nodes[key])
        for child in below.get(key, ()):
            holders[id(child)] -= 1
            if holders[id(child)] == 0:
                ready.append(id(child))
    return order


def _substituted(node: Plan, pruned: dict[int, Plan], done: dict[int, Plan]) -> Plan:
    """`node` with each shared subplan (and the root) replaced by its pruned form, within those
    forms too."""
    key = id(node)
    if key not in done:
        source = pruned.get(key, node)
        done[key] = with_children(source, tuple(_substituted(c, pruned, done)
                                                for c in source.children))
    return done[key]
