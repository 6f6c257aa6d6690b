"""A rewrite pass run after sqlglot's qualify: no table alias shadows one of an enclosing query.

sqlglot's merge_subqueries inlines a derived table into the query that reads it without
checking the names a correlated reference inside that query uses, so in

    SELECT t0.c2 FROM t0 WHERE NOT EXISTS (
        SELECT 1 FROM (SELECT t0.c2 AS col0 FROM t0) sq WHERE t0.c2 IS DISTINCT FROM sq.col0)

the outer `t0.c2` ended up naming the inner `t0` (a wrong answer). Without shadowing no merge
can capture a name.
"""

from __future__ import annotations

import itertools

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope


def unique_aliases(expression: exp.Expression, **_) -> exp.Expression:
    """Rename (in place) each table alias that shadows a source of an enclosing scope, with the
    columns that refer to it. The new name depends only on the nesting depth, so that copies of
    one subquery (qualify repeats a select item in GROUP BY) stay equal."""
    renamed: list[tuple[Scope, str, str]] = []
    for scope in traverse_scope(expression):
        if scope.is_udtf:  # a LATERAL's scope lists the FROM items before it: no shadowing
            continue
        outer = _enclosing_sources(scope)
        for alias, source in scope.sources.items():
            if isinstance(source, exp.Table) and alias in outer:
                depth = len(_ancestors(scope))
                new = next(name for name in (f"{alias}_{depth}{'_' * n}" for n in itertools.count())
                           if name not in outer and name not in scope.sources)
                renamed.append((scope, alias, new))
    for scope, alias, new in renamed:
        scope.sources[alias].set("alias", exp.TableAlias(this=exp.to_identifier(new)))
        _rename_columns(scope, alias, new)
    return expression


def _ancestors(scope: Scope) -> list[Scope]:
    found = []
    while scope.parent is not None:
        scope = scope.parent
        found.append(scope)
    return found


def _enclosing_sources(scope: Scope) -> set[str]:
    return {name for ancestor in _ancestors(scope) for name in ancestor.sources}


def _rename_columns(scope: Scope, alias: str, new: str, top: bool = True) -> None:
    """Columns of `scope`, and of the scopes inside it that do not define `alias` themselves
    (correlated references), that name `alias`."""
    if not top and alias in scope.sources:
        return  # shadowed
    for column in scope.columns:
        if column.table == alias:
            column.set("table", exp.to_identifier(new))
    for child in scope.subquery_scopes + scope.derived_table_scopes + scope.set_operation_scopes:
        _rename_columns(child, alias, new, top=False)
