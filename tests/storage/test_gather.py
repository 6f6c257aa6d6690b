"""gather: a row gather that splits large 1-D gathers across threads on a CPU, equal to
index_select whatever path it takes."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import devices
from tqp.storage.gather import PARALLEL_MIN_ROWS, gather


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("rows", [0, 5, PARALLEL_MIN_ROWS + 3])
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.float64, torch.bool])
def test_gather_equals_index_select(device, rows, dtype):
    values = (torch.arange(1000, device=device) * 7 % 13).to(dtype)
    generator = torch.Generator().manual_seed(rows)
    positions = torch.randint(0, 1000, (rows,), generator=generator).to(device)
    for index in (positions, positions.to(torch.int32)):
        assert torch.equal(gather(values, index), values.index_select(0, index))


@pytest.mark.parametrize("device", devices())
def test_gather_takes_whole_rows_of_a_two_dimensional_tensor(device):
    values = torch.arange(20, device=device).reshape(10, 2)
    positions = torch.tensor([9, 0, 9], device=device)
    assert gather(values, positions).tolist() == [[18, 19], [0, 1], [18, 19]]


@pytest.mark.parametrize("width", [None, 2])
def test_a_large_gather_split_across_threads_equals_index_select(width):
    """From PARALLEL_MIN_ROWS positions on a CPU with two threads, each thread gathers its
    slice of the positions into its part of the output: the same rows, in the same order, for
    1-D values and whole rows of 2-D ones, int64 or int32 positions."""
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        generator = torch.Generator().manual_seed(7)
        shape = (50_000,) if width is None else (50_000, width)
        values = torch.randint(-10**12, 10**12, shape, generator=generator)
        positions = torch.randint(0, 50_000, (2 * PARALLEL_MIN_ROWS + 1,), generator=generator)
        for index in (positions, positions.to(torch.int32), positions.sort().values):
            assert torch.equal(gather(values, index), values.index_select(0, index))
    finally:
        torch.set_num_threads(previous)
