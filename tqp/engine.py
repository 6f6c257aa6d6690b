"""The engine: runs SQL statements against the catalog on one device.

Every front end (DB-API connection, tqp-shell, the benchmark) goes through `Engine.execute`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pyarrow as pa


@dataclass
class Result:
    """What one statement produced: a table of rows (queries, EXPLAIN) or a row count."""

    table: pa.Table | None
    rowcount: int = -1


class Engine:
    """SQL in, Arrow out. Holds the catalog and the device the tensors live on."""

    def __init__(self, device: str = "cpu"):
        raise NotImplementedError  # being written

    def execute(self, sql: str, parameters: Sequence | None = None) -> Result:
        """Run every statement in `sql` (separated by ';'); return the last one's result."""
        raise NotImplementedError

    def register(self, name: str, obj) -> None:
        """Make `obj` (pyarrow Table, pandas DataFrame, Parquet/CSV path or folder) table `name`."""
        raise NotImplementedError

    def set_device(self, device: str) -> None:
        """Move work to another device ('cpu' or 'cuda'); cached tensors are dropped."""
        raise NotImplementedError

    def table_names(self) -> list[str]:
        """Names of the tables and views in the catalog, sorted."""
        raise NotImplementedError

    def schema(self, name: str) -> pa.Schema:
        """The Arrow schema of a table or view."""
        raise NotImplementedError
