"""group_ids and the segment reductions against plain-Python group-by."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tqp.operators import group
from tqp.operators.group import (
    base_group_ids,
    group_ids,
    segment_all,
    segment_any,
    segment_count,
    segment_count_distinct,
    segment_max,
    segment_min,
    segment_sum,
)

DEVICES = devices()


def _sql_key(value):
    """Python sort/equality key of one nullable value: NULLs after every value."""
    return (1, 0) if value is None else (0, value)


def _rows(keys) -> list[tuple]:
    """Key tuples per row with None for NULL."""
    columns = []
    for values, valid in keys:
        vals = values.cpu().tolist()
        ok = [True] * len(vals) if valid is None else valid.cpu().tolist()
        columns.append([v if o else None for v, o in zip(vals, ok)])
    return list(zip(*columns))


def reference_groups(rows: list[tuple]) -> tuple[list[int], list[int]]:
    """(ids, first): groups numbered in ascending key order, first row of each group."""
    order = sorted(set(rows), key=lambda t: tuple(_sql_key(v) for v in t))
    number = {t: g for g, t in enumerate(order)}
    ids = [number[t] for t in rows]
    first = [ids.index(g) for g in range(len(order))]
    return ids, first


def _nullable(rng, values, device, null_rate=0.2):
    valid = torch.tensor(rng.random(len(values)) >= null_rate, device=device)
    return values.to(device), valid


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("wide", [False, True])
def test_group_ids_number_distinct_tuples(device, wide):
    rng = np.random.default_rng(int(wide))
    n = 200
    scale = 2**50 if wide else 1  # wide keys overflow the mixed radix and are ranked first
    keys = [
        (torch.tensor(rng.integers(-3, 3, n) * scale, device=device), None),
        _nullable(rng, torch.tensor(rng.integers(0, 4, n), dtype=torch.int32), device),
        _nullable(rng, torch.tensor(rng.integers(-2, 2, n) / 4.0, dtype=torch.float64), device),
        (torch.tensor(rng.integers(0, 2, n).astype(bool), device=device), None),
    ]
    ids, num_groups, first = group_ids(keys)
    ref_ids, ref_first = reference_groups(_rows(keys))
    assert ids.device == keys[0][0].device and ids.dtype == first.dtype == torch.int64
    assert ids.tolist() == ref_ids
    assert num_groups == len(ref_first)
    assert first.tolist() == ref_first


@pytest.mark.parametrize("device", DEVICES)
def test_rows_grouped_by_their_base_rows_group_are_grouped_by_the_gathered_keys(device):
    """Keys that are rows of a base at positions (a join's matches): numbering the rows by
    their base row's group gives the ids, count and order of numbering the gathered keys."""
    rng = np.random.default_rng(3)
    m, n = 40, 500
    base = [_nullable(rng, torch.tensor(rng.integers(0, 5, m)), device),
            (torch.tensor(rng.integers(-2, 2, m), dtype=torch.int32, device=device), None)]
    positions = torch.tensor(rng.integers(0, m // 2, n), device=device)  # half the base unused
    gathered = [(v.index_select(0, positions), None if ok is None else ok.index_select(0, positions))
                for v, ok in base]
    ids, num_groups, first = group_ids([(base_group_ids(base, positions), None)])
    ref_ids, ref_first = reference_groups(_rows(gathered))
    assert ids.tolist() == ref_ids and num_groups == len(ref_first) and first.tolist() == ref_first
    assert base_group_ids(base, positions[:0]).numel() == 0


@pytest.mark.parametrize("device", DEVICES)
def test_null_is_one_group_distinct_from_every_value(device):
    values = torch.tensor([0, 5, 0, 5, 0], device=device)
    valid = torch.tensor([True, False, False, True, True], device=device)
    ids, num_groups, first = group_ids([(values, valid)])
    assert ids.tolist() == [0, 2, 2, 1, 0] and num_groups == 3 and first.tolist() == [0, 3, 1]


@pytest.mark.parametrize("device", DEVICES)
def test_dense_and_unique_paths_agree(device, monkeypatch):
    rng = np.random.default_rng(5)
    keys = [(torch.tensor(rng.integers(-50, 50, 300), device=device), None)]
    dense = group_ids(keys)
    monkeypatch.setattr(group, "DENSE_FACTOR", 0)
    monkeypatch.setattr(group, "DENSE_SLACK", 0)
    sparse = group_ids(keys)
    assert dense[0].tolist() == sparse[0].tolist() and dense[1] == sparse[1]
    assert dense[2].tolist() == sparse[2].tolist()


@pytest.mark.parametrize("device", DEVICES)
def test_keys_already_in_order_are_numbered_by_runs_as_the_other_paths_number_them(device):
    """Sorted keys (NULLs last, as they pack): a group starts where the key changes; ids and
    count are those the other paths give the same rows shuffled; the first row of each group
    is where it starts; unsorted keys do not take this path."""
    rng = np.random.default_rng(7)
    values = torch.tensor(np.sort(rng.integers(-20, 20, 400)), device=device)
    valid = torch.ones(400, dtype=torch.bool, device=device)
    valid[-30:] = False
    for keys in ([(values, None)], [(values, valid)], [(values, None), (values // 3, None)]):
        ran = []
        runs = group_ids(keys, ran=ran)
        assert ran == ["runs"]
        shuffled = torch.randperm(400, device=device)
        inverse = torch.argsort(shuffled)
        ran = []
        other = group_ids([(v[shuffled], None if m is None else m[shuffled]) for v, m in keys],
                          ran=ran)
        assert ran != ["runs"]
        assert runs[1] == other[1]
        assert runs[0].tolist() == other[0][inverse].tolist()
        ids = runs[0].tolist()
        assert runs[2].tolist() == [i for i in range(400) if i == 0 or ids[i] != ids[i - 1]]


@pytest.mark.parametrize("device", DEVICES)
def test_zero_keys_put_every_row_in_group_zero(device):
    ids, num_groups, first = group_ids([], num_rows=4, device=device)
    assert ids.tolist() == [0, 0, 0, 0] and num_groups == 1 and first.tolist() == [0]
    ids, num_groups, first = group_ids([], num_rows=0, device=device)
    assert ids.numel() == 0 and num_groups == 1 and first.numel() == 0
    with pytest.raises(ValueError):
        group_ids([])


@pytest.mark.parametrize("device", DEVICES)
def test_group_ids_of_no_rows(device):
    empty = torch.empty(0, dtype=torch.int64, device=device)
    ids, num_groups, first = group_ids([(empty, None), (empty.to(torch.float64), empty.bool())])
    assert ids.numel() == 0 and num_groups == 0 and first.numel() == 0


# ---- segment reductions ------------------------------------------------------------------------


def _groups_of(values, valid, ids, num_groups):
    """Non-NULL input values per group, as Python lists."""
    vals = values.cpu().tolist()
    ok = [True] * len(vals) if valid is None else valid.cpu().tolist()
    out = [[] for _ in range(num_groups)]
    for v, o, g in zip(vals, ok, ids.cpu().tolist()):
        if o:
            out[g].append(v)
    return out


def _sql_min(xs):
    numbers = [x for x in xs if not (isinstance(x, float) and math.isnan(x))]
    return min(numbers) if numbers else xs[0]  # NaN is the greatest value


def _sql_max(xs):
    nans = [x for x in xs if isinstance(x, float) and math.isnan(x)]
    return nans[0] if nans else max(xs)


def _as_lists(result, result_valid, num_groups):
    ok = [True] * num_groups if result_valid is None else result_valid.cpu().tolist()
    return [v if o else None for v, o in zip(result.cpu().tolist(), ok)]


def _same(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if isinstance(e, float) and math.isnan(e):
            assert isinstance(g, float) and math.isnan(g)
        elif isinstance(e, float):
            assert g == pytest.approx(e, rel=1e-9, abs=1e-12)
        else:
            assert g == e


def _inputs(rng, dtype, device, n=120, num_groups=9, nulls=True):
    ids = torch.tensor(rng.integers(0, num_groups, n), device=device)
    ids[:num_groups] = torch.arange(num_groups, device=device)  # every group has a row
    if dtype == torch.bool:
        values = torch.tensor(rng.integers(0, 2, n).astype(bool), device=device)
    elif dtype == torch.float64:
        values = torch.tensor(rng.normal(size=n) * 100, device=device)
        values[::17] = float("nan")
    else:
        values = torch.tensor(rng.integers(-1000, 1000, n), dtype=dtype, device=device)
    valid = None
    if nulls:
        valid = torch.tensor(rng.random(n) > 0.3, device=device)
        valid[ids == num_groups - 1] = False  # one group with only NULL inputs
    return values, valid, ids, num_groups


DTYPES = [torch.int32, torch.int64, torch.float64, torch.bool]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nulls", [False, True])
def test_segment_sum_min_max(device, dtype, nulls):
    rng = np.random.default_rng(DTYPES.index(dtype) * 2 + nulls)
    values, valid, ids, num_groups = _inputs(rng, dtype, device, nulls=nulls)
    groups = _groups_of(values, valid, ids, num_groups)
    if dtype == torch.float64:
        values_for_sum = torch.where(torch.isnan(values), torch.zeros_like(values), values)
        sum_groups = _groups_of(values_for_sum, valid, ids, num_groups)
    else:
        values_for_sum, sum_groups = values, groups

    total, total_valid = segment_sum(values_for_sum, valid, ids, num_groups)
    assert total.dtype == (torch.float64 if dtype == torch.float64 else torch.int64)
    _same(_as_lists(total, total_valid, num_groups), [sum(g) if g else None for g in sum_groups])

    low, low_valid = segment_min(values, valid, ids, num_groups)
    high, high_valid = segment_max(values, valid, ids, num_groups)
    assert low.dtype == high.dtype == dtype
    _same(_as_lists(low, low_valid, num_groups), [_sql_min(g) if g else None for g in groups])
    _same(_as_lists(high, high_valid, num_groups), [_sql_max(g) if g else None for g in groups])
    if not nulls:
        assert total_valid is None and low_valid is None and high_valid is None


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("nulls", [False, True])
def test_segment_count_and_count_distinct(device, nulls):
    rng = np.random.default_rng(11 + nulls)
    for dtype in (torch.int64, torch.float64):
        values, valid, ids, num_groups = _inputs(rng, dtype, device, nulls=nulls)
        values = values % 7  # plenty of repeats
        groups = _groups_of(values, valid, ids, num_groups)
        counts = segment_count(valid, ids, num_groups)
        assert counts.dtype == torch.int64 and counts.tolist() == [len(g) for g in groups]
        distinct = segment_count_distinct(values, valid, ids, num_groups)
        canon = [{"nan" if isinstance(v, float) and math.isnan(v) else v for v in g} for g in groups]
        assert distinct.dtype == torch.int64 and distinct.tolist() == [len(c) for c in canon]


@pytest.mark.parametrize("device", DEVICES)
def test_count_star_over_rows_split_across_threads(device):
    # From group.SPLIT_MIN_ROWS rows into few groups the count is summed in slices, one per
    # thread, each reading its part of the same broadcast one.
    rng = np.random.default_rng(17)
    n = group.SPLIT_MIN_ROWS + 12345
    ids = torch.tensor(rng.integers(0, 5, n), device=device)
    counts = segment_count(None, ids, 5)
    assert counts.dtype == torch.int64
    assert counts.tolist() == np.bincount(ids.cpu().numpy(), minlength=5).tolist()


@pytest.mark.parametrize("device", DEVICES)
def test_segment_any_all(device):
    rng = np.random.default_rng(13)
    values, valid, ids, num_groups = _inputs(rng, torch.bool, device)
    groups = _groups_of(values, valid, ids, num_groups)
    any_ = _as_lists(*segment_any(values, valid, ids, num_groups), num_groups)
    all_ = _as_lists(*segment_all(values, valid, ids, num_groups), num_groups)
    _same(any_, [any(g) if g else None for g in groups])
    _same(all_, [all(g) if g else None for g in groups])


@pytest.mark.parametrize("device", DEVICES)
def test_global_aggregate_over_no_rows_is_null_except_counts(device):
    ids = torch.empty(0, dtype=torch.int64, device=device)
    values = torch.empty(0, dtype=torch.float64, device=device)
    for reduce in (segment_sum, segment_min, segment_max):
        for valid in (None, torch.empty(0, dtype=torch.bool, device=device)):
            result, result_valid = reduce(values, valid, ids, 1)
            assert result.shape == (1,) and result_valid.tolist() == [False]
    assert segment_count(None, ids, 1).tolist() == [0]
    assert segment_count_distinct(values, None, ids, 1).tolist() == [0]


def _python_ints(words: torch.Tensor) -> list[int]:
    """128-bit words (or int64 values) as Python ints."""
    if words.dim() == 1:
        return words.tolist()
    return [(hi << 64) + (lo & (2**64 - 1)) for lo, hi in words.tolist()]


@pytest.mark.parametrize("seed", range(5))
def test_segment_sum_wide_is_the_exact_sum_of_int64_and_128_bit_values(seed):
    """Sums in 32-bit limbs with the carries passed up equal Python's exact sums, for int64
    inputs near the limits and for 128-bit inputs (the partial sums a merge adds up)."""
    from tqp.operators.group import segment_sum_wide
    from tqp.storage.wide import widen

    g = torch.Generator().manual_seed(seed)
    n, groups = 2000, 7
    values = torch.randint(-2**63, 2**63 - 1, (n,), generator=g, dtype=torch.int64)
    valid = torch.rand(n, generator=g) > 0.1
    ids = torch.randint(0, groups, (n,), generator=g)
    sums, sums_valid = segment_sum_wide(values, valid, ids, groups)
    expected = [0] * groups
    for v, ok, i in zip(values.tolist(), valid.tolist(), ids.tolist()):
        expected[i] += v if ok else 0
    assert _python_ints(sums) == expected
    assert bool(sums_valid.all())  # every group got a value
    # The 128-bit sums summed again (as a merge of partial sums does), mixed with int64 ones.
    wide = torch.cat([sums, widen(values[:groups])])
    again, _ = segment_sum_wide(wide, None, torch.arange(2 * groups) % 2, 2)
    both = expected + values[:groups].tolist()
    assert _python_ints(again) == [sum(both[0::2]), sum(both[1::2])]


def test_segment_sum_wide_is_one_word_where_every_sum_fits():
    from tqp.operators.group import segment_sum_wide

    values = torch.tensor([2**62, 2**62, -2**62, 5], dtype=torch.int64)
    sums, _ = segment_sum_wide(values, None, torch.tensor([0, 1, 1, 0]), 2)
    assert sums.dim() == 1 and sums.tolist() == [2**62 + 5, 0]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("keep", [False, True])
def test_key_slots_place_each_group_at_its_key_tuple(device, keep):
    """Rows with equal key tuples share a slot; the occupied slots, ascending, are the groups
    of `group_ids` in order; rows `keep` drops occupy no slot."""
    rng = np.random.default_rng(7)
    n = 300
    keys = [
        _nullable(rng, torch.tensor(rng.integers(-3, 3, n), dtype=torch.int32), device),
        (torch.tensor(rng.integers(10, 14, n), device=device), None),
        (torch.tensor(rng.integers(0, 2, n).astype(bool), device=device), None),
    ]
    mask = torch.tensor(rng.random(n) < 0.7, device=device) if keep else None
    slots = group.key_slots(keys, mask)
    kept = torch.arange(n, device=device) if mask is None else torch.nonzero(mask).flatten()
    ids, num_groups, _ = group_ids([(v[kept], None if ok is None else ok[kept])
                                    for v, ok in keys])
    assert slots.occupied.numel() == num_groups
    assert slots.size == 2 * 6 * 4 * 2 + keep  # NULL flag x values, x 4 x 2 (+ dropped rows)
    # The slot of each kept row is the occupied slot of its group.
    assert slots.ids[kept].tolist() == slots.occupied[ids].tolist()
    first_slots = slots.ids[slots.first]
    assert first_slots.tolist() == slots.occupied.tolist()
    if mask is not None:
        assert (slots.ids[~mask] == slots.size - 1).all()


def test_key_slots_leave_wide_ranges_to_group_ids():
    keys = [(torch.tensor([0, 10**6, 5]), None)]
    assert group.key_slots(keys) is None


@pytest.mark.parametrize("groups", [3, group.SPLIT_MAX_GROUPS + 1,
                                    (group.SPLIT_MIN_ROWS + 17) // group.SPLIT_ROWS_PER_GROUP + 1])
def test_a_sum_split_across_threads_equals_one_scatter(groups):
    """Above SPLIT_MIN_ROWS a per-group sum over few groups (at most SPLIT_MAX_GROUPS, or one
    per SPLIT_ROWS_PER_GROUP rows) adds each thread's slice into groups of its own: integers
    add up exactly as one scatter_add_ does, floats within rounding; over more groups it stays
    one scatter."""
    rows = group.SPLIT_MIN_ROWS + 17
    generator = torch.Generator().manual_seed(groups)
    ids = torch.randint(0, groups, (rows,), generator=generator)
    ints = torch.randint(-1000, 1000, (rows,), generator=generator)
    floats = torch.rand(rows, generator=generator, dtype=torch.float64)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        for values in (ints, floats):
            one = torch.zeros(groups, dtype=values.dtype).scatter_add_(0, ids, values)
            split = group.scatter_sum(ids, values, groups)
            assert torch.allclose(split, one, rtol=1e-12) if values.is_floating_point() \
                else torch.equal(split, one)
    finally:
        torch.set_num_threads(previous)


@pytest.mark.parametrize("groups", [7, 100_000])
def test_first_rows_split_across_threads_are_each_groups_first(groups):
    """Over SPLIT_MIN_ROWS rows on two threads, each slice finds its groups' first rows and the
    least is kept: every group's first row, as one scatter of the minimum gives it, and with
    `first_row=False` a row of the group."""
    rows = group.SPLIT_MIN_ROWS + 29
    generator = torch.Generator().manual_seed(groups)
    keys = torch.randint(0, groups, (rows,), generator=generator)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        ids, count, first = group.group_ids([(keys, None)])
        _, _, some = group.group_ids([(keys, None)], first_row=False)
    finally:
        torch.set_num_threads(previous)
    expected = torch.full((count,), rows, dtype=torch.int64).scatter_reduce_(
        0, ids, torch.arange(rows), "amin", include_self=True)
    assert torch.equal(first, expected)
    assert torch.equal(ids[some], torch.arange(count))
