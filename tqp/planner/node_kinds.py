"""The kinds of node a SQL tree holds, found in one walk: a step that rewrites one construct
skips a tree without it, instead of walking the whole tree to find none."""

from __future__ import annotations

from sqlglot import exp


# Expressions whose value is drawn anew for each row and each time they are evaluated: two
# copies of one never stand for the same values.
VOLATILE = (exp.Rand, exp.Uuid)


def node_kinds(tree: exp.Expression) -> set[type]:
    """The classes of the nodes of `tree`."""
    return {type(node) for node in tree.walk()}


def holds(kinds: set[type], *wanted: type) -> bool:
    """Whether `kinds` has one of the `wanted` classes or a subclass of one."""
    return any(issubclass(kind, wanted) for kind in kinds)
