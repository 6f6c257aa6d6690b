"""The Aggregate operator: group ids from the key columns, then one segment reduction per
aggregate (SUM, COUNT, AVG, MIN, MAX, COUNT(DISTINCT)) over whole columns."""

from __future__ import annotations

import torch

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators import group as kernels
from tqp.operators.expressions import evaluate
from tqp.operators.keys import pack_keys
from tqp.planner.logical import Aggregate, AggregateCall
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.types import DataType


def aggregate(node: Aggregate, batch: Batch, device) -> Batch:
    keys = [evaluate(e, batch) for _, e in node.keys]
    if keys:
        ids, groups, first = kernels.group_ids([(k.values, k.valid) for k in keys])
    else:
        ids, groups, first = kernels.group_ids([], num_rows=batch.num_rows, device=device)
    out = {name: k.take(first) for (name, _), k in zip(node.keys, keys)}
    for name, call in node.aggregates:
        out[name] = _reduce(call, batch, ids, groups, device)
    return Batch(out, groups)


def _distinct_rows(arg: Column, ids: torch.Tensor) -> torch.Tensor:
    """Indices of one row per distinct (group, value) pair."""
    packed = pack_keys([ids, arg.values.double() if arg.values.is_floating_point() else arg.values.long()])
    _, inverse = torch.unique(packed, return_inverse=True)
    first = torch.full((int(inverse.max()) + 1 if inverse.numel() else 0,), inverse.numel(),
                       dtype=torch.long, device=ids.device)
    first.scatter_reduce_(0, inverse, torch.arange(inverse.numel(), device=ids.device), "amin")
    return first


def _reduce(call: AggregateCall, batch: Batch, ids: torch.Tensor, groups: int, device) -> Column:
    if call.func == "count_star":
        return Column(torch.bincount(ids, minlength=groups).long(), DataType.BIGINT)
    arg = evaluate(call.arg, batch)
    if call.func == "count" and call.distinct:
        return Column(kernels.segment_count_distinct(arg.values, arg.valid, ids, groups),
                      DataType.BIGINT)
    if call.distinct and call.func in ("sum", "avg"):
        rows = _distinct_rows(arg, ids)
        arg, ids = arg.take(rows), ids[rows]
    if call.func == "count":
        return Column(kernels.segment_count(arg.valid, ids, groups), DataType.BIGINT)
    if call.func == "single":
        if groups and int(torch.bincount(ids, minlength=groups).max()) > 1:
            raise DataError("More than one row returned by a subquery used as an expression")
        call = AggregateCall("max", call.arg)
    if call.func in ("min", "max"):
        if arg.type is DataType.NULL:
            return Column(torch.zeros(groups, dtype=torch.int32, device=device), DataType.NULL,
                          torch.zeros(groups, dtype=torch.bool, device=device))
        fn = kernels.segment_min if call.func == "min" else kernels.segment_max
        values, valid = fn(arg.values, arg.valid, ids, groups)
        return Column(values, arg.type, normalize_valid(valid), arg.dictionary, arg.scale)
    if arg.type is DataType.NULL:
        return Column(torch.zeros(groups, dtype=torch.float64, device=device), DataType.DOUBLE,
                      torch.zeros(groups, dtype=torch.bool, device=device))
    if not (arg.type.is_numeric or arg.type is DataType.BOOLEAN):
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {call.sql()}")
    if call.func == "sum":
        values, valid = kernels.segment_sum(arg.values, arg.valid, ids, groups)
        type_ = DataType.BIGINT if arg.type.is_integer or arg.type is DataType.BOOLEAN else arg.type
        return Column(values, type_, normalize_valid(valid), None, arg.scale)
    if call.func == "avg":
        sums, _ = kernels.segment_sum(arg.values.double(), arg.valid, ids, groups)
        counts = kernels.segment_count(arg.valid, ids, groups)
        values = sums / counts.clamp(min=1).double()
        return Column(values, DataType.DOUBLE, normalize_valid(counts > 0))
    raise NotSupportedError(f"aggregate {call.func}")
