"""What a rewrite pass may consult besides the plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlglot import exp


class ColumnReads:
    """The plan columns each expression reads, computed once per expression while the passes
    run (each pass and each check asks again about the same, unchanged expressions)."""

    def __init__(self):
        self._known: dict[int, tuple[exp.Expression, frozenset[str]]] = {}

    def __call__(self, *expressions: exp.Expression | None) -> set[str]:
        names: set[str] = set()
        for e in expressions:
            if e is None:
                continue
            known = self._known.get(id(e))
            if known is None or known[0] is not e:
                known = (e, _column_names(e))
                self._known[id(e)] = known  # holding `e` keeps its id unique
            names |= known[1]
        return names


def _column_names(expression: exp.Expr) -> frozenset[str]:
    """The names of the columns anywhere in `expression`: `find_all(exp.Column)` as one plain
    stack walk (the generator chain of sqlglot's walk was most of the passes' reads)."""
    names, stack = set(), [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Column):
            names.add(node.name)
        for value in node.args.values():
            if isinstance(value, exp.Expr):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, exp.Expr))
    return frozenset(names)


@dataclass(frozen=True)
class PassContext:
    """The catalog (row and distinct counts for estimates), a generator of unique column names
    (`fresh('_outer')` -> '_outer#17', shared with the builder so names never clash) and the
    columns each expression reads."""

    catalog: object
    fresh: Callable[[str], str]
    reads: ColumnReads = field(default_factory=ColumnReads)
