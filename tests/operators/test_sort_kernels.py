"""sort_indices / top_k_indices against Python's stable sorted() with a comparator."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tqp.operators.sort import sort_indices, sort_key, top_k_indices

DEVICES = devices()


def _compare_values(a, b) -> int:
    """Three-way compare of two non-NULL values; NaN is greater than every number."""
    a_nan = isinstance(a, float) and math.isnan(a)
    b_nan = isinstance(b, float) and math.isnan(b)
    if a_nan or b_nan:
        return int(a_nan) - int(b_nan)
    return (a > b) - (a < b)


def reference_order(keys) -> list[int]:
    """The stable lexicographic order of the rows, key by key, with NULL placement."""
    columns = []
    for values, valid, descending, nulls_first in keys:
        vals = values.cpu().tolist()
        ok = [True] * len(vals) if valid is None else valid.cpu().tolist()
        columns.append(([v if o else None for v, o in zip(vals, ok)], descending, nulls_first))

    def compare(i, j):
        for vals, descending, nulls_first in columns:
            a, b = vals[i], vals[j]
            if a is None or b is None:
                if a is None and b is None:
                    continue
                null_side = -1 if nulls_first else 1
                return null_side if a is None else -null_side
            c = _compare_values(a, b)
            if c:
                return -c if descending else c
        return 0

    n = len(columns[0][0])
    return sorted(range(n), key=functools.cmp_to_key(compare))


def _column(rng, dtype, n, device):
    if dtype == torch.bool:
        return torch.tensor(rng.integers(0, 2, n).astype(bool), device=device)
    if dtype == torch.float64:
        values = torch.tensor(rng.integers(-3, 3, n) / 2.0, device=device)
        values[rng.integers(0, n, 3)] = float("nan")
        values[rng.integers(0, n, 3)] = -0.0
        return values
    return torch.tensor(rng.integers(-4, 4, n), dtype=dtype, device=device)


def _random_keys(rng, n, device, specs):
    """specs: (dtype, nullable, descending, nulls_first) per key; small ranges, many ties."""
    keys = []
    for dtype, nullable, descending, nulls_first in specs:
        valid = torch.tensor(rng.random(n) > 0.25, device=device) if nullable else None
        keys.append((_column(rng, dtype, n, device), valid, descending, nulls_first))
    return keys


SPECS = {
    "one int key": [(torch.int64, False, False, False)],
    "one desc float key": [(torch.float64, False, True, False)],
    "nullable nulls first": [(torch.int32, True, False, True)],
    "nullable desc nulls last": [(torch.int32, True, True, False)],
    "mixed three keys": [
        (torch.int32, True, True, True),
        (torch.float64, True, False, False),
        (torch.bool, False, True, False),
    ],
    "int then bool": [(torch.int64, False, False, False), (torch.bool, True, False, True)],
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec", list(SPECS))
def test_sort_indices_is_the_stable_lexicographic_order(device, spec):
    rng = np.random.default_rng(list(SPECS).index(spec))
    keys = _random_keys(rng, 150, device, SPECS[spec])
    perm = sort_indices(keys)
    assert perm.dtype == torch.int64 and perm.device == keys[0][0].device
    assert perm.tolist() == reference_order(keys)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec", list(SPECS))
def test_sort_key_orders_and_ties_as_the_keys(device, spec):
    rng = np.random.default_rng(50 + list(SPECS).index(spec))
    keys = _random_keys(rng, 150, device, SPECS[spec])
    key = sort_key(keys)
    assert torch.sort(key, stable=True).indices.tolist() == reference_order(keys)
    def value(values, valid, i):
        if valid is not None and not bool(valid[i]):
            return None
        v = values[i].item()
        return "NaN" if isinstance(v, float) and math.isnan(v) else v

    rows = [tuple(value(values, valid, i) for values, valid, _, _ in keys) for i in range(150)]
    for i in range(150):  # equal packed values exactly for equal key tuples (NULLs equal)
        assert [rows[j] == rows[i] for j in range(150)] == (key == key[i]).tolist()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec", list(SPECS))
@pytest.mark.parametrize("k", [0, 1, 7, 40, 400])
def test_top_k_is_the_head_of_the_sort(device, spec, k):
    rng = np.random.default_rng(100 + list(SPECS).index(spec))
    keys = _random_keys(rng, 300, device, SPECS[spec])
    top = top_k_indices(keys, k)
    assert top.dtype == torch.int64
    assert top.tolist() == reference_order(keys)[:k]


@pytest.mark.parametrize("device", DEVICES)
def test_top_k_with_many_distinct_values(device):
    rng = np.random.default_rng(9)
    keys = [(torch.tensor(rng.permutation(1000) * 3 - 1500, device=device), None, True, False)]
    assert top_k_indices(keys, 10).tolist() == reference_order(keys)[:10]


@pytest.mark.parametrize("device", DEVICES)
def test_empty_input(device):
    empty = torch.empty(0, dtype=torch.int64, device=device)
    keys = [(empty, None, False, False), (empty.double(), empty.bool(), True, True)]
    assert sort_indices(keys).numel() == 0
    assert top_k_indices(keys, 5).numel() == 0
