"""Semi-join reduction: an uncorrelated `x [NOT] IN (SELECT ...)` on one input of a join block
filters that input before the joins.

The builder plans every WHERE condition above the FROM clause; decorrelation turns this one
into a null-aware MarkJoin with a Filter on its mark just above. When the probe `x` reads only
one input of the join block below, the pair moves onto that input, which then joins only its rows
whose key is in the subquery (a few dozen of a million, say), not all of them. The mark of a row depends on that row
alone, so the answer is the same.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import Filter, MarkJoin, MultiJoin, Plan
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import transform, use_counts, with_children


def reduce_semi_joins(plan: Plan, context: PassContext) -> Plan:
    """Move each `Filter([NOT] mark) <- MarkJoin[null-aware]` over a join block onto the one
    input its probe keys read.

    Example: `Filter(_in) <- MarkJoin[_in](MultiJoin(orders, customer), subquery)` becomes
    `MultiJoin(Filter(_in) <- MarkJoin[_in](orders, subquery), customer)`."""
    uses = use_counts(plan)

    def rule(node: Plan) -> Plan:
        moved = _move_into_block(node, uses, context.reads)
        return node if moved is None else moved

    return transform(plan, rule, uses)


def _is_semi_join(node: Plan) -> bool:
    if not (isinstance(node, Filter) and isinstance(node.input, MarkJoin)):
        return False
    mark = node.input
    condition = node.condition.this if isinstance(node.condition, exp.Not) else node.condition
    return (mark.null_aware and mark.residual is None and isinstance(condition, exp.Column)
            and condition.name == mark.mark)


def _move_into_block(node: Plan, uses, reads) -> Plan | None:
    """The plan below `node` with the semi join `node` inside its join block, or None."""
    if not _is_semi_join(node) or uses[id(node.input)] > 1:
        return None
    semi: MarkJoin = node.input
    # The nodes between the semi join and the join block only drop rows or add columns.
    chain, below = [], semi.left
    while isinstance(below, (Filter, MarkJoin)) and uses[id(below)] == 1:
        chain.append(below)
        below = below.children[0]
    if not isinstance(below, MultiJoin) or uses[id(below)] > 1:
        return None
    probe = reads(*semi.left_keys)
    targets = [i for i, p in enumerate(below.inputs) if probe <= set(p.columns)]
    if not probe or len(targets) != 1:
        return None
    i = targets[0]
    reduced = Filter(MarkJoin(below.inputs[i], semi.right, semi.mark, semi.left_keys,
                              semi.right_keys, None, True), node.condition)
    result: Plan = MultiJoin(below.inputs[:i] + (reduced,) + below.inputs[i + 1:],
                             below.conditions)
    for link in reversed(chain):
        result = with_children(link, (result,) + link.children[1:])
    return result
