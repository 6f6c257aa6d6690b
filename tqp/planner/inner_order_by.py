"""A rewrite pass run after sqlglot's qualify: a nested query's ORDER BY names expressions, not
select-list aliases.

qualify turns `ORDER BY 2` and `ORDER BY c1` into a reference to the select alias `c1`.
sqlglot's merge_subqueries then moves a derived table's ORDER BY into the query that reads it,
where that alias does not exist when the outer query does not select it:

    SELECT a.c0 FROM (SELECT t.x AS c0, t.y AS c1 FROM t ORDER BY c1) AS a

became `SELECT t.x AS c0 FROM t ORDER BY c1`. Written as the aliased expression (`ORDER BY t.y`)
the key means the same in either place.
"""

from __future__ import annotations

from sqlglot import exp


def inner_order_by(expression: exp.Expression, **_) -> exp.Expression:
    """Replace (in place) each select-alias reference in the ORDER BY of every query nested in
    `expression` with a copy of the aliased expression. The outermost query keeps its aliases:
    the planner binds those to the select list itself."""
    for select in expression.find_all(exp.Select):
        order = select.args.get("order")
        if select is expression or order is None:
            continue
        aliased = {item.alias: item.this for item in select.expressions
                   if isinstance(item, exp.Alias)}
        kept = []
        for ordered in order.expressions:
            key = ordered.this
            if isinstance(key, exp.Column) and not key.table and key.name in aliased:
                value = aliased[key.name]
                if _is_constant(value):
                    continue  # orders nothing, and an integer here would read as a position
                ordered.set("this", value.copy())
            kept.append(ordered)
        if kept:
            order.set("expressions", kept)
        else:
            select.set("order", None)
    return expression


# Select items whose ORDER BY key is dropped: a constant orders no rows.
_CONSTANTS = (exp.Literal, exp.Null, exp.Boolean)


def _is_constant(value: exp.Expression) -> bool:
    """A literal, NULL or boolean, negated or in parentheses (`-5` is one as much as `5`)."""
    while isinstance(value, (exp.Neg, exp.Paren)):
        value = value.this
    return isinstance(value, _CONSTANTS)
