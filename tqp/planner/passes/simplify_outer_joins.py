"""Outer joins that a condition above makes inner (`l LEFT JOIN r ... WHERE r.x = l.y`), and
LEFT joins done after the inner joins of their block.

A condition that cannot be TRUE when a column of `r` is NULL drops every row the LEFT join padded
with NULLs, so the join keeps only matched rows: an inner join. As an inner join it joins the
join block around it (`MultiJoin`), where `order_joins` may join `r` with a filtered dimension
first and probe it with `l`, instead of carrying every row of `l` through the outer join.

Conditions count when they filter the join's rows: the Filters, join-block conditions and
inner-join keys above it, through inner joins and the preserved (left) side of LEFT joins, and
the ON condition of a LEFT join for the joins inside its right input. A shared subplan is left
as it is (its other readers may need the padded rows).

A LEFT join that stays outer but is an input of a join block runs after the block:
`(l LEFT JOIN r) JOIN d` is `(l JOIN d) LEFT JOIN r`, so the joins that filter `l` run first.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from tqp.planner.logical import Filter, Join, MultiJoin, Plan
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import use_counts, with_children
from tqp.planner.scope import conjuncts

# Expressions that are NULL whenever one of their operands is.
_PROPAGATING = (exp.Paren, exp.Neg, exp.Cast, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod,
                exp.IntDiv, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like,
                exp.ILike, exp.Not)


def rejects_nulls(condition: exp.Expression, columns) -> bool:
    """Is `condition` never TRUE when every one of `columns` is NULL (a Filter on it drops the
    rows a join padded with NULLs in them)?

    Example: with r.x and r.z NULL, `r.x = l.y + 1`, `r.z IS NOT NULL` and
    `r.x = 1 OR r.z > l.y` are never TRUE; `coalesce(r.x, 0) = 1`, `r.x IS NULL` and
    `r.x = 1 OR l.y = 2` can be."""
    if isinstance(condition, exp.And):
        return rejects_nulls(condition.this, columns) or rejects_nulls(condition.expression, columns)
    if isinstance(condition, exp.Or):
        return rejects_nulls(condition.this, columns) and rejects_nulls(condition.expression, columns)
    if isinstance(condition, exp.Paren):
        return rejects_nulls(condition.this, columns)
    if isinstance(condition, exp.Not) and isinstance(condition.this, exp.Is) \
            and isinstance(condition.this.expression, exp.Null):
        return _is_null(condition.this.this, columns)  # x IS NOT NULL
    if isinstance(condition, exp.In) and not condition.args.get("query"):
        return _is_null(condition.this, columns)
    if isinstance(condition, exp.Between):  # NULL or FALSE (`5 BETWEEN NULL AND 3`)
        return any(_is_null(condition.args[k], columns) for k in ("this", "low", "high"))
    return _is_null(condition, columns)


def _is_null(e: exp.Expression, columns) -> bool:
    """Is `e` NULL when every one of `columns` is?"""
    if isinstance(e, exp.Column):
        return e.name in columns
    if isinstance(e, _PROPAGATING):
        return any(_is_null(p, columns) for p in (e.this, e.args.get("expression"))
                   if p is not None)
    return False


def simplify_outer_joins(plan: Plan, context: PassContext) -> Plan:
    """Make inner every LEFT join whose padded rows a condition above drops, and merge it (and
    a join block below it) into the join block it is an input of.

    Example: `Filter(r.k2 = d.k2) <- MultiJoin(Join[left](l, r) ON l.k = r.k, d)` becomes
    `Filter(r.k2 = d.k2) <- MultiJoin(l, r, d) WHERE l.k = r.k`."""
    uses = use_counts(plan)
    done: dict[int, Plan] = {}

    def visit(node: Plan, above: tuple[exp.Expression, ...]) -> Plan:
        """`node` with its LEFT joins made inner where the conditions `above` allow."""
        if above and uses[id(node)] <= 1:
            return place(node, above)
        if id(node) not in done:
            done[id(node)] = result = place(node, ())
            uses[id(result)] = max(uses[id(result)], uses[id(node)])
        return done[id(node)]

    def place(node: Plan, above: tuple[exp.Expression, ...]) -> Plan:
        if isinstance(node, Filter):
            return with_children(node, (visit(node.input, above + (node.condition,)),))
        if isinstance(node, MultiJoin):
            above += node.conditions
            return _lifted(_merged(node.conditions, [visit(p, above) for p in node.inputs], uses),
                           uses, above)
        if isinstance(node, Join) and node.kind in ("inner", "cross", "left"):
            on = tuple(_on_conditions(node))
            right = node.right.columns
            if node.kind == "left" and any(rejects_nulls(c, right) for c in above):
                inputs = [visit(node.left, above + on), visit(node.right, above + on)]
                return _lifted(_merged(on, inputs, uses), uses, above + on)
            left = above if node.kind == "left" else above + on
            return with_children(node, (visit(node.left, left), visit(node.right, above + on)))
        return with_children(node, tuple(visit(c, ()) for c in node.children))

    return visit(plan, ())


def _on_conditions(join: Join) -> list[exp.Expression]:
    """A join's keys as equalities, and its residual's conjuncts."""
    keys = [exp.EQ(this=l, expression=r) for l, r in zip(join.left_keys, join.right_keys)]
    return keys + conjuncts(join.residual)


def _lifted(block: MultiJoin, uses, above: tuple[exp.Expression, ...]) -> Plan:
    """The block with the LEFT joins among its inputs done after it: `(a LEFT JOIN b)` joined
    with `c` is `(a JOIN c) LEFT JOIN b` (the LEFT join's ON reads only `a` and `b`), so the
    inner joins filter `a` before it probes `b`. Not when a condition of the block reads `b`,
    nor one `above` that reads `b` and another input: it may be what joins `c`, and it must
    see the padded rows. One above that reads only `a` and `b` (`WHERE b.k IS NULL`) still
    sees them, above the lifted join."""
    own = set().union(*(_reads(c) for c in block.conditions))
    reads = [_reads(c) for c in above]
    inputs, chains = [], []
    for p in block.inputs:
        chain = []
        while isinstance(p, Join) and p.kind == "left" and uses[id(p)] <= 1 \
                and not own & p.right.column_set and not _joins_padded_side(p, reads):
            chain.append(p)
            p = p.left
        inputs.append(p)
        chains.append(chain)
    if not any(chains):
        return block
    plan: Plan = MultiJoin(tuple(inputs), block.conditions)
    for chain in chains:
        for join in reversed(chain):  # the innermost first: an ON may read an earlier join
            plan = replace(join, left=plan)
    return plan


def _joins_padded_side(join: Join, reads: list[set[str]]) -> bool:
    """Does one of the conditions (the columns each `reads`) read the padded side of `join`
    and a column from outside the join?"""
    padded, own = join.right.column_set, join.column_set
    return any(r & padded and not r <= own for r in reads)


def _reads(condition: exp.Expression) -> set[str]:
    return {c.name for c in condition.find_all(exp.Column)}


def _merged(conditions, inputs: list[Plan], uses) -> MultiJoin:
    """One join block over `inputs` and `conditions`, with the unshared join blocks among the
    inputs opened into it (their inputs and conditions join this block's)."""
    flat, merged = [], list(conditions)
    for p in inputs:
        if isinstance(p, MultiJoin) and uses[id(p)] <= 1:
            flat.extend(p.inputs)
            merged.extend(p.conditions)
        else:
            flat.append(p)
    return MultiJoin(tuple(flat), tuple(merged))
