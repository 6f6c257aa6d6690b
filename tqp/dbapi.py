"""The PEP 249 (DB-API 2.0) face of tqp: `Connection` and `Cursor` over an `Engine`.

Results come back from the engine as device tensors; the cursor hands them out as tensors
(`torch()`), or converts them to one pyarrow Table once and hands that out as tuples of Python
values (a chunk of rows at a time), as Arrow (whole or as a stream of batches) or as pandas.

Example:
    >>> import tqp
    >>> con = tqp.connect()
    >>> con.execute("select 40 + ? as answer", [2]).fetchall()
    [(42,)]
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Iterator, Sequence

import pyarrow as pa

from tqp import errors
from tqp.errors import DataError, Error, InterfaceError, InternalError, ProgrammingError
from tqp.storage.readers import tables_in

# Rows per Arrow batch from fetch_record_batch by default.
RECORD_BATCH_ROWS = 1_000_000

# Rows converted from Arrow to Python per step when fetching one or a few rows at a time.
FETCH_CHUNK_ROWS = 1024


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Let tqp errors through; turn anything else escaping the engine into an `InternalError`
    (Python's recursion limit, reached converting a value nested too deep, is refused as such)."""
    try:
        yield
    except Error:
        raise
    except RecursionError:
        raise errors.NotSupportedError("value too deeply nested") from None
    except Exception as exc:  # noqa: BLE001 - this is the one place that must catch everything
        raise InternalError(f"{type(exc).__name__}: {exc}") from exc


class Connection:
    """A session with one engine: its catalog of tables and the device it computes on."""

    # PEP 249 optional extension: the exception classes as connection attributes.
    Warning = errors.Warning
    Error = errors.Error
    InterfaceError = errors.InterfaceError
    DatabaseError = errors.DatabaseError
    DataError = errors.DataError
    OperationalError = errors.OperationalError
    IntegrityError = errors.IntegrityError
    InternalError = errors.InternalError
    ProgrammingError = errors.ProgrammingError
    NotSupportedError = errors.NotSupportedError

    def __init__(self, engine=None, device: str = "cpu", memory_limit: str | int | None = None,
                 batch_rows: int | None = None, database: str | Path | None = None,
                 autocommit: bool = False, compile: str | None = None,
                 cluster: str | None = None):
        if engine is None:
            from tqp.engine import Engine  # late: keeps `import tqp` free of import cycles

            with translate_errors():
                engine = Engine(device=device, memory_limit=memory_limit, batch_rows=batch_rows,
                                database=database, autocommit=autocommit, compile=compile,
                                cluster=cluster)
        self._engine = engine
        self._device = device
        self._closed = False

    # -- PEP 249 ----------------------------------------------------------------------------

    def cursor(self) -> Cursor:
        """A new cursor on this connection."""
        self._check_open()
        return Cursor(self)

    def commit(self) -> None:
        """Make the changes since the last commit permanent: in a database folder, written to
        disk (crash-safe) and visible to connections opened later."""
        engine = self._engine_or_raise()
        with translate_errors():
            engine.commit()

    def rollback(self) -> None:
        """Undo the changes (to tables, views, anything but `register`) since the last commit."""
        engine = self._engine_or_raise()
        with translate_errors():
            engine.rollback()

    def close(self) -> None:
        """Roll back what is not committed, let go of the database folder, release the engine;
        any later use of the connection or its cursors is an error. Closing twice is allowed."""
        if self._engine is not None:
            with translate_errors():
                self._engine.close()
        self._closed = True
        self._engine = None

    @property
    def autocommit(self) -> bool:
        """When True, every statement that changes something commits on its own."""
        return self._engine_or_raise().autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        engine = self._engine_or_raise()
        if value and not engine.autocommit:
            self.commit()  # as sqlite3 does: switching autocommit on commits what is pending
        engine.autocommit = bool(value)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- extensions -------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Cancel the query running on this connection (from another thread): it stops at its
        next batch with OperationalError, and the connection stays usable."""
        self._engine_or_raise().interrupt()

    def progress(self):
        """The running query's progress (rows scanned of the rows its scans read, elapsed
        seconds; see tqp/execution/progress.py), or None when nothing runs. Safe to call from
        another thread."""
        return self._engine_or_raise().progress()

    def execute(self, sql: str, parameters: Sequence | None = None) -> Cursor:
        """Shortcut: run `sql` on a new cursor and return that cursor."""
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters) -> Cursor:
        """Shortcut: `executemany` on a new cursor and return that cursor."""
        return self.cursor().executemany(sql, seq_of_parameters)

    def torch(self, sql: str, parameters: Sequence | None = None) -> dict:
        """Shortcut: run a query and return its columns as tensors (see `Cursor.torch`)."""
        return self.cursor().execute(sql, parameters).torch()

    def register(self, name: str, obj) -> None:
        """Make `obj` (pyarrow Table, pandas DataFrame, Parquet/CSV path or folder) table `name`."""
        engine = self._engine_or_raise()
        if isinstance(obj, Path):
            obj = str(obj)
        with translate_errors():
            engine.register(name, obj)

    def register_files(self, path: str | Path) -> list[str]:
        """Register the tables found at `path`; return their names.

        A `.parquet` or `.csv` file becomes one table named by its stem. A folder contributes
        each such file it holds, and each sub-folder of Parquet files as one table named by the
        sub-folder (a table split into parts). See `tqp.storage.readers.tables_in`.
        """
        self._check_open()
        found = tables_in(Path(path).expanduser())
        for name, location in found.items():
            self.register(name, str(location))
        return list(found)

    def cache(self, name: str) -> int:
        """Read every column of table `name` onto the device now and keep it cached (pinned:
        not evicted by the memory limit's LRU) until `uncache`; the bytes it takes."""
        engine = self._engine_or_raise()
        with translate_errors():
            return engine.cache(name)

    def uncache(self, name: str | None = None) -> None:
        """Drop table `name`'s cached columns (all tables' when `name` is None) and unpin it;
        the next query reads them again."""
        engine = self._engine_or_raise()
        with translate_errors():
            engine.uncache(name)

    def cached(self) -> pa.Table:
        """What the tensor cache holds: table name, bytes, and whether it is pinned."""
        engine = self._engine_or_raise()
        sizes = engine.catalog.cache.table_bytes()
        names = sorted(set(sizes) | engine.catalog.cache.pinned)
        return pa.table({
            "table": pa.array(names, pa.string()),
            "bytes": pa.array([sizes.get(n, 0) for n in names], pa.int64()),
            "pinned": pa.array([n in engine.catalog.cache.pinned for n in names], pa.bool_()),
        })

    def register_model(self, name: str, model) -> None:
        """Make `model` callable from SQL as PREDICT('name', ...) / PREDICT_PROBA('name', ...).

        `model` is a `torch.nn.Module` (called on a float tensor of rows x features, returning
        one value per row), a TorchScript file path, or a fitted scikit-learn estimator or
        Pipeline (LightGBM/XGBoost models where installed), which Hummingbird compiles to a
        torch program. Compiled once, here, on the connection's device. See docs/ml.md.
        """
        engine = self._engine_or_raise()
        if isinstance(model, Path):
            model = str(model)
        with translate_errors():
            engine.register_model(name, model)

    def models(self) -> pa.Table:
        """The registered models: name, what they are, and how many features they take."""
        engine = self._engine_or_raise()
        models = engine.models.models()
        return pa.table({
            "name": pa.array([m.name for m in models], pa.string()),
            "model": pa.array([m.description for m in models], pa.string()),
            "features": pa.array([m.n_features for m in models], pa.int64()),
        })

    def table_names(self) -> list[str]:
        """Names of the tables and views in the catalog, sorted."""
        engine = self._engine_or_raise()
        with translate_errors():
            return list(engine.table_names())

    def schema(self, name: str) -> pa.Schema:
        """The Arrow schema of table or view `name`."""
        engine = self._engine_or_raise()
        with translate_errors():
            return engine.schema(name)

    def view_sql(self, name: str) -> str | None:
        """The query of view `name` as SQL text; None when `name` is not a view."""
        view = self._engine_or_raise().catalog.views.get(name.lower())
        return None if view is None else view.sql(dialect="duckdb")

    @property
    def device(self) -> str:
        """The device queries run on ('cpu' or 'cuda')."""
        self._check_open()
        return self._device

    @device.setter
    def device(self, device: str) -> None:
        self.set_device(device)

    def set_device(self, device: str) -> None:
        """Move work to another device; tensors cached for the old one are dropped."""
        engine = self._engine_or_raise()
        with translate_errors():
            engine.set_device(device)
        self._device = device

    def __enter__(self) -> Connection:
        self._check_open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"device={self._device!r}"
        return f"<tqp.Connection {state}>"

    # -- internals --------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("the connection is closed")

    def _engine_or_raise(self):
        self._check_open()
        return self._engine


class Cursor:
    """Runs statements and hands out their rows; see PEP 249 for the meaning of each member."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.arraysize = 1
        self._closed = False
        self._reset()

    def _reset(self) -> None:
        self._result = None  # tqp.result.Result of the last statement
        self._rowcount = -1
        self._pos = 0  # index of the next row to hand out
        self._buffer: list[tuple] = []  # rows [_buffer_start, _buffer_start + len) as tuples
        self._buffer_start = 0
        self._executed = False

    # -- running statements -----------------------------------------------------------------

    def execute(self, sql: str, parameters: Sequence | None = None) -> Cursor:
        """Run `sql` (one or more ';'-separated statements) with `?` bound to `parameters`."""
        engine = self._engine_or_raise()
        if not isinstance(sql, str):
            raise ProgrammingError(f"SQL must be a str, not {type(sql).__name__}")
        parameters = _check_parameters(parameters)
        self._reset()
        with translate_errors():
            result = engine.execute(sql, parameters, keep_batch=True)
        self._set_result(result)
        return self

    def executemany(self, sql: str, seq_of_parameters) -> Cursor:
        """Run `sql` once per parameter sequence; rowcount is the total when every run knows it.

        `INSERT ... VALUES (?, ...)` runs as one insert of all the rows (100k rows in well
        under a second); any other statement once per sequence, keeping the last result.
        """
        engine = self._engine_or_raise()
        if not isinstance(sql, str):
            raise ProgrammingError(f"SQL must be a str, not {type(sql).__name__}")
        if isinstance(seq_of_parameters, (str, bytes, Mapping)) or not hasattr(
                seq_of_parameters, "__iter__"):
            raise ProgrammingError("executemany takes a sequence of parameter sequences, not "
                                   f"a {type(seq_of_parameters).__name__}")
        self._reset()
        with translate_errors():
            result = engine.executemany(sql, seq_of_parameters)
        self._set_result(result)
        return self

    def _set_result(self, result) -> None:
        self._result = result
        if result.rowcount is not None and result.rowcount >= 0:
            self._rowcount = result.rowcount
        elif result.has_rows:
            self._rowcount = result.num_rows
        self._executed = True

    @property
    def _table(self) -> pa.Table | None:
        if self._result is None or not self._result.has_rows:
            return None
        with translate_errors():
            return self._result.table

    # -- describing the result --------------------------------------------------------------

    @property
    def description(self) -> tuple | None:
        """One 7-tuple per result column: (name, type_code, None, None, None, None, null_ok)."""
        result = self._result
        if result is None or not result.has_rows:
            return None
        if result.batch is not None:  # no conversion to Arrow needed to describe it
            from tqp.storage.arrow import arrow_type_of
            from tqp.types import DataType

            return tuple((name, "HUGEINT" if column.type is DataType.HUGEINT
                          else type_code(arrow_type_of(column)), None, None, None, None, True)
                         for name, column in zip(result.names, result.batch.columns.values()))
        return tuple(
            (field.name, "HUGEINT" if _is_hugeint(field) else type_code(field.type), None, None,
             None, None, field.nullable)
            for field in result.table.schema
        )

    @property
    def rowcount(self) -> int:
        """Rows in the last result, or rows the last statement changed; -1 when unknown."""
        return self._rowcount

    # -- fetching ---------------------------------------------------------------------------

    def fetchone(self) -> tuple | None:
        """The next row, or None when there are no more."""
        rows = self._take(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        """The next `size` rows (default `arraysize`); fewer, or none, at the end."""
        size = self.arraysize if size is None else size
        if size < 0:
            raise ProgrammingError(f"fetchmany size must not be negative, got {size}")
        return self._take(size)

    def fetchall(self) -> list[tuple]:
        """All the remaining rows."""
        table = self._result_table()
        return self._take(table.num_rows - self._pos)

    def fetch_arrow_table(self) -> pa.Table:
        """The remaining rows as a pyarrow Table (no conversion to Python values)."""
        table = self._result_table()
        rest = table.slice(self._pos)
        self._pos = table.num_rows
        return rest

    def fetchdf(self):
        """The remaining rows as a pandas DataFrame (an INTERVAL as timedelta64, a month as
        30 days, as DuckDB's)."""
        with translate_errors():
            table = self.fetch_arrow_table()
            for i, field in enumerate(table.schema):
                if pa.types.is_interval(field.type):
                    from tqp.storage.intervals import to_duration  # torch: loaded by now

                    table = table.set_column(i, field.name, pa.chunked_array(
                        [to_duration(c) for c in table.column(i).chunks],
                        pa.duration("us")))
            return table.to_pandas()

    def fetch_record_batch(self, rows_per_batch: int = RECORD_BATCH_ROWS) -> pa.RecordBatchReader:
        """The remaining rows as a stream of Arrow record batches of at most `rows_per_batch`."""
        if rows_per_batch < 1:
            raise ProgrammingError(f"rows_per_batch must be at least 1, got {rows_per_batch}")
        rest = self.fetch_arrow_table()
        return pa.RecordBatchReader.from_batches(
            rest.schema, rest.to_batches(max_chunksize=rows_per_batch))

    def torch(self) -> dict:
        """The remaining rows as {column name: tensor} on the connection's device.

        The engine's result tensors, with no trip through Arrow or NumPy: INTEGER int32,
        BIGINT and HUGEINT int64, DOUBLE and DECIMAL float64, BOOLEAN bool, DATE int32 days since
        1970-01-01, TIMESTAMP int64 microseconds. A NULL becomes NaN in a floating column;
        NULLs in any other column, and VARCHAR columns (no tensor form), raise an error naming
        the column. Each tensor is a copy the caller may change.
        """
        self._result_table_or_batch()
        from tqp.storage.tensors import arrow_to_tensors, batch_to_tensors

        result = self._result
        with translate_errors():
            if result.batch is not None:
                tensors = batch_to_tensors(result.batch, result.names, self._pos)
            else:  # not a query (EXPLAIN, DESCRIBE): its rows exist as Arrow only
                tensors = arrow_to_tensors(result.table.slice(self._pos),
                                           self.connection._engine.device)
        self._pos = result.num_rows
        return tensors

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> tuple:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    # -- the rest of PEP 249 ----------------------------------------------------------------

    def setinputsizes(self, sizes) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    def setoutputsize(self, size, column=None) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    def close(self) -> None:
        """Drop the result; any later use of the cursor is an error."""
        self._closed = True
        self._reset()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------

    def _engine_or_raise(self):
        if self._closed:
            raise InterfaceError("the cursor is closed")
        return self.connection._engine_or_raise()

    def _result_table(self) -> pa.Table:
        self._result_table_or_batch()
        return self._table

    def _result_table_or_batch(self) -> None:
        self._engine_or_raise()
        if not self._executed:
            raise ProgrammingError("no statement executed yet: call execute() before fetching")
        if self._result is None or not self._result.has_rows:
            raise ProgrammingError("the last statement produced no result set")

    def _take(self, n: int) -> list[tuple]:
        """Hand out the next `n` rows (or fewer at the end), converting chunks as needed."""
        table = self._result_table()
        end = min(self._pos + n, table.num_rows)
        rows: list[tuple] = []
        while self._pos < end:
            offset = self._pos - self._buffer_start
            if not 0 <= offset < len(self._buffer):
                self._fill(self._pos, max(FETCH_CHUNK_ROWS, end - self._pos))
                offset = 0
            count = min(end - self._pos, len(self._buffer) - offset)
            rows.extend(self._buffer[offset:offset + count])
            self._pos += count
        return rows

    def _fill(self, start: int, count: int) -> None:
        chunk = self._table.slice(start, count)
        if chunk.num_columns == 0:
            self._buffer = [()] * chunk.num_rows
        else:
            self._buffer = list(zip(*(_python_values(field, column)
                                      for field, column in zip(chunk.schema, chunk.columns))))
        self._buffer_start = start


def _is_hugeint(field: pa.Field) -> bool:
    """A HUGEINT column (its Arrow type is decimal128(38, 0); the field's metadata says)."""
    from tqp.storage.arrow import TYPE_KEY  # not at import: `import tqp` loads no torch

    return bool(field.metadata) and field.metadata.get(TYPE_KEY) == b"HUGEINT"


def _python_values(field: pa.Field, column: pa.ChunkedArray) -> list:
    """A column's values as Python objects (a HUGEINT's as ints, an INTERVAL's as timedelta
    with a month as 30 days, as DuckDB fetches them); a value Python cannot hold is a
    DataError."""
    name, hugeint = field.name, _is_hugeint(field)
    if pa.types.is_interval(column.type):
        from tqp.storage.intervals import to_duration  # torch: loaded by now

        return [v for chunk in column.chunks for v in to_duration(chunk).to_pylist()]
    try:
        values = None if hugeint else column.to_pylist()
    except (OverflowError, ValueError) as exc:
        raise DataError(
            f"column {name} holds a {type_code(column.type)} value Python cannot represent "
            f"({exc}; datetime covers years 1 to 9999): fetch it with fetch_arrow_table() or "
            "torch(), or cast it to VARCHAR in the query") from None
    if hugeint:
        try:  # most sums fit in 64 bits: Arrow makes those ints
            return column.cast(pa.int64()).to_pylist()
        except pa.ArrowInvalid:
            return [None if v is None else int(v) for v in column.to_pylist()]
    return values


def _check_parameters(parameters) -> list | None:
    if parameters is None:
        return None
    if isinstance(parameters, (str, bytes, Mapping)):
        raise ProgrammingError(
            "tqp's paramstyle is qmark: pass parameters as a sequence (list or tuple), "
            f"not a {type(parameters).__name__}"
        )
    try:
        return list(parameters)
    except TypeError:
        raise ProgrammingError(
            f"parameters must be a sequence, not {type(parameters).__name__}"
        ) from None


# -- type objects and constructors (PEP 249) ---------------------------------------------------


class DBAPITypeObject:
    """Compares equal to every `type_code` of its group: `NUMBER == "BIGINT"` is True."""

    def __init__(self, *names: str):
        self.names = frozenset(names)

    def __eq__(self, other) -> bool:
        if isinstance(other, DBAPITypeObject):
            return self.names == other.names
        if isinstance(other, str):
            return other.split("(")[0].strip().upper() in self.names
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"DBAPITypeObject{tuple(sorted(self.names))}"


STRING = DBAPITypeObject("VARCHAR")
NUMBER = DBAPITypeObject(
    "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
)
DATETIME = DBAPITypeObject("DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL")
BINARY = DBAPITypeObject("BLOB")
ROWID = DBAPITypeObject("ROWID")

Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> datetime.date:  # noqa: N802 - the name is fixed by PEP 249
    return Date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> datetime.time:  # noqa: N802
    return Time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> datetime.datetime:  # noqa: N802
    return Timestamp(*time.localtime(ticks)[:6])


_TYPE_CODES = [
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_int8, "TINYINT"),
    (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int32, "INTEGER"),
    (pa.types.is_int64, "BIGINT"),
    (pa.types.is_uint8, "UTINYINT"),
    (pa.types.is_uint16, "USMALLINT"),
    (pa.types.is_uint32, "UINTEGER"),
    (pa.types.is_uint64, "UBIGINT"),
    (pa.types.is_float16, "FLOAT"),
    (pa.types.is_float32, "FLOAT"),
    (pa.types.is_float64, "DOUBLE"),
    (pa.types.is_string, "VARCHAR"),
    (pa.types.is_large_string, "VARCHAR"),
    (pa.types.is_string_view, "VARCHAR"),
    (pa.types.is_date, "DATE"),
    (pa.types.is_time, "TIME"),
    (lambda t: pa.types.is_timestamp(t) and t.tz is not None, "TIMESTAMP WITH TIME ZONE"),
    (pa.types.is_timestamp, "TIMESTAMP"),
    (pa.types.is_interval, "INTERVAL"),
    (pa.types.is_duration, "INTERVAL"),
    (pa.types.is_binary, "BLOB"),
    (pa.types.is_large_binary, "BLOB"),
    (pa.types.is_binary_view, "BLOB"),
    (pa.types.is_fixed_size_binary, "BLOB"),
    (pa.types.is_null, "NULL"),
]


def type_code(arrow_type: pa.DataType) -> str:
    """The SQL type name reported in `Cursor.description` for a column of `arrow_type`."""
    if pa.types.is_dictionary(arrow_type):
        return type_code(arrow_type.value_type)
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_list(arrow_type):
        return type_code(arrow_type.value_type) + "[]"
    if pa.types.is_struct(arrow_type):  # STRUCT(a INTEGER, "year" BIGINT), as DuckDB's
        from tqp.planner.names import quoted_field_name

        return "STRUCT(" + ", ".join(f"{quoted_field_name(f.name)} {type_code(f.type)}"
                                     for f in arrow_type) + ")"
    for test, name in _TYPE_CODES:
        if test(arrow_type):
            return name
    return str(arrow_type).upper()
