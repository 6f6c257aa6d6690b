"""Filter, project, limit, distinct, scalar broadcast and row numbers over one batch."""

from __future__ import annotations

from dataclasses import replace

import torch

from tqp.errors import DataError
from tqp.operators.expressions import evaluate
from tqp.operators.expressions.logic import truth
from tqp.operators.first_groups import first_rows
from tqp.operators.lists import reject_list_keys
from tqp.storage.column import Batch, Column, null_column
from tqp.storage.masks import true_rows
from tqp.types import DataType


def filter_(condition, batch: Batch, mask: torch.Tensor | None = None) -> Batch:
    """The rows where `condition` is TRUE (`mask`: the condition, when already computed)."""
    mask = filter_mask(condition, batch) if mask is None else mask
    if mask.dim() == 0 or mask.stride(0) == 0:  # a constant condition
        keep = bool(mask[0]) if batch.num_rows else True
        return batch if keep else batch.take(torch.zeros(0, dtype=torch.long, device=mask.device))
    return batch.filter(mask)


def filter_mask(condition, batch: Batch) -> torch.Tensor:
    """A bool per row of `batch`: is `condition` TRUE? (A stride-0 view when the condition is
    the same for every row.)"""
    value = truth(evaluate(condition, batch), "WHERE/HAVING condition")
    return value.values if value.valid is None else value.values & value.valid


def project(exprs, batch: Batch) -> Batch:
    """The (name, expression) pairs evaluated over `batch`."""
    return batch.empty_like(batch.num_rows, {name: evaluate(e, batch) for name, e in exprs})


def slice_rows(batch: Batch, start: int, stop: int) -> Batch:
    """Rows [start, stop) of `batch` (clamped to it)."""
    start = min(start, batch.num_rows)
    stop = min(max(stop, start), batch.num_rows)
    if start == 0 and stop == batch.num_rows:
        return batch
    return batch.take(torch.arange(start, stop, device=batch.device))


def distinct(batch: Batch) -> Batch:
    """One row per distinct tuple (NULLs equal to each other), in order of first appearance."""
    if not batch.columns:
        return batch.empty_like(min(batch.num_rows, 1))
    reject_list_keys(batch.columns.values(), "DISTINCT")
    return batch.take(first_rows([(c.values, c.valid) for c in batch.columns.values()]))


def scalar_apply(name: str, batch: Batch, sub: Batch) -> Batch:
    """Broadcast the single value of `sub` as column `name` of `batch`."""
    if sub.num_rows > 1:
        raise DataError("More than one row returned by a subquery used as an expression")
    value = next(iter(sub.columns.values()))
    n = batch.num_rows
    if sub.num_rows == 0:
        column = null_column(n, value.type, value.device, value.decimal)
        column = replace(value, values=column.values, valid=column.valid)
    else:
        column = value.first_row().broadcast(n)
    return batch.with_columns({name: column})


def row_number(name: str, batch: Batch, start: int = 0) -> Batch:
    """`batch` plus column `name` numbering its rows from `start`."""
    ids = torch.arange(start, start + batch.num_rows, device=batch.device)
    return batch.with_columns({name: Column(ids, DataType.BIGINT)})
