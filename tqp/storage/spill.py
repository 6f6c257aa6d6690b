"""Spill files: batches written to disk and read back exactly as they were.

Arrow IPC streams, one file per spill partition. Each column keeps its SQL type and decimal
precision and scale in its field's metadata, and a string column is written as a dictionary array (its codes
and its sorted dictionary), so reading it back costs no re-encoding. An INTERVAL column (and a
128-bit one) is written as fixed-size lists of its int64 words. A LIST or STRUCT column is
written as its Arrow list or struct array and read back like a registered table's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import torch

from tqp.storage.arrow import arrow_to_column, column_to_arrow
from tqp.storage.column import Batch, Column
from tqp.storage.wide import narrowed, widen
from tqp.types import INT64_DECIMAL_PRECISION, DataType, DecimalType


def _array(column: Column) -> pa.Array:
    if column.type in (DataType.LIST, DataType.STRUCT):  # written as the values themselves
        return column_to_arrow(column)
    values = column.values
    if _may_be_wide(column):  # one schema per file: such a column is always written wide
        values = widen(values)
    values = values.contiguous().cpu().numpy()
    mask = None if column.valid is None else ~column.valid.cpu().numpy()
    if column.type is DataType.VARCHAR:
        codes = pa.array(values.astype(np.int32), pa.int32(), mask=mask)
        return pa.DictionaryArray.from_arrays(codes, column.dictionary)
    if values.ndim == 2:  # 128-bit words (storage/wide.py), an INTERVAL's three parts
        return pa.FixedSizeListArray.from_arrays(pa.array(values.ravel()), values.shape[1],
                                                 mask=None if mask is None else pa.array(mask))
    return pa.array(values, mask=mask)


def _may_be_wide(column: Column) -> bool:
    """Can a column of this type hold 128-bit values (a SUM past int64)?"""
    return column.type is DataType.HUGEINT or (
        column.decimal is not None and column.decimal.precision > INT64_DECIMAL_PRECISION)


def _field(name: str, column: Column, array: pa.Array) -> pa.Field:
    meta = {"tqp_type": column.type.value}
    if column.decimal is not None:
        meta["tqp_decimal"] = f"{column.decimal.precision},{column.decimal.scale}"
    return pa.field(name, array.type, metadata=meta)


def to_record_batch(batch: Batch) -> pa.RecordBatch:
    """A Batch as an Arrow record batch that `from_record_batch` restores exactly."""
    arrays = [_array(c) for c in batch.columns.values()]
    fields = [_field(n, c, a) for (n, c), a in zip(batch.columns.items(), arrays)]
    if not fields:  # no columns: remember the row count in a placeholder
        return pa.record_batch([pa.nulls(batch.num_rows)], names=["__rows"])
    return pa.record_batch(arrays, schema=pa.schema(fields))


def from_record_batch(record: pa.RecordBatch, device: torch.device) -> Batch:
    """The Batch `to_record_batch` wrote."""
    if record.schema.names == ["__rows"]:
        return Batch({}, record.num_rows, device)
    columns = {}
    for field, array in zip(record.schema, record.columns):
        meta = field.metadata or {}
        type_ = DataType(meta[b"tqp_type"].decode())
        if type_ in (DataType.LIST, DataType.STRUCT):
            columns[field.name] = arrow_to_column(array, device)
            continue
        decimal = DecimalType(*map(int, meta[b"tqp_decimal"].split(b","))) \
            if b"tqp_decimal" in meta else None
        valid = None
        if array.null_count:
            valid = torch.from_numpy(array.is_valid().to_numpy(zero_copy_only=False)).to(device)
        dictionary = None
        if type_ is DataType.VARCHAR:
            dictionary = array.dictionary
            array = array.indices
        if pa.types.is_fixed_size_list(array.type):  # 128-bit words, one int64 again if they
            width = array.type.list_size  # fit; or an INTERVAL's months, days, microseconds
            words = array.values.slice(width * array.offset, width * len(array))
            words = words.to_numpy(zero_copy_only=False).reshape(-1, width)
            tensor = torch.from_numpy(words.copy()).to(device)
            if type_ is not DataType.INTERVAL:
                tensor = narrowed(tensor)
            columns[field.name] = Column(tensor, type_, valid, None, decimal)
            continue
        values = array.fill_null(0).to_numpy(zero_copy_only=False) if array.null_count \
            else array.to_numpy(zero_copy_only=False)
        tensor = torch.from_numpy(np.ascontiguousarray(values).copy()).to(device)
        columns[field.name] = Column(tensor, type_, valid, dictionary, decimal)
    return Batch(columns, record.num_rows, device)


class SpillFile:
    """An append-only file of batches of one schema."""

    def __init__(self, path: Path):
        self.path, self._writer, self._sink = path, None, None
        self.rows = 0

    def write(self, batch: Batch) -> None:
        record = to_record_batch(batch)
        if self._writer is None:
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = pa.ipc.new_stream(self._sink, record.schema)
        self._writer.write_batch(record)
        self.rows += batch.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None

    def read(self, device: torch.device) -> Iterator[Batch]:
        """The batches written, in order (nothing when none was)."""
        self.close()
        if not self.path.exists():
            return
        with pa.OSFile(str(self.path), "rb") as source:
            for record in pa.ipc.open_stream(source):
                yield from_record_batch(record, device)
