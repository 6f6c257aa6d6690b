"""INTERVAL values as (n, 3) int64 tensors (tqp/storage/intervals.py): kept as written, compared
and ordered normalised, to and from Arrow's month_day_nano_interval (and duration) unchanged."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pytest
import torch

from tests.conftest import devices
from tqp.errors import DataError
from tqp.operators.keys import pack_keys
from tqp.operators.sort import sort_indices
from tqp.storage import intervals
from tqp.storage.arrow import arrow_to_column, arrow_type_to_sql, column_to_arrow
from tqp.storage.column import Column, null_column
from tqp.storage.wide import is_wide, key_words
from tqp.types import DataType

DAY = intervals.MICROS_PER_DAY
# (months, days, micros): '1 month', '30 days', '29 days 24 hours', '1 month -1 day' (= 29
# days), '-1 day', '-24 hours', '1 day -1 hour' (= 23 hours), nothing
ROWS = [(1, 0, 0), (0, 30, 0), (0, 29, DAY), (1, -1, 0), (0, -1, 0), (0, 0, -DAY),
        (0, 1, -3_600_000_000), (0, 0, 0)]


def _total(row) -> int:
    months, days, micros = row
    return (months * 30 + days) * DAY + micros


@pytest.fixture(params=devices())
def device(request):
    return torch.device(request.param)


def _values(device, rows=ROWS) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.long, device=device)


def test_three_words_a_row_are_not_128_bit_integers(device):
    values = _values(device)
    assert intervals.is_interval_values(values)
    assert not is_wide(values)
    assert is_wide(torch.zeros((2, 2), dtype=torch.long, device=device))


def test_make_and_parts_round_trip(device):
    values = _values(device)
    again = intervals.make(*intervals.parts(values))
    assert torch.equal(again, values)


def test_normalised_parts_carry_down_to_up_with_floor(device):
    normal = intervals.normalized(_values(device)).tolist()
    assert normal[0] == normal[1] == normal[2] == [1, 0, 0]
    assert normal[3] == [0, 29, 0]
    assert normal[4] == normal[5] == [-1, 29, 0]  # -1 day: a month back, 29 days on
    assert normal[6] == [0, 0, 23 * 3_600_000_000]


def test_key_words_order_and_equality_are_the_totals(device):
    values = _values(device)
    keys = key_words(values)
    assert len(keys) == 3
    order = sort_indices([(k, None, False, False) for k in keys]).tolist()
    totals = [_total(r) for r in ROWS]
    assert [totals[i] for i in order] == sorted(totals)
    packed = pack_keys([values]).tolist()
    for i, a in enumerate(ROWS):
        for j, b in enumerate(ROWS):
            assert (packed[i] == packed[j]) == (_total(a) == _total(b))


def test_single_key_is_the_total_and_refuses_huge_intervals(device):
    assert intervals.single_key(_values(device)).tolist() == [_total(r) for r in ROWS]
    huge = _values(device, [(2**31 - 1, 0, 0)])
    with pytest.raises(DataError):
        intervals.single_key(huge)
    valid = torch.tensor([False], device=device)
    assert intervals.single_key(huge, valid).shape == (1,)  # a NULL row is not checked


def test_check_parts_keeps_months_and_days_in_32_bits(device):
    ok = _values(device)
    assert intervals.check_parts(ok, None, "x") is ok
    with pytest.raises(DataError, match="out of range"):
        intervals.check_parts(_values(device, [(2**31, 0, 0)]), None, "x")


def test_arrow_round_trip_with_nulls(device):
    mdn = pa.MonthDayNano
    array = pa.array([mdn([1, 2, 3_000]), None, mdn([-14, -3, -1_500_000]),
                      mdn([0, 0, 999])], pa.month_day_nano_interval())
    assert arrow_type_to_sql(array.type) is DataType.INTERVAL
    column = arrow_to_column(array, device)
    assert column.type is DataType.INTERVAL and column.values.shape == (4, 3)
    assert column.values.tolist() == [[1, 2, 3], [0, 0, 0], [-14, -3, -1500], [0, 0, 0]]
    back = column_to_arrow(column)
    assert back.type == pa.month_day_nano_interval()
    # nanoseconds below a microsecond are dropped (toward zero), as DuckDB reads them
    assert back.to_pylist() == [mdn([1, 2, 3_000]), None, mdn([-14, -3, -1_500_000]),
                                mdn([0, 0, 0])]


def test_duration_columns_read_as_intervals(device):
    array = pa.array([datetime.timedelta(days=2, seconds=3), None], pa.duration("ms"))
    assert arrow_type_to_sql(array.type) is DataType.INTERVAL
    column = arrow_to_column(array, device)
    assert column.values.tolist() == [[0, 0, 2 * DAY + 3_000_000], [0, 0, 0]]
    assert column.valid.tolist() == [True, False]


def test_sliced_arrow_arrays_read_their_own_rows(device):
    mdn = pa.MonthDayNano
    array = pa.array([mdn([i, i, i * 1000]) for i in range(5)], pa.month_day_nano_interval())
    column = arrow_to_column(array.slice(2, 2), device)
    assert column.values.tolist() == [[2, 2, 2], [3, 3, 3]]


def test_null_columns_and_gathers_keep_three_words(device):
    nulls = null_column(3, DataType.INTERVAL, device)
    assert nulls.values.shape == (3, 3)
    column = Column(_values(device), DataType.INTERVAL)
    assert column.take_or_null(torch.tensor([1, -1], device=device)).values.shape == (2, 3)
    empty = Column(_values(device)[:0], DataType.INTERVAL)
    taken = empty.take_or_null(torch.tensor([-1], device=device))
    assert taken.values.shape == (1, 3) and taken.valid.tolist() == [False]
    one = Column(_values(device)[:1], DataType.INTERVAL)
    assert one.broadcast(4).values.tolist() == [[1, 0, 0]] * 4


def test_to_arrow_refuses_microseconds_past_arrow_nanoseconds():
    values = np.array([[0, 0, 2**62]], dtype=np.int64)
    with pytest.raises(DataError):
        intervals.to_arrow(values, None)
    assert intervals.to_arrow(values, np.array([True])).null_count == 1  # NULL: not read


def test_text_array_writes_each_value_as_duckdb_with_nulls():
    mdn = pa.MonthDayNano
    array = pa.array([mdn([14, 3, 14_706_500_000_000]), None, mdn([0, 1, -1_000_000_000]),
                      mdn([14, 3, 14_706_500_000_000]), mdn([0, 0, 0])],
                     pa.month_day_nano_interval())
    assert intervals.text_array(array).to_pylist() == [
        "1 year 2 months 3 days 04:05:06.5", None, "1 day -00:00:01",
        "1 year 2 months 3 days 04:05:06.5", "00:00:00"]
    assert intervals.text_array(array.slice(0, 0)).to_pylist() == []
