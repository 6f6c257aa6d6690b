"""DuckDB's implicit LATERAL: a derived table in FROM that reads the columns of an earlier FROM
item (`FROM t, (SELECT t.x + 1 AS y) s`) is a lateral join. sqlglot resolves such a column only
inside an explicit LATERAL, so `wrap_implicit_laterals` makes it one before the optimizer runs;
the builder plans every LATERAL as a dependent join (planner/dependent.py)."""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.resolve import from_items


def wrap_implicit_laterals(nodes: list[exp.Expression], schema: dict) -> None:
    """Wrap (in place) each derived table in FROM that reads an earlier FROM item of its SELECT
    in a LATERAL: it names the item, or it uses a column name that none of its own tables has
    and an earlier table does (`FROM t, (SELECT x + 1 AS y) s`). `nodes`: every node of the
    statement; `schema`: each table's columns."""
    lowered = None  # the schema by lower-case table name, made when first needed
    for node in nodes:
        if not (isinstance(node, exp.Subquery) and node.arg_key == "this"
                and isinstance(node.parent, (exp.From, exp.Join))):
            continue
        select = node.parent.parent
        if not isinstance(select, exp.Select):
            continue
        items = from_items(select)
        before = items[:_index(items, node)]
        if not before:  # the first item (or one in a nested join)
            continue
        if lowered is None:
            lowered = {name.lower(): fields for name, fields in schema.items()}
        if _reads(node, {item.alias_or_name for item in before}) or \
                _reads_unqualified(node.this, before, lowered):
            wrap_in_lateral(node)


def lateral_reference(statement: exp.Expression) -> str | None:
    """A description of the first FROM item reading another FROM item's columns (one written
    after it, which no LATERAL can read), or None."""
    for select in statement.find_all(exp.Select):
        items = from_items(select)
        aliases = {item.alias_or_name for item in items}
        for item in items:
            if isinstance(item, (exp.Subquery, exp.Lateral)) and \
                    _reads(item, aliases - {item.alias_or_name}):
                return f"{item.alias_or_name or 'a derived table'} reading another FROM item"
    return None


def _reads(item: exp.Expression, aliases: set[str]) -> bool:
    """Does `item` hold a column qualified by one of `aliases` that it does not bind itself?"""
    inner = {t.alias_or_name for t in item.find_all(exp.Table, exp.Subquery) if t is not item}
    outside = aliases - inner
    return any(column.table in outside for column in item.find_all(exp.Column))


def _reads_unqualified(query: exp.Expression, earlier: list[exp.Expression],
                       schema: dict) -> bool:
    """Does `query` use an unqualified column name that its own FROM tables lack and an
    earlier FROM table (`earlier`) has? False whenever a source's columns are not known from
    `schema` (lower-case table names; a derived table, a CTE): only the plain cases are
    decided here."""
    if not isinstance(query, exp.Select):
        return False
    outer = _table_columns(earlier, schema)
    if not outer:
        return False
    names = {c.name.lower() for c in _own_columns(query) if not c.table} & outer
    if not names:
        return False
    own = _table_columns(from_items(query), schema)
    if own is None:
        return False
    aliases = {e.alias.lower() for e in query.expressions if isinstance(e, exp.Alias)}
    return bool(names - own - aliases)


def _own_columns(select: exp.Select) -> list[exp.Column]:
    """The columns of `select` itself, not of the queries inside it."""
    found, stack = [], list(select.iter_expressions())
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Column):
            found.append(node)
        elif not isinstance(node, exp.Query):
            stack.extend(node.iter_expressions())
    return found


def _table_columns(items: list[exp.Expression], schema: dict) -> set[str] | None:
    """The lower-case column names of `items` (catalog tables, or derived tables whose column
    names are written out); None when one of them is not known so."""
    columns: set[str] = set()
    for item in items:
        alias = item.args.get("alias")
        if isinstance(alias, exp.TableAlias) and alias.columns:
            fields = [c.name for c in alias.columns]
        elif isinstance(item, exp.Table):
            fields = schema.get(item.name.lower())
        elif isinstance(item, exp.Subquery) and isinstance(item.this, exp.Query):
            fields = item.this.named_selects
            fields = None if "*" in fields or "" in fields else fields
        else:
            fields = None
        if fields is None:
            return None
        columns.update(f.lower() for f in fields)
    return columns


def _index(items: list[exp.Expression], node: exp.Expression) -> int:
    return next((i for i, item in enumerate(items) if item is node), 0)


def wrap_in_lateral(node: exp.Subquery) -> exp.Lateral:
    """Put the derived table `node` (in place) inside a LATERAL that takes over its alias."""
    lateral = exp.Lateral(alias=node.args.get("alias"))
    node.set("alias", None)
    node.replace(lateral)
    lateral.set("this", node)  # moved, not copied
    return lateral
