"""Arrow <-> device tensors, following DESIGN.md's representation of each SQL type.

This is the only place where Arrow arrays become tensors and tensors become Arrow again.
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

from tqp.errors import DataError, NotSupportedError
from tqp.storage import dictionary as dicts
from tqp.storage import intervals
from tqp.storage.column import Batch, Column, ListArray, StructArray
from tqp.storage.lists import compact
from tqp.types import (
    ARROW_TIME_ZONE, INT64_DECIMAL_PRECISION, MAX_DECIMAL_PRECISION, TIMESTAMP_TYPES, DataType,
    DecimalType,
)


def arrow_type_to_sql(arrow_type: pa.DataType) -> DataType:
    """The SQL type tqp gives a column of this Arrow type (looked up once per Arrow type:
    planning asks for every column of every table a query reads)."""
    known = _SQL_TYPES.get(arrow_type)
    if known is None:
        known = _SQL_TYPES[arrow_type] = _sql_type(arrow_type)
    return known


_SQL_TYPES: dict[pa.DataType, DataType] = {}


def _sql_type(arrow_type: pa.DataType) -> DataType:
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
    if pa.types.is_float64(t):
        return DataType.DOUBLE
    if pa.types.is_float32(t):
        return DataType.FLOAT
    if pa.types.is_decimal(t):  # past DuckDB's widest DECIMAL: DOUBLE
        return DataType.DECIMAL if t.precision <= MAX_DECIMAL_PRECISION else DataType.DOUBLE
    if pa.types.is_date(t):
        return DataType.DATE
    if pa.types.is_timestamp(t):  # with a zone: instants (Arrow keeps them in UTC)
        return DataType.TIMESTAMP if t.tz is None else DataType.TIMESTAMPTZ
    if pa.types.is_interval(t) and t == pa.month_day_nano_interval() or pa.types.is_duration(t):
        return DataType.INTERVAL
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return DataType.VARCHAR
    if pa.types.is_null(t):
        return DataType.NULL
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return DataType.LIST
    if pa.types.is_struct(t) and t.num_fields:
        for f in t:  # every field's type must be one tqp reads
            arrow_type_to_sql(f.type)
        return DataType.STRUCT
    raise NotSupportedError(f"columns of Arrow type {t} are not supported")


def sql_type_to_arrow(type_: DataType, decimal: DecimalType | None = None) -> pa.DataType:
    """The Arrow type a result column of this SQL type is returned as (a DECIMAL's needs its
    precision and scale; a HUGEINT is decimal128(38, 0), as DuckDB returns it)."""
    if type_ is DataType.DECIMAL:
        return pa.decimal128(decimal.precision, decimal.scale)
    return _ARROW_TYPES[type_]


_ARROW_TYPES = {
    DataType.BOOLEAN: pa.bool_(),
    DataType.INTEGER: pa.int32(),
    DataType.BIGINT: pa.int64(),
    DataType.HUGEINT: pa.decimal128(38, 0),
    DataType.DOUBLE: pa.float64(),
    DataType.FLOAT: pa.float32(),
    DataType.DATE: pa.date32(),
    DataType.TIMESTAMP: pa.timestamp("us"),
    DataType.INTERVAL: pa.month_day_nano_interval(),
    DataType.TIMESTAMPTZ: pa.timestamp("us", tz=ARROW_TIME_ZONE),
    DataType.VARCHAR: pa.string(),
    DataType.NULL: pa.null(),
}


def arrow_type_of(column: Column) -> pa.DataType:
    """The Arrow type `column` leaves as (a LIST's from its elements)."""
    if column.type is DataType.LIST:
        return pa.list_(arrow_type_of(column.lists.elements))
    if column.type is DataType.STRUCT:
        return pa.struct([pa.field(n, arrow_type_of(f))
                          for n, f in zip(column.struct.names, column.struct.fields)])
    return sql_type_to_arrow(column.type, column.decimal)


def arrow_to_column(array: pa.ChunkedArray | pa.Array, device: torch.device,
                    strings: str = dicts.SORTED) -> Column:
    """Convert one Arrow column to a device Column (done once per column, then cached).

    Strings get a sorted dictionary, unless `strings` asks for less order (dictionary.UNIQUE,
    AS_READ) for a column nothing will order (planner/string_orders.py); that skips the sort,
    the dominant cost of near-unique strings."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    type_ = arrow_type_to_sql(array.type)
    if type_ is DataType.LIST:
        return _list_column(array, device)
    if type_ is DataType.STRUCT:
        return _struct_column(array, device)
    if pa.types.is_dictionary(array.type) and type_ is not DataType.VARCHAR:
        array = array.cast(array.type.value_type)
    valid = _validity(array, device)
    if type_ is DataType.VARCHAR:
        codes, dictionary = dicts.from_strings(array, device, strings)
        return Column(codes, type_, valid, dictionary)
    if type_ is DataType.NULL:
        return Column(torch.zeros(len(array), dtype=torch.int32, device=device), type_,
                      torch.zeros(len(array), dtype=torch.bool, device=device))
    if type_ is DataType.INTERVAL:
        return Column(torch.from_numpy(intervals.from_arrow(array)).to(device), type_, valid)
    decimal = _decimal_type(array.type) if type_ is DataType.DECIMAL else None
    shared = _shared_values(array, type_)
    if shared is not None:
        return Column(shared.to(device), type_, valid, None, decimal)
    values = _numeric_values(array, type_)
    return Column(torch.from_numpy(values).to(device), type_, valid, None, decimal)


def _validity(array: pa.Array, device: torch.device) -> torch.Tensor | None:
    """An Arrow array's validity as a bool tensor on `device` (True = not NULL); None when it
    holds no NULLs."""
    if not array.null_count:
        return None
    return torch.from_numpy(pc.is_valid(array).to_numpy(zero_copy_only=False).copy()).to(device)


def _list_column(array: pa.Array, device: torch.device) -> Column:
    """A list array as a LIST column: its offsets (rebased to its own elements) and its
    elements, converted like any column (lists of lists recursively)."""
    offsets = array.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    elements = array.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    offsets = torch.from_numpy(offsets - offsets[0]).to(device)
    valid = _validity(array, device)
    ids = torch.arange(len(array), device=device)
    return Column(ids, DataType.LIST, valid,
                  lists=ListArray(offsets, arrow_to_column(elements, device)))


def _struct_column(array: pa.StructArray, device: torch.device) -> Column:
    """A struct array as a STRUCT column: each field converted like any column."""
    valid = _validity(array, device)
    names = tuple(f.name for f in array.type)
    fields = tuple(arrow_to_column(array.field(i), device) for i in range(len(names)))
    return Column(torch.arange(len(array), device=device), DataType.STRUCT, valid,
                  struct=StructArray(names, fields))


def _decimal_type(arrow_type: pa.DataType) -> DecimalType:
    """The precision and scale of an Arrow decimal type."""
    return DecimalType(arrow_type.precision, arrow_type.scale)


# SQL type -> the Arrow type whose values buffer already is that type's tensor.
_SAME_LAYOUT = {
    DataType.BIGINT: pa.int64(), DataType.INTEGER: pa.int32(), DataType.DOUBLE: pa.float64(),
    DataType.FLOAT: pa.float32(), DataType.DATE: pa.date32(),
    DataType.TIMESTAMP: pa.timestamp("us"),
    DataType.TIMESTAMPTZ: pa.timestamp("us", tz=ARROW_TIME_ZONE),
}


def _shared_values(array: pa.Array, type_: DataType) -> torch.Tensor | None:
    """A tensor over `array`'s own values buffer, with no copy, when it already has the tensor's
    layout and no NULLs (whose slots must read as zeros); None otherwise. The tensor keeps the
    buffer alive. Arrow buffers are immutable, and so are columns: no kernel writes into one."""
    arrow_type = _SAME_LAYOUT.get(type_)
    if arrow_type is None or array.null_count or array.type != arrow_type or len(array) == 0:
        return None
    values = np.frombuffer(array.buffers()[1], dtype=_NUMPY_DTYPES[type_], count=len(array),
                           offset=array.offset * arrow_type.bit_width // 8)
    with warnings.catch_warnings():  # torch warns that the buffer is read-only: it stays so
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(values)


def _numeric_values(array: pa.Array, type_: DataType) -> np.ndarray:
    """An array's values as a contiguous numpy array of their own (never Arrow's memory),
    NULL slots zero."""
    return np.array(_numeric_view(array, type_), copy=True, order="C")


def _numeric_view(array: pa.Array, type_: DataType) -> np.ndarray:
    """An array's values in the dtype tqp computes them in, NULL slots zero; a view of Arrow's
    memory where the layout allows (read-only, possibly strided: copy before keeping it)."""
    if type_ is DataType.DATE:
        array = array.cast(pa.date32()).cast(pa.int32())
    elif type_ in TIMESTAMP_TYPES:
        # Microseconds, as DuckDB's TIMESTAMP; finer units are truncated. A zoned timestamp's
        # values are already UTC instants, whatever its zone.
        array = array.cast(pa.timestamp("us", tz=array.type.tz), safe=False).cast(pa.int64())
    elif type_ is DataType.DECIMAL:
        return _decimal_values(array)
    else:
        try:
            array = array.cast(sql_type_to_arrow(type_))
        except pa.ArrowInvalid as exc:
            raise DataError(f"column values do not fit {type_.value}: {exc}") from None
    if array.null_count:
        array = array.fill_null(False if type_ is DataType.BOOLEAN else 0)
    return array.to_numpy(zero_copy_only=False)


def _decimal_values(array: pa.Array) -> np.ndarray:
    """A decimal array's unscaled integers as int64. Of decimal64 (and decimal32, widened),
    the values buffer itself, as Parquet's integer-backed decimals are read
    (storage/integer_decimals.py); of decimal128, a strided view of the low words when there
    are no NULLs: the low word of each 128-bit value, which is the whole value when the high
    word only extends its sign (always so up to 18 digits)."""
    if array.type.scale < 0:
        raise NotSupportedError(f"columns of Arrow type {array.type} (a negative scale)")
    if pa.types.is_decimal64(array.type) or pa.types.is_decimal32(array.type):
        width = np.int64 if pa.types.is_decimal64(array.type) else np.int32
        values = np.frombuffer(array.buffers()[1], dtype=width, count=len(array),
                               offset=array.offset * np.dtype(width).itemsize)
        if array.null_count:
            return np.where(pc.is_valid(array).to_numpy(zero_copy_only=False), values, 0) \
                .astype(np.int64, copy=False)
        return values.astype(np.int64, copy=False)
    if not pa.types.is_decimal128(array.type):
        array = array.cast(pa.decimal128(array.type.precision, array.type.scale))
    words = np.frombuffer(array.buffers()[1], dtype=np.int64)
    words = words[2 * array.offset: 2 * (array.offset + len(array))]
    low = words[0::2]
    if array.type.precision > INT64_DECIMAL_PRECISION:
        high = words[1::2]
        beyond = high != (low >> 63)
        if array.null_count:
            beyond &= pc.is_valid(array).to_numpy(zero_copy_only=False)
        if beyond.any():
            raise DataError(f"a {array.type} value is beyond the 64-bit integers tqp holds "
                            "decimals in")
    if array.null_count:
        return np.where(pc.is_valid(array).to_numpy(zero_copy_only=False), low, 0)
    return low


# SQL type -> numpy dtype of its values (the types `ColumnBuilder` fills in place).
_NUMPY_DTYPES = {
    DataType.BOOLEAN: np.bool_, DataType.INTEGER: np.int32, DataType.BIGINT: np.int64,
    DataType.DOUBLE: np.float64, DataType.FLOAT: np.float32, DataType.DECIMAL: np.int64,
    DataType.DATE: np.int32,
    DataType.TIMESTAMP: np.int64, DataType.TIMESTAMPTZ: np.int64,
}


class ColumnBuilder:
    """One device column of Arrow type `arrow_type` built from arrays that arrive piece by piece (a Parquet segment
    decoded a batch at a time). Numbers go straight into one array of the segment's length, so
    no whole-segment Arrow copy is held beside it: a decimal's 16-byte Arrow values exist one
    batch at a time, and a fresh process touches a third of the memory. Strings read as
    Parquet's dictionaries become codes piece by piece (`dictionary.PieceCodes`). Other strings
    and other types are joined at the end and converted by `arrow_to_column`."""

    def __init__(self, arrow_type: pa.DataType, num_rows: int, device: torch.device,
                 strings: str = dicts.SORTED):
        self.num_rows, self.device, self.strings = num_rows, device, strings
        self._declared = arrow_type  # the column's type when no piece comes
        self._type: DataType | None = None
        self._arrow_type: pa.DataType | None = None
        self._values: np.ndarray | None = None
        self._strings: dicts.PieceCodes | None = None  # strings read as dictionaries
        self._valid: np.ndarray | None = None
        self._pieces: list[tuple[int, pa.Array]] = []  # (first row, piece), joined at the end
        self._filled = 0
        self._lock = threading.Lock()  # for what pieces written from several threads share

    def add(self, array: pa.Array) -> None:
        """Append the next piece of the column."""
        if self._arrow_type is None:
            self._start(array.type)
        self._write(self._filled, array)
        self._filled += len(array)

    def fills_at_rows(self) -> bool:
        """Prepare for pieces written at rows of their own (`write_at`), by several threads at
        once: True unless the pieces come as Arrow dictionaries (strings read as the file's
        own dictionaries gather one dictionary in the order pieces arrive). Fixed-width values
        go straight to their rows; other pieces are joined in row order at the end."""
        if self._arrow_type is None and _NUMPY_DTYPES.get(arrow_type_to_sql(self._declared)):
            self._start(self._declared)
        return self._strings is None and not pa.types.is_dictionary(self._declared)

    def write_at(self, lo: int, array: pa.Array) -> None:
        """Write a piece into rows lo.. (once `fills_at_rows` said True). Pieces written so
        must cover rows 0..n before `finish(n)`."""
        if self._arrow_type is None:
            with self._lock:
                if self._arrow_type is None:
                    self._start(array.type)
        self._write(lo, array)

    def _write(self, lo: int, array: pa.Array) -> None:
        if self._values is None and self._strings is None:
            self._pieces.append((lo, array))
            return
        if pa.types.is_dictionary(array.type) and self._strings is None:
            array = array.cast(array.type.value_type)
        hi = lo + len(array)
        if hi > self.num_rows:
            raise DataError(f"more rows than the {self.num_rows} expected")
        if array.null_count:
            if self._valid is None:
                with self._lock:  # pieces may arrive from several threads
                    if self._valid is None:
                        self._valid = np.ones(self.num_rows, dtype=np.bool_)
            self._valid[lo:hi] = pc.is_valid(array).to_numpy(zero_copy_only=False)
        if self._strings is not None:
            self._strings.add(lo, array)
        else:
            self._values[lo:hi] = _numeric_view(array, self._type)

    def finish(self, rows: int | None = None) -> Column:
        """The column of everything added (of rows 0..`rows`, when pieces were written at
        rows of their own)."""
        if rows is not None:
            self._filled = rows
        if self._arrow_type is None:
            return arrow_to_column(pa.array([], type=self._declared), self.device,
                                   self.strings)
        if self._values is None and self._strings is None:
            pieces = [piece for _, piece in sorted(self._pieces, key=lambda p: p[0])]
            return arrow_to_column(pa.chunked_array(pieces, type=self._arrow_type),
                                   self.device, self.strings)
        n = self._filled
        valid = None if self._valid is None else torch.from_numpy(self._valid[:n]).to(self.device)
        if self._strings is not None:
            codes, dictionary = self._strings.finish(n, self.strings)
            return Column(torch.from_numpy(codes).to(self.device), self._type, valid, dictionary)
        decimal = _decimal_type(self._arrow_type) if self._type is DataType.DECIMAL else None
        return Column(torch.from_numpy(self._values[:n]).to(self.device), self._type, valid,
                      None, decimal)

    def _start(self, arrow_type: pa.DataType) -> None:
        self._type = arrow_type_to_sql(arrow_type)
        if pa.types.is_dictionary(arrow_type) and self._type is not DataType.VARCHAR:
            arrow_type = arrow_type.value_type  # numbers: each piece is decoded (`add`)
        self._arrow_type = arrow_type
        dtype = _NUMPY_DTYPES.get(self._type)
        if dtype is not None:
            self._values = np.empty(self.num_rows, dtype=dtype)
        elif pa.types.is_dictionary(arrow_type):  # strings as Parquet's dictionaries
            self._strings = dicts.PieceCodes(self.num_rows)


def _wide_integers(values: np.ndarray, arrow_type: pa.DataType, mask: np.ndarray | None) -> pa.Array:
    """Integers (a DECIMAL's scaled integers, a HUGEINT: int64, or 128-bit words as in
    storage/wide.py) as a decimal128 array: int64 values sign-extended to the 128-bit
    little-endian word pair Arrow stores."""
    if values.ndim == 2:  # already Arrow's layout
        words = np.ascontiguousarray(values, dtype=np.int64)
    else:
        values = np.ascontiguousarray(values, dtype=np.int64)
        words = np.empty((len(values), 2), dtype=np.int64)
        words[:, 0] = values
        words[:, 1] = values >> 63
    validity = None if mask is None else pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(arrow_type, len(values), [validity, pa.py_buffer(words)],
                                 null_count=-1 if mask is None else int(mask.sum()))


def column_to_arrow(column: Column) -> pa.Array:
    """Convert a device Column back to an Arrow array of the column's SQL type."""
    type_ = column.type
    mask = None
    if column.valid is not None:
        mask = ~column.valid.cpu().numpy()
    if type_ is DataType.NULL:
        return pa.nulls(len(column))
    if type_ is DataType.LIST:
        return _list_to_arrow(column, mask)
    if type_ is DataType.STRUCT:
        return _struct_to_arrow(column, mask)
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
    if type_ is DataType.INTERVAL:
        return intervals.to_arrow(values, mask)
    arrow_type = sql_type_to_arrow(type_, column.decimal)
    if pa.types.is_decimal(arrow_type):
        return _wide_integers(values, arrow_type, mask)
    if type_ is DataType.DATE:
        return pa.array(values.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())
    if type_ in TIMESTAMP_TYPES:
        return pa.array(values.astype(np.int64), pa.int64(), mask=mask).cast(arrow_type)
    return pa.array(values, arrow_type, mask=mask)


def _list_to_arrow(column: Column, mask: np.ndarray | None) -> pa.Array:
    """A LIST column as an Arrow list array: each row's elements gathered in row order (the
    lists' layout on the device may share or skip elements), offsets from the lengths."""
    lengths, elements = compact(column)
    offsets = np.zeros(len(column) + 1, dtype=np.int32)
    np.cumsum(lengths.cpu().numpy(), out=offsets[1:])
    values = column_to_arrow(elements)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values,
                                    mask=None if mask is None else pa.array(mask))


def _struct_to_arrow(column: Column, mask: np.ndarray | None) -> pa.Array:
    """A STRUCT column as an Arrow struct array: each field gathered at the rows' structs
    (NULL under a NULL struct, as DuckDB returns it)."""
    from tqp.operators.structs import fields_of  # operators import storage

    names = column.struct.names
    if not names:  # a NULL of a struct type no field is known of
        return pa.nulls(len(column), pa.struct([]))
    children = [column_to_arrow(f) for f in fields_of(column)]
    return pa.StructArray.from_arrays(children, names=list(names),
                                      mask=None if mask is None else pa.array(mask))


# Field metadata naming a column's SQL type where its Arrow type does not tell it: a declared
# SMALLINT (storage/declared.py), or a HUGEINT, which leaves as decimal128(38, 0) as DuckDB's
# does and is still described and fetched as an integer.
TYPE_KEY = b"tqp.type"


def batch_to_arrow(batch: Batch, names: list[str] | None = None) -> pa.Table:
    """A Batch as an Arrow table; `names` renames the columns in order."""
    columns = list(batch.columns.values())
    arrays = [column_to_arrow(c) for c in columns]
    fields = [pa.field(name, array.type, metadata=(
                  {TYPE_KEY: column.type.value.encode()}
                  if column.type is DataType.HUGEINT else None))
              for name, array, column in zip(names or batch.names, arrays, columns)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
