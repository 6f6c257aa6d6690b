"""Predicate pushdown: each condition runs as low in the plan as its meaning allows.

The builder plans a WHERE clause as Filters above the whole FROM clause. This pass moves each
condition down to the inputs it names:

- into a join block (`MultiJoin`): a condition naming one input filters that input; the others
  join the block's conditions, where `order_joins` makes them keys and residuals;
- through an inner join, to the side it names;
- through an outer join only to the side the join preserves (the left of a LEFT JOIN, the right
  of a RIGHT JOIN, neither of a FULL JOIN). Above an outer join a condition must see the NULLs
  the join pads in: `l RIGHT JOIN r ... WHERE l.x = 'p'` drops the rows of `r` without a match,
  which filtering `l` first would keep.

- through an uncorrelated scalar subquery's column (`ScalarApply`): a condition that does not
  read its value moves to its input; one that does (`d.m = (SELECT ...)`) takes the column with
  it into the one join-block input it otherwise reads, so that input is filtered before the
  joins, not the joined rows after them.

A condition that calls a model stays where it is (it must score only the rows every other
condition keeps), and nothing moves below a MarkJoin, a projection or an aggregate. Conditions
that can raise (`x // y`, a CAST) run after the others on the same input.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.ml.calls import has_model_call
from tqp.planner.logical import Filter, Join, MultiJoin, Plan, ScalarApply
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import use_counts, with_children
from tqp.operators.expressions import may_raise


def pushdown_predicates(plan: Plan, context: PassContext) -> Plan:
    """Move the conditions of Filters down to the inputs they name.

    Example: `Filter(l.x = 'p') <- MultiJoin(l, r) WHERE l.k = r.k` becomes
    `MultiJoin(Filter(l.x = 'p') <- l, r) WHERE l.k = r.k`."""
    uses = use_counts(plan)
    done: dict[int, Plan] = {}
    raises: dict[int, bool] = {}

    def last(condition: exp.Expression) -> bool:
        """Can the condition raise? (Such conditions run after the others.)"""
        if id(condition) not in raises:
            raises[id(condition)] = may_raise(condition)
        return raises[id(condition)]

    def stack(plan: Plan, conditions: list[exp.Expression]) -> Plan:
        """Filters for `conditions` over `plan`, those that can raise last."""
        for c in sorted(conditions, key=last) if len(conditions) > 1 else conditions:
            plan = Filter(plan, c)
        return plan

    def visit(node: Plan, pending: list[exp.Expression]) -> Plan:
        """`node` with the conditions `pending` (in the order they apply) placed in it."""
        if pending and uses[id(node)] > 1:  # a shared subplan is the same for every reader
            return stack(visit(node, []), pending)
        if not pending and id(node) in done:
            return done[id(node)]
        result = place(node, pending)
        if not pending:
            done[id(node)] = result
        return result

    def place(node: Plan, pending: list[exp.Expression]) -> Plan:
        if isinstance(node, Filter):
            if has_model_call(node.condition):
                return stack(Filter(visit(node.input, []), node.condition), pending)
            return visit(node.input, [node.condition] + pending)
        if isinstance(node, MultiJoin):
            return _into_block(node, pending, visit, context.reads, last)
        if isinstance(node, Join):
            return stack(*_through_join(node, pending, visit, context.reads))
        if isinstance(node, ScalarApply):
            return _through_scalar(node, pending, visit, context.reads, last, stack, uses)
        return stack(with_children(node, tuple(visit(c, []) for c in node.children)), pending)

    return visit(plan, [])


def _into_block(node: MultiJoin, pending, visit, reads, last) -> Plan:
    """The join block with each condition on the one input it names, or among its own."""
    owner = {c: i for i, p in enumerate(node.inputs) for c in p.columns}
    on_input: list[list] = [[] for _ in node.inputs]
    kept = []
    for c in sorted(node.conditions + tuple(pending), key=last):
        inputs = {owner.get(name) for name in reads(c)}
        if len(inputs) == 1 and None not in inputs:
            on_input[inputs.pop()].append(c)
        else:
            kept.append(c)
    inputs = tuple(visit(p, conditions) for p, conditions in zip(node.inputs, on_input))
    return MultiJoin(inputs, tuple(kept))


def _through_join(node: Join, pending, visit, reads):
    """(the join with the conditions it lets through placed in its inputs, the others).

    A condition moves only to a side whose rows the join never pads with NULLs."""
    to_left = node.kind in ("inner", "cross", "left")
    to_right = node.kind in ("inner", "cross", "right")
    left_columns, right_columns = set(node.left.columns), set(node.right.columns)
    on_left, on_right, kept = [], [], []
    for c in pending:
        names = reads(c)
        if names and to_left and names <= left_columns:
            on_left.append(c)
        elif names and to_right and names <= right_columns:
            on_right.append(c)
        else:
            kept.append(c)
    return with_children(node, (visit(node.left, on_left), visit(node.right, on_right))), kept


def _through_scalar(node: ScalarApply, pending, visit, reads, last, stack, uses) -> Plan:
    """The scalar subquery's column added with the conditions that read it (and those that can
    raise) on the one join-block input they otherwise read, or above its input when there is
    no such input; the other conditions go down into its input. Other subqueries' columns
    added just below with no condition of their own (`x BETWEEN (SELECT ...) AND (SELECT
    ...)`) move along with it."""
    value = [reads(c) >= {node.name} or last(c) for c in pending]
    kept = [c for c, v in zip(pending, value) if v]
    below = visit(node.input, [c for c, v in zip(pending, value) if not v])
    subquery = visit(node.subquery, [])
    chain, written = [], node.input
    while isinstance(below, ScalarApply) and isinstance(written, ScalarApply) \
            and uses[id(written)] == 1:
        chain.append(below)
        below, written = below.input, written.input
    others = reads(*kept) - {node.name} - {a.name for a in chain}
    if kept and others and isinstance(below, MultiJoin) and uses[id(written)] == 1:
        targets = [i for i, p in enumerate(below.inputs) if others <= set(p.columns)]
        if len(targets) == 1:
            i = targets[0]
            moved = below.inputs[i]
            for apply in reversed(chain):
                moved = ScalarApply(moved, apply.subquery, apply.name)
            moved = stack(ScalarApply(moved, subquery, node.name), kept)
            return MultiJoin(below.inputs[:i] + (moved,) + below.inputs[i + 1:],
                             below.conditions)
    for apply in reversed(chain):
        below = ScalarApply(below, apply.subquery, apply.name)
    return stack(ScalarApply(below, subquery, node.name), kept)
