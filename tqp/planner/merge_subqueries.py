"""sqlglot's merge_subqueries, kept from merging a derived table that an outer join pads.

Merging a derived table replaces its columns by their expressions in the outer query. Two
merges sqlglot makes are wrong where the derived table is on the NULL-padded side of an outer
join (the right of a LEFT JOIN, the left of a RIGHT JOIN, either side of a FULL JOIN, or an
input inner-joined before a later RIGHT or FULL join):
- a select item that is not a bare column (`1 AS c`, `coalesce(x, 0) AS c`) is computed after
  the join, so a padded row gets its value instead of NULL;
- its WHERE, when it reads tables other than those joined so far (a subquery), moves into the
  outer WHERE, above the outer join, where it drops the padded rows.
Such a derived table (or CTE used once, which sqlglot first turns into one) stays a subquery,
as does one whose select list calls RANDOM(): its column must hold one draw per row.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.merge_subqueries import merge_ctes, merge_derived_tables

from tqp.planner.node_kinds import VOLATILE

# An argument sqlglot does not merge (UNMERGABLE_ARGS), set while its pass runs, then removed.
_HOLD = "sample"


def merge_subqueries(expression: exp.Expression, leave_tables_isolated: bool = False,
                     **_) -> exp.Expression:
    """sqlglot's pass (CTEs used once become derived tables, then those merge), except for
    the derived tables and CTEs `_padded` names."""
    ctes = {cte.alias_or_name: cte.this for cte in expression.find_all(exp.CTE)}
    selects = list(expression.find_all(exp.Select))
    held = [inner for select in selects for inner in _padded(select, ctes)] + \
        [select for select in selects if _draws_random(select)]
    for select in held:
        select.set(_HOLD, exp.TableSample())
    _parenthesize_bare_conditions(expression)
    try:
        expression, _merged = merge_ctes(expression, leave_tables_isolated)
        return merge_derived_tables(expression, leave_tables_isolated)
    finally:
        for select in held:
            select.set(_HOLD, None)


def _draws_random(select: exp.Select) -> bool:
    """Does a derived table or CTE compute RANDOM() in its select list? Merging it would copy
    the call into each place the outer query reads its column, each a draw of its own
    (`r` and `r * 1` would differ, `WHERE r < 0.5` would test another value than the one shown)."""
    return isinstance(select.parent, (exp.Subquery, exp.CTE)) and any(
        item.find(*VOLATILE) for item in select.expressions)


def _parenthesize_bare_conditions(expression: exp.Expression) -> None:
    """A WHERE that is a bare scalar subquery, `WHERE (SELECT bool_or(...) ...)`, wrapped in
    parentheses: merging moves it into the outer query's WHERE, through sqlglot's `and_`, which
    takes conditions only (sqlglot's compiled build checks that, and a Subquery is none)."""
    for where in expression.find_all(exp.Where):
        if where.this is not None and not isinstance(where.this, exp.Condition):
            where.set("this", exp.Paren(this=where.this))


def _padded(select: exp.Select, ctes: dict[str, exp.Expression]) -> list[exp.Select]:
    """The derived tables (or CTEs, by name in `ctes`) that an outer join of `select` pads
    with NULLs and that computes a select item or filters."""
    from_ = select.args.get("from_")
    joins = select.args.get("joins") or []
    items = [from_.this if from_ is not None else None] + [join.this for join in joins]
    padded = set()
    for i, join in enumerate(joins, start=1):
        if join.side in ("LEFT", "FULL"):
            padded.add(i)
        if join.side in ("RIGHT", "FULL"):
            padded.update(range(i))
    held = []
    for i in sorted(padded):
        inner = _query(items[i], ctes)
        if inner is not None and (inner.args.get("where") or not all(
                isinstance(item.unalias(), exp.Column) for item in inner.expressions)):
            held.append(inner)
    return held


def _query(item: exp.Expression | None, ctes: dict[str, exp.Expression]) -> exp.Select | None:
    if isinstance(item, exp.Subquery):
        inner = item.unnest()
    elif isinstance(item, exp.Table) and not item.db:
        inner = ctes.get(item.name)
    else:
        return None
    return inner if isinstance(inner, exp.Select) else None
