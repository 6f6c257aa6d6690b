"""Magic-set reduction of a grouped subquery joined back to the outer rows.

A correlated scalar subquery with equality correlation is decorrelated into
`Join[left](outer, Project <- Aggregate(inner) grouped by the correlation keys)`. Only the
groups whose keys some outer row holds are ever joined, so the inner rows are first reduced to
those (a mark join against the outer keys): a subquery correlated on a key that a few hundred
outer rows hold groups only their few thousand inner rows, not millions. The outer plan is then read twice, as one
shared subplan the executor runs once. A filter on the subquery's value makes that join inner,
with the grouped side on either side after order_joins, and perhaps with the value as one more
key (`ps_supplycost = min(...)`): it is reduced alike, on the group keys.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import Aggregate, Filter, Join, MarkJoin, Plan, Project
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import transform, use_counts, with_children
from tqp.planner.scope import ref


def magic_sets(plan: Plan, context: PassContext) -> Plan:
    """Reduce the input of an Aggregate left-joined back on all its group keys (and perhaps
    more) to the rows whose keys the left side holds; or inner-joined, on either side (a
    filter on the subquery's value made the join inner, and order_joins may turn it round).

    Example: `Join[left](outer, Project <- Aggregate(inner, keys=[k := i.key])) ON o.key = k`
    becomes the same over `Aggregate(Filter(m) <- MarkJoin[m](inner, Project(o.key) <- outer)
    ON i.key = o.key)`."""
    uses = use_counts(plan)

    def rule(node: Plan) -> Plan:
        if isinstance(node, Join) and node.kind in ("left", "inner"):
            reduced = _reduce(node, context, uses)
            if reduced is not None:
                return reduced
        if isinstance(node, Join) and node.kind == "inner":  # the grouped side may be either
            reduced = _reduce(_mirrored(node), context, uses)
            if reduced is not None:
                return _mirrored(reduced)
        return node

    return transform(plan, rule, uses)


def _mirrored(join: Join) -> Join:
    """An inner join with its inputs (and keys) swapped."""
    return Join(join.right, join.left, join.kind, join.right_keys, join.left_keys, join.residual)


def _reduce(join: Join, context: PassContext, uses) -> Join | None:
    project = join.right
    if not (isinstance(project, Project) and isinstance(project.input, Aggregate)):
        return None
    grouped = project.input
    if grouped.sets is not None:
        return None  # grouping sets: the coarser sets' rows read every input row
    if _pairs_with(grouped.input, join.left) or isinstance(grouped.input, Filter) and \
            isinstance(grouped.input.input, MarkJoin):
        return None  # rows already paired with the outer side, or already reduced
    passed = {name: e.name for name, e in project.exprs if isinstance(e, exp.Column)}
    keys = dict(grouped.keys)
    # The join keys on group keys; others (an equality with the subquery's value) may join
    # too, but only the group keys say which groups can ever match.
    outer, inner_keys, group_keys = [], [], []
    for left_key, right_key in zip(join.left_keys, join.right_keys):
        group_key = passed.get(right_key.name) if isinstance(right_key, exp.Column) else None
        if group_key in keys:
            outer.append(left_key)
            inner_keys.append(keys[group_key])
            group_keys.append(group_key)
    if not keys or len(set(inner_keys)) != len(inner_keys) or set(group_keys) != set(keys):
        return None
    names = tuple(context.fresh("_outer") for _ in outer)
    outer_keys = Project(join.left, tuple(zip(names, outer)))
    mark = context.fresh("_reduce")

    def reduce(plan: Plan) -> Plan:
        return Filter(MarkJoin(plan, outer_keys, mark, tuple(inner_keys),
                               tuple(ref(n) for n in names)), ref(mark))

    aggregate = Aggregate(_below_joins(grouped.input, inner_keys, reduce, uses),
                          grouped.keys, grouped.aggregates)
    return Join(join.left, Project(aggregate, project.exprs), join.kind, join.left_keys,
                join.right_keys, join.residual)


def _below_joins(plan: Plan, keys: list[exp.Expression], reduce, uses) -> Plan:
    """`reduce(input)` in place of the input of `plan`'s inner joins that alone holds the
    columns of `keys`, or of `plan` itself: the groups' rows reduced before they are joined
    (a fact table's rows cut to the outer keys before its dimensions are joined, not after).
    A join read elsewhere too is reduced above, once, not copied."""
    if not all(isinstance(k, exp.Column) for k in keys):
        return reduce(plan)
    names = {k.name for k in keys}

    def below(node: Plan) -> Plan:
        if isinstance(node, Join) and node.kind == "inner" and uses[id(node)] == 1:
            if names <= set(node.left.columns):
                return with_children(node, (below(node.left), node.right))
            if names <= set(node.right.columns):
                return with_children(node, (node.left, below(node.right)))
        return reduce(node)

    return below(plan)


def _pairs_with(plan: Plan, outer: Plan) -> bool:
    """Is `plan` a join of `outer` itself (the pairs of a decorrelation by row numbers), whose
    keys every group already holds?"""
    return isinstance(plan, Join) and plan.left is outer
