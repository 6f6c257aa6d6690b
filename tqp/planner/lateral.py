"""DuckDB's implicit LATERAL: a derived table in FROM that reads the columns of an earlier FROM
item (`FROM t, (SELECT t.x + 1 AS y) s`) is a lateral join. sqlglot resolves such a column only
inside an explicit LATERAL, so `wrap_implicit_laterals` makes it one before the optimizer runs;
the builder plans every LATERAL as a dependent join (planner/dependent.py)."""

from __future__ import annotations

from sqlglot import exp


def wrap_implicit_laterals(nodes: list[exp.Expression]) -> None:
    """Wrap (in place) each derived table in FROM that names an earlier FROM item of its SELECT
    in a LATERAL. `nodes`: every node of the statement."""
    for node in nodes:
        if not (isinstance(node, exp.Subquery) and node.arg_key == "this"
                and isinstance(node.parent, (exp.From, exp.Join))):
            continue
        select = node.parent.parent
        if not isinstance(select, exp.Select):
            continue
        items = _from_items(select)
        earlier = {item.alias_or_name for item in items[:_index(items, node)]}
        if earlier and _reads(node, earlier):
            alias = node.args.get("alias")
            node.set("alias", None)
            node.replace(exp.Lateral(this=node.copy(), alias=alias))


def lateral_reference(statement: exp.Expression) -> str | None:
    """A description of the first FROM item reading another FROM item's columns (one written
    after it, which no LATERAL can read), or None."""
    for select in statement.find_all(exp.Select):
        items = _from_items(select)
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


def _index(items: list[exp.Expression], node: exp.Expression) -> int:
    return next(i for i, item in enumerate(items) if item is node)


def _from_items(select: exp.Select) -> list[exp.Expression]:
    from_ = select.args.get("from_")
    items = [from_.this] if from_ is not None else []
    return items + [j.this for j in select.args.get("joins") or []]
