"""Thrift's compact protocol, the encoding of a Parquet file's footer: values decoded into plain
Python data and encoded back, byte for byte.

Only what rewriting part of a footer needs (storage/integer_decimals.py): a struct decodes to a
list of (field id, type, value), a list or set to (element type, values), a map to (key type,
value type, [(key, value)]); integers, doubles, binaries and booleans to themselves. Encoding
such data gives the bytes it was decoded from (field headers are written as deltas where the
ids allow, as every writer does)."""

from __future__ import annotations

import struct

STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


class ThriftError(ValueError):
    """Bytes that are not the compact encoding expected."""


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 integer at `pos`: (value, position after it)."""
    shift = result = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ThriftError("truncated or overlong integer")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def varint(value: int) -> bytes:
    """`value` (not negative) as an unsigned LEB128 integer."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _unzigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _zigzag(n: int) -> int:
    return ((n << 1) ^ (n >> 63)) & ((1 << 64) - 1)


def read_value(data: bytes, pos: int, kind: int):
    """The value of type `kind` at `pos`: (value, position after it)."""
    if kind in (TRUE, FALSE):
        return kind == TRUE, pos
    if kind == BYTE:
        if pos >= len(data):
            raise ThriftError("truncated byte")
        return struct.unpack_from("b", data, pos)[0], pos + 1
    if kind in (I16, I32, I64):
        raw, pos = read_varint(data, pos)
        return _unzigzag(raw), pos
    if kind == DOUBLE:
        if pos + 8 > len(data):
            raise ThriftError("truncated double")
        return struct.unpack_from("<d", data, pos)[0], pos + 8
    if kind == BINARY:
        size, pos = read_varint(data, pos)
        if pos + size > len(data):
            raise ThriftError("truncated binary")
        return bytes(data[pos:pos + size]), pos + size
    if kind in (LIST, SET):
        return _read_list(data, pos)
    if kind == MAP:
        return _read_map(data, pos)
    if kind == STRUCT:
        return _read_struct(data, pos)
    raise ThriftError(f"unknown compact type {kind}")


def _read_list(data: bytes, pos: int):
    if pos >= len(data):
        raise ThriftError("truncated list")
    head = data[pos]
    pos += 1
    size, kind = head >> 4, head & 0x0F
    if size == 15:
        size, pos = read_varint(data, pos)
    items = []
    for _ in range(size):
        if kind in (TRUE, FALSE):  # a boolean element is a byte of its own: 1 true, 2 false
            if pos >= len(data):
                raise ThriftError("truncated list")
            items.append(data[pos] == TRUE)
            pos += 1
        else:
            item, pos = read_value(data, pos, kind)
            items.append(item)
    return (kind, items), pos


def _read_map(data: bytes, pos: int):
    size, pos = read_varint(data, pos)
    if size == 0:
        return (0, 0, []), pos
    if pos >= len(data):
        raise ThriftError("truncated map")
    key_kind, value_kind = data[pos] >> 4, data[pos] & 0x0F
    pos += 1
    items = []
    for _ in range(size):
        key, pos = read_value(data, pos, key_kind)
        value, pos = read_value(data, pos, value_kind)
        items.append((key, value))
    return (key_kind, value_kind, items), pos


def _read_struct(data: bytes, pos: int):
    fields, last = [], 0
    while True:
        if pos >= len(data):
            raise ThriftError("truncated struct")
        head = data[pos]
        pos += 1
        if head == STOP:
            return fields, pos
        delta, kind = head >> 4, head & 0x0F
        if delta:
            field = last + delta
        else:
            raw, pos = read_varint(data, pos)
            field = _unzigzag(raw)
        value, pos = read_value(data, pos, kind)
        fields.append((field, kind, value))
        last = field


def encode_value(kind: int, value) -> bytes:
    """`value` (as `read_value` gives it) encoded as type `kind`."""
    if kind == BYTE:
        return struct.pack("b", value)
    if kind in (I16, I32, I64):
        return varint(_zigzag(value))
    if kind == DOUBLE:
        return struct.pack("<d", value)
    if kind == BINARY:
        return varint(len(value)) + value
    if kind in (LIST, SET):
        element, items = value
        head = bytes([(len(items) << 4) | element]) if len(items) < 15 else \
            bytes([0xF0 | element]) + varint(len(items))
        if element in (TRUE, FALSE):
            return head + bytes(TRUE if item else FALSE for item in items)
        return head + b"".join(encode_value(element, item) for item in items)
    if kind == MAP:
        key_kind, value_kind, items = value
        if not items:
            return b"\x00"
        return varint(len(items)) + bytes([(key_kind << 4) | value_kind]) + b"".join(
            encode_value(key_kind, k) + encode_value(value_kind, v) for k, v in items)
    if kind == STRUCT:
        out, last = bytearray(), 0
        for field, field_kind, field_value in value:
            if field_kind in (TRUE, FALSE):
                field_kind = TRUE if field_value else FALSE
            delta = field - last
            if 0 < delta <= 15:
                out.append((delta << 4) | field_kind)
            else:
                out.append(field_kind)
                out += varint(_zigzag(field))
            if field_kind not in (TRUE, FALSE):
                out += encode_value(field_kind, field_value)
            last = field
        out.append(STOP)
        return bytes(out)
    raise ThriftError(f"cannot encode compact type {kind}")
