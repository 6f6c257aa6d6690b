"""A Parquet file's integer-backed DECIMAL columns read as the integers they are stored as.

Parquet stores a DECIMAL of up to 9 digits as INT32 and of up to 18 as INT64 unscaled integers,
which is how tqp holds decimals (storage/arrow.py). pyarrow decodes such a column into 16-byte
decimal128 values, one value at a time: a plain-encoded 6M-row DECIMAL(15,2) column, decoded on
one thread in the batches a scan reads, took 120-130 ms of CPU here against 87-110 ms as
INT64 (dictionary-encoded ones were cheap either way), and its values are twice the memory to
fault in. pyarrow has no switch for that (Arrow's `smallest_decimal` option is not exposed, and
a file's ARROW:schema would override it), but it reads a file through a footer handed to it. `unscaled_footer` rewrites the file's footer with
those columns' DECIMAL annotations dropped, so that a reader of it decodes them as INT32/INT64,
and `labelled` gives the integers their decimal type back without a copy (decimal32 and
decimal64 hold the same bytes). Statistics and row-group pruning keep the file's own footer.

Only the footer's schema is decoded and encoded again (storage/thrift_compact.py); every other
byte is copied. Anything unexpected (nested columns, an encrypted footer, a file changed since
its footer was read, a rewritten footer read differently than planned) gives None, and the
columns are read as decimal128 as before.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tqp.storage.thrift_compact import LIST, STRUCT, ThriftError, encode_value, read_value, \
    read_varint

MAGIC = b"PAR1"
# parquet.thrift: FileMetaData's first fields are 1: version (i32) and 2: schema (a list of
# SchemaElement), written first, as field headers 0x15 and 0x19 (delta 1, i32 / list).
_VERSION_HEADER, _SCHEMA_HEADER = 0x15, 0x19
# SchemaElement fields: 1 type, 4 name, 5 num_children, 6 converted_type, 7 scale,
# 8 precision, 10 logicalType (a union: its one field's id names the type).
_TYPE, _NAME, _CHILDREN, _CONVERTED, _LOGICAL = 1, 4, 5, 6, 10
_DECIMAL_FIELDS = frozenset({6, 7, 8, 10})
_INT32, _INT64 = 1, 2
_DECIMAL_CONVERTED = 5  # ConvertedType.DECIMAL
_DECIMAL_LOGICAL = 5  # LogicalType's DECIMAL member


def integer_decimals(metadata: pq.FileMetaData, schema: pa.Schema) -> dict[str, pa.DataType]:
    """The top-level columns of the file that are stored as INT32/INT64 and read as decimals in
    `schema` (the file's Arrow schema): name -> the type their integers are labelled with
    (decimal32 or decimal64, of the column's precision and scale)."""
    found = {}
    names = set(schema.names)
    for i in range(len(metadata.schema)):
        column = metadata.schema.column(i)
        if column.path != column.name or column.name not in names:
            continue
        declared = schema.field(column.name).type
        if not pa.types.is_decimal(declared) or declared.scale < 0:
            continue
        if column.physical_type == "INT32" and declared.precision <= 9:
            found[column.name] = pa.decimal32(declared.precision, declared.scale)
        elif column.physical_type == "INT64" and declared.precision <= 18:
            found[column.name] = pa.decimal64(declared.precision, declared.scale)
    return found


def unscaled_footer(path: Path, metadata: pq.FileMetaData,
                    columns: dict[str, pa.DataType]) -> pq.FileMetaData | None:
    """The footer of the Parquet file at `path` (whose footer, as read before, is `metadata`)
    with `columns` (from `integer_decimals`) as plain integers; None where that cannot be done
    safely (see the module docstring)."""
    try:
        footer = _read_footer(path, metadata.serialized_size)
        rewritten = None if footer is None else _without_decimal_types(footer, set(columns))
        if rewritten is None:
            return None
        unscaled = pq.read_metadata(pa.BufferReader(
            MAGIC + rewritten + struct.pack("<I", len(rewritten)) + MAGIC))
        return unscaled if _reads_as_planned(unscaled, metadata, columns) else None
    except (ThriftError, OSError, pa.ArrowException):
        return None


def labelled(data: pa.Table | pa.RecordBatch, types: dict[str, pa.DataType]):
    """`data` with the integer columns named in `types` relabelled as those decimal types: the
    same buffers, no copy."""
    for i, name in enumerate(data.schema.names):
        kind = types.get(name)
        if kind is None:
            continue
        column = data.column(i)
        relabelled = pa.chunked_array([_label(c, kind) for c in column.chunks], kind) \
            if isinstance(column, pa.ChunkedArray) else _label(column, kind)
        data = data.set_column(i, pa.field(name, kind, data.schema.field(i).nullable),
                               relabelled)
    return data


def _label(array: pa.Array, kind: pa.DataType) -> pa.Array:
    expected = pa.int32() if kind.byte_width == 4 else pa.int64()
    if array.type != expected:
        raise pa.ArrowInvalid(f"{array.type} read where {expected} was planned for {kind}")
    return pa.Array.from_buffers(kind, len(array), array.buffers(), null_count=array.null_count,
                                 offset=array.offset)


def _read_footer(path: Path, size: int) -> bytes | None:
    """The footer's bytes, if the file still ends with a plain footer of `size` bytes."""
    with open(path, "rb") as file:
        file.seek(0, 2)
        if file.tell() < size + 8:
            return None
        file.seek(-8, 2)
        length, magic = struct.unpack("<I4s", file.read(8))
        if magic != MAGIC or length != size:  # encrypted ("PARE"), or changed since
            return None
        file.seek(-8 - size, 2)
        footer = file.read(size)
    return footer if len(footer) == size else None


def _without_decimal_types(footer: bytes, names: set[str]) -> bytes | None:
    """`footer` with the DECIMAL annotations of the INT32/INT64 columns `names` dropped."""
    if not footer or footer[0] != _VERSION_HEADER:
        return None
    _, pos = read_varint(footer, 1)
    if pos >= len(footer) or footer[pos] != _SCHEMA_HEADER:
        return None
    (kind, elements), end = read_value(footer, pos + 1, LIST)
    if kind != STRUCT or len(elements) < 2:
        return None
    root, leaves = elements[0], elements[1:]
    if any(_field(e, _CHILDREN) is not None for e in leaves):
        return None  # nested columns: their leaves are not the top-level columns named
    wanted = {n.encode() for n in names}
    changed = [[f for f in e if f[0] not in _DECIMAL_FIELDS]
               if _field(e, _NAME) in wanted and _field(e, _TYPE) in (_INT32, _INT64)
               and _is_decimal(e) else e
               for e in leaves]
    return footer[:pos + 1] + encode_value(LIST, (STRUCT, [root] + changed)) + footer[end:]


def _field(element: list, field: int):
    return next((value for f, _, value in element if f == field), None)


def _is_decimal(element: list) -> bool:
    logical = _field(element, _LOGICAL)
    return _field(element, _CONVERTED) == _DECIMAL_CONVERTED or \
        bool(logical) and logical[0][0] == _DECIMAL_LOGICAL


def _reads_as_planned(unscaled: pq.FileMetaData, metadata: pq.FileMetaData,
                      columns: dict[str, pa.DataType]) -> bool:
    """Does the rewritten footer describe the same rows and columns, with `columns` as plain
    integers of their stored width and every other column as before?"""
    if (unscaled.num_rows, unscaled.num_row_groups, unscaled.schema.names) != \
            (metadata.num_rows, metadata.num_row_groups, metadata.schema.names):
        return False
    before, after = metadata.schema.to_arrow_schema(), unscaled.schema.to_arrow_schema()
    for field in before:
        kind = columns.get(field.name)
        expected = field.type if kind is None else \
            pa.int32() if kind.byte_width == 4 else pa.int64()
        if after.field(field.name).type != expected:
            return False
    return True
