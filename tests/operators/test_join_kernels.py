"""join_indices / match_any / unmatched against a nested-loop reference; key_in against torch.isin."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tqp.operators import join
from tqp.operators.join import join_indices, key_in, match_any, unmatched

DEVICES = devices()


def reference_pairs(left: list[int], right: list[int]) -> list[tuple[int, int]]:
    """Every (i, j) with equal keys, i ascending then j ascending: the nested loop."""
    return [(i, j) for i, a in enumerate(left) for j, b in enumerate(right) if a == b]


def check(left, right, device):
    lk = torch.tensor(left, dtype=torch.int64, device=device)
    rk = torch.tensor(right, dtype=torch.int64, device=device)
    li, ri = join_indices(lk, rk)
    assert li.dtype == ri.dtype == torch.int64
    assert li.device == lk.device and ri.device == lk.device
    assert list(zip(li.tolist(), ri.tolist())) == reference_pairs(left, right)


CASES = {
    "dense unique right": (lambda rng: (rng.integers(-5, 60, 200), rng.permutation(50) - 3)),
    "duplicates both sides": (lambda rng: (rng.integers(-10, 10, 150), rng.integers(-10, 10, 120))),
    "sparse wide keys": (lambda rng: (rng.integers(-3, 3, 100) * 2**61, rng.integers(-3, 3, 90) * 2**61)),
    "small left, big right (build left)": (lambda rng: (rng.integers(0, 20, 10), rng.integers(0, 20, 400))),
    "small unique dense left": (lambda rng: (rng.permutation(30), rng.integers(-5, 40, 400))),
    "small left with duplicates, big unique right": (lambda rng: (rng.integers(-5, 500, 40),
                                                                  rng.permutation(450))),
    "no matches": (lambda rng: (rng.integers(0, 10, 50), rng.integers(100, 110, 50))),
    "one key everywhere": (lambda rng: (np.full(30, 7), np.full(20, 7))),
    # A build side stored in key order (a clustered table) skips the sort.
    "sorted right with duplicates": (lambda rng: (rng.integers(-5, 30, 200),
                                                 np.sort(rng.integers(0, 25, 150)))),
    "sorted sparse right": (lambda rng: (rng.integers(-3, 3, 100) * 2**61,
                                        np.sort(rng.integers(-3, 3, 90)) * 2**61)),
    # Sorted build keys with buckets: probe keys next to a build key share its bucket but miss.
    "wide build, near misses": (lambda rng: (
        np.concatenate([(k := rng.integers(0, 40, 60) * 10**12 + rng.integers(0, 3, 60)),
                        k + 1, k - 1, rng.integers(-2**40, 2**40, 50)]),
        rng.integers(0, 40, 50) * 10**12 + rng.integers(0, 3, 50))),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(CASES))
def test_join_indices_matches_nested_loop(device, case):
    rng = np.random.default_rng(list(CASES).index(case))
    left, right = CASES[case](rng)
    check(left.tolist(), right.tolist(), device)


@pytest.mark.parametrize("device", DEVICES)
def test_join_indices_both_strategies_agree(device, monkeypatch):
    rng = np.random.default_rng(7)
    left, right = rng.integers(0, 40, 100).tolist(), rng.permutation(40).tolist()
    check(left, right, device)  # direct address
    monkeypatch.setattr(join, "DENSE_FACTOR", 0)
    monkeypatch.setattr(join, "DENSE_SLACK", 0)
    check(left, right, device)  # sort + search


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("strategy", ["auto", "search"])
def test_a_build_side_already_in_key_order_keeps_its_row_order(device, strategy):
    key = torch.tensor([2, 2, 3, 5, 5, 5, 9], device=device)
    table = join.build_table(key, strategy=strategy)
    assert table.perm is None  # no sort, no permutation
    assert table.strategy == ("sorted" if strategy == "search" else "direct-runs")
    probe = torch.tensor([5, 1, 2], device=device)
    pi, bi = join.probe_table(table, probe)
    assert list(zip(pi.tolist(), bi.tolist())) == [(0, 3), (0, 4), (0, 5), (2, 0), (2, 1)]


@pytest.mark.parametrize("device", DEVICES)
def test_join_indices_empty_sides(device):
    check([], [1, 2], device)
    check([1, 2], [], device)
    check([], [], device)


@pytest.mark.parametrize("device", DEVICES)
def test_match_any_is_the_semi_join_mask(device):
    left_idx = torch.tensor([0, 0, 2, 4], device=device)
    assert match_any(6, left_idx).tolist() == [True, False, True, False, True, False]
    keep = torch.tensor([False, True, False, False], device=device)
    assert match_any(6, left_idx, keep).tolist() == [True, False, False, False, False, False]
    empty = torch.empty(0, dtype=torch.int64, device=device)
    assert match_any(3, empty).tolist() == [False, False, False]
    assert match_any(0, empty).numel() == 0


@pytest.mark.parametrize("device", DEVICES)
def test_unmatched_lists_rows_never_paired(device):
    idx = torch.tensor([3, 1, 1, 5], device=device)
    out = unmatched(7, idx)
    assert out.dtype == torch.int64 and out.device == idx.device
    assert out.tolist() == [0, 2, 4, 6]
    assert unmatched(3, torch.empty(0, dtype=torch.int64, device=device)).tolist() == [0, 1, 2]
    assert unmatched(0, torch.empty(0, dtype=torch.int64, device=device)).tolist() == []


@pytest.mark.parametrize("build_span", [10, 1 << 40], ids=["dense", "sparse"])
def test_key_in_agrees_with_isin(build_span):
    """key_in is torch.isin for int64 keys, through the presence table and the sorted search."""
    generator = torch.Generator().manual_seed(7)
    build = torch.randint(-build_span, build_span, (500,), generator=generator)
    probe = torch.cat([build[:100], torch.randint(-build_span, build_span, (1000,),
                                                  generator=generator)])
    assert torch.equal(key_in(probe, build), torch.isin(probe, build))


@pytest.mark.parametrize("device", devices())
def test_sorted_key_set_searches_only_probes_whose_bucket_holds_a_key(device):
    """A sparse build (one key, extreme keys, neighbours of the keys in the same bucket):
    the bucket filter passes every member and the search rejects the near misses."""
    for build in ([5], [-2**62, 2**62 - 1, 0], [10**12 + i * 977 for i in range(300)]):
        build = torch.tensor(build, device=device)
        probe = torch.cat([build, build + 1, build - 1, torch.tensor([-1, 2**62, 7],
                                                                     device=device)])
        assert torch.equal(key_in(probe, build), torch.isin(probe, build))
        assert key_in(probe, build).sum() >= build.unique().numel()


def test_key_in_with_an_empty_side():
    keys = torch.tensor([1, 2, 3])
    empty = torch.empty(0, dtype=torch.int64)
    assert key_in(keys, empty).tolist() == [False, False, False]
    assert key_in(empty, keys).numel() == 0


@pytest.mark.parametrize("probe_span", [30, 10_000_000], ids=["table-covers-probe", "range-checked"])
def test_duplicate_build_keys_probed_from_a_wider_range(probe_span):
    """Duplicate build keys in a narrow range, probe keys outside it on both sides: the run
    table is widened to the probe range when that is small, else probes are range-checked."""
    generator = torch.Generator().manual_seed(3)
    right = torch.randint(10, 20, (40,), generator=generator).tolist()
    left = torch.randint(-probe_span, probe_span, (60,), generator=generator).tolist()
    left += [10, 19, 15, -1, probe_span - 1]
    check(left, right, "cpu")


@pytest.mark.parametrize("device", DEVICES)
def test_unique_build_keys_give_a_direct_table_and_one_duplicate_a_run_table(device):
    """Uniqueness is read back from the table itself: a single repeated key among many makes
    the runs table, and both answer like the nested loop."""
    unique = list(range(1000, 3000, 2))
    one_duplicate = unique + [2500]
    probe = list(range(990, 3010, 3)) + [2500]
    for build, strategy in ((unique, "direct"), (one_duplicate, "direct-runs")):
        table = join.build_table(torch.tensor(build, device=device), len(probe))
        assert table.strategy == strategy
        check(probe, build, device)


@pytest.mark.parametrize("device", DEVICES)
def test_build_keys_in_order_are_numbered_in_runs_without_a_direct_table_tried(device,
                                                                               monkeypatch):
    """Keys stored in order (a table clustered by them): repeated ones are numbered in runs at
    once, unique ones make the direct table without reading it back; unordered ones are tried
    as before. Every table answers like the nested loop."""
    rng = np.random.default_rng(5)
    repeated = np.sort(rng.integers(100, 400, 900)).tolist()
    unique = list(range(-50, 850, 3))
    probe = rng.integers(-60, 900, 700).tolist() + repeated[:20]
    tried = []
    original = join._direct
    monkeypatch.setattr(join, "_direct", lambda *a: tried.append(a[3]) or original(*a))
    cases = ((repeated, "direct-runs", []), (unique, "direct", [True]),
             (list(reversed(unique)), "direct", [False]),
             (rng.permutation(repeated).tolist(), "direct-runs", [False]))
    for build, strategy, attempts in cases:
        tried.clear()
        table = join.build_table(torch.tensor(build, device=device), len(probe))
        assert table.strategy == strategy and tried == attempts
        if strategy == "direct-runs":  # rows in key order need no permutation
            assert (table.perm is None) == (build == sorted(build))
        check(probe, build, device)


@pytest.mark.parametrize("device", DEVICES)
def test_a_runs_table_spans_the_range_once_and_numbers_the_distinct_keys(device):
    """Duplicate keys, unsorted and sparse over their range (negative ones too): one table over
    the range numbers each distinct key's run; run starts and lengths are one per distinct key.
    Probes inside, between and outside the build keys answer like the nested loop."""
    rng = np.random.default_rng(11)
    build = rng.choice(np.arange(-5000, 5000, 37), 300).tolist()
    probe = rng.integers(-6000, 6000, 2000).tolist() + build[:50]
    table = join.build_table(torch.tensor(build, device=device), len(probe))
    assert table.strategy == "direct-runs" and table.perm is not None
    distinct = len(set(build))
    assert table.table.numel() == max(build) - min(build) + 1
    assert table.starts.numel() == table.runs.numel() == distinct
    assert int((table.table >= 0).sum()) == distinct
    check(probe, build, device)
    check(build, probe, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build", [[50, 60, 70, 80, 90], [50, 60, 60, 90, 70]])
def test_a_table_told_the_probe_range_covers_it_when_probing_would_pad_it(device, build):
    """`cover` (the probe keys' min and max) widens a direct table (unique or runs) to the probe
    range at build time, from 0 when that is near: probing then needs no padding. A table
    spanning a small share of the probe range stays as it is (probed by the keys inside)."""
    probe = [3, 50, 55, 60, 90, 91, 120, 60]  # (probe keys outside a cover miss too)
    key = torch.tensor(build, device=device)
    expected = sorted((i, j) for i, p in enumerate(probe) for j, b in enumerate(build) if p == b)
    for probe_rows, cover, span in ((200, (3, 120), (0, 120)), (8, (40, 100), (40, 100))):
        table = join.build_table(key, probe_rows, cover=cover)
        assert (table.lo, table.hi) == span
        li, ri = join.probe_table(table, torch.tensor(probe, device=device))
        assert sorted(zip(li.tolist(), ri.tolist())) == expected
    narrow = join.build_table(key, 1000, cover=(-10**6, 10**6))
    assert (narrow.lo, narrow.hi) == (50, 90)
    check(probe, build, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build", [[7, 3, 11, 5], [7, 3, 7, 11, 3, 3, 5, 11]])
def test_a_sorted_table_finds_runs_with_one_search(device, build):
    """A sorted table records where each run of equal keys ends (nothing when the keys are
    unique), so a probe key's run takes one binary search; probes below, between, equal to
    and past every key (the last one included) give the nested loop's pairs."""
    table = join.build_table(torch.tensor(build, device=device), strategy="search")
    assert table.strategy == "sorted"
    assert (table.runs is None) == (len(set(build)) == len(build))
    probe = [0, 3, 4, 5, 11, 12, 7, 3, 100]
    li, ri = join.probe_table(table, torch.tensor(probe, device=device))
    expected = sorted((i, j) for i, p in enumerate(probe) for j, b in enumerate(build) if p == b)
    assert sorted(zip(li.tolist(), ri.tolist())) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_positive_probe_keys_index_a_table_from_zero(device):
    """Positive keys near zero look the table up by the key itself (no base subtracted); keys
    above or below the build range still miss."""
    table = join.build_table(torch.tensor([5, 7, 9], device=device), 4)
    probe = torch.tensor([0, 5, 6, 7, 9, 11], device=device)
    li, ri = join.probe_table(table, probe)
    assert li.tolist() == [1, 3, 4] and ri.tolist() == [0, 1, 2]


@pytest.mark.parametrize("device", DEVICES)
def test_a_small_left_side_with_repeated_keys_probes_a_unique_right_side(device):
    """The pairs must come ordered by left row: a left side with repeated keys would be
    built, probed and re-sorted, so the right side's unique keys are built instead."""
    left, right = [7, 3, 7, 9, 3], list(range(40, -1, -1))
    ran: list = []
    li, ri = join_indices(torch.tensor(left, device=device), torch.tensor(right, device=device),
                          ran=ran)
    assert ran == ["direct"]
    assert list(zip(li.tolist(), ri.tolist())) == reference_pairs(left, right)
    ran = []
    join_indices(torch.tensor([1, 2, 3], device=device), torch.tensor(right * 2, device=device),
                 ran=ran)  # unique left keys: the left side is built, as before
    assert ran == ["direct (left side built)"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build", [list(range(500, 530)), [500, 503, 503, 510, 529, 529, 529]],
                         ids=["unique", "duplicates"])
def test_a_narrow_table_is_probed_only_by_keys_in_its_range(device, build):
    """A build range a small share of the probe range (a month of dates against years of
    sales) takes the range-tested path; the pairs are the nested loop's, in probe order."""
    generator = torch.Generator().manual_seed(5)
    probe = torch.randint(0, 10_000, (3000,), generator=generator).tolist()
    probe += [499, 500, 529, 530, 503]
    table = join.build_table(torch.tensor(build, device=device), len(probe))
    keys = torch.tensor(probe, device=device)
    assert join._within(table.lo, table.hi, keys) is not None
    li, ri = join.probe_table(table, keys)
    assert list(zip(li.tolist(), ri.tolist())) == reference_pairs(probe, build)
    assert torch.equal(key_in(keys, torch.tensor(build, device=device)).cpu(),
                       torch.isin(torch.tensor(probe), torch.tensor(build)))


@pytest.mark.parametrize("device", DEVICES)
def test_a_table_spanning_most_of_the_probe_range_is_looked_up_for_every_key(device):
    """No range test when most probe keys may hit: the plain lookup answers."""
    keys = torch.arange(0, 100, device=device)
    assert join._within(10, 90, keys) is None
    check(list(range(100)), list(range(10, 91)), device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("probe", [
    [5, 6, 9, 5],             # inside the table: gathered as they are
    [3, 5, 12, 9],            # just around it: the table padded to their range
    [5, 7, 10**6, -10**6],    # far around it: clamped and checked, not padded
], ids=["inside", "padded", "clamped"])
def test_a_direct_table_is_read_for_probe_keys_inside_and_outside_its_range(device, probe):
    """`key - lo` for keys inside the table's range, the missing value for those outside, by
    whichever of the three reads the probe keys' range calls for."""
    table = torch.tensor([50, 60, -1, 80, 90], dtype=torch.int32, device=device)  # keys 5..9
    keys = torch.tensor(probe, dtype=torch.int64, device=device)
    found = join._lookup(table, 5, 9, keys, -1)
    expected = [table[k - 5].item() if 5 <= k <= 9 else -1 for k in probe]
    assert found.tolist() == expected


@pytest.mark.parametrize("device", DEVICES)
def test_probe_keys_that_all_match_a_direct_table_come_back_as_every_row(device):
    """A foreign key into a whole table: every probe row finds its build row, and the positions
    are known to be 0..n-1 without reading them; the pairs still equal the nested loop's."""
    build = list(range(100, 200))
    probe = [150, 100, 199, 150, 123]
    check(probe, build, device)
    table = join.build_table(torch.tensor(build, device=device))
    rows, found = join.probe_table(table, torch.tensor(probe, device=device))
    assert join.is_every_row(rows, len(probe))
    assert found.tolist() == [50, 0, 99, 50, 23]


def test_every_row_is_trusted_only_while_unchanged():
    rows = join.every_row(4, "cpu")
    assert join.is_every_row(rows, 4)
    assert not join.is_every_row(rows, 5)
    rows[2] = 0  # an in-place change: read again, and found out
    assert not join.is_every_row(rows, 4)
    assert join.is_every_row(torch.arange(4), 4)  # any tensor is read when not marked
    assert not join.is_every_row(torch.tensor([0, 2, 1, 3]), 4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build, strategy, built", [
    (list(range(0, 400, 3)), "auto", "direct"),
    ([5, 5, 9, 12, 12, 12, 40, 7], "auto", "direct-runs"),
    ([5, 5, 9, 12, 12, 12, 40, 7], "search", "sorted"),
    ([3, 10**12, 17, 10**12, 250], "auto", "sorted"),  # a range too wide for a table
])
def test_probe_rows_a_mask_leaves_out_pair_with_nothing(device, build, strategy, built):
    """probe_table with `kept` (the rows a filter kept, not listed) gives exactly the pairs of
    the kept rows, in the same order, for every kind of table."""
    rng = np.random.default_rng(3)
    pool = np.array(sorted(set(build)) + [1, 2, 4, 399, 10**11], dtype=np.int64)
    probe = torch.tensor(rng.choice(pool, 300), device=device)
    kept = torch.tensor(rng.random(300) < 0.6, device=device)
    table = join.build_table(torch.tensor(build, device=device), len(probe), strategy=strategy)
    assert table.strategy == built
    pi, bi = join.probe_table(table, probe, kept)
    everything = join.probe_table(table, probe)
    expected = [(p, b) for p, b in zip(*(t.tolist() for t in everything)) if kept[p]]
    assert expected and list(zip(pi.tolist(), bi.tolist())) == expected
    assert join.probe_table(table, probe, torch.zeros_like(kept))[0].numel() == 0


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build, built", [
    ([4, 9, 9, 30, 77, 120], "presence"),
    ([4, 9, 9, 30, 10**12, -10**12], "sorted"),  # a range too wide for a presence table
])
def test_key_set_slots_of_masked_probe_rows_are_those_of_the_kept_rows(device, build, built):
    """key_set_slots and mark_slots with `kept` find and mark exactly what the kept rows,
    listed first, would."""
    rng = np.random.default_rng(5)
    pool = np.array(sorted(set(build)) + [0, 5, 31, 119, 10**11], dtype=np.int64)
    probe = torch.tensor(rng.choice(pool, 200), device=device)
    kept = torch.tensor(rng.random(200) < 0.5, device=device)
    keys = join.build_key_set(torch.tensor(build, device=device), len(probe))
    assert keys.strategy == built
    listed = torch.nonzero(kept).flatten()
    rows, slots = join.key_set_slots(keys, probe, kept)
    at, expected_slots = join.key_set_slots(keys, probe[listed])
    assert rows.tolist() == listed[at].tolist() and slots.tolist() == expected_slots.tolist()
    size = keys.table.numel()
    marked, expected = (torch.zeros(size, dtype=torch.bool, device=device) for _ in range(2))
    join.mark_slots(keys, marked, probe, kept)
    join.mark_slots(keys, expected, probe[listed])
    found = join.key_set_slots(keys, torch.tensor(build, device=device))[1]
    assert marked[found].tolist() == expected[found].tolist() and bool(marked[found].any())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("left_rows", [20, 2000])  # the left side built; the right side built
def test_join_indices_with_a_right_mask_pair_only_the_kept_right_rows(device, ordered, left_rows):
    rng = np.random.default_rng(11)
    left = torch.tensor(rng.integers(0, 300, left_rows), device=device)
    right = torch.tensor(rng.integers(0, 300, 1000), device=device)
    kept = torch.tensor(rng.random(1000) < 0.7, device=device)
    li, ri = join_indices(left, right, ordered, right_kept=kept)
    rows = torch.nonzero(kept).flatten()
    eli, eri = join_indices(left, right[rows], ordered)
    expected = list(zip(eli.tolist(), rows[eri].tolist()))
    pairs = list(zip(li.tolist(), ri.tolist()))
    assert expected and (pairs == expected if ordered else sorted(pairs) == sorted(expected))
