"""Scan, filter, project, limit, distinct and scalar broadcast: the simple operators."""

from __future__ import annotations

import torch

from tqp.errors import DataError
from tqp.operators.expressions import evaluate
from tqp.operators.expressions.logic import truth
from tqp.operators.group import group_ids
from tqp.planner.logical import Distinct, Filter, Limit, OneRow, Project, RowNumber, ScalarApply, Scan
from tqp.storage.column import Batch, Column, null_column


def scan(node: Scan, catalog) -> Batch:
    table = catalog.table(node.table)
    columns = {f"{node.binding}.{f}": catalog.column(node.table, f) for f in node.fields}
    return Batch(columns, table.num_rows)


def one_row(node: OneRow, catalog) -> Batch:
    return Batch({}, 1)


def filter_(node: Filter, batch: Batch, mask: torch.Tensor | None = None) -> Batch:
    """The rows where the condition is TRUE (`mask`: the condition, when already computed)."""
    mask = filter_mask(node, batch) if mask is None else mask
    if mask.dim() == 0 or mask.stride(0) == 0:  # a constant condition
        keep = bool(mask[0]) if batch.num_rows else True
        return batch if keep else batch.take(torch.zeros(0, dtype=torch.long, device=mask.device))
    return batch.filter(mask)


def filter_mask(node: Filter, batch: Batch) -> torch.Tensor:
    """A bool per row of `batch`: is the condition TRUE? (A stride-0 view when the condition is
    the same for every row.)"""
    condition = truth(evaluate(node.condition, batch), "WHERE/HAVING condition")
    return condition.values if condition.valid is None else condition.values & condition.valid


def project(node: Project, batch: Batch) -> Batch:
    return Batch({name: evaluate(e, batch) for name, e in node.exprs}, batch.num_rows)


def limit(node: Limit, batch: Batch) -> Batch:
    start = min(node.offset, batch.num_rows)
    stop = batch.num_rows if node.limit is None else min(start + node.limit, batch.num_rows)
    if start == 0 and stop == batch.num_rows:
        return batch
    device = _device(batch)
    return batch.take(torch.arange(start, stop, device=device))


def distinct(node: Distinct, batch: Batch) -> Batch:
    """One row per distinct tuple (NULLs equal to each other), in order of first appearance."""
    if not batch.columns:
        return Batch({}, min(batch.num_rows, 1))
    _, _, first = group_ids([(c.values, c.valid) for c in batch.columns.values()])
    return batch.take(torch.sort(first).values)


def scalar_apply(node: ScalarApply, batch: Batch, sub: Batch) -> Batch:
    """Broadcast the single value of `sub` as column `node.name` of `batch`."""
    if sub.num_rows > 1:
        raise DataError("More than one row returned by a subquery used as an expression")
    value = next(iter(sub.columns.values()))
    n = batch.num_rows
    if sub.num_rows == 0:
        column = null_column(n, value.type, value.device)
        column = Column(column.values, column.type, column.valid, value.dictionary)
    else:
        valid = None if value.valid is None else value.valid[:1].expand(n)
        column = Column(value.values[:1].expand(n), value.type, valid, value.dictionary)
    return batch.with_columns({node.name: column})


def row_number(node: RowNumber, batch: Batch) -> Batch:
    from tqp.types import DataType

    ids = torch.arange(batch.num_rows, device=_device(batch))
    return batch.with_columns({node.name: Column(ids, DataType.BIGINT)})


def _device(batch: Batch) -> torch.device:
    from tqp.operators.expressions.literals import device_of

    return device_of(batch)
