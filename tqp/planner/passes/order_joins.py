"""Join ordering: each join block (`MultiJoin`) becomes a tree of Joins, in the greedy order of
planner/join_order.py (snowflake dimensions first, then the most selective connected input,
with selectivities from distinct counts)."""

from __future__ import annotations

from tqp.planner.join_order import order_inputs, written_order
from tqp.planner.logical import MultiJoin, Plan
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import transform


def order_joins(plan: Plan, context: PassContext) -> Plan:
    """Replace every join block by Joins in the greedy order.

    Example: `MultiJoin(facts, Filter(d.day < ...) <- d) WHERE facts.k = d.k` becomes
    `Join[inner](facts, Filter(...) <- d) ON facts.k = d.k`: the largest input probes, the
    filtered one is built."""
    def rule(node: Plan) -> Plan:
        if isinstance(node, MultiJoin):
            return order_inputs(node.inputs, node.conditions, context.catalog, context.reads)
        return node

    return transform(plan, rule)


def written_order_joins(node: MultiJoin) -> Plan:
    """A join block joined in the order its inputs were written (`order_joins` switched off)."""
    return written_order(node.inputs, node.conditions)
