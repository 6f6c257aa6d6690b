"""Turning SQL expressions into plan expressions: column references become plan column keys."""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators.expressions import user_sql
from tqp.planner.scope import Scope, is_resolved, ref


def resolve(expression: exp.Expression, scope: Scope, allowed: tuple[Scope, ...] = ()) -> exp.Expression:
    """A copy of `expression` with every qualified column replaced by its plan key.

    References must resolve to `scope` itself or one of the `allowed` scopes; anything further
    out is a correlated reference the planner did not decorrelate."""
    allowed = (scope,) + tuple(allowed)

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not is_resolved(node):
            key, owner = scope.lookup(node.table, node.name)
            if not any(owner is s for s in allowed):
                raise NotSupportedError(
                    f"correlated reference to {user_sql(node)} in this position")
            return ref(key)
        if isinstance(node, (exp.Subquery, exp.Exists)) or (
                isinstance(node, exp.In) and node.args.get("query")):
            raise NotSupportedError(f"subquery in this position: {node.sql(dialect='duckdb')[:80]}")
        return node

    return expression.copy().transform(replace, copy=False)


def source_aliases(select: exp.Expression) -> set[str]:
    """The aliases a SELECT's FROM clause and joins bind."""
    aliases = set()
    from_ = select.args.get("from_")
    items = ([from_.this] if from_ is not None else []) + [j.this for j in select.args.get("joins") or []]
    for item in items:
        aliases.add(item.alias_or_name)
    return aliases


def free_columns(expression: exp.Expression, bound: frozenset[str] = frozenset()) -> list[exp.Column]:
    """Qualified column references in `expression` whose table is bound neither by `bound` nor by
    a SELECT inside `expression` that encloses them: the correlated references."""
    if isinstance(expression, exp.Select):
        bound = bound | source_aliases(expression)
    if isinstance(expression, exp.Column):
        return [] if is_resolved(expression) or expression.table in bound else [expression]
    found = []
    for child in expression.iter_expressions():
        found.extend(free_columns(child, bound))
    return found


def is_correlated(expression: exp.Expression, bound: frozenset[str] = frozenset()) -> bool:
    return bool(free_columns(expression, bound))
