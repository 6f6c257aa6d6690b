"""true_rows: the positions of a mask's True entries, as torch.nonzero gives them; set_true: a
bool table set True at positions, as index_fill_ sets it."""

import pytest
import torch

from tqp.storage import masks
from tqp.storage.masks import set_true, true_rows


def test_true_rows_are_nonzero_positions_in_order():
    mask = torch.rand(10_000, generator=torch.Generator().manual_seed(1)) < 0.3
    rows = true_rows(mask)
    assert rows.dtype == torch.int64
    assert torch.equal(rows, torch.nonzero(mask).flatten())


def test_true_rows_of_views_and_counts():
    base = torch.tensor([True, False, True, True, False, True])
    assert true_rows(base[1::2]).tolist() == [1, 2]  # a strided view
    assert true_rows(torch.tensor([True]).expand(3)).tolist() == [0, 1, 2]  # stride 0
    assert true_rows(torch.tensor([0, 2, 0, 1])).tolist() == [1, 3]  # counts: nonzero ones
    assert true_rows(torch.zeros(0, dtype=torch.bool)).tolist() == []


@pytest.mark.parametrize("positions, size", [(300_000, 1_000), (300_000, 300_000),
                                             (300_000, 2_000_000), (1_000, 50), (0, 10)])
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16])
def test_set_true_marks_what_index_fill_marks(positions, size, dtype):
    # Small tables (each thread's own, OR-ed), tables longer than the positions (one thread),
    # few positions; repeated positions and narrow index types.
    size = min(size, torch.iinfo(dtype).max)
    where = torch.randint(0, size, (positions,), generator=torch.Generator().manual_seed(7))
    expected = torch.zeros(size, dtype=torch.bool).index_fill_(0, where, True)
    table = torch.zeros(size, dtype=torch.bool)
    assert set_true(table, where.to(dtype)) is table
    assert torch.equal(table, expected)


def test_set_true_keeps_what_was_set_before_and_reads_strided_positions(monkeypatch):
    monkeypatch.setattr(masks, "PARALLEL_MIN_POSITIONS", 4)
    table = torch.zeros(10, dtype=torch.bool)
    table[9] = True
    set_true(table, torch.tensor([0, 9, 1, 9, 2, 9, 3, 9, 4, 9])[::2])  # 0..4, a view
    assert table.tolist() == [True] * 5 + [False] * 4 + [True]
    set_true(table, torch.tensor([7, 7, 7, 7, 7, 7, 7, 7]))
    assert table.tolist() == [True] * 5 + [False, False, True, False, True]


@pytest.mark.parametrize("density", [0.0, 0.02, 0.5, 0.98, 1.0])
def test_true_rows_of_a_mask_read_in_slices(monkeypatch, density):
    # Slices on several threads: positions ascending across the slices' seams.
    monkeypatch.setattr(masks, "PARALLEL_MIN_ROWS", 16)
    monkeypatch.setattr(masks.threads.torch, "get_num_threads", lambda: 3)
    mask = torch.rand(1_001, generator=torch.Generator().manual_seed(3)) < density
    rows = true_rows(mask)
    assert rows.dtype == torch.int64
    assert torch.equal(rows, torch.nonzero(mask).flatten())
    assert torch.equal(true_rows(mask[::3]), torch.nonzero(mask[::3]).flatten())
