"""Walking and rebuilding logical plans, keeping shared subplans shared.

A subplan referenced from two places (a CTE read twice, the outer rows of a decorrelated
subquery) is one object, and the executor runs it once. A pass that rebuilds the tree must
rebuild such a node once and hand the same new object to every reader: `transform` memoizes by
node identity.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Callable

from tqp.planner.logical import Plan

_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(node: Plan) -> tuple[str, ...]:
    """The dataclass fields of `node` that hold its inputs, in the order of `children`."""
    kind = type(node)
    if kind not in _CHILD_FIELDS:
        _CHILD_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(node)
            if isinstance(getattr(node, f.name), Plan) or f.name == "inputs")
    return _CHILD_FIELDS[kind]


def with_children(node: Plan, children: tuple[Plan, ...]) -> Plan:
    """`node` over new inputs (the same node when they are the same objects)."""
    if all(a is b for a, b in zip(node.children, children)):
        return node
    names = child_fields(node)
    if names == ("inputs",):
        return dataclasses.replace(node, inputs=tuple(children))
    return dataclasses.replace(node, **dict(zip(names, children)))


def transform(plan: Plan, rule: Callable[[Plan], Plan], uses: Counter | None = None) -> Plan:
    """Apply `rule` bottom-up: to each node after its inputs were rewritten, once per node.

    With `uses` (from `use_counts`), a node rebuilt over new inputs inherits the count of the
    node it replaces, so `rule` still sees which nodes are shared."""
    done: dict[int, Plan] = {}

    def visit(node: Plan) -> Plan:
        key = id(node)
        if key not in done:
            rebuilt = with_children(node, tuple(visit(c) for c in node.children))
            if uses is not None and rebuilt is not node:
                uses[id(rebuilt)] = uses[key]
            done[key] = rule(rebuilt)
        return done[key]

    return visit(plan)


def use_counts(plan: Plan) -> Counter:
    """How many parents reference each node (by id); the root counts 1."""
    uses: Counter = Counter()

    def count(node: Plan) -> None:
        uses[id(node)] += 1
        if uses[id(node)] == 1:
            for child in node.children:
                count(child)

    count(plan)
    return uses
