"""Arrow <-> device tensors, following DESIGN.md's representation of each SQL type.

This is the only place where Arrow arrays become tensors and tensors become Arrow again.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

from tqp.errors import DataError, NotSupportedError
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column
from tqp.types import DataType


def arrow_type_to_sql(arrow_type: pa.DataType) -> DataType:
    """The SQL type tqp gives a column of this Arrow type."""
    t = arrow_type
    if pa.types.is_dictionary(t):
        return arrow_type_to_sql(t.value_type)
    if pa.types.is_boolean(t):
        return DataType.BOOLEAN
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t) \
            or pa.types.is_uint8(t) or pa.types.is_uint16(t):
        return DataType.INTEGER
    if pa.types.is_integer(t):
        return DataType.BIGINT
    if pa.types.is_floating(t):
        return DataType.DOUBLE
    if pa.types.is_decimal(t):
        return DataType.DECIMAL
    if pa.types.is_date(t):
        return DataType.DATE
    if pa.types.is_timestamp(t):
        return DataType.TIMESTAMP
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return DataType.VARCHAR
    if pa.types.is_null(t):
        return DataType.NULL
    raise NotSupportedError(f"columns of Arrow type {t} are not supported")


def sql_type_to_arrow(type_: DataType) -> pa.DataType:
    """The Arrow type a result column of this SQL type is returned as."""
    return _ARROW_TYPES[type_]


_ARROW_TYPES = {
    DataType.BOOLEAN: pa.bool_(),
    DataType.INTEGER: pa.int32(),
    DataType.BIGINT: pa.int64(),
    DataType.DOUBLE: pa.float64(),
    DataType.DECIMAL: pa.float64(),
    DataType.DATE: pa.date32(),
    DataType.TIMESTAMP: pa.timestamp("us"),
    DataType.VARCHAR: pa.string(),
    DataType.NULL: pa.null(),
}


def arrow_to_column(array: pa.ChunkedArray | pa.Array, device: torch.device,
                    sort_strings: bool = True) -> Column:
    """Convert one Arrow column to a device Column (done once per column, then cached).

    Strings get a sorted dictionary, unless `sort_strings` is False: then the dictionary stays
    in the order values were met, for a column nothing will compare or order (see
    planner/order_free.py); that skips the sort, the dominant cost of near-unique strings."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    type_ = arrow_type_to_sql(array.type)
    if pa.types.is_dictionary(array.type) and type_ is not DataType.VARCHAR:
        array = array.cast(array.type.value_type)
    valid = None
    if array.null_count:
        valid = torch.from_numpy(
            pc.is_valid(array).to_numpy(zero_copy_only=False).copy()).to(device)
    if type_ is DataType.VARCHAR:
        codes, dictionary = dicts.from_strings(array, device, sort_strings)
        return Column(codes, type_, valid, dictionary)
    if type_ is DataType.NULL:
        return Column(torch.zeros(len(array), dtype=torch.int32, device=device), type_,
                      torch.zeros(len(array), dtype=torch.bool, device=device))
    values = _numeric_values(array, type_)
    scale = array.type.scale if type_ is DataType.DECIMAL else None
    return Column(torch.from_numpy(values).to(device), type_, valid, None, scale)


def _numeric_values(array: pa.Array, type_: DataType) -> np.ndarray:
    if type_ is DataType.DATE:
        array = array.cast(pa.date32()).cast(pa.int32())
    elif type_ is DataType.TIMESTAMP:
        # Microseconds, as DuckDB's TIMESTAMP; finer units are truncated.
        array = array.cast(pa.timestamp("us"), safe=False).cast(pa.int64())
    elif type_ is DataType.DECIMAL:
        return _decimal_values(array)
    else:
        try:
            array = array.cast(sql_type_to_arrow(type_))
        except pa.ArrowInvalid as exc:
            raise DataError(f"column values do not fit {type_.value}: {exc}") from None
    if array.null_count:
        array = array.fill_null(False if type_ is DataType.BOOLEAN else 0)
    out = array.to_numpy(zero_copy_only=False)
    return np.ascontiguousarray(out).copy()


def _decimal_values(array: pa.Array) -> np.ndarray:
    """Decimals as the float64 nearest to each exact value: the unscaled integer divided by
    10**scale (Arrow's own cast can be one ulp off, e.g. 24710.35 -> 24710.350000000002)."""
    scale = array.type.scale
    if pa.types.is_decimal128(array.type) and array.type.precision <= 18:
        words = np.frombuffer(array.buffers()[1], dtype=np.int64)
        low = words[2 * array.offset: 2 * (array.offset + len(array)): 2]
        values = low.astype(np.float64) / 10.0 ** scale if scale >= 0 else low * 10.0 ** -scale
        if array.null_count:
            values = np.where(pc.is_valid(array).to_numpy(zero_copy_only=False), values, 0.0)
        return np.ascontiguousarray(values)
    return array.cast(pa.float64()).fill_null(0).to_numpy(zero_copy_only=False).copy()


def column_to_arrow(column: Column) -> pa.Array:
    """Convert a device Column back to an Arrow array of the column's SQL type."""
    type_ = column.type
    mask = None
    if column.valid is not None:
        mask = ~column.valid.cpu().numpy()
    if type_ is DataType.NULL:
        return pa.nulls(len(column))
    if type_ is DataType.VARCHAR:
        codes = column.values.cpu().numpy()
        if mask is not None:
            codes = np.where(mask, 0, codes)
        if len(column.dictionary) == 0:
            return pa.nulls(len(column), pa.string())
        taken = column.dictionary.take(pa.array(codes)).cast(pa.string())
        if mask is not None:
            taken = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), taken)
        return taken
    values = column.values.cpu().numpy()
    arrow_type = sql_type_to_arrow(type_)
    if type_ is DataType.DATE:
        return pa.array(values.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())
    if type_ is DataType.TIMESTAMP:
        return pa.array(values.astype(np.int64), pa.int64(), mask=mask).cast(arrow_type)
    return pa.array(values, arrow_type, mask=mask)


def batch_to_arrow(batch: Batch, names: list[str] | None = None) -> pa.Table:
    """A Batch as an Arrow table; `names` renames the columns in order."""
    arrays = [column_to_arrow(c) for c in batch.columns.values()]
    return pa.Table.from_arrays(arrays, names=names or batch.names)
