"""Order-statistic aggregates as segmented tensor programs: quantiles (MEDIAN, QUANTILE_CONT,
QUANTILE_DISC), MODE, ARG_MIN/ARG_MAX and FIRST/LAST.

Each sorts the rows once by (group, value) or scatters per group, then gathers at computed
positions: no loop over groups. Arguments are Columns whose NULL rows are ignored; `ids` numbers
the groups 0..groups-1 and a group without input gets NULL.
"""

from __future__ import annotations

import torch

from tqp.errors import NotSupportedError
from tqp.operators.keys import as_int64, pack_keys
from tqp.storage.column import Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.types import INT64_DECIMAL_PRECISION, DataType


def _sorted_by_group(arg: Column, ids: torch.Tensor, descending: bool = False) -> torch.Tensor:
    """The non-NULL rows ordered by (group, value), ties in input order."""
    rows = torch.arange(len(arg), device=ids.device)
    if arg.valid is not None:
        rows = rows[arg.valid]
    key = _order_key(arg.values[rows])
    order = torch.argsort(key, stable=True, descending=descending)
    rows = rows[order]
    rows = rows[torch.argsort(ids[rows], stable=True)]
    return rows


def quantile(arg: Column, ids: torch.Tensor, groups: int, fraction: float, discrete: bool,
             descending: bool = False) -> Column:
    """QUANTILE_CONT / QUANTILE_DISC per group (MEDIAN is QUANTILE_CONT at 0.5), as DuckDB
    computes them: the continuous one interpolates between the values at floor and ceil of
    (n - 1) * q; the discrete one takes the value at max(1, n - floor(n - q * n)) - 1, in
    ascending order, or descending for WITHIN GROUP (ORDER BY x DESC)."""
    if not discrete and not arg.type.is_numeric:
        raise NotSupportedError(f"QUANTILE_CONT/MEDIAN of a {arg.type.value} value")
    rows = _sorted_by_group(arg, ids, descending and discrete)
    counts = torch.bincount(ids[rows], minlength=groups)
    starts = torch.cumsum(counts, 0) - counts
    n = counts.double()
    last = max(rows.numel() - 1, 0)
    none = torch.full((groups,), -1, dtype=torch.long, device=ids.device)

    def row_at(offset: torch.Tensor) -> torch.Tensor:
        """The row at `offset` within each group's run; -1 (NULL) for an empty group."""
        if rows.numel() == 0:
            return none
        return torch.where(counts > 0, rows[(starts + offset).clamp(max=last)], none)

    if discrete:
        index = (torch.clamp(n - torch.floor(n - fraction * n), min=1) - 1).long()
        return arg.take_or_null(row_at(index))
    if descending:
        fraction = 1.0 - fraction
    position = (n - 1).clamp(min=0) * fraction
    lo, hi = torch.floor(position), torch.ceil(position)
    low_column, high_column = arg.take_or_null(row_at(lo.long())), arg.take_or_null(row_at(hi.long()))
    valid = normalize_valid(low_column.valid)
    weight = position - lo
    if arg.type is DataType.DECIMAL:
        # A DECIMAL keeps its type: the scaled integers interpolated, then cut as DuckDB cuts
        # them: toward zero up to 18 digits (int64), toward -inf past them (its int128).
        low, high = low_column.values.double(), high_column.values.double()
        cut = torch.floor if arg.decimal.precision > INT64_DECIMAL_PRECISION else torch.trunc
        middle = cut(low + (high - low) * weight).long()
        return Column(middle, arg.type, valid, None, arg.decimal)
    low, high = low_column.values.double(), high_column.values.double()
    middle = torch.where(low == high, low, low + (high - low) * weight)
    if arg.type is DataType.FLOAT:  # DuckDB interpolates a FLOAT in double, then rounds
        return Column(middle.float(), DataType.FLOAT, valid)
    return Column(middle, DataType.DOUBLE, valid)


def _order_key(values: torch.Tensor) -> torch.Tensor:
    """One int64 a row, equal and ordered as the values are (an INTERVAL's three words or a
    128-bit value's two packed into their ranks)."""
    return pack_keys([values]) if values.dim() == 2 else as_int64(values)


def mode(arg: Column, ids: torch.Tensor, groups: int) -> Column:
    """The most frequent value per group; among equally frequent values, the one seen first."""
    rows = _sorted_by_group(arg, ids)
    n = len(arg)
    if rows.numel() == 0:
        return arg.take_or_null(torch.full((groups,), -1, dtype=torch.long, device=ids.device))
    key, group = _order_key(arg.values[rows]), ids[rows]
    new_run = torch.ones_like(rows, dtype=torch.bool)
    new_run[1:] = (key[1:] != key[:-1]) | (group[1:] != group[:-1])
    run = torch.cumsum(new_run, 0) - 1
    runs = int(run[-1]) + 1
    size = torch.bincount(run, minlength=runs)
    first = torch.full((runs,), n, dtype=torch.long, device=ids.device)
    first.scatter_reduce_(0, run, rows, "amin")
    # One int64 score per run: larger counts win, then earlier first rows.
    score = size * (n + 1) + (n - first)
    best = torch.full((groups,), -1, dtype=torch.long, device=ids.device)
    best.scatter_reduce_(0, group[new_run], score, "amax")
    picked = torch.where(best >= 0, n - best % (n + 1), torch.full_like(best, -1))
    return arg.take_or_null(picked)


def arg_extreme(arg: Column, by: Column, ids: torch.Tensor, groups: int, largest: bool,
                last: bool = False) -> Column:
    """ARG_MIN / ARG_MAX: `arg` at the first (with `last`, the last) row holding the least
    (greatest) `by` of its group; rows where either is NULL are skipped, as in DuckDB."""
    usable = torch.ones(len(arg), dtype=torch.bool, device=ids.device)
    for column in (arg, by):
        if column.valid is not None:
            usable = usable & column.valid
    rows = true_rows(usable)
    key, group = _order_key(by.values[rows]), ids[rows]
    extreme = torch.zeros(groups, dtype=torch.long, device=ids.device)
    extreme.scatter_reduce_(0, group, key, "amax" if largest else "amin", include_self=False)
    winners = key == extreme[group]
    picked = torch.full((groups,), -1, dtype=torch.long, device=ids.device)
    picked.scatter_reduce_(0, group[winners], rows[winners], "amax" if last else "amin",
                           include_self=False)
    return arg.take_or_null(picked)


def first_or_last(arg: Column, ids: torch.Tensor, groups: int, last: bool,
                  skip_nulls: bool, picked: torch.Tensor | None = None) -> Column:
    """The value of each group's first (last) row in input order, NULL included (FIRST, LAST),
    or of its first non-NULL row (ANY_VALUE); `picked`, when given, holds those rows (see
    `picked_rows`)."""
    if picked is None:
        picked = picked_rows(arg.valid if skip_nulls else None, ids, groups, last)
    taken = arg.take_or_null(picked)  # -1 (a group with no such row) is NULL
    return taken.with_valid(taken.valid)


def picked_rows(valid: torch.Tensor | None, ids: torch.Tensor, groups: int,
                last: bool) -> torch.Tensor:
    """Per group, its first (last) row where `valid` is True (None: every row), -1 for none."""
    if valid is None:
        rows = torch.arange(ids.numel(), device=ids.device)
    else:  # positions, then a gather: faster than masking rows and ids
        rows = true_rows(valid)
        ids = gather(ids, rows)
    picked = torch.full((groups,), -1, dtype=torch.long, device=ids.device)
    picked.scatter_reduce_(0, ids, rows, "amax" if last else "amin", include_self=False)
    return picked
