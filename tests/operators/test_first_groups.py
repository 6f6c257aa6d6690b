"""first_group_ids and first_rows against plain-Python numbering by first appearance, through
the hash table (keys that pack into several int64 columns), its collisions and its fallback,
and through group_ids (keys that pack into one)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tests.operators.test_group import _nullable, _rows
from tqp.operators import first_groups
from tqp.operators.first_groups import first_group_ids, first_rows

DEVICES = devices()


def reference(rows: list[tuple]) -> tuple[list[int], list[int]]:
    """(ids, first): groups numbered in order of their first row (NULLs equal)."""
    number: dict[tuple, int] = {}
    ids = [number.setdefault(row, len(number)) for row in rows]
    first = [ids.index(g) for g in range(len(number))]
    return ids, first


def _keys(device, wide: bool, n: int = 300, seed: int = 0):
    """Key columns with NULLs, floats (-0.0 and 0.0 equal) and repeats; `wide` ones span more
    than one packed int64 column."""
    rng = np.random.default_rng(seed)
    scale = 2**40 if wide else 1
    return [
        (torch.tensor(rng.integers(-3, 3, n) * scale, device=device), None),
        _nullable(rng, torch.tensor(rng.integers(0, 4, n) * scale, dtype=torch.int64), device),
        _nullable(rng, torch.tensor(rng.choice([-0.0, 0.0, 0.5, -1.25], n)), device),
        (torch.tensor(rng.integers(0, 2, n).astype(bool), device=device), None),
    ]


def _check(keys):
    ids, groups, first = first_group_ids(keys)
    ref_ids, ref_first = reference(_rows(keys))
    assert ids.tolist() == ref_ids and groups == len(ref_first) and first.tolist() == ref_first
    assert first_rows(keys).tolist() == ref_first


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("wide", [False, True])
def test_groups_are_numbered_by_first_appearance(device, wide):
    _check(_keys(device, wide))


@pytest.mark.parametrize("device", DEVICES)
def test_hash_collisions_place_each_key_tuple_apart(device, monkeypatch):
    """Every tuple hashed alike: each round places one more tuple, all its rows together."""
    monkeypatch.setattr(first_groups, "tuple_hashes", lambda cols: torch.zeros_like(cols[0]))
    keys = _keys(device, wide=True, n=24, seed=1)
    assert len(set(_rows(keys))) < first_groups.MAX_ROUNDS
    _check(keys)


@pytest.mark.parametrize("device", DEVICES)
def test_past_the_round_limit_the_keys_are_sorted_instead(device, monkeypatch):
    monkeypatch.setattr(first_groups, "tuple_hashes", lambda cols: torch.zeros_like(cols[0]))
    monkeypatch.setattr(first_groups, "MAX_ROUNDS", 2)
    _check(_keys(device, wide=True, seed=2))


@pytest.mark.parametrize("device", DEVICES)
def test_no_rows(device):
    empty = torch.empty(0, dtype=torch.int64, device=device)
    ids, groups, first = first_group_ids([(empty, None), (empty, None)])
    assert ids.numel() == 0 and groups == 0 and first.numel() == 0
    assert first_rows([(empty, None)]).numel() == 0
