"""Result column names as DuckDB gives them to unaliased expressions.

DuckDB prints `count(*)` as `count_star()`, wraps operators in parentheses (`(a + 1)`) and keeps
function names lower-case. This covers aggregates, operators, literals and columns; any other
expression is named by its SQL text.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import ProgrammingError

DIALECT = "duckdb"

_OPERATORS = {
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.IntDiv: "//",
    exp.EQ: "=", exp.NEQ: "!=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=",
    exp.And: "AND", exp.Or: "OR", exp.DPipe: "||",
}
_AGGREGATES = (exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Count)


USER_ALIAS = "tqp_user_alias"


def mark_user_aliases(tree: exp.Expression) -> exp.Expression:
    """Flag the select items the user named with AS (in place), before sqlglot's qualify gives
    every column an alias: an ORDER BY name binds to those first, as in DuckDB. Also refuse
    GROUP BY 0 and ORDER BY 0 before sqlglot reads them as the last select item (Python's
    index -1)."""
    for select in tree.find_all(exp.Select):
        for item in select.expressions:
            if isinstance(item, exp.Alias):
                item.meta[USER_ALIAS] = True
        group = select.args.get("group")
        for term in group.expressions if group is not None else []:
            if isinstance(term, exp.Literal) and term.is_int and int(term.name) < 1:
                raise ProgrammingError(f"GROUP BY term out of range: {term.name}")
    for order in tree.find_all(exp.Order):
        if order.arg_key != "order":  # a window's ORDER BY sorts by values, not positions
            continue
        for item in order.expressions:
            term = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(term, exp.Literal) and term.is_int and int(term.name) < 1:
                raise ProgrammingError(f"ORDER BY term out of range: {term.name}")
    return tree


def output_name(item: exp.Expression) -> str:
    """The name of one select-list item."""
    if isinstance(item, exp.Alias):
        return item.alias
    if isinstance(item, exp.Column):
        return item.name
    return render(item)


def render(node: exp.Expression) -> str:
    if isinstance(node, exp.Paren):
        return render(node.this)
    if isinstance(node, exp.Column):
        return node.sql(dialect=DIALECT)
    if isinstance(node, exp.Literal):
        return f"'{node.this}'" if node.is_string else node.this
    operator = _OPERATORS.get(type(node))
    if operator is not None:
        return f"({render(node.this)} {operator} {render(node.expression)})"
    if isinstance(node, exp.Neg):
        return f"(-({render(node.this)}))"
    if isinstance(node, exp.Not):
        return f"(NOT {render(node.this)})"
    if isinstance(node, _AGGREGATES):
        arg = node.this
        if isinstance(node, exp.Count) and (arg is None or isinstance(arg, exp.Star)):
            return "count_star()"
        if isinstance(arg, exp.Distinct):
            inner = ", ".join(render(e) for e in arg.expressions)
            return f"{node.sql_name().lower()}(DISTINCT {inner})"
        return f"{node.sql_name().lower()}({render(arg)})"
    return node.sql(dialect=DIALECT)
