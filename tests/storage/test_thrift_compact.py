"""Thrift's compact protocol: a Parquet footer decodes and encodes back to the same bytes."""

from __future__ import annotations

import datetime as dt
import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tqp.storage.thrift_compact import (BINARY, FALSE, I32, I64, LIST, MAP, STRUCT, TRUE, ThriftError,
                                        encode_value, read_value, read_varint, varint)


def _footer(path) -> bytes:
    with open(path, "rb") as file:
        file.seek(-8, 2)
        size, _ = struct.unpack("<I4s", file.read(8))
        file.seek(-8 - size, 2)
        return file.read(size)


def test_a_parquet_footer_round_trips_byte_for_byte(tmp_path):
    path = tmp_path / "t.parquet"
    table = pa.table({"k": pa.array(range(1000), pa.int64()),
                      "s": pa.array([f"v{i % 7}" for i in range(1000)]),
                      "d": pa.array([dt.date(2024, 1, 1)] * 1000),
                      "x": pa.array([i / 3 for i in range(1000)])})
    pq.write_table(table, path, row_group_size=100)  # statistics, dictionaries, ARROW:schema
    footer = _footer(path)
    fields, end = read_value(footer, 0, STRUCT)
    assert end == len(footer)
    assert [f for f, _, _ in fields][:4] == [1, 2, 3, 4]  # version, schema, rows, row groups
    assert encode_value(STRUCT, fields) == footer


@pytest.mark.parametrize("value", [0, 1, -1, 63, -64, 2**31 - 1, -2**31, 2**63 - 1, -2**63])
def test_integers_round_trip(value):
    encoded = encode_value(I64, value)
    assert read_value(encoded, 0, I64) == (value, len(encoded))


def test_structs_lists_and_maps_round_trip():
    value = [(1, I32, -7), (2, BINARY, b"name"), (20, LIST, (I32, list(range(20)))),
             (21, FALSE, False), (22, MAP, (BINARY, I64, [(b"a", 1), (b"b", -2)])),
             (23, STRUCT, [(1, LIST, (TRUE, [True, False]))])]
    encoded = encode_value(STRUCT, value)
    decoded, end = read_value(encoded, 0, STRUCT)
    assert end == len(encoded) and decoded == value


@pytest.mark.parametrize("data", [b"\x18", b"\x15", b"\x18\x05ab", b"\x80\x80"])
def test_truncated_bytes_are_refused(data):
    with pytest.raises(ThriftError):
        read_value(data, 0, STRUCT) if data[0] != 0x80 else read_varint(data, 0)


def test_varint_is_leb128():
    assert varint(300) == b"\xac\x02" and read_varint(b"\xac\x02", 0) == (300, 2)
