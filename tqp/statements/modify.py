"""INSERT, UPDATE and DELETE on the catalog's tables.

UPDATE and DELETE run as one query over the table with a row number column added: DELETE asks
tqp's engine for `CASE WHEN cond THEN TRUE ELSE FALSE END` per row (a row whose condition is
NULL stays), UPDATE also for `CASE WHEN cond THEN value END` per SET column. The new table is then
assembled in Arrow (a filter, or an if_else between new and old values), converted to the
declared column types (`storage.declared.conform`) and swapped in whole.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from tqp.errors import IntegrityError, NotSupportedError, ProgrammingError
from tqp.result import Result
from tqp.statements.values import placeholder_rows, values_table
from tqp.storage.declared import conform, conform_array

ROWID = "__tqp_rowid"
# Arrow chunks a table may pile up (one per INSERT) before they are merged into one.
MAX_CHUNKS = 32


def insert(engine, statement: exp.Insert) -> Result:
    """INSERT INTO t [(columns)] VALUES (...), ... | query | DEFAULT VALUES."""
    name, columns = _insert_target(engine, statement)
    source = statement.expression
    if statement.args.get("default"):  # no column has a DEFAULT: a row of NULLs
        schema = engine.catalog.table(name).schema
        return Result(None, append(engine, name, pa.table({f.name: pa.nulls(1) for f in schema}),
                                   None))
    if isinstance(source, exp.Values):
        rows = values_table(engine, [list(row.expressions) for row in source.expressions])
    elif isinstance(source, (exp.Select, exp.SetOperation, exp.Subquery)):
        rows = engine.query(source)
    else:
        raise NotSupportedError(f"INSERT from {type(source).__name__.upper()}")
    return Result(None, append(engine, name, rows, columns))


def insert_rows(engine, statement: exp.Insert, parameter_rows: Sequence[Sequence]) -> Result:
    """`executemany` of `INSERT ... VALUES (?, ...)`: all parameter rows as one insert."""
    name, columns = _insert_target(engine, statement)
    rows = placeholder_rows(statement.expression.expressions[0].expressions, parameter_rows)
    return Result(None, append(engine, name, rows, columns))


def batchable(statement: exp.Expression) -> bool:
    """Whether `executemany` can run `statement` as one insert of all its parameter rows:
    INSERT ... VALUES with one row of `?` placeholders and literals."""
    if not isinstance(statement, exp.Insert) or not isinstance(statement.expression, exp.Values):
        return False
    rows = statement.expression.expressions
    if len(rows) != 1 or not _plain_insert(statement):
        return False
    values = rows[0].expressions
    qmarks = [isinstance(e, exp.Placeholder) and not e.this for e in values]
    others_constant = all(q or e.find(exp.Placeholder) is None for q, e in zip(qmarks, values))
    return any(qmarks) and others_constant


def append(engine, name: str, rows: pa.Table, columns: list[str] | None) -> int:
    """Add `rows` (columns by position, or named by `columns`) to table `name`; the row count."""
    table = writable_table(engine, name, "INSERT into")
    schema = table.schema
    targets = columns if columns is not None else schema.names
    if rows.num_columns != len(targets):
        raise ProgrammingError(
            f"table {name} has {len(targets)} column(s) to fill but {rows.num_columns} "
            "value(s) were given")
    given = dict(zip(targets, rows.columns))
    full = pa.table({f.name: given.get(f.name, pa.nulls(rows.num_rows)) for f in schema})
    new = conform(full, schema)
    merged = pa.concat_tables([table, new])
    if merged.num_columns and merged.column(0).num_chunks > MAX_CHUNKS:
        merged = merged.combine_chunks()
    engine.catalog.replace_table(name, merged)
    return new.num_rows


def delete(engine, statement: exp.Delete) -> Result:
    """DELETE FROM t [WHERE cond]: keep the rows where cond is FALSE or NULL."""
    for key in ("using", "returning", "limit", "order"):
        if statement.args.get(key):
            raise NotSupportedError(f"DELETE ... {key.upper()}")
    name, alias = target_name(statement.this)
    table = writable_table(engine, name, "DELETE from")
    where = statement.args.get("where")
    if where is None:
        engine.catalog.replace_table(name, table.slice(0, 0))
        return Result(None, table.num_rows)
    hit = _per_row(engine, name, alias, {"hit": _is_true(where.this)}).column("hit")
    kept = table.filter(pc.invert(hit))
    engine.catalog.replace_table(name, kept)
    return Result(None, table.num_rows - kept.num_rows)


def update(engine, statement: exp.Update) -> Result:
    """UPDATE t SET c = value, ... [WHERE cond]."""
    for key in ("from", "from_", "returning", "limit", "order", "joins"):
        if statement.args.get(key):
            raise NotSupportedError(f"UPDATE ... {key.rstrip('_').upper()}")
    name, alias = target_name(statement.this)
    table = writable_table(engine, name, "UPDATE")
    where = statement.args.get("where")
    condition = where.this if where is not None else None
    assignments = _assignments(statement, table.schema)
    items = {"hit": _is_true(condition) if condition is not None else exp.true()}
    for index, (column, value) in enumerate(assignments.items()):
        items[f"v{index}"] = value if condition is None else exp.Case(
            ifs=[exp.If(this=condition.copy(), true=value)])
    computed = _per_row(engine, name, alias, items)
    hit = computed.column("hit")
    arrays = dict(zip(table.column_names, table.columns))
    for index, column in enumerate(assignments):
        field = table.schema.field(column)
        new = conform_array(computed.column(f"v{index}"), field)
        merged = new if condition is None else pc.if_else(hit, new, arrays[column])
        if not field.nullable and merged.null_count:
            raise IntegrityError(f"NOT NULL constraint failed: column {column} would be NULL "
                                 f"in {merged.null_count} row(s)")
        arrays[column] = merged
    engine.catalog.replace_table(name, pa.Table.from_arrays(list(arrays.values()),
                                                            schema=table.schema))
    return Result(None, pc.sum(hit).as_py() or 0 if table.num_rows else 0)


# -- helpers -------------------------------------------------------------------------------------


def _insert_target(engine, statement: exp.Insert) -> tuple[str, list[str] | None]:
    if not _plain_insert(statement):
        raise NotSupportedError("INSERT with OR REPLACE/IGNORE, ON CONFLICT, BY NAME or "
                                "RETURNING")
    target = statement.this
    columns = None
    if isinstance(target, exp.Schema):
        columns = [c.name for c in target.expressions]
        target = target.this
    name, _ = target_name(target)
    return name, resolve_columns(engine, name, columns)


def resolve_columns(engine, name: str, columns: list[str] | None) -> list[str] | None:
    """The table's spelling of the columns an INSERT/COPY names (checked: known, once each)."""
    table = writable_table(engine, name, "INSERT into")
    if columns is None:
        return None
    lower = {n.lower(): n for n in table.column_names}
    resolved = []
    for column in columns:
        if column.lower() not in lower:
            raise ProgrammingError(f"table {name} has no column {column}")
        resolved.append(lower[column.lower()])
    if len(set(resolved)) != len(resolved):
        raise ProgrammingError(f"a column is named twice in the column list of {name}")
    return resolved


def _plain_insert(statement: exp.Insert) -> bool:
    return not any(statement.args.get(k) for k in (
        "alternative", "conflict", "returning", "by_name", "overwrite", "ignore", "where"))


def target_name(table: exp.Expression) -> tuple[str, str]:
    """The name and alias of the table a statement writes to (a plain catalog table)."""
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        raise NotSupportedError(f"writing to {table.sql(dialect='duckdb')[:60]}")
    if table.args.get("db") or table.args.get("catalog"):
        raise NotSupportedError(f"qualified table name {table.sql(dialect='duckdb')}")
    return table.name, table.alias or table.name


def writable_table(engine, name: str, action: str) -> pa.Table:
    """The catalog table `name`; a view or an unknown name is a ProgrammingError."""
    if name.lower() in engine.catalog.views:
        raise ProgrammingError(f"cannot {action} view {name}: it is a view, not a table")
    return engine.catalog.table(name)


def _assignments(statement: exp.Update, schema: pa.Schema) -> dict[str, exp.Expression]:
    lower = {n.lower(): n for n in schema.names}
    assignments: dict[str, exp.Expression] = {}
    for item in statement.expressions:
        if not isinstance(item, exp.EQ) or not isinstance(item.this, exp.Column):
            raise NotSupportedError(f"SET {item.sql(dialect='duckdb')[:60]}")
        column = item.this.name
        value = item.expression
        if isinstance(value, exp.Column) and value.name.upper() == "DEFAULT" \
                and not value.table and "default" not in lower:
            raise NotSupportedError(f"SET {column} = DEFAULT (tqp has no column defaults: "
                                    "write NULL)")
        if column.lower() not in lower:
            raise ProgrammingError(f"table {statement.this.name} has no column {column}")
        column = lower[column.lower()]
        if column in assignments:
            raise ProgrammingError(f"column {column} is assigned twice in UPDATE ... SET")
        assignments[column] = item.expression
    return assignments


def _is_true(condition: exp.Expression) -> exp.Expression:
    """TRUE where `condition` is TRUE, FALSE where it is FALSE or NULL."""
    return exp.Case(ifs=[exp.If(this=condition.copy(), true=exp.true())], default=exp.false())


def _per_row(engine, name: str, alias: str, items: dict[str, exp.Expression]) -> pa.Table:
    """`SELECT items FROM name AS alias` by tqp's engine, one result row per table row, in the
    table's row order (a row number column keeps the order whatever the plan does)."""
    table = engine.catalog.table(name)
    work = f"__tqp_dml_{name.lower()}"
    numbered = table.append_column(ROWID, pa.array(np.arange(table.num_rows, dtype=np.int64)))
    engine.catalog.add_table(work, numbered, temporary=True)
    try:
        select = exp.select(exp.column(ROWID), *(exp.alias_(e, k) for k, e in items.items()))
        select = select.from_(exp.Table(this=exp.to_identifier(work),
                                        alias=exp.TableAlias(this=exp.to_identifier(alias))))
        result = engine.query(select)
    finally:
        engine.catalog.drop(work, "TABLE")
    rowid = result.column(ROWID).to_numpy()
    if len(rowid) != table.num_rows:
        raise AssertionError(f"{len(rowid)} rows computed for {table.num_rows}")
    if not np.array_equal(rowid, np.arange(len(rowid))):
        result = result.take(pa.array(np.argsort(rowid, kind="stable")))
    return result
