"""Table functions and row sources in FROM, rewritten into queries tqp plans already:

- `range(...)` / `generate_series(...)`: `(SELECT unnest(range(...)) AS range)`, the scalar
  list function unnested;
- `unnest(list)`: `(SELECT unnest(list) AS unnest)`;
- either over the columns of an earlier FROM item (`FROM t, range(t.n) r(i)`): the same query
  in a LATERAL;
- `(VALUES (...), (...))`: a UNION ALL of one-row SELECTs (columns `col0`, `col1`, ... unless
  the alias names them), built as a balanced tree so that many rows do not nest deeply.

A single-column function takes its column name from the alias's column list, else from the
alias itself (`range(3) t` has a column `t`), else from the function, as in DuckDB.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner.dependent import PER_ROW


# The nodes `expand` rewrites (a table function is a Table over a GenerateSeries).
NODE_TYPES = (exp.Values, exp.Unnest, exp.GenerateSeries)


def expand(statement: exp.Expression) -> exp.Expression:
    """`statement` with every table function and VALUES list in FROM replaced (in place); a
    VALUES statement becomes `SELECT * FROM (VALUES ...)`."""
    if isinstance(statement, exp.Values):
        return exp.select("*").from_(_values(statement))
    for lateral in list(statement.find_all(exp.Lateral)):
        if _in_from(lateral):  # `LATERAL range(t.n) r(i)`: the row source itself, as above
            _unwrap_lateral(lateral)
    for node in list(statement.find_all(exp.Table, exp.Unnest, exp.Values)):
        if not _in_from(node):
            continue
        if isinstance(node, exp.Values):
            node.replace(_values(node))
        elif isinstance(node, exp.Unnest):
            node.replace(_unnest(node))
        elif isinstance(node.this, exp.GenerateSeries):
            name = "range" if node.this.args.get("is_end_exclusive") else "generate_series"
            node.replace(_one_column(node.this.copy(), name, node.args.get("alias")))
    return statement


def _unwrap_lateral(lateral: exp.Lateral) -> None:
    """Replace `LATERAL <row source>` by the row source under the LATERAL's alias: a FROM item
    over an earlier item's columns is a lateral join anyway."""
    source, alias = lateral.this, lateral.args.get("alias")
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Values) \
            and source.args.get("alias") is None:
        source = source.this
    if isinstance(source, exp.GenerateSeries):
        lateral.replace(exp.Table(this=source.copy(), alias=alias))
    elif isinstance(source, (exp.Unnest, exp.Values)) and source.args.get("alias") is None:
        source = source.copy()
        source.set("alias", alias)
        lateral.replace(source)


def _in_from(node: exp.Expression) -> bool:
    return isinstance(node.parent, (exp.From, exp.Join)) and node.arg_key == "this"


def _one_column(call: exp.Expression, name: str,
                alias: exp.TableAlias | None) -> exp.Subquery | exp.Lateral:
    columns = alias.columns if alias is not None else []
    if len(columns) > 1:
        raise ProgrammingError(f"{name} has 1 column, the alias names {len(columns)}")
    column = columns[0].name if columns else (alias.name if alias is not None and alias.name
                                                else name)
    select = exp.select(exp.alias_(exp.Explode(this=call), column, quoted=True))
    table = exp.TableAlias(
        this=exp.to_identifier(alias.name if alias is not None and alias.name else name))
    if call.find(exp.Column) is not None:  # reads an earlier FROM item: a lateral join
        lateral = exp.Lateral(this=exp.Subquery(this=select), alias=table)
        lateral.meta[PER_ROW] = True  # no need to find equal outer tuples (lists among them)
        return lateral
    return exp.Subquery(this=select, alias=table)


def _unnest(node: exp.Unnest) -> exp.Subquery:
    if len(node.expressions) != 1 or node.args.get("offset") or node.args.get("explode_array"):
        raise NotSupportedError("UNNEST in FROM with several lists or WITH ORDINALITY")
    return _one_column(node.expressions[0].copy(), "unnest", node.args.get("alias"))


def _values(node: exp.Values) -> exp.Subquery:
    rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in node.expressions]
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise ProgrammingError("VALUES lists must all be the same length")
    alias = node.args.get("alias")
    named = [c.name for c in alias.columns] if alias is not None else []
    if len(named) > width:
        raise ProgrammingError(f"VALUES has {width} columns, the alias names {len(named)}")
    names = named + [f"col{i}" for i in range(len(named), width)]
    selects = [exp.select(*(exp.alias_(e.copy(), n, quoted=True) for e, n in zip(r, names)))
               for r in rows]
    table = exp.TableAlias(this=exp.to_identifier(alias.name if alias is not None and alias.name
                                                  else "valueslist"))
    return exp.Subquery(this=_balanced_union(selects), alias=table)


def _balanced_union(selects: list[exp.Expression]) -> exp.Expression:
    if len(selects) == 1:
        return selects[0]
    middle = len(selects) // 2
    left, right = _balanced_union(selects[:middle]), _balanced_union(selects[middle:])
    return exp.Union(this=_wrapped(left), expression=_wrapped(right), distinct=False)


def _wrapped(query: exp.Expression) -> exp.Expression:
    return exp.Subquery(this=query) if isinstance(query, exp.Union) else query
