"""Query results as a PyTorch dataset: `QueryDataset(con, sql, batch_size)` yields dicts of
tensors, `batch_size` rows at a time, straight from the engine's result tensors.

Example:
    >>> import tqp
    >>> from tqp.data import QueryDataset
    >>> con = tqp.connect("data/shop")  # doctest: +SKIP
    >>> for batch in QueryDataset(con, "select quantity from sales", batch_size=4096):
    ...     batch["quantity"].shape                   # torch.Size([4096]), then the rest
"""

from __future__ import annotations

from typing import Iterator, Sequence

import torch
from torch.utils.data import IterableDataset, get_worker_info

from tqp.errors import ProgrammingError


class QueryDataset(IterableDataset):
    """An IterableDataset over the rows of one query, in batches of `batch_size` rows.

    Each iteration runs the query again (so a changed table is seen) and yields
    {column: tensor} on the connection's device, types as in `Cursor.torch()`. Use it with
    `DataLoader(dataset, batch_size=None)`: the batches are already formed. With several
    DataLoader workers, worker k takes batches k, k + n, ... (each worker runs the query).
    """

    def __init__(self, connection, sql: str, batch_size: int = 1024,
                 parameters: Sequence | None = None, drop_last: bool = False):
        if batch_size < 1:
            raise ProgrammingError(f"batch_size must be at least 1, got {batch_size}")
        self.connection = connection
        self.sql = sql
        self.batch_size = batch_size
        self.parameters = parameters
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        columns = self.connection.cursor().execute(self.sql, self.parameters).torch()
        rows = next(iter(columns.values())).shape[0] if columns else 0
        worker = get_worker_info()
        first, step = (0, 1) if worker is None else (worker.id, worker.num_workers)
        starts = range(first * self.batch_size, rows, step * self.batch_size)
        for start in starts:
            stop = min(start + self.batch_size, rows)
            if self.drop_last and stop - start < self.batch_size:
                return
            yield {name: tensor[start:stop] for name, tensor in columns.items()}
