"""The Aggregate operator: group ids from the key columns, then one segment reduction per
aggregate over whole columns: SUM, COUNT, AVG, MIN, MAX, COUNT(DISTINCT), the variances and
standard deviations, BOOL_AND/BOOL_OR, FIRST/ANY_VALUE and MEDIAN."""

from __future__ import annotations

import torch

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.ml.calls import has_model_call
from tqp.operators import group as kernels
from tqp.operators.expressions import evaluate, user_names
from tqp.operators.keys import float_key, pack_keys
from tqp.planner.logical import AggregateCall
from tqp.storage.column import Batch, Column, and_valid, normalize_valid
from tqp.types import DataType


# The aggregates that can read a filter's mask instead of the filtered rows: a row the filter
# drops is then an input they skip, like a NULL.
MASKABLE = frozenset({"count_star", "count", "sum", "avg", "min", "max"})


def takes_mask(keys, aggregates) -> bool:
    """Can `aggregate` run with `keep` for these keys and aggregates? Every aggregate must skip
    NULL inputs, and no expression may call a model (a model scores only the rows the query
    keeps)."""
    expressions = [e for _, e in keys]
    expressions += [call.arg for _, call in aggregates if call.arg is not None]
    return all(call.func in MASKABLE and not call.distinct for _, call in aggregates) and \
        not any(has_model_call(e) for e in expressions)


def aggregate(keys, aggregates, batch: Batch, keep: torch.Tensor | None = None,
              ran: list | None = None) -> Batch:
    """Group `batch` by `keys` (name, expression) and compute `aggregates` (name,
    AggregateCall) per group; with `keep` (see `takes_mask`), only the rows where it is True
    count: the result is that of the filtered batch, without copying its columns first. `keep`
    must hold at least one True (then every group has a kept row). `ran` receives the group
    numbering used."""
    device = batch.device
    columns = [evaluate(e, batch) for _, e in keys]
    if columns:
        ids, groups, first = kernels.group_ids([(k.values, k.valid) for k in columns],
                                               first_row=False, keep=keep, ran=ran)
    else:
        ids, groups, first = kernels.group_ids([], num_rows=batch.num_rows, device=device)
    out = {name: k.take(first) for (name, _), k in zip(keys, columns)}
    counts = _Counts(ids, groups)
    for name, call in aggregates:
        out[name] = _reduce(call, batch, ids, groups, device, keep, counts)
    return Batch(out, groups, device)


class _Counts:
    """Rows per group that a validity mask lets through, computed once per mask (COUNT(*),
    COUNT(x) and AVG over the same rows share it)."""

    def __init__(self, ids: torch.Tensor, groups: int):
        self.ids, self.groups, self._known = ids, groups, {}

    def of(self, valid: torch.Tensor | None) -> torch.Tensor:
        key = None if valid is None else id(valid)
        if key not in self._known:
            self._known[key] = (valid, kernels.segment_count(valid, self.ids, self.groups))
        return self._known[key][1]


def _distinct_rows(arg: Column, ids: torch.Tensor) -> torch.Tensor:
    """Indices of one row per distinct (group, value) pair; NULL is a value of its own (a NULL
    row's stored value must not stand for a real one)."""
    values = arg.values.double() if arg.values.is_floating_point() else arg.values.long()
    keys = [ids, values]
    if arg.valid is not None:
        keys = [ids, ~arg.valid, torch.where(arg.valid, values, torch.zeros_like(values))]
    packed = pack_keys(keys)
    _, inverse = torch.unique(packed, return_inverse=True)
    first = torch.full((int(inverse.max()) + 1 if inverse.numel() else 0,), inverse.numel(),
                       dtype=torch.long, device=ids.device)
    first.scatter_reduce_(0, inverse, torch.arange(inverse.numel(), device=ids.device), "amin")
    return first


def _reduce(call: AggregateCall, batch: Batch, ids: torch.Tensor, groups: int, device,
            keep: torch.Tensor | None, counts: _Counts) -> Column:
    if call.func == "count_star":
        return Column(counts.of(keep), DataType.BIGINT)
    arg = evaluate(call.arg, batch)
    if keep is not None:
        arg = Column(arg.values, arg.type, and_valid(arg.valid, keep), arg.dictionary, arg.scale)
    # Only the rows `keep` drops are NULL: every group still has a value (see `aggregate`), so
    # sums may add zeros in their place and skip finding the groups without input.
    only_dropped = keep is not None and arg.valid is keep
    if call.func == "count" and call.distinct:
        return Column(kernels.segment_count_distinct(arg.values, arg.valid, ids, groups),
                      DataType.BIGINT)
    if call.distinct and call.func not in ("min", "max", "bool_and", "bool_or"):
        rows = _distinct_rows(arg, ids)
        arg, ids = arg.take(rows), ids[rows]
    if call.func == "count":
        return Column(counts.of(arg.valid), DataType.BIGINT)  # COUNT(DISTINCT) returned above
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
    if call.func in ("first", "any_value"):
        return _first(arg, ids, groups, skip_nulls=call.func == "any_value")
    if call.func in ("bool_and", "bool_or"):
        return _bool_reduce(call, arg, ids, groups)
    if arg.type is DataType.NULL:
        return Column(torch.zeros(groups, dtype=torch.float64, device=device), DataType.DOUBLE,
                      torch.zeros(groups, dtype=torch.bool, device=device))
    if call.func in VARIANCES:
        if not arg.type.is_numeric:
            raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
        return _variance(arg, ids, groups, *VARIANCES[call.func])
    if call.func == "median":
        return _median(call, arg, ids, groups)
    if not (arg.type.is_numeric or arg.type is DataType.BOOLEAN):
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
    if call.func == "sum":
        summands = _summands(arg, only_dropped)
        if kernels.segment_sum_overflows(*summands, ids, groups):
            raise DataError(f"Overflow in {user_names(call.sql())}: the sum does not fit in BIGINT "
                            "(tqp has no HUGEINT)")
        values, valid = kernels.segment_sum(*summands, ids, groups)
        type_ = DataType.BIGINT if arg.type.is_integer or arg.type is DataType.BOOLEAN else arg.type
        return Column(values, type_, normalize_valid(valid), None, arg.scale)
    if call.func == "avg":
        sums, _ = kernels.segment_sum(*_summands(arg, only_dropped, torch.float64), ids, groups)
        n = counts.of(arg.valid) if not call.distinct else \
            kernels.segment_count(arg.valid, ids, groups)
        values = sums / n.clamp(min=1).double()
        return Column(values, DataType.DOUBLE, normalize_valid(n > 0))
    raise NotSupportedError(f"aggregate {call.func}")


def _summands(arg: Column, only_dropped: bool, dtype: torch.dtype | None = None):
    """(values, valid) to sum: with `only_dropped`, zeros in place of the dropped rows and no
    validity to check per group."""
    values = arg.values if dtype is None else arg.values.to(dtype)
    if not only_dropped:
        return values, arg.valid
    return torch.where(arg.valid, values, torch.zeros((), dtype=values.dtype,
                                                      device=values.device)), None


# function -> (divide by n - 1, take the square root)
VARIANCES = {"var_samp": (True, False), "var_pop": (False, False),
             "stddev_samp": (True, True), "stddev_pop": (False, True)}


def _variance(arg: Column, ids: torch.Tensor, groups: int, sample: bool, root: bool) -> Column:
    """Variance or standard deviation per group, in two passes for numerical stability: the
    group means first, then the sum of squared deviations from them. NULL where the group has
    no value (or just one, for the sample versions)."""
    values = arg.values.double()
    counts = kernels.segment_count(arg.valid, ids, groups)
    sums, _ = kernels.segment_sum(values, arg.valid, ids, groups)
    means = sums / counts.clamp(min=1).double()
    deviations = values - means[ids]
    squares, _ = kernels.segment_sum(deviations * deviations, arg.valid, ids, groups)
    divisor = counts - 1 if sample else counts
    result = squares / divisor.clamp(min=1).double()
    return Column(result.sqrt() if root else result, DataType.DOUBLE, normalize_valid(divisor > 0))


def _bool_reduce(call: AggregateCall, arg: Column, ids: torch.Tensor, groups: int) -> Column:
    """BOOL_AND / BOOL_OR of a BOOLEAN argument (DuckDB takes no other type)."""
    if arg.type is DataType.NULL:
        return Column(torch.zeros(groups, dtype=torch.bool, device=ids.device), DataType.BOOLEAN,
                      torch.zeros(groups, dtype=torch.bool, device=ids.device))
    if arg.type is not DataType.BOOLEAN:
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
    fn = kernels.segment_all if call.func == "bool_and" else kernels.segment_any
    values, valid = fn(arg.values, arg.valid, ids, groups)
    return Column(values, DataType.BOOLEAN, normalize_valid(valid))


def _first(arg: Column, ids: torch.Tensor, groups: int, skip_nulls: bool) -> Column:
    """The value of each group's first row in input order (FIRST, NULL included) or of its
    first non-NULL row (ANY_VALUE)."""
    rows = torch.arange(ids.numel(), device=ids.device)
    if skip_nulls and arg.valid is not None:
        rows, ids = rows[arg.valid], ids[arg.valid]
    first = torch.full((groups,), -1, dtype=torch.long, device=ids.device)
    first.scatter_reduce_(0, ids, rows, "amin", include_self=False)
    taken = arg.take_or_null(first)  # -1 (a group with no such row) is NULL
    return taken.with_valid(taken.valid)


def _median(call: AggregateCall, arg: Column, ids: torch.Tensor, groups: int) -> Column:
    """MEDIAN per group: sort by (group, value), then read the middle one or two values of each
    group's run. Integers give a DOUBLE midpoint; a DECIMAL keeps its type, its midpoint cut
    toward zero at its scale as DuckDB does."""
    if not arg.type.is_numeric:
        raise NotSupportedError(f"MEDIAN of a {arg.type.value} value: {user_names(call.sql())}")
    values, kept = arg.values, ids
    if arg.valid is not None:
        values, kept = values[arg.valid], ids[arg.valid]
    key = float_key(values.double()) if values.is_floating_point() else values.long()
    order = torch.argsort(key, stable=True)
    order = order[torch.argsort(kept[order], stable=True)]
    ordered = values[order].double()
    counts = torch.bincount(kept, minlength=groups)
    starts = torch.cumsum(counts, 0) - counts
    last = max(ordered.numel() - 1, 0)
    lo = (starts + (counts - 1).clamp(min=0) // 2).clamp(max=last)
    hi = (starts + counts // 2).clamp(max=last)
    if ordered.numel() == 0:
        ordered = torch.zeros(1, dtype=torch.float64, device=ids.device)
    low, high = ordered[lo], ordered[hi]
    valid = normalize_valid(counts > 0)
    if arg.type is DataType.DECIMAL and arg.scale is not None:
        unit = 10.0 ** arg.scale
        scaled = torch.round(low * unit) + torch.round(high * unit)
        return Column(torch.trunc(scaled / 2) / unit, arg.type, valid, None, arg.scale)
    middle = torch.where(low == high, low, low + (high - low) * 0.5)
    return Column(middle, DataType.DECIMAL if arg.type is DataType.DECIMAL else DataType.DOUBLE,
                  valid, None, arg.scale)


def reduce_groups(call: AggregateCall, batch: Batch, ids: torch.Tensor, groups: int,
                  device) -> Column:
    """One aggregate of `batch` per group of `ids` (0..groups-1, each present): what a window
    aggregate over whole partitions computes before it is spread back to the rows."""
    return _reduce(call, batch, ids, groups, device, None, _Counts(ids, groups))
