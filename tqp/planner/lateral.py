"""Recognising lateral references tqp does not plan: a derived table (or a table function) in
FROM that reads the columns of an earlier FROM item, which DuckDB runs as an implicit LATERAL
join. sqlglot cannot resolve such a column and reports it unknown; tqp names the construct
instead (NotSupportedError), as it does for an explicit LATERAL."""

from __future__ import annotations

from sqlglot import exp


def lateral_reference(statement: exp.Expression) -> str | None:
    """A description of the first FROM item reading another FROM item's columns, or None."""
    for select in statement.find_all(exp.Select):
        items = _from_items(select)
        aliases = {item.alias_or_name for item in items}
        for item in items:
            if not isinstance(item, exp.Subquery):
                continue
            inner = {t.alias_or_name for t in item.find_all(exp.Table, exp.Subquery)
                     if t is not item}
            for column in item.find_all(exp.Column):
                if column.table and column.table in aliases - inner - {item.alias_or_name}:
                    return f"{item.alias_or_name or 'a derived table'} reading " \
                           f"{column.table}.{column.name}"
    return None


def _from_items(select: exp.Select) -> list[exp.Expression]:
    from_ = select.args.get("from_")
    items = [from_.this] if from_ is not None else []
    return items + [j.this for j in select.args.get("joins") or []]
