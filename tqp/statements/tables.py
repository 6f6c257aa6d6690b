"""CREATE TABLE with columns, ALTER TABLE and TRUNCATE: statements that change a table's shape."""

from __future__ import annotations

import pyarrow as pa
from sqlglot import exp

from tqp.errors import IntegrityError, NotSupportedError, ProgrammingError
from tqp.result import Result
from tqp.statements.modify import target_name, writable_table
from tqp.storage.declared import declared_field


def create_table(engine, statement: exp.Create) -> Result:
    """CREATE [OR REPLACE] [TEMP] TABLE [IF NOT EXISTS] t (column type [NOT NULL], ...)."""
    schema_node = statement.this
    name, _ = target_name(schema_node.this)
    fields = [_column(definition) for definition in schema_node.expressions]
    names = [f.name.lower() for f in fields]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ProgrammingError(f"column {duplicate} is declared twice in CREATE TABLE {name}")
    if statement.args.get("exists") and name.lower() in engine.catalog:
        return Result(None, 0)
    empty = pa.schema(fields).empty_table()
    engine.catalog.add_table(name, empty, replace=bool(statement.args.get("replace")),
                             temporary=is_temporary(statement))
    return Result(None, 0)


def truncate(engine, statement: exp.TruncateTable) -> Result:
    """TRUNCATE [TABLE] t [, ...]: every row goes, the columns stay."""
    removed = 0
    for target in statement.expressions:
        name, _ = target_name(target)
        table = writable_table(engine, name, "TRUNCATE")
        removed += table.num_rows
        engine.catalog.replace_table(name, table.slice(0, 0))
    return Result(None, removed)


def alter_table(engine, statement: exp.Alter) -> Result:
    """ALTER TABLE t ADD [COLUMN] c type | DROP [COLUMN] c | RENAME [COLUMN] a TO b | RENAME TO u.

    The actions apply in order to a working copy, swapped in when all have succeeded.
    """
    if (statement.args.get("kind") or "").upper() != "TABLE":
        raise NotSupportedError(f"ALTER {statement.args.get('kind')}")
    name, _ = target_name(statement.this)
    if statement.args.get("exists") and name.lower() not in engine.catalog.tables:
        return Result(None, 0)
    table = writable_table(engine, name, "ALTER")
    new_name = name
    for action in statement.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            table = _add_column(table, action)
        elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
            table = _drop_column(table, action)
        elif isinstance(action, exp.RenameColumn):
            table = _rename_column(table, action.this.name, action.args["to"].name,
                                   bool(action.args.get("exists")))
        elif isinstance(action, exp.AlterRename):
            new_name, _ = target_name(action.this)
            if new_name.lower() != name.lower() and new_name.lower() in engine.catalog:
                raise IntegrityError(f"cannot rename {name} to {new_name}: {new_name} exists")
        else:
            raise NotSupportedError(f"ALTER TABLE ... {action.sql(dialect='duckdb')[:60]}")
    temporary = name.lower() in engine.catalog.temporary
    if new_name.lower() != name.lower():
        engine.catalog.drop(name, "TABLE")
        engine.catalog.add_table(new_name, table, temporary=temporary)
    else:
        engine.catalog.add_table(name, table, temporary=temporary)
    return Result(None, 0)


def _column(definition: exp.Expression) -> pa.Field:
    if not isinstance(definition, exp.ColumnDef) or definition.args.get("kind") is None:
        raise NotSupportedError(f"table element {definition.sql(dialect='duckdb')[:60]} "
                                "(tqp takes column definitions: name type [NOT NULL])")
    not_null = False
    for constraint in definition.args.get("constraints") or []:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.NotNullColumnConstraint):
            not_null = not kind.args.get("allow_null")
        else:
            raise NotSupportedError(f"column constraint {constraint.sql(dialect='duckdb')} "
                                    "(tqp enforces NOT NULL only)")
    return declared_field(definition.name, definition.args["kind"], not_null)


def is_temporary(statement: exp.Create) -> bool:
    properties = statement.args.get("properties")
    return properties is not None and any(
        isinstance(p, exp.TemporaryProperty) for p in properties.expressions)


def _column_index(table: pa.Table, column: str) -> int:
    lower = [n.lower() for n in table.column_names]
    if column.lower() not in lower:
        raise ProgrammingError(f"table has no column {column} (columns: "
                               f"{', '.join(table.column_names)})")
    return lower.index(column.lower())


def _add_column(table: pa.Table, definition: exp.ColumnDef) -> pa.Table:
    field = _column(definition)
    if field.name.lower() in (n.lower() for n in table.column_names):
        if definition.args.get("exists"):
            return table
        raise IntegrityError(f"column {field.name} already exists")
    if not field.nullable and table.num_rows:
        raise IntegrityError(f"cannot add NOT NULL column {field.name} to a table with rows: "
                             "its values would be NULL (add it without NOT NULL, then UPDATE)")
    return table.append_column(field, pa.nulls(table.num_rows, field.type))


def _drop_column(table: pa.Table, action: exp.Drop) -> pa.Table:
    column = action.args["tables"][0].name if action.args.get("tables") else action.this.name
    lower = [n.lower() for n in table.column_names]
    if column.lower() not in lower and action.args.get("exists"):
        return table
    index = _column_index(table, column)
    if table.num_columns == 1:
        raise ProgrammingError(f"cannot drop {column}, the only column of the table")
    return table.remove_column(index)


def _rename_column(table: pa.Table, old: str, new: str, if_exists: bool) -> pa.Table:
    if if_exists and old.lower() not in (n.lower() for n in table.column_names):
        return table
    index = _column_index(table, old)
    if new.lower() in (n.lower() for i, n in enumerate(table.column_names) if i != index):
        raise IntegrityError(f"cannot rename {old} to {new}: column {new} exists")
    field = table.schema.field(index).with_name(new)
    return table.set_column(index, field, table.column(index))
