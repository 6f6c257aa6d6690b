"""true_rows: the positions of a mask's True entries, as torch.nonzero gives them."""

import torch

from tqp.storage.masks import true_rows


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
