"""Statements that change the catalog: one module per family, one handler per statement.

Each handler takes the engine and the parsed statement and returns a `Result` (rowcount =
rows affected). Each computes the new contents of a table completely (values by tqp's own query
engine), then swaps it into the catalog in one step: a statement that fails changes nothing.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.statements import copy, modify, tables

HANDLERS = {
    exp.Insert: modify.insert,
    exp.Update: modify.update,
    exp.Delete: modify.delete,
    exp.TruncateTable: tables.truncate,
    exp.Alter: tables.alter_table,
    exp.Copy: copy.copy,
}


def changes_catalog(statement: exp.Expression) -> bool:
    """Whether `statement` writes to the catalog (and so needs the database folder's lock)."""
    if isinstance(statement, exp.Copy):
        return bool(statement.args.get("kind"))  # COPY ... FROM
    return isinstance(statement, (exp.Create, exp.Drop, *HANDLERS))
