"""A build side prepared once and probed batch by batch (operators/joins.py): every pair a
nested loop finds, NULL keys never matching, whichever way the table is built."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sqlglot import exp

from tests.conftest import devices
from tqp.operators import joins
from tqp.operators.expressions import column_ref
from tqp.storage.column import Batch, Column
from tqp.types import DataType

DEVICES = devices()


def _batch(columns: dict[str, list], device) -> Batch:
    out = {}
    for name, values in columns.items():
        valid = torch.tensor([v is not None for v in values], device=device)
        data = torch.tensor([0 if v is None else v for v in values], dtype=torch.int64,
                            device=device)
        out[name] = Column(data, DataType.BIGINT, None if bool(valid.all()) else valid)
    return Batch(out, len(next(iter(columns.values()))), device)


def _reference(left: dict, right: dict, names: list[tuple[str, str]]) -> list[tuple[int, int]]:
    rows = len(next(iter(left.values())))
    return [(i, j) for i in range(rows) for j in range(len(next(iter(right.values()))))
            if all(left[a][i] is not None and left[a][i] == right[b][j] for a, b in names)]


def _pairs(build, left: Batch, left_keys) -> list[tuple[int, int]]:
    li, ri = joins.probe_pairs(build, left, left_keys, None)
    return sorted(zip(li.tolist(), ri.tolist()))


@pytest.mark.parametrize("device", DEVICES)
def test_a_wide_composite_key_is_built_on_its_dense_key_and_checks_the_other(device):
    rng = np.random.default_rng(3)
    n = 2000
    dense = [int(v) for v in rng.integers(0, 600, n)]  # about 3 rows per value
    wide = [int(v) * 2**40 for v in rng.integers(0, 50, n)]  # a range no table can cover
    dense[5], wide[7] = None, None
    right = {"b.k": dense, "b.w": wide}
    probe = {"a.k": [int(v) for v in rng.integers(-10, 610, 300)],
             "a.w": [int(v) * 2**40 for v in rng.integers(0, 55, 300)]}
    probe["a.k"][0], probe["a.w"][1] = None, None
    keys = [column_ref("b.k"), column_ref("b.w")]
    left_keys = [column_ref("a.k"), column_ref("a.w")]
    build = joins.prepare_build(_batch(right, device), keys, probe_rows=300)
    assert build.lead == 0 and build.strategy.endswith("on one key")
    expected = _reference(probe, right, [("a.k", "b.k"), ("a.w", "b.w")])
    assert expected  # the case has matches
    assert _pairs(build, _batch(probe, device), left_keys) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_a_sorted_table_packs_every_key_that_fits_in_int64(device):
    """With "search" the table is sorted anyway: the keys are packed together (their range
    fits int64), and a probe key's binary search finds its own rows, not all rows of one key."""
    rng = np.random.default_rng(4)
    n = 2000
    right = {"b.k": [int(v) for v in rng.integers(0, 600, n)],
             "b.w": [int(v) * 2**20 for v in rng.integers(0, 50, n)]}
    probe = {"a.k": [int(v) for v in rng.integers(-10, 610, 300)],
             "a.w": [int(v) * 2**20 for v in rng.integers(0, 55, 300)]}
    keys, left_keys = [column_ref("b.k"), column_ref("b.w")], [column_ref("a.k"), column_ref("a.w")]
    searched = joins.prepare_build(_batch(right, device), keys, probe_rows=300, strategy="search")
    assert searched.lead is None and searched.strategy == "sorted"
    auto = joins.prepare_build(_batch(right, device), keys, probe_rows=300)
    assert auto.lead == 0  # a direct table on the dense key, as above
    expected = _reference(probe, right, [("a.k", "b.k"), ("a.w", "b.w")])
    assert expected
    for build in (searched, auto):
        assert _pairs(build, _batch(probe, device), left_keys) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_keys_that_pack_into_a_dense_range_are_all_packed(device):
    right = {"b.k": [1, 2, 3, 3], "b.w": [10, 20, 30, 31]}
    build = joins.prepare_build(_batch(right, device),
                                [column_ref("b.k"), column_ref("b.w")], probe_rows=4)
    assert build.lead is None
    probe = {"a.k": [3, 3, 2], "a.w": [31, 30, 21]}
    assert _pairs(build, _batch(probe, device), [column_ref("a.k"), column_ref("a.w")]) \
        == _reference(probe, right, [("a.k", "b.k"), ("a.w", "b.w")])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build_keys", [[0, 1, 2, 3], [2**63 - 2, 2**63 - 1, 0]],
                         ids=["room-above", "room-below-only"])
def test_a_null_probe_key_never_matches_whatever_value_lies_under_it(device, build_keys):
    """NULL probe keys take a key no build row has, just outside the build keys' range: a
    value 0 under a NULL, a build key here, finds nothing, and neither does a NULL build key."""
    right = {"b.k": build_keys + [None]}
    probe = {"a.k": [None, 0, 3, None, 7, 0, None]}
    build = joins.prepare_build(_batch(right, device), [column_ref("b.k")], probe_rows=7)
    left = _batch(probe, device)
    assert _pairs(build, left, [column_ref("a.k")]) == _reference(probe, right, [("a.k", "b.k")])
    marks = joins.prepare_build(_batch(right, device), [column_ref("b.k")], probe_rows=7,
                                key_set=True)
    found, _ = joins.probe_marks(marks, left, [column_ref("a.k")], null_aware=False)
    assert found.tolist() == [any(v is not None and v == b for b in build_keys)
                              for v in probe["a.k"]]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("inside", [0.9, 0.2], ids=["most-rows-inside", "few-rows-inside"])
def test_composite_probe_keys_outside_the_build_ranges_or_null_never_match(device, inside):
    """Probe rows whose keys leave the build side's ranges, or hold a NULL, match nothing,
    whether most rows are inside (all rows packed, the others into a key no build row has)
    or few (the inside rows picked out first): pairs, marks and key-set marks alike."""
    rng = np.random.default_rng(11)
    right = {"b.k": [int(v) for v in rng.integers(100, 200, 400)],
             "b.w": [int(v) for v in rng.integers(0, 30, 400)]}
    n = 3000
    out = rng.random(n) >= inside
    probe = {"a.k": [int(v) for v in np.where(out, rng.integers(-500, 100, n),
                                              rng.integers(100, 200, n))],
             "a.w": [int(v) for v in rng.integers(0, 30, n)]}
    for i in range(0, n, 97):
        probe["a.k" if i % 2 else "a.w"][i] = None
    keys = [column_ref("b.k"), column_ref("b.w")]
    left_keys = [column_ref("a.k"), column_ref("a.w")]
    left = _batch(probe, device)
    expected = _reference(probe, right, [("a.k", "b.k"), ("a.w", "b.w")])
    assert expected
    build = joins.prepare_build(_batch(right, device), keys, probe_rows=n)
    assert build.lead is None  # the keys are packed together
    assert _pairs(build, left, left_keys) == expected
    matched = {i for i, _ in expected}
    marks = joins.prepare_build(_batch(right, device), keys, probe_rows=n, key_set=True)
    found, _ = joins.probe_marks(marks, left, left_keys, null_aware=False)
    assert found.tolist() == [i in matched for i in range(n)]
    streamed = joins.BuildMarks(marks, keys, None)
    streamed.add(left, left_keys)
    assert streamed.found().tolist() == [any(j == b for _, b in expected)
                                         for j in range(len(right["b.k"]))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("build_keys", [[2**40, 2**41], [-(2**40), 5], [-(2**40), 2**40]],
                         ids=["above-int32", "below-and-inside", "around-int32"])
def test_null_int32_probe_keys_against_wider_build_keys(device, build_keys):
    """The key put under NULL probe keys fits the probe's own dtype (int32) even when the
    build keys (int64) reach past it, and still matches no build key."""
    right = _batch({"b.k": build_keys}, device)
    values = torch.tensor([5, 0, 7, 5], dtype=torch.int32, device=device)
    valid = torch.tensor([True, False, True, True], device=device)
    left = Batch({"a.k": Column(values, DataType.INTEGER, valid)}, 4, device)
    build = joins.prepare_build(right, [column_ref("b.k")], probe_rows=4)
    expected = [(i, j) for i, (v, ok) in enumerate(zip([5, 0, 7, 5], valid.tolist()))
                for j, b in enumerate(build_keys) if ok and v == b]
    assert _pairs(build, left, [column_ref("a.k")]) == expected


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("max_rounds", [16, 0])
@pytest.mark.parametrize("unique", [True, False])
def test_a_table_on_one_key_gives_pairs_in_probe_row_order_round_by_round_or_expanded(
        device, max_rounds, unique, monkeypatch):
    """Runs of the lead key are stepped through a position a round (or, past MAX_ROUNDS,
    expanded into every candidate pair): either way the pairs come ordered by probe row, then
    by build row within the run, exactly as a nested loop lists them. A unique composite key
    (at most one match a row) and repeated ones (several) both."""
    monkeypatch.setattr(joins, "MAX_ROUNDS", max_rounds)
    rng = np.random.default_rng(5)
    n = 3000
    dense = [int(v) for v in rng.integers(0, 700, n)]  # runs of 1 to about 12 rows
    if unique:
        wide = [i * 2**40 for i in range(n)]  # every (dense, wide) pair unique
        probe_w = [int(v) * 2**40 for v in rng.integers(0, n, 500)]
        probe_k = [dense[v // 2**40] if i % 3 else int(rng.integers(0, 700))
                   for i, v in enumerate(probe_w)]
    else:
        wide = [int(v) * 2**40 for v in rng.integers(0, 3, n)]
        probe_w = [int(v) * 2**40 for v in rng.integers(0, 4, 500)]
        probe_k = [int(v) for v in rng.integers(-5, 705, 500)]
    right = {"b.k": dense, "b.w": wide}
    probe = {"a.k": probe_k, "a.w": probe_w}
    build = joins.prepare_build(_batch(right, device), [column_ref("b.k"), column_ref("b.w")],
                                probe_rows=500)
    assert build.lead == 0
    li, ri = joins.probe_pairs(build, _batch(probe, device),
                               [column_ref("a.k"), column_ref("a.w")], None)
    expected = _reference(probe, right, [("a.k", "b.k"), ("a.w", "b.w")])
    assert len(expected) > 100
    # Within a probe row, the build rows come in key order: a stable sort keeps row order.
    assert list(zip(li.tolist(), ri.tolist())) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_a_table_on_one_key_spans_the_first_probe_batch_range(device):
    """probe_cover gives one integer probe key's range over a batch (None for several keys);
    the table built on one key spans it, and every batch, inside or outside that range,
    still finds exactly its pairs."""
    right = {"b.k": [30, 41, 41, 45, 50]}
    first = {"a.k": [1, 41, 45, 60]}
    later = {"a.k": [-5, 41, 99, 50, 30]}
    key, left_key = [column_ref("b.k")], [column_ref("a.k")]
    cover = joins.probe_cover(_batch(first, device), left_key)
    assert cover == (1, 60)
    assert joins.probe_cover(_batch({"a.k": [1], "a.w": [2]}, device),
                             [column_ref("a.k"), column_ref("a.w")]) is None
    build = joins.prepare_build(_batch(right, device), key, probe_rows=100, cover=cover)
    assert (build.table.lo, build.table.hi) == (0, 60)  # from 0: keys index it as they are
    for probe in (first, later):
        assert _pairs(build, _batch(probe, device), left_key) == \
            _reference(probe, right, [("a.k", "b.k")])


def _marked_by_streaming(built: dict, streamed: list[dict], keys: list[tuple[str, str]],
                         device, residual=None, probe_rows: int = 0) -> list[bool]:
    """Per built row, whether a row of the `streamed` batches matched it (BuildMarks)."""
    side = joins.prepare_build(_batch(built, device), [column_ref(a) for a, _ in keys],
                               probe_rows=probe_rows, key_set=residual is None)
    marks = joins.BuildMarks(side, [column_ref(a) for a, _ in keys], residual)
    for columns in streamed:
        marks.add(_batch(columns, device), [column_ref(b) for _, b in keys])
    return marks.found().tolist()


def _marked_by_loop(built: dict, streamed: list[dict], keys: list[tuple[str, str]],
                    passes=lambda i, row: True) -> list[bool]:
    rows = len(next(iter(built.values())))
    found = [False] * rows
    for columns in streamed:
        for i, j in _reference(built, columns, keys):
            if passes(i, {name: values[j] for name, values in columns.items()}):
                found[i] = True
    return found


# Built keys with repeats and NULLs, over a dense range or a wide one (a sorted table then).
BUILT_KEYS = {
    "dense, repeated": [3, 1, 3, None, 7, 1, 1, 9, None, 3],
    "dense, unique": [5, 2, 9, None, 4, 0],
    "wide, repeated": [2**40, 5, 2**40, None, -(2**35), 5, 2**40 + 1],
    "wide, unique": [2**40, 5, None, -(2**35), 7],
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("keys", BUILT_KEYS.values(), ids=BUILT_KEYS.keys())
def test_streamed_batches_mark_the_built_rows_they_match(device, keys):
    """A small side built as a key set and the other side's batches streaming past: each built
    row is marked when some streamed row has its key (repeated keys share one slot), NULLs
    never; as a nested loop finds them."""
    built = {"a.k": keys}
    pool = [k for k in keys if k is not None] + [8, 2**40 + 7, None]
    streamed = [{"b.k": [pool[(i * 3 + s) % len(pool)] for i in range(s + 2)]}
                for s in range(4)]
    expected = _marked_by_loop(built, streamed, [("a.k", "b.k")])
    assert any(expected) and not all(expected)
    assert _marked_by_streaming(built, streamed, [("a.k", "b.k")], device) == expected


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("keys", BUILT_KEYS.values(), ids=BUILT_KEYS.keys())
def test_streamed_batches_mark_only_the_pairs_passing_the_residual(device, keys):
    """With a residual condition a built row counts as matched only through a pair passing it
    (`b.v <> a.w`: another row of the same key, as an EXISTS over a different supplier)."""
    built = {"a.k": keys, "a.w": [i % 3 for i in range(len(keys))]}
    pool = [k for k in keys if k is not None]
    streamed = [{"b.k": pool, "b.v": [i % 3 for i in range(len(pool))]},
                {"b.k": pool[::-1], "b.v": [0] * len(pool)}]
    residual = exp.NEQ(this=column_ref("b.v"), expression=column_ref("a.w"))
    expected = _marked_by_loop(
        built, streamed, [("a.k", "b.k")],
        lambda i, row: row["b.v"] is not None and row["b.v"] != built["a.w"][i])
    assert _marked_by_streaming(built, streamed, [("a.k", "b.k")], device,
                                residual) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_streamed_batches_match_on_every_key_of_a_composite_key(device):
    """Two keys, one dense and repeated, one wide: a built row is marked only where both
    keys meet, whether packed into a presence table or sorted."""
    built = {"a.k": [1, 1, 2, 2, None, 3], "a.j": [2**40, 5, 2**40, 6, 5, None]}
    streamed = [{"b.k": [1, 2, 3, 2], "b.j": [5, 6, 2**40, 2**40 + 1]},
                {"b.k": [2, None], "b.j": [2**40, 5]}]
    keys = [("a.k", "b.k"), ("a.j", "b.j")]
    expected = _marked_by_loop(built, streamed, keys)
    assert expected == [False, True, True, True, False, False]
    for probe_rows in (0, 1000):
        assert _marked_by_streaming(built, streamed, keys, device,
                                    probe_rows=probe_rows) == expected


@pytest.mark.parametrize("device", DEVICES)
def test_streamed_int32_keys_mark_a_key_set_of_int32_keys(device):
    """Keys stored as int32 (INTEGER) on both sides index the key set's slots as they are."""
    def ints(values):
        return Batch({"k": Column(torch.tensor(values, dtype=torch.int32, device=device),
                                  DataType.INTEGER)}, len(values), device)
    side = joins.prepare_build(ints([0, 4, 2, 4]), [column_ref("k")], probe_rows=0,
                               key_set=True)
    marks = joins.BuildMarks(side, [column_ref("k")], None)
    for values in ([4, 9], [1, 0], [-3]):
        marks.add(ints(values), [column_ref("k")])
    assert marks.found().tolist() == [True, True, False, True]
