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
