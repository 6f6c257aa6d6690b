"""Concatenating batches: the rows of several batches of one schema as one batch.

Batches that are consecutive slices of one tensor (the batches a scan cut from a cached
column) are joined back into a view, without a copy; string columns with different
dictionaries are re-coded against their union first, and LIST (STRUCT) columns over different
list (struct) arrays number the union of those arrays.
"""

from __future__ import annotations

from dataclasses import replace

import torch

from tqp.errors import NotSupportedError
from tqp.operators.expressions.coerce import align
from tqp.storage.column import (Batch, Column, ListArray, Selection, StructArray, normalize_valid,
                                null_column)
from tqp.storage.wide import same_width
from tqp.types import DataType


def concat_batches(batches: list[Batch]) -> Batch:
    """The rows of `batches`, in order, as one batch (column names of the first batch)."""
    if not batches:
        raise ValueError("concat_batches needs at least one batch")
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    total = sum(b.num_rows for b in batches)
    selections: dict = {}
    columns = {name: concat_columns([b[name] for b in batches], "concatenation of batches",
                                    selections)
               for name in first.names}
    return Batch(columns, total, first.device)


def concat_columns(parts: list[Column], what: str, selections: dict | None = None) -> Column:
    """The rows of `parts`, in order, as one column of their common type. Parts that are
    rows of one base column not gathered yet (a join's output per partition) stay so: their
    positions are joined instead, one Selection per set of part selections in `selections`,
    so that columns that shared positions share them still."""
    late = _concat_late(parts, selections)
    if late is not None:
        return late
    if any(p.type is DataType.LIST for p in parts):
        return _concat_lists(parts, what)
    if any(p.type is DataType.STRUCT for p in parts):
        return _concat_structs(parts, what)
    same = all(p.type is parts[0].type and p.dictionary is parts[0].dictionary
               and p.decimal == parts[0].decimal for p in parts)
    if not same:
        parts = align(parts, what, supertype=True)
    values = _cat(same_width([p.values for p in parts]))
    valid = None
    if any(p.valid is not None for p in parts):
        valid = normalize_valid(_cat([p.validity() for p in parts]))
    return replace(parts[0], values=values, valid=valid)


def _concat_late(parts: list[Column], selections: dict | None) -> Column | None:
    """`parts` as one late column of their common base, or None unless all are late over
    the same base column (empty parts aside)."""
    if selections is None:
        return None
    deferred = [p.deferred for p in parts if len(p)]
    if not deferred or any(d is None or d[0] is not deferred[0][0] for d in deferred):
        return None
    key = tuple(id(selection) for _, selection in deferred)
    joined = selections.get(key)
    if joined is None:
        joined = Selection(torch.cat([selection.indices for _, selection in deferred]))
        selections[key] = joined
    return deferred[0][0].take_late(joined)


def _concat_lists(parts: list[Column], what: str) -> Column:
    """LIST columns end to end: their list arrays joined (offsets shifted past the elements
    before them) and their row numbers shifted past the lists before them. An untyped NULL
    column joins as NULL lists."""
    parts = [null_column(len(p), DataType.LIST, p.device) if p.type is DataType.NULL else p
             for p in parts]
    if any(p.type is not DataType.LIST for p in parts):
        raise NotSupportedError(f"LIST values meeting other values in {what}")
    head = parts[0]
    valid = None
    if any(p.valid is not None for p in parts):
        valid = normalize_valid(torch.cat([p.validity() for p in parts]))
    if all(p.lists is head.lists for p in parts):
        return replace(head, values=_cat([p.values for p in parts]), valid=valid)
    arrays = [p.lists for p in parts]
    elements = concat_columns([a.elements for a in arrays], what)
    offsets, ids, element_shift, row_shift = [], [], 0, 0
    for part, array in zip(parts, arrays):  # a loop over the parts, each shifted whole
        offsets.append(array.offsets[:-1] + element_shift)
        ids.append(part.values + row_shift)
        element_shift += len(array.elements)
        row_shift += array.offsets.shape[0] - 1
    offsets.append(torch.tensor([element_shift], dtype=torch.int64, device=head.device))
    lists = ListArray(torch.cat(offsets), elements)
    return Column(torch.cat(ids), DataType.LIST, valid, lists=lists)


def _concat_structs(parts: list[Column], what: str) -> Column:
    """STRUCT columns end to end: each field's children joined, the rows' struct numbers
    shifted past the structs before them. The structs must have the same field names; an
    untyped NULL column joins as NULL structs."""
    typed = [p for p in parts if p.type is DataType.STRUCT]
    head = typed[0]
    if any(p.type not in (DataType.STRUCT, DataType.NULL) for p in parts) or any(
            tuple(n.lower() for n in p.struct.names)
            != tuple(n.lower() for n in head.struct.names) for p in typed):
        raise NotSupportedError(f"STRUCT values meeting values of another type in {what}")
    valid = None
    if any(p.valid is not None for p in parts):
        valid = normalize_valid(torch.cat([p.validity() for p in parts]))
    if all(p.struct is head.struct for p in typed):
        ids = [p.values if p.type is DataType.STRUCT else
               torch.zeros(len(p), dtype=torch.int64, device=p.device) for p in parts]
        return replace(head, values=_cat(ids), valid=valid)
    fields = tuple(concat_columns([p.struct.fields[i] for p in typed], what)
                   for i in range(len(head.struct.names)))
    ids, shift = [], 0
    for part in parts:  # a loop over the parts, each shifted whole
        if part.type is DataType.NULL:  # NULL structs: any number in range
            ids.append(torch.zeros(len(part), dtype=torch.int64, device=part.device))
            continue
        ids.append(part.values.long() + shift)
        shift += len(part.struct)
    return Column(torch.cat(ids), DataType.STRUCT, valid,
                  struct=StructArray(head.struct.names, fields))


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
        # (tensors made from slices of one numpy array start their storages at the slice: the
        # head's may end before the others do)
        if adjacent and head.untyped_storage().nbytes() >= offset * head.element_size():
            total = offset - head.storage_offset()
            return head.as_strided((total,), (1,), head.storage_offset())
    return torch.cat(tensors)
