"""sqlglot's eliminate_subqueries, kept from hoisting a correlated derived table into a CTE.

The pass turns every derived table into a CTE of the outermost query (merge_subqueries then
merges back those it can). A derived table that reads the query around it (`(SELECT t.x * 2 AS
y) d` inside a subquery or a LATERAL over `t`) cannot live there: `t` is not in its scope, and
when it was not merged back the CTE named an unknown table. Such a derived table stays where it
is, as sqlglot leaves a LATERAL, and is planned there (planner/dependent.py).

sqlglot also makes two equal derived tables one CTE, read twice. Two that draw random values
are not equal (`(SELECT random() ...) a JOIN (SELECT random() ...) b` draws twice in DuckDB),
so each such draw is told apart while the pass runs.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.eliminate_subqueries import eliminate_subqueries as _sqlglot_pass

from tqp.planner.lateral import wrap_in_lateral
from tqp.planner.node_kinds import VOLATILE
from tqp.planner.resolve import free_columns


# The argument that numbers each random draw while sqlglot's pass compares derived tables.
_DRAW = "tqp_draw"


def eliminate_subqueries(expression: exp.Expression) -> exp.Expression:
    """sqlglot's pass, except for the derived tables that read a query around them."""
    held = []
    for node in list(expression.find_all(exp.Subquery)):
        if isinstance(node.parent, (exp.From, exp.Join)) and node.arg_key == "this" \
                and _nested(node.parent.parent) and free_columns(node.this):
            held.append(wrap_in_lateral(node))
    draws = list(expression.find_all(*VOLATILE))
    for number, draw in enumerate(draws):
        draw.set(_DRAW, exp.Literal.number(number))  # equal derived tables now differ
    expression = _sqlglot_pass(expression)
    for draw in draws:
        draw.set(_DRAW, None)
    for lateral in held:
        subquery = lateral.this
        subquery.set("alias", lateral.args.get("alias"))
        lateral.replace(subquery)
    return expression


def _nested(select: exp.Expression) -> bool:
    """Is `select` inside a subquery (one that can read a query around it)? A derived table of
    the outermost query, or of a CTE's, reads no enclosing query: it needs no closer look."""
    node = select.parent
    while node is not None:
        if isinstance(node, (exp.Subquery, exp.Lateral, exp.Exists)):
            return True
        node = node.parent
    return False
