"""Conjunctive normal form for the conditions whose parts read different tables.

sqlglot's `normalize` rewrites every AND/OR condition into a conjunction of ORs. tqp needs that
where an OR spans tables: `(d.y = 1 AND s.p > 5) OR (d.y = 2 AND s.p < 3)` gains the conjuncts
`d.y = 1 OR d.y = 2` and `s.p > 5 OR s.p < 3`, each filtering one table before the join, and an
equality repeated in every branch becomes a join key. An OR whose columns all belong to one table
filters that table as it is, so it is left alone: converting it only costs planning time (the
distributive law is exponential in the branches, and analytical queries repeat such ORs in many
subqueries) and gives a longer condition to evaluate.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.normalize import normalize as sqlglot_normalize
from sqlglot.optimizer.normalize import normalized


def normalize(expression: exp.Expression) -> exp.Expression:
    """`expression` with each condition that spans tables in conjunctive normal form (as sqlglot's
    `normalize` makes it); conjuncts that read one table stay as written."""
    tables = None  # _base_tables, found when a condition needs them (most have no OR)
    for node in tuple(expression.walk(prune=lambda e: isinstance(e, exp.Connector))):
        if not isinstance(node, exp.Connector) or normalized(node):
            continue
        conjuncts = node.flatten() if isinstance(node, exp.And) else [node]
        for conjunct in [c.unnest() for c in conjuncts]:
            if not isinstance(conjunct, exp.Connector) or normalized(conjunct):
                continue
            if tables is None:
                tables = _base_tables(expression)
            if _spans_tables(conjunct, tables):
                result = sqlglot_normalize(conjunct)
                if conjunct is expression:
                    expression = result
    return expression


def _base_tables(statement: exp.Expression) -> set[str]:
    """The aliases that name a stored table wherever they occur in `statement` (not a derived
    table or a CTE, whose columns a later merge may trace to several tables)."""
    ctes = {cte.alias for cte in statement.find_all(exp.CTE)}
    tables, others = set(), set()
    for node in statement.find_all(exp.Table, exp.Subquery):
        if isinstance(node, exp.Table) and node.name not in ctes:
            tables.add(node.alias_or_name)
        else:
            others.add(node.alias_or_name)
    return tables - others


def _spans_tables(condition: exp.Expression, tables: set[str]) -> bool:
    """Does `condition` read columns of two tables, or of anything but a stored table (`tables`),
    or hold a subquery? (Then sqlglot's normal form is kept for it.)"""
    seen = set()
    for node in condition.walk():
        if isinstance(node, (exp.Select, exp.Subquery, exp.Exists)):
            return True
        if isinstance(node, exp.Column):
            if node.table not in tables:
                return True
            seen.add(node.table)
            if len(seen) > 1:
                return True
    return False
