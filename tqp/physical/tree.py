"""Rebuilding physical plans: an operator with its child operators replaced."""

from __future__ import annotations

import dataclasses

from tqp.physical.operator import PhysicalOperator


def with_children(op: PhysicalOperator, replace) -> PhysicalOperator:
    """`op` with each child operator `c` (a field, or an item of a tuple field) replaced by
    `replace(c)`; `op` itself when nothing changed."""
    changes = {}
    for f in dataclasses.fields(op):
        value = getattr(op, f.name)
        if isinstance(value, PhysicalOperator):
            new = replace(value)
        elif isinstance(value, tuple) and value and \
                all(isinstance(v, PhysicalOperator) for v in value):
            new = tuple(replace(v) for v in value)
        else:
            continue
        if new is not value and new != value:
            changes[f.name] = new
    return dataclasses.replace(op, **changes) if changes else op


def transform(root: PhysicalOperator, rewrite) -> PhysicalOperator:
    """The plan with `rewrite(op)` applied bottom-up to every operator (`rewrite` returns the
    operator, or a replacement); an operator shared by several parents is rewritten once and
    stays shared."""
    done: dict[int, PhysicalOperator] = {}

    def visit(op: PhysicalOperator) -> PhysicalOperator:
        if id(op) not in done:
            done[id(op)] = rewrite(with_children(op, visit))
        return done[id(op)]

    return visit(root)
