"""Kernels over DECIMAL values: int64 tensors of the numbers scaled by 10**scale.

A value leaves int64 only where a DECIMAL wider than 18 digits holds it (DuckDB's int128); tqp
raises a DataError there rather than wrap. Operations on a broadcast constant (a literal
expanded to the batch) run once and stay broadcast.
"""

from __future__ import annotations

import torch

from tqp.errors import DataError
from tqp.storage.column import Column, broadcast_values
from tqp.storage.ranges import TensorMemo, known_range, value_range
from tqp.types import INT64_DECIMAL_PRECISION, INTEGER_DECIMALS, DataType, DecimalType

INT64_MAX = 2**63 - 1


def decimal_of(column: Column) -> DecimalType:
    """The DECIMAL type of a DECIMAL column, or the one an integer column converts to."""
    if column.type is DataType.DECIMAL:
        return column.decimal
    return INTEGER_DECIMALS[column.type]


def _is_broadcast(values: torch.Tensor) -> bool:
    return values.numel() > 1 and broadcast_values(values)


def _once(fn, values: torch.Tensor, *args) -> torch.Tensor:
    """`fn(values, *args)`, computed on one row when `values` is a broadcast constant."""
    if _is_broadcast(values):
        return fn(values[:1], *args).expand(values.numel())
    return fn(values, *args)


def widened(values: torch.Tensor) -> torch.Tensor:
    """Integer values as int64, the tensor itself when it is int64 already; a broadcast
    constant stays a broadcast view (`.long()` of an expanded int32 would copy it to every
    row: `1 - x` over 6M rows spent most of its time there)."""
    return _once(torch.Tensor.long, values)


# Bounds on |value| per tensor that no pass found: a product's from its operands', a sum's from
# its addends'. Exact ones come from the tensor's remembered range (storage.ranges), which joins
# and grouping share.
_BOUNDS = TensorMemo()


def max_magnitude(values: torch.Tensor) -> float:
    """An upper bound of |value| over an integer tensor, as a float (the largest magnitude: one
    pass and one host sync, once per tensor): the cheap test that lets the exact overflow checks
    be skipped."""
    known = known_magnitude(values)
    if known is not None:
        return known
    lo, hi = value_range(values)
    return float(max(abs(lo), abs(hi)))


def known_magnitude(values: torch.Tensor) -> float | None:
    """`max_magnitude(values)` where it costs no pass over the rows (remembered, or a broadcast
    constant's one value); None otherwise."""
    bound = _BOUNDS.get(values)
    if bound is not None:
        return bound
    if values.numel() == 0:
        return 0.0
    found = known_range(values) if values.numel() > 1 and not _is_broadcast(values) \
        else value_range(values)
    return None if found is None else float(max(abs(found[0]), abs(found[1])))


def remember_magnitude(values: torch.Tensor, bound: float) -> None:
    """Record `bound` as an upper bound of |value| over `values` (values are never changed in
    place once a column holds them)."""
    _BOUNDS.put(values, bound)


def check_fits(bad: torch.Tensor, valid: torch.Tensor | None, decimal: DecimalType,
               what) -> None:
    """Raise DataError when a non-NULL row is `bad` (out of range for `decimal`)."""
    if valid is not None:
        bad = bad & valid
    if bool(bad.any()):
        raise DataError(f"Overflow in {what}: a value does not fit in {decimal.sql()}"
                        + (" (tqp holds decimals in 64 bits)" if decimal.precision
                           > INT64_DECIMAL_PRECISION else ""))


def scale_up(column: Column, digits: int, decimal: DecimalType, what) -> torch.Tensor:
    """`column`'s integers times 10**digits (toward `decimal`), checked against int64 only
    where the input's precision lets a value pass it."""
    values = widened(column.values)
    if digits <= 0:
        return values
    factor = 10 ** digits
    if decimal_of(column).precision + digits > INT64_DECIMAL_PRECISION:
        limit = INT64_MAX // factor
        check_fits(_once(lambda v: (v > limit) | (v < -limit), values), column.valid, decimal,
                   what)
    if factor > INT64_MAX:  # only zeros (and NULLs) are left
        return torch.zeros_like(values)
    return _once(torch.mul, values, factor)


def round_down(values: torch.Tensor, digits: int) -> torch.Tensor:
    """Integers divided by 10**digits, rounded half away from zero (DuckDB's decimal rounding)."""
    if digits <= 0:
        return values
    if digits > INT64_DECIMAL_PRECISION:
        return torch.zeros_like(values)
    factor = 10 ** digits

    def rounded(v):
        half = torch.where(v < 0, -(factor // 2), factor // 2)
        return torch.div(v + half, factor, rounding_mode="trunc")

    return _once(rounded, values)


def truncate_down(values: torch.Tensor, digits: int, mode: str = "trunc") -> torch.Tensor:
    """Integers divided by 10**digits toward zero (`trunc`) or toward -inf (`floor`)."""
    if digits <= 0:
        return values
    if digits > INT64_DECIMAL_PRECISION:
        return torch.zeros_like(values)
    return _once(lambda v: torch.div(v, 10 ** digits, rounding_mode=mode), values)


def to_decimal(column: Column, decimal: DecimalType, what) -> Column:
    """An integer or DECIMAL column as `decimal`: exact to a scale at least the column's,
    rounded half away from zero to a smaller one (where a common type past 38 digits gave
    way on its scale, see `DecimalType.common`)."""
    source = decimal_of(column)
    if decimal.scale < source.scale:
        values = round_down(column.values.long(), source.scale - decimal.scale)
        check_precision(values, column.valid, decimal, what)
    else:
        values = scale_up(column, decimal.scale - source.scale, decimal, what)
    return Column(values, DataType.DECIMAL, column.valid, None, decimal)


def check_precision(values: torch.Tensor, valid: torch.Tensor | None, decimal: DecimalType,
                    what) -> None:
    """A DataError unless every value has at most `decimal.precision` digits (up to 18)."""
    if decimal.precision > INT64_DECIMAL_PRECISION:
        return
    limit = 10 ** decimal.precision
    check_fits(_once(lambda v: (v >= limit) | (v <= -limit), values), valid, decimal, what)
