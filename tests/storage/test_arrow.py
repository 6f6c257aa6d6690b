"""Arrow -> Column -> Arrow: every supported Arrow type survives the trip to the device and back.

The representation follows DESIGN.md: integers as int32/int64, float32 (DuckDB's FLOAT) as
float32 and float64 as float64, DECIMAL(p,s)
as int64 scaled by 10**s (a decimal wider than DECIMAL(38) as float64, as DuckDB has none),
DATE as int32 days, TIMESTAMP as int64 microseconds, strings as int32 codes into a sorted
dictionary (code order = string order), NULLs as a bool validity tensor that is absent when a
column has no NULLs. The result column types are fixed by the SQL type (int8 comes back int32).
"""

from __future__ import annotations

import datetime
import decimal

import pyarrow as pa
import pytest
import torch

import tqp
from tests.conftest import devices
from tqp.storage.arrow import (
    ColumnBuilder, arrow_to_column, arrow_type_to_sql, batch_to_arrow, column_to_arrow,
    sql_type_to_arrow,
)
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch
from tqp.types import DataType

D = decimal.Decimal
day = datetime.date
ts = datetime.datetime

# name: (Arrow type, values without NULLs, SQL type, device dtype, result Arrow type)
CASES = {
    "int8": (pa.int8(), [1, -128, 127, 0], DataType.INTEGER, torch.int32, pa.int32()),
    "int16": (pa.int16(), [1, -32768, 32767], DataType.INTEGER, torch.int32, pa.int32()),
    "int32": (pa.int32(), [1, -(2**31), 2**31 - 1], DataType.INTEGER, torch.int32, pa.int32()),
    "int64": (pa.int64(), [1, -(2**63), 2**63 - 1], DataType.BIGINT, torch.int64, pa.int64()),
    "uint8": (pa.uint8(), [0, 255], DataType.INTEGER, torch.int32, pa.int32()),
    "uint16": (pa.uint16(), [0, 65535], DataType.INTEGER, torch.int32, pa.int32()),
    "uint32": (pa.uint32(), [0, 2**32 - 1], DataType.BIGINT, torch.int64, pa.int64()),
    "float32": (pa.float32(), [1.5, -0.25, 0.0, 3e38], DataType.FLOAT, torch.float32,
                pa.float32()),
    "float64": (pa.float64(), [1.5, -1e300, 0.0, float("inf")], DataType.DOUBLE, torch.float64,
                pa.float64()),
    "decimal128": (pa.decimal128(10, 2), [D("1.25"), D("-99999999.99"), D("0.00")],
                   DataType.DECIMAL, torch.int64, pa.decimal128(10, 2)),
    "decimal128_38": (pa.decimal128(38, 4), [D("922337203685477.5807"), D("-1.0001")],
                      DataType.DECIMAL, torch.int64, pa.decimal128(38, 4)),
    "decimal256_38": (pa.decimal256(20, 3), [D("1.125"), D("-7.000")], DataType.DECIMAL,
                      torch.int64, pa.decimal128(20, 3)),
    "decimal256": (pa.decimal256(40, 3), [D("1.125"), D("-7.000")], DataType.DOUBLE,
                   torch.float64, pa.float64()),
    "bool": (pa.bool_(), [True, False, True], DataType.BOOLEAN, torch.bool, pa.bool_()),
    "date32": (pa.date32(), [day(2000, 2, 29), day(1969, 12, 31), day(1970, 1, 1),
                             day(1, 1, 1), day(9999, 12, 31)],
               DataType.DATE, torch.int32, pa.date32()),
    "date64": (pa.date64(), [day(2000, 2, 29), day(1969, 12, 31)], DataType.DATE, torch.int32,
               pa.date32()),
    "timestamp_us": (pa.timestamp("us"), [ts(2000, 2, 29, 23, 59, 59, 999999),
                                          ts(1969, 12, 31, 23, 59, 59, 1), ts(1970, 1, 1)],
                     DataType.TIMESTAMP, torch.int64, pa.timestamp("us")),
    "timestamp_ms": (pa.timestamp("ms"), [ts(2000, 1, 1, 1, 2, 3, 4000), ts(1900, 1, 1)],
                     DataType.TIMESTAMP, torch.int64, pa.timestamp("us")),
    "timestamp_s": (pa.timestamp("s"), [ts(2000, 1, 1, 1, 2, 3), ts(1800, 6, 1)],
                    DataType.TIMESTAMP, torch.int64, pa.timestamp("us")),
    "string": (pa.string(), ["b", "", "a", "café", "日本", "b"], DataType.VARCHAR, torch.int32,
               pa.string()),
    "large_string": (pa.large_string(), ["b", "", "a", "Z"], DataType.VARCHAR, torch.int32,
                     pa.string()),
    "string_view": (pa.string_view(), ["b", "", "a", "a"], DataType.VARCHAR, torch.int32,
                    pa.string()),
}


def _array(arrow_type: pa.DataType, values: list, with_nulls: bool) -> pa.Array:
    if with_nulls:
        values = [None] + values[:1] + [None] + values[1:] + [None]
    return pa.array(values, arrow_type)


def _expected(values: list, result_type: pa.DataType) -> list:
    """What the values read back as: wide decimals become the float64 of their value."""
    if pa.types.is_floating(result_type):
        return [None if v is None else float(v) for v in values]
    return values


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("with_nulls", [False, True], ids=["no_nulls", "nulls"])
@pytest.mark.parametrize("name", list(CASES))
def test_round_trip(name, with_nulls, device):
    arrow_type, values, sql_type, dtype, result_type = CASES[name]
    array = _array(arrow_type, values, with_nulls)

    column = arrow_to_column(array, torch.device(device))

    assert column.type is sql_type
    assert column.values.dtype == dtype
    assert column.values.device.type == device
    assert len(column) == len(array)
    if with_nulls:
        assert column.valid is not None and column.valid.dtype == torch.bool
        assert column.valid.cpu().tolist() == [v is not None for v in array.to_pylist()]
    else:
        assert column.valid is None  # no validity tensor when there is nothing to mark
    back = column_to_arrow(column)
    assert back.type == result_type
    assert back.to_pylist() == _expected(array.to_pylist(), result_type)


@pytest.mark.parametrize("device", devices())
def test_dictionary_encoded_strings_decode_to_their_values(device):
    indices = pa.array([0, 2, None, 0, 1], pa.int8())
    array = pa.DictionaryArray.from_arrays(indices, pa.array(["zebra", "mango", "apple"]))
    column = arrow_to_column(array, torch.device(device))
    assert column.type is DataType.VARCHAR
    assert column_to_arrow(column).to_pylist() == ["zebra", "apple", None, "zebra", "mango"]


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string(), pa.string_view()],
                         ids=str)
def test_string_dictionary_is_sorted_and_codes_follow_string_order(arrow_type, device):
    words = ["pear", "apple", None, "Zebra", "", "äpfel", "apple", "pear", "a"]
    column = arrow_to_column(pa.array(words, arrow_type), torch.device(device))

    dictionary = column.dictionary.to_pylist()
    present = [w for w in words if w is not None]
    assert dictionary == sorted(set(present))  # sorted, unique, byte (code point) order
    codes = column.values.cpu().tolist()
    valid = column.valid.cpu().tolist()
    for code, word, ok in zip(codes, words, valid):
        assert ok == (word is not None)
        if ok:
            assert dictionary[code] == word
    pairs = [(c, w) for c, w in zip(codes, words) if w is not None]
    for c1, w1 in pairs:
        for c2, w2 in pairs:
            assert (c1 < c2) == (w1 < w2)


def test_dictionary_encoded_input_is_resorted():
    """An Arrow dictionary in arbitrary order becomes tqp's sorted dictionary."""
    array = pa.array(["m", "z", "a", "m"]).dictionary_encode()
    column = arrow_to_column(array, torch.device("cpu"))
    assert column.dictionary.to_pylist() == ["a", "m", "z"]
    assert column.values.tolist() == [1, 2, 0, 1]


def test_pieces_with_their_own_dictionaries_are_recoded_in_steps(monkeypatch):
    """Dictionary pieces (as Parquet row groups read) whose dictionaries differ in order and
    content are re-coded into one sorted dictionary in place, a step at a time; a row's string
    is the same whatever step re-coded it."""
    monkeypatch.setattr(dicts, "REMAP_ROWS", 3)
    pieces = [pa.array(["m", "z", None, "m", "a"]).dictionary_encode(),
              pa.array(["q", "b", "z", "z"]).dictionary_encode(),
              pa.array([None, "a", "m"]).dictionary_encode()]
    builder = ColumnBuilder(pieces[0].type, 12, torch.device("cpu"))
    for piece in pieces:
        builder.add(piece)
    column = builder.finish()
    expected = [v for piece in pieces for v in piece.to_pylist()]
    assert column.dictionary.to_pylist() == ["a", "b", "m", "q", "z"]
    assert column_to_arrow(column).to_pylist() == expected


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("arrow_type", [pa.null(), pa.int32(), pa.float64(), pa.string(),
                                        pa.bool_(), pa.date32(), pa.timestamp("us")], ids=str)
def test_all_null_column(arrow_type, device):
    column = arrow_to_column(pa.nulls(4, arrow_type), torch.device(device))
    assert column.type is arrow_type_to_sql(arrow_type)
    assert column.valid is not None and not bool(column.valid.any())
    back = column_to_arrow(column)
    assert back.to_pylist() == [None] * 4
    assert back.type == sql_type_to_arrow(arrow_type_to_sql(arrow_type))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("name", list(CASES))
def test_empty_column(name, device):
    arrow_type, _, sql_type, dtype, result_type = CASES[name]
    column = arrow_to_column(pa.array([], arrow_type), torch.device(device))
    assert column.type is sql_type and len(column) == 0 and column.values.dtype == dtype
    back = column_to_arrow(column)
    assert back.type == result_type and len(back) == 0


def test_chunked_arrays_are_combined():
    chunked = pa.chunked_array([pa.array(["b", "a"]), pa.array([None, "c"]),
                                pa.array([], pa.string())])
    column = arrow_to_column(chunked, torch.device("cpu"))
    assert column_to_arrow(column).to_pylist() == ["b", "a", None, "c"]
    empty = arrow_to_column(pa.chunked_array([], pa.int64()), torch.device("cpu"))
    assert len(empty) == 0


def test_timestamps_finer_than_microseconds_are_truncated():
    """DuckDB reads timestamp[ns] as microseconds, dropping the nanoseconds."""
    array = pa.array([1_500, 2_000_000_999, None], pa.timestamp("ns"))
    column = arrow_to_column(array, torch.device("cpu"))
    assert column_to_arrow(column).to_pylist() == [
        ts(1970, 1, 1, 0, 0, 0, 1), ts(1970, 1, 1, 0, 0, 2, 0), None]


def test_timezone_aware_timestamps_keep_their_instant():
    """A timestamp with a zone is a TIMESTAMPTZ, its UTC instant; it leaves as timestamp[us, UTC]
    (DuckDB's .arrow() in the time zone UTC)."""
    utc = datetime.timezone.utc
    array = pa.array([ts(2000, 1, 1, 12), None], pa.timestamp("us", tz="UTC"))
    column = arrow_to_column(array, torch.device("cpu"))
    assert column.type is DataType.TIMESTAMPTZ
    out = column_to_arrow(column)
    assert out.type == pa.timestamp("us", tz="UTC")
    assert out.to_pylist() == [ts(2000, 1, 1, 12, tzinfo=utc), None]
    kolkata = pa.array([0, 1_500], pa.timestamp("ms", tz="Asia/Kolkata"))
    column = arrow_to_column(kolkata, torch.device("cpu"))
    assert column.type is DataType.TIMESTAMPTZ
    assert column.values.tolist() == [0, 1_500_000]


def test_unsigned_values_beyond_bigint_are_refused_cleanly():
    """uint64 becomes BIGINT; a value that does not fit is an error, never a wrapped number."""
    con = tqp.connect()
    con.register("unsigned", pa.table({"u": pa.array([1, 2**64 - 1], pa.uint64())}))
    with pytest.raises((tqp.DataError, tqp.NotSupportedError)):
        con.execute("SELECT u FROM unsigned").fetchall()


@pytest.mark.parametrize("arrow_type", [pa.binary(), pa.time64("us"), pa.list_(pa.int32(), 2),
                                        pa.struct([("a", pa.time64("us"))]), pa.struct([])],
                         ids=str)
def test_types_without_a_tensor_form_are_not_supported(arrow_type):
    with pytest.raises(tqp.NotSupportedError, match="Arrow type"):
        arrow_type_to_sql(arrow_type)


def test_struct_arrays_round_trip():
    """A struct array (sliced: its fields keep the parent's offset) reads as a STRUCT column and
    leaves as the same struct array: NULL structs, NULL fields, nested structs and lists."""
    kind = pa.struct([("a", pa.int64()), ("b", pa.string()),
                      ("c", pa.struct([("d", pa.list_(pa.int32()))]))])
    array = pa.array([{"a": 1, "b": "x", "c": {"d": [1]}}, None,
                      {"a": None, "b": "é", "c": None}, {"a": 4, "b": None, "c": {"d": None}},
                      {"a": 5, "b": "", "c": {"d": []}}], kind).slice(1, 4)
    column = arrow_to_column(array, torch.device("cpu"))
    assert column.type is DataType.STRUCT
    assert column_to_arrow(column).to_pylist() == array.to_pylist()
    assert column_to_arrow(column).type == kind


def test_batch_to_arrow_keeps_column_order_and_renames():
    device = torch.device("cpu")
    batch = Batch({"t.b": arrow_to_column(pa.array(["x", None]), device),
                   "t.a": arrow_to_column(pa.array([1, 2], pa.int32()), device)}, 2)
    table = batch_to_arrow(batch, ["b", "a"])
    assert table.column_names == ["b", "a"]
    assert table.to_pydict() == {"b": ["x", None], "a": [1, 2]}
    assert batch_to_arrow(batch).column_names == ["t.b", "t.a"]


@pytest.mark.parametrize("device", devices())
def test_select_star_returns_every_type_as_its_result_type(device):
    """Through SQL: a table with a column of each type, with NULLs, reads back whole."""
    columns = {name: _array(arrow_type, values, True)
               for name, (arrow_type, values, *_rest) in CASES.items()
               if len(values) >= 2}
    size = min(len(c) for c in columns.values())
    table = pa.table({name: c.slice(0, size) for name, c in columns.items()})
    con = tqp.connect(device=device)
    con.register("every_type", table)

    result = con.execute("SELECT * FROM every_type").fetch_arrow_table()

    assert result.column_names == table.column_names
    for name in table.column_names:
        result_type = CASES[name][4]
        assert result.schema.field(name).type == result_type, name
        want = table.column(name)
        assert result.column(name).to_pylist() == _expected(want.to_pylist(), result_type), name


def test_empty_table_reads_back_with_its_result_types():
    schema = pa.schema([(name, arrow_type) for name, (arrow_type, *_rest) in CASES.items()])
    con = tqp.connect()
    con.register("nothing", schema.empty_table())
    result = con.execute("SELECT * FROM nothing").fetch_arrow_table()
    assert result.num_rows == 0
    assert [f.type for f in result.schema] == [case[4] for case in CASES.values()]


def _same_column(a, b) -> None:
    assert (a.type, a.decimal, a.values.dtype) == (b.type, b.decimal, b.values.dtype)
    assert (a.valid is None) == (b.valid is None)
    assert column_to_arrow(a).to_pylist() == column_to_arrow(b).to_pylist()


@pytest.mark.parametrize("with_nulls", [False, True], ids=["no_nulls", "nulls"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_column_built_piece_by_piece_is_the_column_of_the_whole(name, with_nulls):
    """ColumnBuilder (a Parquet segment decoded batch by batch) gives what arrow_to_column gives
    for the whole array, cut anywhere, with NULLs in some pieces only."""
    arrow_type, values, *_ = CASES[name]
    array = _array(arrow_type, values * 3, with_nulls)
    device = torch.device("cpu")
    for cuts in ([0, len(array)], [0, 1, 4, len(array)], list(range(len(array) + 1))):
        builder = ColumnBuilder(arrow_type, len(array), device)
        for lo, hi in zip(cuts, cuts[1:]):
            builder.add(array.slice(lo, hi - lo))
        _same_column(builder.finish(), arrow_to_column(array, device))


def test_a_built_column_of_dictionary_pieces_unifies_their_dictionaries():
    first = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array(["b", "a"]))
    second = pa.DictionaryArray.from_arrays(pa.array([1, None], pa.int32()), pa.array(["c", "a"]))
    builder = ColumnBuilder(pa.string(), 5, torch.device("cpu"))
    builder.add(first)
    builder.add(second)
    column = builder.finish()
    assert column.type is DataType.VARCHAR
    assert column_to_arrow(column).to_pylist() == ["b", "a", "b", "a", None]
    assert column.dictionary.to_pylist() == sorted(column.dictionary.to_pylist())


def test_a_built_column_with_no_pieces_is_empty_of_its_declared_type():
    column = ColumnBuilder(pa.decimal128(12, 2), 0, torch.device("cpu")).finish()
    assert (column.type, len(column)) == (DataType.DECIMAL, 0)


def test_numbers_without_nulls_share_arrows_buffer():
    """No copy: the tensor reads Arrow's own memory (columns are never written to)."""
    array = pa.array([5, 6, 7, 8], pa.int64()).slice(1)
    column = arrow_to_column(array, torch.device("cpu"))
    assert column.values.tolist() == [6, 7, 8]
    assert column.values.data_ptr() == array.buffers()[1].address + 8


def test_list_columns_round_trip_with_nulls_and_offsets():
    """A sliced list array (offsets not starting at 0) with NULL lists, empty lists and NULL
    elements comes back as it went in, lists of lists too."""
    array = pa.array([[9], [1, None], None, [], [3, 4]], pa.list_(pa.int16())).slice(1)
    column = arrow_to_column(array, torch.device("cpu"))
    assert column_to_arrow(column).to_pylist() == array.to_pylist()
    nested = pa.array([[[1], []], None, [None, [2, 3]]], pa.list_(pa.list_(pa.int64())))
    assert column_to_arrow(arrow_to_column(nested, torch.device("cpu"))).to_pylist() == \
        nested.to_pylist()


def _dictionary_piece(indices, entries) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(entries))


@pytest.mark.parametrize("order", [dicts.SORTED, dicts.UNIQUE, dicts.AS_READ])
def test_dictionary_pieces_with_repeated_new_and_plain_pieces_keep_every_row(order):
    """Pieces as a Parquet reader gives them: one dictionary repeated over a row group's
    batches, then a new one, a plain piece, an all-NULL piece with an empty dictionary."""
    pieces = [
        _dictionary_piece([0, 1, 1], ["x", "w"]),
        _dictionary_piece([1, None, 0], ["x", "w"]),
        _dictionary_piece([2, 0], ["z", "y", "w"]),
        pa.array(["y", None, "v"]),
        _dictionary_piece([None, None], pa.array([], pa.string())),
        _dictionary_piece([0], ["x"]),
    ]
    expected = ["x", "w", "w", "w", None, "x", "w", "z", "y", None, "v", None, None, "x"]
    builder = ColumnBuilder(pa.string(), len(expected), torch.device("cpu"), order)
    for piece in pieces:
        builder.add(piece)
    column = builder.finish()
    assert column_to_arrow(column).to_pylist() == expected
    entries = column.dictionary.to_pylist()
    assert sorted(entries) == ["v", "w", "x", "y", "z"]  # duplicate-free in every order
    if order == dicts.SORTED:
        assert entries == sorted(entries)


@pytest.mark.parametrize("type_", [pa.string(), pa.string_view(), pa.large_string()])
def test_strings_kept_as_read_are_entries_of_the_string_type_string_functions_take(type_):
    """A column kept as read (each row its own entry) has a dictionary of dicts.STRING, however
    the file's reader typed it (Parquet files written with string views read as views): the
    string functions' kernels take it as it is, with no cast per query."""
    codes, dictionary = dicts.encode(pa.array(["b", None, "a", "b"], type_), dicts.AS_READ)
    assert dictionary.type == dicts.STRING
    assert codes.tolist() == [0, 1, 2, 3]
    assert dictionary.to_pylist() == ["b", None, "a", "b"]
