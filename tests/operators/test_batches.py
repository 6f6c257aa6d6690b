"""Joining batches end to end (operators/batches.py): adjacent slices of one array are joined as
a view, anything else is copied; either way the rows are those of the batches in order."""

from __future__ import annotations

import numpy as np
import torch

from tqp.operators.batches import concat_batches
from tqp.storage.column import Batch, Column
from tqp.types import DataType


def _batch(values: torch.Tensor) -> Batch:
    return Batch({"x": Column(values, DataType.BIGINT)}, values.shape[0], values.device)


def test_adjacent_slices_of_one_tensor_are_joined_as_a_view():
    whole = torch.arange(10)
    joined = concat_batches([_batch(whole[:4]), _batch(whole[4:10])])["x"].values
    assert joined.tolist() == list(range(10))
    assert joined.data_ptr() == whole.data_ptr()


def test_slices_made_from_slices_of_one_numpy_array_are_joined_whole():
    """torch.from_numpy of a numpy slice starts its storage at the slice: the first part's
    storage ends where the second part begins, which no view over it can reach."""
    array = np.arange(10, dtype=np.int64)
    head = torch.from_numpy(array[:4])
    tail = torch.from_numpy(array)[4:10]
    joined = concat_batches([_batch(head), _batch(tail)])["x"].values
    assert joined.tolist() == list(range(10))


def test_parts_of_different_arrays_are_copied_in_order():
    joined = concat_batches([_batch(torch.tensor([5, 6])), _batch(torch.tensor([1]))])["x"]
    assert joined.values.tolist() == [5, 6, 1]
