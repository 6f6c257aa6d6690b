"""Turning SQL expressions into plan expressions: column references become plan column keys."""

from __future__ import annotations

from copy import deepcopy

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

    return copy_replacing(expression, replace)


def copy_replacing(expression: exp.Expression, replace) -> exp.Expression:
    """`expression.copy().transform(replace, copy=False)`, without copying the nodes `replace`
    swaps out (column references, whose names and positions were most of the copy).

    `replace` sees the nodes in the same order (depth first, not below a node it replaced);
    the rest is copied as sqlglot's deepcopy copies it (meta, comments, types)."""
    replaced: dict[int, exp.Expression] = {}
    new = None
    for node in expression.dfs(prune=lambda n: n is not new):
        new = replace(node)
        if new is not node:
            replaced[id(node)] = new
    if id(expression) in replaced:
        return replaced[id(expression)]

    def twin(node: exp.Expression) -> exp.Expression:
        substitute = replaced.get(id(node))
        if substitute is not None:
            return substitute
        copy = node.__class__()
        stack.append((node, copy))
        return copy

    root = expression.__class__()
    stack = [(expression, root)]
    while stack:
        node, copy = stack.pop()
        if node.comments is not None:
            copy.comments = deepcopy(node.comments)
        if node._type is not None:
            copy._type = deepcopy(node._type)
        if node._meta is not None:
            copy._meta = deepcopy(node._meta)
        if node._hash is not None:
            copy._hash = node._hash
        for key, value in node.args.items():
            if isinstance(value, exp.Expression):
                copy.set(key, twin(value))
            elif type(value) is list:
                copy.args[key] = []
                for item in value:
                    copy.append(key, twin(item) if isinstance(item, exp.Expression) else item)
            else:
                copy.args[key] = value
    return root


def from_items(select: exp.Expression) -> list[exp.Expression]:
    """A SELECT's FROM item and the items its joins bring in, in the order written."""
    from_ = select.args.get("from_")
    items = [from_.this] if from_ is not None else []
    return items + [j.this for j in select.args.get("joins") or []]


def source_aliases(select: exp.Expression) -> set[str]:
    """The aliases a SELECT's FROM clause and joins bind."""
    return {item.alias_or_name for item in from_items(select)}


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
