"""Quantified comparisons with a subquery (`x > ANY (SELECT ...)`, `x = ALL (...)`, SOME being
ANY) rewritten, before the optimizer runs, into what the planner already plans.

- `x = ANY (S)` is `x IN (S)` and `x <> ALL (S)` is `x NOT IN (S)`, NULL rules included.
- Every other one compares `x` with aggregates of S's one column: its MIN and MAX, the count of
  its rows and of its non-NULL values. SQL's three-valued rule is kept: `x op ANY (S)` is TRUE
  when some value of S makes `x op s` TRUE, FALSE when S is empty or every `x op s` is FALSE,
  NULL otherwise; `x op ALL (S)` is FALSE when some `x op s` is FALSE, TRUE when S is empty or
  every one is TRUE, NULL otherwise. For `<`, `<=`, `>`, `>=` the deciding value is an extreme
  of S (`x > ANY` holds for some s exactly when `x > MIN(S)`); for `= ALL` and `<> ANY`, it is
  whether x differs from S's MIN or its MAX. Each aggregate is a scalar subquery over S, so a
  correlated S is decorrelated like any other.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
# For x op ANY (S): the aggregate of S that x is compared with.
_ANY_EXTREME = {exp.GT: exp.Min, exp.GTE: exp.Min, exp.LT: exp.Max, exp.LTE: exp.Max}
# For x op ALL (S): the aggregate of S some value of which falsifies `x op s` when x fails it.
_ALL_EXTREME = {exp.GT: exp.Max, exp.GTE: exp.Max, exp.LT: exp.Min, exp.LTE: exp.Min}
QUERY_ALIAS, COLUMN_ALIAS = "_quantified", "_value"


def rewrite_quantified(nodes: list[exp.Expression]) -> None:
    """Replace each comparison of `nodes` (every node of a statement) whose right side is
    ANY/SOME/ALL of a subquery by the equivalent IN or CASE (module docstring). A quantifier
    over a list, or on the comparison's left side, is left for `unsupported.check` to refuse."""
    for node in nodes:
        if not isinstance(node, (exp.Any, exp.All)):
            continue
        comparison = node.parent
        if not isinstance(comparison, _COMPARISONS) or comparison.expression is not node:
            continue
        query = node.this.this if isinstance(node.this, exp.Subquery) else node.this
        if not isinstance(query, exp.Query):
            continue
        comparison.replace(_rewritten(type(comparison), comparison.this, query,
                                      isinstance(node, exp.Any)))


def _rewritten(kind: type, left: exp.Expression, query: exp.Query, any_: bool) -> exp.Expression:
    _require_one_column(query, star=kind in (exp.EQ, exp.NEQ))
    if kind is exp.EQ and any_:
        return exp.In(this=left, query=exp.Subquery(this=query))
    if kind is exp.NEQ and not any_:
        return exp.Not(this=exp.In(this=left, query=exp.Subquery(this=query)))
    rows, values = _aggregate(query, exp.Count, star=True), _aggregate(query, exp.Count)
    if kind in (exp.EQ, exp.NEQ):  # = ALL, <> ANY: does x differ from some value of S?
        decides = exp.or_(exp.NEQ(this=left.copy(), expression=_aggregate(query, exp.Min)),
                          exp.NEQ(this=left.copy(), expression=_aggregate(query, exp.Max)))
    else:
        extreme = (_ANY_EXTREME if any_ else _ALL_EXTREME)[kind]
        decides = kind(this=left.copy(), expression=_aggregate(query, extreme))
        decides = decides if any_ else exp.not_(decides)
    # ANY is TRUE where a value decides it; ALL is FALSE where one does.
    empty, decided = (exp.false(), exp.true()) if any_ else (exp.true(), exp.false())
    unknown = exp.or_(exp.Is(this=left.copy(), expression=exp.null()),
                      exp.GT(this=rows.copy(), expression=values))
    return exp.Paren(this=exp.Case(ifs=[
        exp.If(this=exp.EQ(this=rows, expression=exp.Literal.number(0)), true=empty),
        exp.If(this=decides, true=decided),
        exp.If(this=unknown, true=exp.null()),
    ], default=empty.copy()))


def _aggregate(query: exp.Query, function: type, star: bool = False) -> exp.Subquery:
    """The scalar subquery `function` of the query's one column (or `function(*)`): the
    query's own SELECT with that aggregate as its item where the query is a plain
    SELECT-FROM-WHERE (so that a correlated one stays one level deep), else
    `(SELECT function(_value) FROM (query) AS _quantified(_value))` (a derived table, which a
    correlated query makes a dependent join)."""
    if _is_plain(query):
        item = query.expressions[0]
        item = item.this if isinstance(item, exp.Alias) else item
        plain = query.copy()
        plain.set("order", None)
        plain.set("expressions", [function(this=exp.Star() if star else item.copy())])
        return exp.Subquery(this=plain)
    source = exp.Subquery(this=query.copy(), alias=exp.TableAlias(
        this=exp.to_identifier(QUERY_ALIAS), columns=[exp.to_identifier(COLUMN_ALIAS)]))
    call = function(this=exp.Star() if star else exp.column(COLUMN_ALIAS, QUERY_ALIAS))
    return exp.Subquery(this=exp.select(call).from_(source))


def _is_plain(query: exp.Query) -> bool:
    """A SELECT whose one item can take an aggregate around it: no grouping, DISTINCT, LIMIT,
    window or aggregate of its own."""
    if not isinstance(query, exp.Select) or len(query.expressions) != 1:
        return False
    if any(query.args.get(a) for a in ("group", "having", "qualify", "distinct", "limit",
                                         "offset", "windows", "with_")):
        return False
    return query.expressions[0].find(exp.AggFunc, exp.Window) is None


def _require_one_column(query: exp.Query, star: bool) -> None:
    """The subquery of a quantified comparison must give one column. A `*` cannot be counted
    here: with `star` (IN checks it later) it passes, else it is refused."""
    first = query
    while isinstance(first, exp.SetOperation):
        first = first.this
    while isinstance(first, exp.Subquery):
        first = first.this
    items = first.expressions if isinstance(first, exp.Select) else None
    if items is None or any(i.is_star for i in items):
        if star:
            return
        raise NotSupportedError("ANY/ALL over a subquery whose columns are not listed (write "
                                "its one column instead of *)")
    if len(items) != 1:
        raise ProgrammingError(f"a subquery compared with ANY/ALL returns {len(items)} "
                               "columns, expected 1")
