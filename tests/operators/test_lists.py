"""The LIST kernels on Arrow's layout against plain Python lists: spans of shared and skipped
elements, subscripts, slices, concatenation of different list arrays, UNNEST, LIST and top-n
aggregates, with NULL lists, empty lists and NULL elements."""

from __future__ import annotations

import pyarrow as pa
import pytest
import torch
from sqlglot import exp

from tests.conftest import devices
from tqp.errors import NotSupportedError
from tqp.operators import list_aggregates, lists
from tqp.operators.batches import concat_columns
from tqp.storage.arrow import arrow_to_column, column_to_arrow
from tqp.storage.column import Batch, Column, ListArray
from tqp.types import DataType

DEVICES = devices()
ROWS = [[1, 2, 3], None, [], [None, 4], [2, 2], [5]]


def _lists(device, rows=ROWS) -> Column:
    return arrow_to_column(pa.array(rows, pa.list_(pa.int64())), torch.device(device))


def _python(column: Column) -> list:
    return column_to_arrow(column).to_pylist()


def _ints(values, device) -> Column:
    valid = torch.tensor([v is not None for v in values], device=device)
    data = torch.tensor([0 if v is None else v for v in values], device=device)
    return Column(data, DataType.BIGINT).with_valid(valid)


@pytest.mark.parametrize("device", DEVICES)
def test_arrow_round_trip_keeps_nulls_and_empty_lists(device):
    assert _python(_lists(device)) == ROWS


@pytest.mark.parametrize("device", DEVICES)
def test_gathered_rows_share_elements(device):
    """Rows repeated and reordered by a gather (a join, a sort) read the same elements."""
    column = _lists(device).take(torch.tensor([5, 0, 0, 1, 3], device=device))
    assert _python(column) == [ROWS[5], ROWS[0], ROWS[0], ROWS[1], ROWS[3]]
    assert len(column.lists.elements) == 8  # nothing copied


@pytest.mark.parametrize("device", DEVICES)
def test_extract_is_one_based_and_negative_from_the_end(device):
    column = _lists(device)
    for i in (-4, -1, 0, 1, 2, 3, 4):
        expected = [None if r is None or not (1 <= abs(i) <= len(r)) or i == 0
                    else (r[i - 1] if i > 0 else r[i]) for r in ROWS]
        index = _ints([i] * len(ROWS), device)
        assert column_to_arrow(lists.extract(column, index)).to_pylist() == expected, i


@pytest.mark.parametrize("device", DEVICES)
def test_slice_clamps_bounds(device):
    column = _lists(device)
    for begin, end in ((1, 2), (2, 100), (-2, -1), (-10, 1), (3, 1), (0, 2)):
        def bound(b, n):
            return n + b + 1 if b < 0 else b
        expected = [None if r is None else
                    r[max(bound(begin, len(r)), 1) - 1: min(bound(end, len(r)), len(r))]
                    for r in ROWS]
        got = lists.slice_(column, _ints([begin] * 6, device), _ints([end] * 6, device))
        assert _python(got) == expected, (begin, end)


@pytest.mark.parametrize("device", DEVICES)
def test_concat_of_different_list_arrays(device):
    a = _lists(device).take(torch.tensor([3, 0], device=device))
    b = arrow_to_column(pa.array([[7], None], pa.list_(pa.int32())), torch.device(device))
    assert _python(concat_columns([a, b], "test")) == [[None, 4], [1, 2, 3], [7], None]


@pytest.mark.parametrize("device", DEVICES)
def test_unnest_repeats_rows_per_element_of_the_longest_list(device):
    batch = Batch({"k": _ints(list(range(6)), device), "l": _lists(device)}, 6)
    other = exp.Array(expressions=[exp.Literal.number(9)])
    out = lists.unnest(batch, (("x", exp.column("l", quoted=True)), ("y", other)))
    got = list(zip(*(column_to_arrow(out[n]).to_pylist() for n in ("k", "x", "y"))))
    expected = []
    for k, row in enumerate(ROWS):
        row = row or []
        for p in range(max(len(row), 1)):
            expected.append((k, row[p] if p < len(row) else None, 9 if p == 0 else None))
    assert got == expected


@pytest.mark.parametrize("device", DEVICES)
def test_collect_and_top_n_per_group(device):
    values = _ints([3, None, 1, 3, 2, 5], device)
    ids = torch.tensor([0, 0, 1, 1, 1, 0], device=device)
    assert _python(list_aggregates.collect(values, ids, 3)) == [[3, None, 5], [1, 3, 2], None]
    assert _python(list_aggregates.top_n(values, ids, 3, 2, False)) == [[3, 5], [1, 2], None]
    assert _python(list_aggregates.top_n(values, ids, 3, 2, True)) == [[5, 3], [3, 2], None]


@pytest.mark.parametrize("device", DEVICES)
def test_lists_are_no_keys(device):
    with pytest.raises(NotSupportedError, match="LIST"):
        lists.reject_list_keys([_lists(device)], "GROUP BY")


def test_list_array_lengths():
    elements = Column(torch.arange(3), DataType.BIGINT)
    assert ListArray(torch.tensor([0, 2, 2, 3]), elements).lengths().tolist() == [2, 0, 1]
