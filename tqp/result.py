"""What one statement produced: rows (as device tensors, as Arrow, or both) or a row count."""

from __future__ import annotations

import pyarrow as pa

from tqp.storage.arrow import batch_to_arrow
from tqp.storage.column import Batch


class Result:
    """A statement's result. A query may hand over its result `batch` (device tensors) and
    leave the conversion to Arrow until `table` is first read: `cursor.torch()` never pays it.
    """

    def __init__(self, table: pa.Table | None = None, rowcount: int = -1,
                 batch: Batch | None = None, names: list[str] | None = None):
        self._table = table
        self.rowcount = rowcount
        self.batch = batch
        self.names = names

    @property
    def table(self) -> pa.Table | None:
        if self._table is None and self.batch is not None:
            self._table = batch_to_arrow(self.batch, self.names)
        return self._table

    @property
    def has_rows(self) -> bool:
        """Whether the statement produced a result set (a query), even an empty one."""
        return self._table is not None or self.batch is not None

    @property
    def num_rows(self) -> int:
        return self.batch.num_rows if self._table is None else self._table.num_rows
