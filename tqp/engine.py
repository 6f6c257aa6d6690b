"""The engine: runs SQL statements against the catalog on one device.

Every front end (DB-API connection, tqp-shell, the benchmark) goes through `Engine.execute`:
parse (sqlglot, DuckDB dialect) -> expand views and file reads -> sqlglot optimizer passes ->
logical plan -> execute on tensors -> Arrow. Statements that change tables are handled in
tqp/statements/; the engine keeps the transaction (the catalog as of the last commit) and, for a
database folder, writes committed states to it (tqp/storage/database.py).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

import pandas  # noqa: F401 - pyarrow imports it on the first pa.array(numpy): once, here
import pyarrow as pa
import torch
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from tqp.allocator import keep_large_allocations_in_heap
from tqp.errors import Error, InternalError, NotSupportedError, OperationalError, ProgrammingError
from tqp.ml import predict as _predict  # noqa: F401 - registers the PREDICT evaluator
from tqp.ml.calls import MODEL_CALL_TYPES, bind_models
from tqp.ml.registry import ModelRegistry
from tqp.execution import local
from tqp.distributed.connect import cluster_executor
from tqp.execution.context import ExecutionContext, default_batch_rows
from tqp.execution.memory import MemoryPool, default_limit, parse_size
from tqp.execution.progress import Progress, scanned_rows
from tqp.operators import fused
from tqp.operators.expressions.in_lists import compact_in_lists, lift_in_lists
from tqp.operators.expressions.timestamptz import (
    NOW_KINDS, instant, session_time_zone, stamp_now,
)
from tqp.physical.explain import explain
from tqp.physical.scan import scanned_columns
from tqp.planner import table_functions
from tqp.planner.columns import check_star_lists, expand_columns, own_columns
from tqp.planner.columns import output_names as expanded_output_names
from tqp.planner.builder import Builder
from tqp.planner import dialect
from tqp.planner.logical import Query
from tqp.planner.lower import lower
from tqp.planner.passes import RewriteOptions, rewrite
from tqp.planner.names import forget_positions, mark_user_aliases, output_name, record_spellings
from tqp.planner.node_kinds import holds, node_kinds
from tqp.planner.optimize import DIALECT, optimize
from tqp.planner.parameters import bind_parameters, count_parameters
from tqp.result import Result
from tqp.statements import HANDLERS, changes_catalog
from tqp.statements.modify import batchable, insert_rows
from tqp.statements.tables import create_table, is_temporary
from tqp.storage import readers
from tqp.storage.arrow import arrow_type_to_sql, batch_to_arrow
from tqp.storage.catalog import Catalog
from tqp.storage.database import Database
from tqp.storage.sources import CsvSource, ParquetSource
from tqp.storage.declared import type_name, with_query_types
from tqp.types import ARROW_TIME_ZONE

logging.getLogger("sqlglot").setLevel(logging.ERROR)

_SQLGLOT_TYPES = {"DECIMAL": "DOUBLE"}
MAX_VIEW_DEPTH = 32


class Engine:
    """SQL in, Arrow out. Holds the catalog, the device the tensors live on and the open
    transaction.

    Transactions: every change is made to the in-memory catalog; `commit` makes the changes the
    new starting point (and, for a database folder, writes them there), `rollback` goes back to
    the last commit. With `autocommit`, each statement that changes something commits on its own
    (unless inside BEGIN ... COMMIT).
    """

    def __init__(self, device: str = "cpu", memory_limit: str | int | None = None,
                 batch_rows: int | None = None, database: str | Path | None = None,
                 autocommit: bool = False, compile: str | None = None,
                 cluster: str | None = None):
        keep_large_allocations_in_heap()
        # None: the local executor; else the cluster's (tqp/distributed).
        self.executor = None if cluster is None else cluster_executor(cluster)
        self.device = _device(device)
        self._batch_rows = batch_rows
        self.catalog = Catalog(self.device, self.partition_rows)
        self.models = ModelRegistry(self.device)
        self._file_tables: dict[str, str] = {}
        self._memory_limit = None if memory_limit is None else parse_size(memory_limit)
        self.catalog.set_cache_limit(self.memory_limit)
        # Compiled fused kernels (tqp/operators/fused.py): "auto", "off" or "always".
        self.compile = fused.check_mode(fused.DEFAULT_MODE if compile is None else compile)
        self._running: list[ExecutionContext] = []
        # Rewrite passes to skip, by name (planner/passes PASS_NAMES): for tests and diagnosis.
        self.disabled_passes: frozenset[str] = frozenset()
        self.autocommit = autocommit
        self._explicit_transaction = False
        self._now: int | None = None  # the running statement's (or transaction's) instant
        self.time_zone = ARROW_TIME_ZONE  # the session's TimeZone setting (UTC only)
        self.database = Database(database) if database is not None else None
        if self.database is not None:
            self._load_database()
        self._committed = self.catalog.snapshot()
        self._schemas: tuple | None = None  # see _schema

    # -- settings ------------------------------------------------------------------------------

    @property
    def memory_limit(self) -> int:
        """Bytes a query's operators may hold: set explicitly, else a share of the device's
        memory (see tqp/execution/memory.py)."""
        return self._memory_limit or default_limit(self.device)

    @memory_limit.setter
    def memory_limit(self, value: str | int | None) -> None:
        self._memory_limit = None if value is None else parse_size(value)
        self.catalog.set_cache_limit(self.memory_limit)

    @property
    def batch_rows(self) -> int:
        """Rows per batch as operators stream (device-tuned unless set)."""
        return self._batch_rows or default_batch_rows(self.device)

    def progress(self) -> Progress | None:
        """The progress of the query running now (the latest, if several), or None."""
        running = list(self._running)
        return running[-1].progress if running else None

    @property
    def partition_rows(self) -> int:
        """Rows per scan partition (the catalog's segments of in-memory tables): one batch
        locally, a task's share on a cluster."""
        if self.executor is None:
            return self.batch_rows
        return self.executor.partition_rows(self.batch_rows)

    def interrupt(self) -> None:
        """Cancel the running queries: each stops at its next batch with OperationalError."""
        for ctx in list(self._running):
            ctx.cancel.set()

    # -- catalog -------------------------------------------------------------------------------

    def register(self, name: str, obj) -> None:
        """Make `obj` (pyarrow Table, pandas DataFrame, Parquet/CSV path or folder) table `name`.

        A registered table is temporary (never written to a database folder) and outside
        transactions: a rollback keeps it.
        """
        table = readers.to_source(obj)
        self.catalog.add_table(name, table, temporary=True)
        table = self.catalog.source(name)
        tables, views, temporary = self._committed
        tables[name.lower()] = table
        views.pop(name.lower(), None)
        temporary.add(name.lower())

    def cache(self, name: str) -> int:
        """Read all of table `name` into the tensor cache and pin it there; its bytes."""
        if name.lower() in self.catalog.views:
            raise ProgrammingError(f"{name} is a view: cache the tables it reads")
        self.catalog.refresh(name)
        return self.catalog.pin(name)

    def uncache(self, name: str | None = None) -> None:
        """Unpin table `name` and drop its cached columns (every table's when None)."""
        for key in [name] if name is not None else list(self.catalog.tables):
            self.catalog.unpin(key)

    def register_model(self, name: str, model) -> None:
        """Compile `model` (see tqp/ml) onto the device as model `name` for PREDICT."""
        self.models.register(name, model)

    def set_device(self, device: str) -> None:
        """Move work to another device ('cpu' or 'cuda'); cached tensors are dropped, registered
        models move along."""
        self.device = _device(device)
        self.catalog.set_device(self.device, self.partition_rows)
        self.catalog.set_cache_limit(self.memory_limit)
        self.models.set_device(self.device)

    def table_names(self) -> list[str]:
        """Names of the tables and views in the catalog, sorted."""
        return [n for n in self.catalog.names() if not n.startswith("__file_")]

    def schema(self, name: str) -> pa.Schema:
        """The Arrow schema of a table or view."""
        if name.lower() in self.catalog.views:
            return self.execute(f'SELECT * FROM "{name}" LIMIT 0').table.schema
        return self.catalog.schema(name)

    # -- statements ----------------------------------------------------------------------------

    def execute(self, sql: str, parameters: Sequence | None = None,
                timings: dict | None = None, keep_batch: bool = False) -> Result:
        """Run every statement in `sql` (separated by ';'); return the last one's result.

        `timings`, when given, receives the seconds spent planning queries (`plan_s`: parsing,
        the optimizer, building and rewriting the plan) and executing them (`execute_s`:
        operators and the conversion to Arrow), summed over the statements: the benchmark's
        split of a query's time. `timings['passes']` maps each rewrite pass to its seconds (a
        part of `plan_s`). With `keep_batch`, a query's result keeps its device tensors
        (`Result.batch`) and is converted to Arrow only when `Result.table` is read.
        """
        start = time.perf_counter()
        with _deep_recursion():
            try:
                statements = [s for s in _parse(sql) if s is not None]
            except RecursionError:
                raise NotSupportedError("query too deeply nested") from None
            if not statements:
                raise ProgrammingError("no SQL statement to run")
            if parameters is not None and len(parameters) and len(statements) > 1:
                raise ProgrammingError("parameters can only be bound to a single statement")
            _add_time(timings, "plan_s", start)
            result = Result(None)
            for statement in statements:
                if parameters and batchable(statement):  # Python values straight into the columns
                    result = self._run(lambda s=statement: insert_rows(self, s, [parameters]),
                                       True)
                    continue
                if parameters is not None or count_parameters(statement):
                    statement = bind_parameters(statement, parameters or ())
                result = self._run(lambda s=statement: self._statement(s, timings, keep_batch),
                                   changes_catalog(statement))
        return result

    def executemany(self, sql: str, seq_of_parameters) -> Result:
        """Run one statement once per parameter sequence; rowcount is the total.

        `INSERT ... VALUES (?, ...)` runs as one insert of all the rows (one statement: all or
        nothing). Any other statement runs once per parameter sequence.
        """
        statements = _parse(sql)
        if len(statements) != 1:
            raise ProgrammingError("executemany takes a single statement")
        statement = statements[0]
        if batchable(statement):
            return self._run(lambda: insert_rows(self, statement, seq_of_parameters), True)
        total, result = 0, Result(None, -1)
        for parameters in seq_of_parameters:
            result = self.execute(sql, parameters, keep_batch=True)
            total = total + result.rowcount if total >= 0 and result.rowcount >= 0 else -1
        result.rowcount = total
        return result

    def _run(self, run, changes: bool) -> Result:
        """Run one statement: take the database's lock first if it changes something, commit
        after it under autocommit; errors from below become tqp errors."""
        try:
            if changes:
                self._begin_write()
            else:
                self._refresh()
            result = run()
            if changes and self.autocommit and not self._explicit_transaction:
                self.commit()
            return result
        except Error:
            self._after_failure(changes)
            raise
        except RecursionError:
            self._after_failure(changes)
            raise NotSupportedError("query too deeply nested") from None
        except torch.cuda.OutOfMemoryError as exc:
            self._after_failure(changes)
            raise OperationalError(f"out of device memory: {exc}") from None
        except Exception as exc:  # a bug in tqp: never a bare traceback for the user
            self._after_failure(changes)
            raise InternalError(f"{type(exc).__name__}: {exc}") from exc

    def _statement(self, statement: exp.Expression, timings: dict | None = None,
                   keep_batch: bool = False) -> Result:
        # NOW() is the start of the statement, or of the explicit transaction, as in DuckDB.
        if not self._explicit_transaction or self._now is None:
            self._now = instant()
        try:
            return self._run_statement(statement, timings, keep_batch)
        finally:
            if not self._explicit_transaction:
                self._now = None

    def _run_statement(self, statement: exp.Expression, timings: dict | None,
                       keep_batch: bool) -> Result:
        if isinstance(statement, exp.Command) and statement.name.upper() == "EXPLAIN":
            return self._explain(statement.expression.name, statement.meta.get("in_lists"))
        if isinstance(statement, (exp.Select, exp.SetOperation, exp.Subquery)):
            if keep_batch:
                batch, names = self.query_batch(statement, timings=timings)
                return Result(None, batch.num_rows, batch=batch, names=names)
            return Result(self.query(statement, timings=timings))
        if type(statement) in HANDLERS:
            return HANDLERS[type(statement)](self, statement)
        if isinstance(statement, exp.Transaction):
            self._explicit_transaction = True
            return Result(None, 0)
        if isinstance(statement, exp.Commit):
            self.commit()
            return Result(None, 0)
        if isinstance(statement, exp.Rollback):
            self.rollback()
            return Result(None, 0)
        if isinstance(statement, exp.Create):
            return self._create(statement)
        if isinstance(statement, exp.Drop):
            return self._drop(statement)
        if isinstance(statement, exp.Set):
            return self._set(statement)
        if isinstance(statement, exp.Command) and statement.name.upper() == "RESET":
            return self._set(statement)
        if isinstance(statement, exp.Describe):
            if isinstance(statement.this, exp.Query):  # DESCRIBE SELECT ...: its result's columns
                empty = exp.select("*").from_(statement.this.subquery("_described")).limit(0)
                return Result(_describe_schema(self.query(empty).schema))
            return Result(self._describe(statement.this.name))
        if isinstance(statement, exp.Show) or (
                isinstance(statement, exp.Command) and statement.name.upper() == "SHOW"):
            return Result(pa.table({"name": pa.array(self.table_names(), pa.string())}))
        kind = type(statement).__name__.upper()
        if isinstance(statement, exp.Command):
            kind = statement.name.upper()
        raise NotSupportedError(f"{kind} statements (see docs/sql.md for the statements tqp "
                                "runs)")

    # -- transactions ----------------------------------------------------------------------------

    def commit(self) -> None:
        """Make the changes since the last commit permanent (written to the database folder)."""
        if self.database is not None and self.database.locked:
            tables = {name: source for name, source in self.catalog.tables.items()
                      if name not in self.catalog.temporary}
            views = {name: view.sql(dialect=DIALECT) for name, view in self.catalog.views.items()}
            self.database.commit(tables, views)
        self._committed = self.catalog.snapshot()
        self._end_transaction()

    def rollback(self) -> None:
        """Undo the changes since the last commit."""
        self.catalog.restore(self._committed)
        self._end_transaction()

    def close(self) -> None:
        """Drop uncommitted changes and let other connections write to the database folder."""
        self.rollback()

    def _end_transaction(self) -> None:
        self._explicit_transaction = False
        self._now = None
        if self.database is not None:
            self.database.unlock()

    def _begin_write(self) -> None:
        """Before a change: become the database folder's writer, on its latest committed state."""
        if self.database is None or self.database.locked:
            return
        self.database.lock()
        self._refresh()

    def _refresh(self) -> None:
        """Outside a transaction, read what other connections committed since we looked."""
        if self.database is None or self._explicit_transaction:
            return
        if self.database.on_disk_version() != self.database.version:
            # Nothing of ours is pending: a connection with changes holds the lock, which
            # keeps others from committing.
            self._load_database()
            self._committed = self.catalog.snapshot()

    def _after_failure(self, changes: bool) -> None:
        # The failed statement changed nothing; under autocommit nothing else is pending.
        if changes and self.autocommit and not self._explicit_transaction:
            self.rollback()

    def _load_database(self) -> None:
        tables, views = self.database.load()
        for name in [n for n in self.catalog.tables if n not in self.catalog.temporary]:
            self.catalog.drop(name, "TABLE")
        for name in list(self.catalog.views):
            self.catalog.drop(name, "VIEW")
        for name, table in tables.items():
            self.catalog.add_table(name, table)
        for name, sql in views.items():
            self.catalog.add_view(name, _parse(sql)[0], replace=True)

    # -- queries -------------------------------------------------------------------------------

    def query(self, statement: exp.Expression, profile: dict | None = None,
              plan_only: bool = False, timings: dict | None = None):
        """Plan and run one query; the rows as an Arrow table (or the Query when plan_only).
        Planning rewrites `statement` in place: a caller that keeps its tree passes a copy.

        `profile` receives rows and times per plan node (EXPLAIN ANALYZE); `timings` the
        planning and execution seconds (see `execute`).
        """
        if plan_only:
            return self._plan(statement)
        batch, names = self.query_batch(statement, profile, timings)
        start = time.perf_counter()
        table = batch_to_arrow(batch, names)
        _add_time(timings, "execute_s", start)
        return table

    def query_batch(self, statement: exp.Expression, profile: dict | None = None,
                    timings: dict | None = None):
        """Plan and run one query; its result Batch (device tensors) and column names."""
        start = time.perf_counter()
        query = self._plan(statement, timings)
        physical = lower(query, self.catalog)
        start = _add_time(timings, "plan_s", start)
        batch = self.run(physical, profile)
        _add_time(timings, "execute_s", start)
        return batch, list(query.names)

    def _plan(self, statement: exp.Expression, timings: dict | None = None) -> Query:
        """The rewritten logical plan of one query (`timings['passes']`: seconds per pass)."""
        rewritten = rewrite(*self._build(statement))
        if timings is not None:
            passes = timings.setdefault("passes", {})
            for name, seconds in rewritten.seconds.items():
                passes[name] = passes.get(name, 0.0) + seconds
        return rewritten.query

    def build(self, sql: str) -> tuple[Query, RewriteOptions]:
        """The logical plan of one query as the builder emits it, before the rewrite passes,
        and the options `rewrite` takes for it: to run and test the passes one by one."""
        statements = _parse(sql)
        if len(statements) != 1:
            raise ProgrammingError("build takes one query")
        return self._build(statements[0])

    def _build(self, statement: exp.Expression) -> tuple[Query, RewriteOptions]:
        # The statement is the caller's to give up (Engine.query): every step rewrites it in
        # place; copying a whole tree cost as much as a tenth of planning.
        kinds = node_kinds(statement)  # the steps below skip what the query lacks
        names = _output_names(statement, holds(kinds, exp.Columns))
        if holds(kinds, exp.In):
            compact_in_lists(statement)
        statement = self._expand(mark_user_aliases(statement), kinds)
        if holds(kinds, *NOW_KINDS):
            stamp_now(statement, self._now if self._now is not None else instant())
        if holds(kinds, exp.Columns):
            statement = expand_columns(statement, self._schema())
            names = expanded_output_names(statement, names)
        if holds(kinds, exp.Star):
            check_star_lists(statement, self._schema())
        # The output names are known: no step reads the parser's positions again, and every
        # copy of a node in the optimizer (normalize's distributive law) would copy them.
        forget_positions(statement)
        optimized = optimize(statement, self._schema(), copy=False)
        if holds(kinds, *MODEL_CALL_TYPES):
            optimized = bind_models(optimized, self.models)
        builder = Builder(self.catalog, kinds)
        return (builder.plan(optimized, names),
                RewriteOptions(self.catalog, builder.fresh, self.disabled_passes))

    def run(self, physical, profile: dict | None = None):
        """Run a physical plan under a fresh ExecutionContext (the memory limit, the batch
        size, cancellation); the result as one Batch."""
        self.catalog.cache.begin_query(scanned_columns(physical))
        ctx = ExecutionContext(self.device, self.catalog,
                               MemoryPool(self.memory_limit, self.catalog.cache),
                               self.batch_rows, profile, Progress(scanned_rows(physical)),
                               compile=self.compile)
        self._running.append(ctx)
        try:
            if self.executor is not None:
                return self.executor.run(physical, ctx)
            return local.run(physical, ctx)
        finally:
            self._running.remove(ctx)

    def _explain(self, text: str, in_lists: dict | None = None) -> Result:
        analyze = text.strip().upper().startswith("ANALYZE")
        if analyze:
            text = text.strip()[len("ANALYZE"):]
        statements = _parse(text, in_lists)
        if len(statements) != 1:
            raise ProgrammingError("EXPLAIN takes one query")
        profile = {} if analyze else None
        query = self.query(statements[0], plan_only=True)
        physical = lower(query, self.catalog)
        if analyze:
            self.run(physical, profile)
        if self.executor is not None:
            plan_text = self.executor.explain(physical, self.catalog, profile)
        else:
            plan_text = explain(physical, profile)
        return Result(pa.table({"physical_plan": pa.array([plan_text], pa.string())}))

    def _set(self, statement: exp.Expression) -> Result:
        """SET memory_limit = '4GB', SET TimeZone = 'UTC' (RESET name: back to the default)."""
        if isinstance(statement, exp.Command):  # RESET name
            name = statement.expression.name.lower() if statement.expression else ""
            if name == "timezone":
                self.time_zone = ARROW_TIME_ZONE
                return Result(None, 0)
            if name != "memory_limit":
                raise NotSupportedError(f"RESET {name or '(nothing)'} (tqp has memory_limit "
                                        "and TimeZone)")
            self.memory_limit = None
            return Result(None, 0)
        for item in statement.expressions:
            target = item.this
            if not isinstance(target, exp.EQ) or not isinstance(target.this, exp.Column):
                raise NotSupportedError(f"SET {item.sql(dialect=DIALECT)}")
            name = target.this.name.lower()
            value = target.expression
            if name == "timezone":
                if not isinstance(value, (exp.Literal, exp.Var)):
                    raise ProgrammingError("SET TimeZone takes a time zone name such as 'UTC'")
                self.time_zone = session_time_zone(value.name)
                continue
            if name != "memory_limit":
                raise NotSupportedError(f"setting {name} (tqp has memory_limit and TimeZone)")
            if not isinstance(value, exp.Literal):
                raise ProgrammingError("SET memory_limit takes a size such as '4GB'")
            self.memory_limit = value.this
        return Result(None, 0)

    def _create(self, statement: exp.Create) -> Result:
        kind = (statement.args.get("kind") or "").upper()
        name = statement.this.name if isinstance(statement.this, exp.Table) else statement.this.this.name
        body = statement.expression
        if body is None and kind == "TABLE" and isinstance(statement.this, exp.Schema):
            return create_table(self, statement)
        if body is None:
            raise NotSupportedError(f"CREATE {kind} without AS query")
        replace = bool(statement.args.get("replace"))
        exists = bool(statement.args.get("exists"))
        if exists and name.lower() in self.catalog:
            return Result(None, 0)
        if kind == "TABLE":
            table = with_query_types(self.query(body))
            self.catalog.add_table(name, table, replace=replace,
                                   temporary=is_temporary(statement))
            return Result(None, table.num_rows)
        if kind == "VIEW":
            if isinstance(statement.this, exp.Schema) and statement.this.expressions:
                body = _with_column_names(body, name, statement.this.expressions)
            self.query(body.copy(), plan_only=True)  # validate now, as DuckDB does
            self.catalog.add_view(name, body, replace=replace)
            return Result(None, 0)
        raise NotSupportedError(f"CREATE {kind}")

    def _drop(self, statement: exp.Drop) -> Result:
        kind = (statement.args.get("kind") or "").upper()
        if kind not in ("TABLE", "VIEW"):
            raise NotSupportedError(f"DROP {kind}")
        for table in statement.args.get("tables") or [statement.this]:
            self.catalog.drop(table.name, kind, bool(statement.args.get("exists")))
        return Result(None, 0)

    def _describe(self, name: str) -> pa.Table:
        return _describe_schema(self.schema(name))

    # -- rewriting before the optimizer ------------------------------------------------------

    def _schema(self) -> dict:
        """Each table's columns and the types the optimizer sees: the same dict object while
        no table or schema changed, so that the optimizer's prepared form of it is reused."""
        schemas = tuple((name, source.schema) for name, source in self.catalog.tables.items())
        known = self._schemas
        if known is None or len(known[0]) != len(schemas) or any(
                a[0] != b[0] or a[1] is not b[1] for a, b in zip(known[0], schemas)):
            mapping = {name: {f.name: _sqlglot_type(f.type) for f in schema}
                       for name, schema in schemas}
            self._schemas = known = (schemas, mapping)  # holding the schemas keeps their ids
        return known[1]

    def _expand(self, statement: exp.Expression, kinds: set[type]) -> exp.Expression:
        """Replace views by their queries and file reads by catalog tables; check table names.
        `kinds`, the statement's node classes (`node_kinds`), gains those of the views."""
        if holds(kinds, *table_functions.NODE_TYPES):
            statement = table_functions.expand(statement)
            kinds.update(node_kinds(statement))  # the UNNESTs they became
        for _ in range(MAX_VIEW_DEPTH):
            nodes = list(statement.find_all(exp.CTE, exp.Table))
            cte_names = {n.alias for n in nodes if isinstance(n, exp.CTE)}
            changed = False
            for table in [n for n in nodes if isinstance(n, exp.Table)]:
                if not isinstance(table.this, exp.Identifier):
                    self._file_table(table)
                    continue
                name = table.name.lower()
                if table.name in cte_names or name in cte_names:
                    continue
                if name in self.catalog.views:
                    alias = table.alias or table.name
                    sub = exp.Subquery(this=self.catalog.views[name].copy(),
                                       alias=exp.TableAlias(this=exp.to_identifier(alias)))
                    table.replace(sub)
                    kinds.update(node_kinds(sub))
                    changed = True
                elif name not in self.catalog.tables:
                    raise ProgrammingError(
                        f"Table with name {table.name} does not exist{self.catalog.suggest(table.name)}")
                else:
                    self.catalog.refresh(name)
                    _check_column_names(name, self.catalog.schema(name))
                    if table.name != name:
                        table.set("this", exp.to_identifier(name))
            if not changed:
                return statement
        raise ProgrammingError("views nest too deeply (a view that refers to itself?)")

    def _file_table(self, table: exp.Table) -> None:
        """`FROM read_parquet('path')` / `read_csv('path')`: load the file as a hidden table."""
        fn = table.this
        fname = fn.name.lower() if isinstance(fn, exp.Anonymous) else type(fn).__name__.lower()
        args = [fn.this] if fn.this is not None and not isinstance(fn, exp.Anonymous) else []
        args += list(fn.expressions)
        if not args or not isinstance(args[0], exp.Literal) or not args[0].is_string:
            raise NotSupportedError(f"table function {fn.sql(dialect=DIALECT)[:80]}")
        path = args[0].this
        if fname in ("readparquet", "read_parquet", "parquet_scan"):
            opener = ParquetSource
        elif fname in ("readcsv", "read_csv", "read_csv_auto"):
            opener = CsvSource
        else:
            raise NotSupportedError(f"table function {fn.sql(dialect=DIALECT)[:80]}")
        key = f"{opener.__name__}:{Path(path).resolve()}"
        name = self._file_tables.get(key)
        if name is None or name not in self.catalog.tables:
            name = f"__file_{len(self._file_tables)}"
            self.catalog.add_table(name, opener(path), temporary=True)
            self._file_tables[key] = name
        else:
            self.catalog.refresh(name)
        alias = table.alias or Path(path).stem.split(".")[0]
        table.replace(exp.Table(this=exp.to_identifier(name),
                                alias=exp.TableAlias(this=exp.to_identifier(alias))))


def _add_time(timings: dict | None, key: str, start: float) -> float:
    """Add the seconds since `start` to `timings[key]` (when timings are asked for); return now."""
    now = time.perf_counter()
    if timings is not None:
        timings[key] = timings.get(key, 0.0) + now - start
    return now


def _sqlglot_type(arrow_type: pa.DataType) -> str:
    """The type the optimizer sees; a column tqp cannot read stays usable for the others."""
    try:
        name = arrow_type_to_sql(arrow_type).value
    except NotSupportedError:
        return "UNKNOWN"  # reading it raises NotSupportedError naming the Arrow type
    return _SQLGLOT_TYPES.get(name, name)


def _device(name: str) -> torch.device:
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ProgrammingError(f"unknown device {name!r} (use 'cpu' or 'cuda')") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise OperationalError("device 'cuda' requested but no CUDA GPU is available")
    if device.type not in ("cpu", "cuda"):
        raise NotSupportedError(f"device {name!r}")
    return device


# sqlglot's parser descends about 20 Python frames per level of expression nesting (the
# optimizer and the evaluator recurse per level too), so Python's default limit of 1000 frames
# stopped queries nested 50 deep. Deeper than this limit allows is refused as too deeply nested.
RECURSION_LIMIT = 20_000


@contextlib.contextmanager
def _deep_recursion():
    """Python's recursion limit raised to RECURSION_LIMIT for one statement's work."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _parse(sql: str, lifted: dict | None = None) -> list[exp.Expression]:
    """The statements of `sql`. Long IN lists are lifted out of the text first; `lifted`, for a
    text already lifted (EXPLAIN's query), holds its lists. Each statement keeps its lists in
    its meta, for EXPLAIN, whose query sqlglot leaves as text."""
    if lifted is None:
        sql, lifted = lift_in_lists(sql)
    try:
        statements = [s if not lifted else compact_in_lists(s, lifted)
                      for s in dialect.parse(sql)]
        for statement in statements:
            statement.meta["in_lists"] = lifted
            record_spellings(statement, sql)
        return statements
    except ParseError as exc:
        raise ProgrammingError(_syntax_message(exc)) from None
    except TokenError as exc:
        near = str(exc).removeprefix("Error tokenizing ")
        raise ProgrammingError(f"syntax error: unterminated string or quoted name in {near}") from None


def _syntax_message(exc: ParseError) -> str:
    """A short syntax error: the line, the column and the token there, as DuckDB reports it;
    sqlglot's description only where it says something to a user (`Expecting )`)."""
    first = exc.errors[0] if exc.errors else {}
    if not first:
        return f"syntax error: {str(exc).split('. Line')[0]}"
    message = f"syntax error at line {first.get('line')}, column {first.get('col')}"
    if first.get("highlight"):
        message += f' at or near "{first["highlight"]}"'
    detail = first.get("description") or ""
    if detail.startswith("Invalid expression"):  # a token that cannot start what comes there
        detail = ""
    elif "<class" in detail:  # sqlglot's internals: an operand is missing
        detail = "" if (first.get("end_context") or "").strip() else "unexpected end of query"
    return f"{message}: {detail}" if detail else message


def _output_names(statement: exp.Expression, columns: bool = False) -> list[str] | None:
    """Column names as the user wrote them (DuckDB's naming) before the optimizer renames.
    With `columns` (the statement holds COLUMNS(...)) an item holding one is named None."""
    select = statement
    while isinstance(select, exp.Subquery):
        select = select.this
    if isinstance(select, exp.SetOperation):
        return _output_names(select.left, columns)
    if not isinstance(select, exp.Select):
        return None
    if any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
           for e in select.expressions):
        return None
    # An item holding COLUMNS(...) has its names once it is expanded (planner/columns.py).
    return [None if columns and own_columns(e) else output_name(e) for e in select.expressions]


def _with_column_names(query: exp.Expression, name: str,
                       columns: list[exp.Expression]) -> exp.Expression:
    """`CREATE VIEW name(a, b) AS query`: the query with its first columns renamed, as a
    derived table with a column list read by `SELECT *`."""
    if not all(isinstance(c, exp.Identifier) for c in columns):
        raise NotSupportedError("CREATE VIEW with typed columns")
    alias = exp.TableAlias(this=exp.to_identifier(name), columns=[c.copy() for c in columns])
    return exp.select("*").from_(exp.Subquery(this=query, alias=alias))


def _check_column_names(table: str, schema: pa.Schema) -> None:
    """Refuse a table with two columns of one name in different case (a registered Arrow
    table or a file): names match without case, so one would hide the other (DuckDB renames
    the second `A_1`)."""
    names = schema.names
    if len({n.lower() for n in names}) < len(names):
        seen: dict[str, str] = {}
        for name in names:  # the first repeated name, for the message
            if name.lower() in seen:
                raise NotSupportedError(f"table {table} has two columns named "
                                        f"{seen[name.lower()]!r} and {name!r} (names match "
                                        "in any case)")
            seen[name.lower()] = name


def _describe_schema(schema: pa.Schema) -> pa.Table:
    """DESCRIBE's answer: each column's name and SQL type."""
    return pa.table({"column_name": schema.names, "column_type": [type_name(f) for f in schema]})
