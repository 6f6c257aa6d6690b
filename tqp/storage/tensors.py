"""A query's result Batch as plain tensors for PyTorch code (`cursor.torch()`, QueryDataset)."""

from __future__ import annotations

import pyarrow as pa
import torch

from tqp.errors import DataError, NotSupportedError
from tqp.storage.arrow import arrow_to_column
from tqp.storage.column import Batch
from tqp.storage.wide import require_narrow
from tqp.types import DataType


def batch_to_tensors(batch: Batch, names: list[str], start: int = 0) -> dict[str, torch.Tensor]:
    """{name: tensor} for rows `start:` of `batch`, on the batch's device.

    Each tensor is a copy (a result column may be a cached table column, which must not be
    changed through it). DECIMAL is float64 like DOUBLE (its exact value divided out), HUGEINT int64; DATE int32 days and TIMESTAMP int64
    microseconds since the epoch; INTERVAL an int64 (n, 3) tensor of months, days and
    microseconds (storage/intervals.py). NULL is NaN in floating columns and an error elsewhere; a
    HUGEINT past 64 bits (a SUM) an error too.
    """
    tensors = {}
    for name, column in zip(names, batch.columns.values()):
        if column.type in (DataType.VARCHAR, DataType.LIST, DataType.STRUCT):
            raise NotSupportedError(
                f"column {name} is {column.type.value}, which has no tensor form: leave it out of "
                "the query (or UNNEST a list), or fetch it with fetch_arrow_table()")
        if column.type is DataType.DECIMAL:
            values = column.as_double()[start:]
        else:
            require_narrow(column.values, f"the int64 tensor of column {name}")
            values = column.values[start:]
        valid = None if column.valid is None else column.valid[start:]
        if column.type is DataType.NULL:
            values = torch.full(values.shape, float("nan"), dtype=torch.float64,
                                device=values.device)
        elif valid is not None and values.is_floating_point():
            values = torch.where(valid, values, torch.full_like(values, float("nan")))
        elif valid is not None and not bool(valid.all()):
            raise DataError(
                f"column {name} ({column.type.value}) holds NULLs, which an integer or boolean "
                "tensor cannot: use COALESCE(...) or a filter in the query")
        tensors[name] = values.clone()
    return tensors


def arrow_to_tensors(table: pa.Table, device: torch.device) -> dict[str, torch.Tensor]:
    """{name: tensor} for an Arrow table (a result that never was a Batch), same rules."""
    columns = {name: arrow_to_column(column, device)
               for name, column in zip(table.column_names, table.columns)}
    return batch_to_tensors(Batch(columns, table.num_rows), table.column_names)
