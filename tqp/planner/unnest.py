"""UNNEST in the select list: the calls are taken out of the select items into one Unnest node
below the projection (after grouping and windows), and the items read its element columns.

DuckDB allows UNNEST only there; elsewhere (WHERE, GROUP BY, inside an aggregate) tqp refuses
it. `unnest(l, recursive := ...)` and other options are refused too.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.planner.scope import has_subquery, ref

_CLAUSES = ("where", "group", "having", "qualify", "order", "joins", "from_", "distinct")


def reject_misplaced(select: exp.Select) -> None:
    """Refuse UNNEST anywhere in `select` but its select list (outside aggregates, windows
    and other UNNESTs)."""
    for clause in _CLAUSES:
        value = select.args.get(clause)
        for node in value if isinstance(value, list) else [value]:
            if isinstance(node, exp.Expression) and _own_unnests(node):
                raise NotSupportedError(f"UNNEST in {clause.rstrip('_').upper()} (only in the "
                                        "select list)")
    for item in select.expressions:
        for call in _own_unnests(item):
            node = call.parent
            while node is not None and node is not select:
                if isinstance(node, (exp.AggFunc, exp.Window, exp.Explode)):
                    raise NotSupportedError("UNNEST inside an aggregate, a window or another "
                                            "UNNEST")
                node = node.parent


def extract(exprs: list[exp.Expression], fresh) -> tuple[list[exp.Expression], list]:
    """The select items with each UNNEST(l) replaced by a reference to a new column, and the
    (column, l) pairs to unnest."""
    found: list[tuple[str, exp.Expression]] = []

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Explode):
            return node
        extra = [k for k, v in node.args.items() if k != "this" and v not in (None, False, [])]
        if extra or isinstance(node.this, exp.PropertyEQ):
            raise NotSupportedError("UNNEST with options (recursive, max_depth)")
        if has_subquery(node.this):
            raise NotSupportedError("UNNEST of a subquery")
        key = fresh("_unnest")
        found.append((key, node.this))
        return ref(key)

    out = [e if not _own_unnests(e) else e.copy().transform(replace) for e in exprs]
    return out, found


def _own_unnests(node: exp.Expression) -> list[exp.Explode]:
    """The UNNEST calls of `node` outside its subqueries."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current is not node and isinstance(current, (exp.Select, exp.Subquery, exp.Exists)):
            continue
        if isinstance(current, exp.Explode):
            found.append(current)
        stack.extend(current.iter_expressions())
    return found
