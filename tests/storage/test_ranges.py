"""storage.ranges: a tensor's (min, max) is found once and remembered while the tensor lives
unchanged; a write, a new tensor or a broadcast constant is read afresh."""

from __future__ import annotations

import torch

from tqp.storage import ranges


def test_a_range_is_exact_and_read_once(monkeypatch):
    values = torch.tensor([5, -3, 9, 0], dtype=torch.int64)
    assert ranges.value_range(values) == (-3, 9)
    calls = []
    monkeypatch.setattr(torch, "aminmax", lambda t: calls.append(t) or (t.min(), t.max()))
    assert ranges.value_range(values) == (-3, 9)
    assert calls == []  # remembered


def test_a_write_forgets_the_range():
    values = torch.tensor([1, 2, 3], dtype=torch.int32)
    assert ranges.value_range(values) == (1, 3)
    values.add_(10)
    assert ranges.value_range(values) == (11, 13)
    view = values[1:]
    assert ranges.value_range(view) == (12, 13)
    values[2] = 100  # through the base: the view's version moves too
    assert ranges.value_range(view) == (12, 100)


def test_several_ranges_and_kinds_at_once():
    flags = torch.tensor([True, False, True])
    constant = torch.tensor([7]).expand(1000)
    wide = torch.arange(-5, 6)
    assert ranges.value_ranges([flags, constant, wide]) == [(0, 1), (7, 7), (-5, 5)]


def test_an_entry_goes_with_its_tensor():
    values = torch.tensor([4, 8])
    ranges.value_range(values)
    key = id(values)
    assert key in ranges._RANGES._entries
    del values
    assert key not in ranges._RANGES._entries
