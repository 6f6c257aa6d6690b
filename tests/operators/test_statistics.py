"""The order-statistic kernels and STRING_AGG against plain-Python per-group answers (random
groups with NULLs, ties and empty groups)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
import torch

from tests.conftest import devices
from tqp.operators import statistics
from tqp.operators.string_agg import string_agg
from tqp.storage.column import Column
from tqp.storage.dictionary import from_strings
from tqp.types import DataType

DEVICES = devices()
GROUPS = 7  # group 6 never occurs: its results must be NULL


def _data(device, seed=0, n=300):
    rng = np.random.default_rng(seed)
    ids = torch.tensor(rng.integers(0, GROUPS - 1, n), device=device)
    values = torch.tensor(rng.integers(-5, 6, n), dtype=torch.int64, device=device)
    valid = torch.tensor(rng.random(n) > 0.2, device=device)
    return ids, Column(values, DataType.BIGINT, valid)


def _per_group(ids, column):
    groups = [[] for _ in range(GROUPS)]
    valid = column.validity().cpu().tolist()
    for g, v, ok in zip(ids.cpu().tolist(), column.values.cpu().tolist(), valid):
        groups[g].append(v if ok else None)
    return groups


def _result(column):
    valid = column.validity().cpu().tolist()
    return [v if ok else None for v, ok in zip(column.values.cpu().tolist(), valid)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("q", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
def test_quantiles(device, q):
    ids, column = _data(device)
    cont = _result(statistics.quantile(column, ids, GROUPS, q, discrete=False))
    disc = _result(statistics.quantile(column, ids, GROUPS, q, discrete=True))
    disc_desc = _result(statistics.quantile(column, ids, GROUPS, q, True, descending=True))
    for g, values in enumerate(_per_group(ids, column)):
        xs = sorted(v for v in values if v is not None)
        if not xs:
            assert cont[g] is None and disc[g] is None and disc_desc[g] is None
            continue
        n = len(xs)
        pos = (n - 1) * q
        lo, hi = math.floor(pos), math.ceil(pos)
        assert cont[g] == pytest.approx(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))
        index = max(1, n - math.floor(n - q * n)) - 1
        assert disc[g] == xs[index]
        assert disc_desc[g] == xs[::-1][index]


@pytest.mark.parametrize("device", DEVICES)
def test_mode_takes_the_first_of_equally_frequent_values(device):
    ids, column = _data(device, seed=1)
    result = _result(statistics.mode(column, ids, GROUPS))
    for g, values in enumerate(_per_group(ids, column)):
        present = [v for v in values if v is not None]
        if not present:
            assert result[g] is None
            continue
        counts = Counter(present)
        top = max(counts.values())
        assert result[g] == next(v for v in present if counts[v] == top)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("largest", [False, True])
def test_arg_extreme_skips_nulls_and_takes_the_first_tie(device, largest):
    ids, by = _data(device, seed=2)
    arg = Column(torch.arange(len(by), device=device), DataType.BIGINT,
                 torch.arange(len(by), device=device) % 5 != 0)
    result = _result(statistics.arg_extreme(arg, by, ids, GROUPS, largest))
    rows = [[] for _ in range(GROUPS)]
    for row, (g, v, ok, aok) in enumerate(zip(ids.tolist(), by.values.tolist(),
                                              by.validity().tolist(), arg.validity().tolist())):
        if ok and aok:
            rows[g].append((v, row))
    for g, candidates in enumerate(rows):
        if not candidates:
            assert result[g] is None
            continue
        best = (max if largest else min)(v for v, _ in candidates)
        assert result[g] == next(r for v, r in candidates if v == best)


@pytest.mark.parametrize("device", DEVICES)
def test_first_and_last_keep_nulls(device):
    ids, column = _data(device, seed=3)
    first = _result(statistics.first_or_last(column, ids, GROUPS, last=False, skip_nulls=False))
    last = _result(statistics.first_or_last(column, ids, GROUPS, last=True, skip_nulls=False))
    for g, values in enumerate(_per_group(ids, column)):
        assert first[g] == (values[0] if values else None)
        assert last[g] == (values[-1] if values else None)


@pytest.mark.parametrize("device", DEVICES)
def test_string_agg_joins_each_group_in_input_order(device):
    words = pa.array(["b", None, "a", "", "c", "a", None, "d"], pa.large_string())
    codes, dictionary = from_strings(words, torch.device(device))
    valid = torch.tensor([w is not None for w in words.to_pylist()], device=device)
    ids = torch.tensor([0, 1, 0, 2, 2, 0, 3, 2], device=device)
    column = Column(codes, DataType.VARCHAR, valid, dictionary)
    result = string_agg(column, ids, 5, "|")
    strings = result.dictionary.take(pa.array(result.values.cpu().numpy())).to_pylist()
    got = [s if ok else None for s, ok in zip(strings, result.validity().cpu().tolist())]
    assert got == ["b|a|a", None, "|c|d", None, None]
