"""Walking a plan: every node of a tree of nodes with `children` (logical plans, physical
operators), once each, shared subplans included."""

from __future__ import annotations

from typing import Iterator, TypeVar

N = TypeVar("N")


def each_node(root: N) -> Iterator[N]:
    """Every node under `root` (itself included), once each, parents before their children."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node.children)
        yield node
