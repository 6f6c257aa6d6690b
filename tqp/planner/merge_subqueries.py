"""sqlglot's merge_subqueries, kept from merging a derived table whose WHERE it would misplace.

Merging `... JOIN (SELECT ... FROM t WHERE p) AS d ON c RIGHT JOIN u ON ...` moves `p` into the
JOIN's ON when `p` reads only the tables joined so far, and into the outer WHERE otherwise (a
subquery in `p` reads other tables). The outer WHERE runs after the RIGHT or FULL join, where
it drops the rows that join pads with NULLs: a wrong answer. sqlglot already refuses the merge
when the derived table is itself the outer join's operand or in FROM; this covers an inner join
that a later RIGHT or FULL join pads. Such a derived table stays a subquery.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.merge_subqueries import merge_ctes, merge_derived_tables

# An argument sqlglot does not merge (UNMERGABLE_ARGS), set while its pass runs, then removed.
_HOLD = "sample"


def merge_subqueries(expression: exp.Expression, leave_tables_isolated: bool = False,
                     **_) -> exp.Expression:
    """sqlglot's pass (CTEs used once become derived tables, then those merge), except for
    the derived tables and CTEs `_padded_later` names."""
    ctes = {cte.alias_or_name: cte.this for cte in expression.find_all(exp.CTE)}
    held = [inner for select in list(expression.find_all(exp.Select))
            for inner in _padded_later(select, ctes)]
    for select in held:
        select.set(_HOLD, exp.TableSample())
    try:
        expression, _merged = merge_ctes(expression, leave_tables_isolated)
        return merge_derived_tables(expression, leave_tables_isolated)
    finally:
        for select in held:
            select.set(_HOLD, None)


def _padded_later(select: exp.Select, ctes: dict[str, exp.Expression]) -> list[exp.Select]:
    """The filtered derived tables (or CTEs, by name in `ctes`) that `select` inner-joins
    before a RIGHT or FULL join."""
    joins = select.args.get("joins") or []
    padding = [i for i, join in enumerate(joins) if join.side in ("RIGHT", "FULL")]
    if not padding:
        return []
    held = []
    for join in joins[:padding[-1]]:
        item = join.this
        inner = (item.unnest() if isinstance(item, exp.Subquery)
                 else ctes.get(item.name) if isinstance(item, exp.Table) and not item.db else None)
        if not join.side and isinstance(inner, exp.Select) and inner.args.get("where"):
            held.append(inner)
    return held
