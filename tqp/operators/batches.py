"""Concatenating batches: the rows of several batches of one schema as one batch.

Batches that are consecutive slices of one tensor (the batches a scan cut from a cached
column) are joined back into a view, without a copy; string columns with different
dictionaries are re-coded against their union first.
"""

from __future__ import annotations

import torch

from tqp.operators.expressions.coerce import align
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.wide import same_width


def concat_batches(batches: list[Batch]) -> Batch:
    """The rows of `batches`, in order, as one batch (column names of the first batch)."""
    if not batches:
        raise ValueError("concat_batches needs at least one batch")
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    total = sum(b.num_rows for b in batches)
    columns = {}
    for name in first.names:
        parts = [b[name] for b in batches]
        same = all(p.type is parts[0].type and p.dictionary is parts[0].dictionary
                   for p in parts)
        if not same:
            parts = align(parts, "concatenation of batches")
        values = _cat(same_width([p.values for p in parts]))
        valid = None
        if any(p.valid is not None for p in parts):
            valid = normalize_valid(_cat([p.validity() for p in parts]))
        head = parts[0]
        columns[name] = Column(values, head.type, valid, head.dictionary, head.decimal)
    return Batch(columns, total, first.device)


def _cat(tensors: list[torch.Tensor]) -> torch.Tensor:
    """torch.cat, or a view when the tensors are adjacent slices of one storage."""
    head = tensors[0]
    if all(t.dim() == 1 and t.is_contiguous() and t.dtype == head.dtype for t in tensors):
        storage = head.untyped_storage().data_ptr()
        offset = head.storage_offset()
        adjacent = True
        for t in tensors:
            if t.untyped_storage().data_ptr() != storage or t.storage_offset() != offset:
                adjacent = False
                break
            offset += t.numel()
        if adjacent:
            total = offset - head.storage_offset()
            return head.as_strided((total,), (1,), head.storage_offset())
    return torch.cat(tensors)
