"""tqp: a SQL query processor whose operators are PyTorch tensor programs over Arrow data.

The public API is PEP 249 (DB-API 2.0), with Arrow and pandas extras:

    >>> import tqp
    >>> con = tqp.connect()                      # or tqp.connect("data/", device="cuda")
    >>> con.execute("select 40 + ? as answer", [2]).fetchall()
    [(42,)]

`tqp-shell` (tqp/shell/) is the interactive front end.
"""

from __future__ import annotations

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
            memory_limit: str | int | None = None, batch_rows: int | None = None) -> Connection:
    """Open a connection computing on `device` ('cpu' or 'cuda').

    Args:
        database: optional Parquet/CSV file, or folder of them, registered as tables named by
            file stem (a sub-folder of Parquet files is one table named by the sub-folder).
            None or ":memory:" starts with an empty catalog.
        device: where the tensors live and the operators run.
        memory_limit: what one query's operators may hold ('4GB', '512MiB' or bytes); by
            default a share of the RAM (of the GPU's memory on cuda). Also `SET memory_limit`.
        batch_rows: rows per batch as operators stream; by default tuned to the device.

    Returns:
        A `Connection`; use it as a context manager to close it at the end.
    """
    connection = Connection(device=device, memory_limit=memory_limit, batch_rows=batch_rows)
    if database is not None and str(database) != ":memory:":
        try:
            connection.register_files(database)
        except BaseException:
            connection.close()
            raise
    return connection


__all__ = [
    "BINARY", "DATETIME", "NUMBER", "ROWID", "STRING",
    "Binary", "Date", "DateFromTicks", "Time", "TimeFromTicks", "Timestamp", "TimestampFromTicks",
    "Connection", "Cursor", "connect",
    "DataError", "DatabaseError", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "ProgrammingError", "Warning",
    "apilevel", "paramstyle", "threadsafety", "__version__",
]
