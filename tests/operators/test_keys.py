"""pack_keys / pack_join_keys: equal packed values iff equal key tuples, order kept."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tqp.operators.keys import (
    float_from_key, float_key, pack_build_keys, pack_join_keys, pack_keys, pack_probe_keys,
    probe_inside,
)

DEVICES = devices()
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def _canon(value):
    """A Python value with SQL key equality: -0.0 == 0.0, NaN == NaN (and greatest)."""
    if isinstance(value, float):
        if math.isnan(value):
            return (1, 0.0)
        return (0, value + 0.0)
    return (0, value)


def _tuples(keys: list[torch.Tensor]) -> list[tuple]:
    columns = [k.cpu().tolist() for k in keys]
    return [tuple(_canon(v) for v in row) for row in zip(*columns)] if columns[0] else []


def assert_packs_like_tuples(packed: torch.Tensor, tuples: list[tuple], check_order: bool = True):
    """packed[i] == packed[j] iff tuples[i] == tuples[j]; packed order is tuple order."""
    assert packed.dtype == torch.int64
    codes = packed.cpu().tolist()
    assert len(codes) == len(tuples)
    by_tuple = {}
    for t, c in zip(tuples, codes):
        assert by_tuple.setdefault(t, c) == c, "equal tuples packed differently"
    assert len(set(by_tuple.values())) == len(by_tuple), "different tuples packed equal"
    if check_order:
        ordered = sorted(by_tuple)
        assert [by_tuple[t] for t in ordered] == sorted(by_tuple.values())


def _random_keys(rng, n, dtypes, device, spread=5):
    keys = []
    for dtype in dtypes:
        if dtype == torch.bool:
            keys.append(torch.tensor(rng.integers(0, 2, n).astype(bool), device=device))
        elif dtype == torch.float64:
            vals = rng.integers(-spread, spread, n) / 2.0
            keys.append(torch.tensor(vals, dtype=dtype, device=device))
        else:
            keys.append(torch.tensor(rng.integers(-spread, spread, n), dtype=dtype, device=device))
    return keys


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    "dtypes",
    [
        [torch.int64],
        [torch.int32, torch.int64],
        [torch.bool, torch.int32, torch.float64],
        [torch.float64, torch.float64],
    ],
)
def test_small_ranges_pack_mixed_radix(device, dtypes):
    rng = np.random.default_rng(0)
    keys = _random_keys(rng, 200, dtypes, device)
    packed = pack_keys(keys)
    assert packed.device == keys[0].device
    assert_packs_like_tuples(packed, _tuples(keys))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spread", [3, 300, 30_000])
def test_narrow_integer_keys_pack_like_tuples(device, spread):
    # int8..int32 keys are packed in int32 while every partial sum and the slot count fit
    # there; at the widest spread the three spans' product passes 2**31 (packed in int64).
    rng = np.random.default_rng(spread)
    dtypes = [torch.int16, torch.int32, torch.int32] if spread > 100 else \
        [torch.int8, torch.uint8, torch.int32]
    keys = []
    for dtype in dtypes:
        low = 0 if dtype == torch.uint8 else -spread
        values = rng.integers(low, spread, 400) + (0 if dtype == torch.uint8 else spread // 3)
        keys.append(torch.tensor(values, dtype=dtype, device=device))
    assert_packs_like_tuples(pack_keys(keys), _tuples(keys))


@pytest.mark.parametrize("device", DEVICES)
def test_wide_ranges_fall_back_to_ranks(device):
    rng = np.random.default_rng(1)
    n = 300
    wide = [rng.choice([I64_MIN, -(2**40), -1, 0, 2**40, I64_MAX], n) for _ in range(3)]
    keys = [torch.tensor(w, dtype=torch.int64, device=device) for w in wide]
    keys.append(torch.tensor(rng.integers(-3, 3, n), device=device))
    assert_packs_like_tuples(pack_keys(keys), _tuples(keys))


@pytest.mark.parametrize("device", DEVICES)
def test_many_distinct_wide_columns_rerank_the_prefix(device):
    rng = np.random.default_rng(2)
    n = 500
    # Each column alone has ~n distinct values; eight of them overflow 62 bits even as ranks.
    keys = [torch.tensor(rng.integers(-(2**60), 2**60, n) // 2**50 * 2**50, device=device) for _ in range(8)]
    assert_packs_like_tuples(pack_keys(keys), _tuples(keys))


@pytest.mark.parametrize("device", DEVICES)
def test_float_keys_treat_zero_signs_and_nans_as_equal(device):
    nan = float("nan")
    inf = float("inf")
    floats = torch.tensor([0.0, -0.0, nan, -nan, 1.5, -1.5, inf, -inf, nan], dtype=torch.float64)
    floats = floats.to(device)
    ints = torch.tensor([1, 1, 2, 2, 1, 1, 1, 1, 2], device=device)
    assert_packs_like_tuples(pack_keys([floats]), _tuples([floats]))
    assert_packs_like_tuples(pack_keys([floats, ints]), _tuples([floats, ints]))
    packed = pack_keys([floats]).tolist()
    assert packed[0] == packed[1] and packed[2] == packed[3] == packed[8]


@pytest.mark.parametrize("device", DEVICES)
def test_float_key_round_trips(device):
    values = torch.tensor([-2.5, -1e-300, 0.0, 3.25, float("inf"), -float("inf")], dtype=torch.float64)
    values = values.to(device)
    assert float_key(values).dtype == torch.int64
    assert torch.equal(float_from_key(float_key(values)), values)


@pytest.mark.parametrize("device", DEVICES)
def test_empty_keys(device):
    empty = torch.empty(0, dtype=torch.int64, device=device)
    assert pack_keys([empty]).numel() == 0
    assert pack_keys([empty, empty.to(torch.int32)]).numel() == 0
    left, right = pack_join_keys([empty, empty], [torch.tensor([1], device=device)] * 2)
    assert left.numel() == 0 and right.numel() == 1


def test_no_keys_is_an_error():
    with pytest.raises(ValueError):
        pack_keys([])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("wide", [False, True])
def test_join_keys_are_consistent_across_sides(device, wide):
    rng = np.random.default_rng(3)
    scale = 2**45 if wide else 1
    left = [
        torch.tensor(rng.integers(-4, 4, 120) * scale, dtype=torch.int64, device=device),
        torch.tensor(rng.integers(0, 3, 120), dtype=torch.int32, device=device),
    ]
    right = [
        torch.tensor(rng.integers(-6, 2, 80) * scale, dtype=torch.int64, device=device),
        torch.tensor(rng.integers(0, 3, 80), dtype=torch.int64, device=device),
    ]
    pl, pr = pack_join_keys(left, right)
    assert pl.numel() == 120 and pr.numel() == 80
    assert_packs_like_tuples(torch.cat([pl, pr]), _tuples(left) + _tuples(right))


@pytest.mark.parametrize("device", DEVICES)
def test_join_keys_compare_int_with_double_as_numbers(device):
    left = [torch.tensor([1, 2, 3], dtype=torch.int32, device=device)]
    right = [torch.tensor([2.0, 2.5, 1.0], dtype=torch.float64, device=device)]
    pl, pr = pack_join_keys(left, right)
    assert pl[0] == pr[2] and pl[1] == pr[0]
    assert not (pr[1] == pl).any()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build_scale", [1, 2**40])
def test_probe_rows_inside_the_build_ranges_pack_like_the_build(device, build_scale):
    """probe_inside picks the probe rows whose keys all lie in the build's ranges (an int32
    probe against int64 build bounds beyond int32 too), and those rows pack to a build row's
    value exactly when their tuples are equal."""
    rng = np.random.default_rng(5)
    build = [torch.tensor(rng.integers(-3, 3, 50) * build_scale, dtype=torch.int64, device=device),
             torch.tensor(rng.integers(0, 4, 50), dtype=torch.int64, device=device)]
    probe = [torch.tensor(rng.integers(-5, 5, 200), dtype=torch.int32, device=device),
             torch.tensor(rng.integers(-1, 6, 200), dtype=torch.int32, device=device)]
    packed_build, packing = pack_build_keys(build)
    inside = probe_inside(packing, probe)
    rows = torch.nonzero(inside).flatten()
    packed_probe = pack_probe_keys(packing, [p[rows] for p in probe])
    build_tuples = _tuples(build)
    probe_tuples = _tuples(probe)
    for j, row in enumerate(rows.tolist()):
        matches = [i for i, t in enumerate(build_tuples) if t == probe_tuples[row]]
        assert matches == (packed_build == packed_probe[j]).nonzero().flatten().tolist()
    outside = set(range(200)) - set(rows.tolist())
    assert all(probe_tuples[r] not in build_tuples for r in outside)
    assert any(probe_tuples[r] in build_tuples for r in rows.tolist())
