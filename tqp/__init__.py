"""tqp: a SQL query processor whose operators are PyTorch tensor programs over Arrow data.

The public API is PEP 249 (DB-API 2.0), with Arrow and pandas extras:

    >>> import tqp
    >>> con = tqp.connect()                      # or tqp.connect("data/", device="cuda")
    >>> con.execute("select 40 + ? as answer", [2]).fetchall()
    [(42,)]

`tqp-shell` (tqp/shell/) is the interactive front end.
"""

from __future__ import annotations

import os

# Before torch loads OpenMP: its worker threads then sleep between parallel regions instead of
# spinning. On a CPU shared with other processes a spinning thread holds a core its peer
# needs, and every parallel op waits for descheduled threads: with 2 threads on 2 busy cores,
# `torch.nonzero` over 3M rows took 3-4x longer than with 1 thread, and 1x with sleeping
# threads. An OMP_WAIT_POLICY set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pathlib import Path

from tqp.dbapi import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Connection,
    Cursor,
    Date,
    DateFromTicks,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
)
from tqp.storage.readers import TABLE_SUFFIXES
from tqp.errors import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

__version__ = "0.1.0"

# PEP 249 module globals.
apilevel = "2.0"
threadsafety = 1  # threads may share the module, but not connections
paramstyle = "qmark"


def connect(database: str | Path | None = None, device: str = "cpu",
            memory_limit: str | int | None = None, batch_rows: int | None = None,
            autocommit: bool = False, compile: str | None = None,
            cluster: str | None = None) -> Connection:
    """Open a connection computing on `device` ('cpu' or 'cuda').

    Args:
        database: None or ":memory:" for an in-memory catalog (lost at close); a folder (made
            if missing) for a database folder that keeps its tables as Parquet files and a
            catalog file (docs/usage.md); a folder of Parquet/CSV files opens with them as its
            tables; a single Parquet or CSV file opens in memory with that file as a table.
        device: where the tensors live and the operators run.
        memory_limit: what one query's operators may hold ('4GB', '512MiB' or bytes); by
            default a share of the RAM (of the GPU's memory on cuda). Also `SET memory_limit`.
        batch_rows: rows per batch as operators stream; by default tuned to the device.
        autocommit: when True, every statement that changes something commits on its own;
            otherwise changes wait for `commit()` and `close()` drops uncommitted ones.
        compile: "auto" compiles the expressions of filters, projections and aggregate inputs
            over large batches into fused kernels (torch.compile); "always" at every size;
            "off" evaluates them eagerly. None: the default, "off".
        cluster: None to run in this process; "ray" to run the plan's stages as Ray tasks on
            the running `ray.init()` connection (else a local Ray instance), or
            "ray://host:port" to attach to a Ray cluster (docs/distributed.md). Needs the ray
            extra: `pip install 'tqp[ray]'`.

    Returns:
        A `Connection`; use it as a context manager to close it at the end.
    """
    options = {"device": device, "memory_limit": memory_limit, "batch_rows": batch_rows,
               "autocommit": autocommit, "compile": compile, "cluster": cluster}
    if database is None or str(database) == ":memory:":
        return Connection(**options)
    path = Path(database).expanduser()
    if path.is_file() or (not path.exists() and path.suffix.lower() in TABLE_SUFFIXES):
        connection = Connection(**options)
        try:
            connection.register_files(path)
        except BaseException:
            connection.close()
            raise
        return connection
    return Connection(database=path, **options)


__all__ = [
    "BINARY", "DATETIME", "NUMBER", "ROWID", "STRING",
    "Binary", "Date", "DateFromTicks", "Time", "TimeFromTicks", "Timestamp", "TimestampFromTicks",
    "Connection", "Cursor", "connect",
    "DataError", "DatabaseError", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "ProgrammingError", "Warning",
    "apilevel", "paramstyle", "threadsafety", "__version__",
]
