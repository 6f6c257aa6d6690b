"""The list-function kernels (operators/list_functions.py) and string splitting against plain
Python, on every device: rows gathered so that they share elements, NULL lists, empty lists,
NULL elements and duplicates."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
import torch

from tests.conftest import devices
from tqp.operators import list_functions
from tqp.operators.expressions.splits import characters, split
from tqp.storage.arrow import arrow_to_column, column_to_arrow
from tqp.storage.column import Column
from tqp.types import DataType

DEVICES = devices()
ROWS = [[3, None, 1, 3], None, [], [None, 4], [2, 2], [5], [1, 1, None, None, 0]]
GATHER = [6, 0, 0, 1, 3, 4, 2, 5]  # rows repeated and reordered: their elements are shared
OTHER = [[1], [2, 9], None, [None], [], [5, 3], [0, 7]]


def _lists(device, rows) -> Column:
    column = arrow_to_column(pa.array(rows, pa.list_(pa.int64())), torch.device(device))
    return column.take(torch.tensor(GATHER, device=device))


def _python(column: Column) -> list:
    return column_to_arrow(column).to_pylist()


def _gathered(rows) -> list:
    return [rows[i] for i in GATHER]


def _sorted(row, descending, nulls_first):
    if row is None:
        return None
    values = sorted((v for v in row if v is not None), reverse=descending)
    nulls = [None] * (len(row) - len(values))
    return nulls + values if nulls_first else values + nulls


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("nulls_first", [False, True])
def test_sort_orders_each_list(device, descending, nulls_first):
    got = _python(list_functions.sort(_lists(device, ROWS), descending, nulls_first))
    assert got == [_sorted(r, descending, nulls_first) for r in _gathered(ROWS)]


@pytest.mark.parametrize("device", DEVICES)
def test_distinct_and_unique_drop_nulls(device):
    column = _lists(device, ROWS)
    expected = [None if r is None else sorted({v for v in r if v is not None})
                for r in _gathered(ROWS)]
    assert _python(list_functions.distinct(column)) == expected
    assert _python(list_functions.unique(column)) == [None if r is None else len(r)
                                                      for r in expected]


@pytest.mark.parametrize("device", DEVICES)
def test_distinct_doubles_tie_zeros_and_nans(device):
    rows = [[0.0, -0.0, math.nan, math.nan, 1.5, None]]
    column = arrow_to_column(pa.array(rows, pa.list_(pa.float64())), torch.device(device))
    got = _python(list_functions.distinct(column))[0]
    assert got[0] == 0.0 and got[1] == 1.5 and math.isnan(got[2]) and len(got) == 3


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("strict", [False, True])
def test_concat_puts_each_row_s_lists_end_to_end(device, strict):
    got = _python(list_functions.concat([_lists(device, ROWS), _lists(device, OTHER)], strict))
    expected = []
    for a, b in zip(_gathered(ROWS), _gathered(OTHER)):
        if strict and (a is None or b is None):
            expected.append(None)
        else:
            expected.append((a or []) + (b or []))
    assert got == expected


@pytest.mark.parametrize("device", DEVICES)
def test_position_finds_the_first_match_null_included(device):
    column = _lists(device, ROWS)
    for needle in (1, 3, None, 8):
        values = torch.full((len(GATHER),), needle or 0, device=device)
        valid = torch.full((len(GATHER),), needle is not None, device=device)
        got = _python(list_functions.position(column, Column(values, DataType.BIGINT, valid)))
        expected = [None if r is None or needle not in r else r.index(needle) + 1
                    for r in _gathered(ROWS)]
        assert got == expected, needle


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("every", [False, True])
def test_has_any_and_has_all_ignore_nulls(device, every):
    got = _python(list_functions.has_any_all(_lists(device, ROWS), _lists(device, OTHER), every))
    expected = []
    for a, b in zip(_gathered(ROWS), _gathered(OTHER)):
        if a is None or b is None:
            expected.append(None)
            continue
        found = {v for v in b if v is not None} & {v for v in a if v is not None}
        wanted = {v for v in b if v is not None}
        expected.append(found == wanted if every else bool(found))
    assert got == expected


@pytest.mark.parametrize("device", DEVICES)
def test_aggregate_reads_each_list_as_a_group(device):
    column = _lists(device, ROWS)
    rows = _gathered(ROWS)
    sums = _python(list_functions.aggregate(column, "sum"))
    counts = _python(list_functions.aggregate(column, "count"))
    mins = _python(list_functions.aggregate(column, "min"))
    for row, total, count, least in zip(rows, sums, counts, mins):
        present = None if row is None else [v for v in row if v is not None]
        assert count == (None if row is None else len(present))
        assert total == (sum(present) if present else None)
        assert least == (min(present) if present else None)


def test_characters_split_code_points():
    strings = pa.array(["aé", "", "üx€", "b"], pa.large_string()).slice(1)
    assert characters(strings).to_pylist() == [[], ["ü", "x", "€"], ["b"]]


@pytest.mark.parametrize("device", DEVICES)
def test_split_numbers_each_row_s_list_by_its_code(device):
    strings = pa.array(["a,b", None, "a,b", "", ",c"])
    column = arrow_to_column(strings, torch.device(device))
    assert _python(split(column, ",")) == [["a", "b"], None, ["a", "b"], [""], ["", "c"]]
    assert _python(split(column, None)) == [["a,b"], None, ["a,b"], [""], [",c"]]


@pytest.mark.parametrize("device", DEVICES)
def test_reverse_and_flatten(device):
    column = _lists(device, ROWS)
    assert _python(list_functions.reverse(column)) == [
        None if r is None else r[::-1] for r in _gathered(ROWS)]
    nested = [[[1, 2], None, []], None, [], [[3], [None, 4]], [None]]
    column = arrow_to_column(pa.array(nested, pa.list_(pa.list_(pa.int64()))),
                             torch.device(device)).take(torch.tensor([3, 0, 1, 2, 4, 0],
                                                                     device=device))
    expected = [[3, None, 4], [1, 2], None, [], [], [1, 2]]
    assert _python(list_functions.flatten_nested(column)) == expected
