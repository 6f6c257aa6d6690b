"""Pack several key columns into one int64 key column.

Joins, group-by and DISTINCT compare whole tuples of keys. Comparing one int64 per row is far
cheaper than comparing k columns, so the operators first pack the key columns into a single int64
tensor with the property: two rows get equal packed values iff all their keys are equal.

The packing is mixed radix, first key most significant: `sum((k_i - min_i) * stride_i)`, which
also preserves the lexicographic order of the key tuples. When the product of the key ranges does
not fit in `MAX_PACKED_BITS` bits, wide columns are first replaced by their dense ranks
(`torch.unique(return_inverse=True)`, order-preserving), and a packed prefix that would still
overflow is re-ranked before the next column is appended.

Float64 keys are mapped to int64 by an order-preserving bit trick (after making -0.0 equal to 0.0
and all NaNs equal to one another), so they join the integer path.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tqp.storage.ranges import value_ranges
from tqp.storage.wide import key_words

# The packed value must stay a non-negative int64 with room to spare.
MAX_PACKED_BITS = 62
MAX_PACKED_RANGE = 1 << MAX_PACKED_BITS

_LOW_63_BITS = (1 << 63) - 1


def float_key(values: torch.Tensor) -> torch.Tensor:
    """Map float64 values to int64 so that equality and order are those of SQL on doubles.

    -0.0 and 0.0 map to the same integer, every NaN maps to one integer greater than +inf.
    """
    x = values.to(torch.float64)
    x = torch.where(x == 0, torch.zeros_like(x), x)
    x = torch.where(torch.isnan(x), torch.full_like(x, float("nan")), x)
    bits = x.contiguous().view(torch.int64)
    # Negative doubles order backwards as integers: flip their 63 low bits.
    return torch.where(bits < 0, bits ^ _LOW_63_BITS, bits)


def float_from_key(keys: torch.Tensor) -> torch.Tensor:
    """The inverse of `float_key`: int64 keys back to float64 values."""
    bits = torch.where(keys < 0, keys ^ _LOW_63_BITS, keys)
    return bits.contiguous().view(torch.float64)


def as_int64(values: torch.Tensor) -> torch.Tensor:
    """One key column as int64: integers and bools widened, floats through `float_key`."""
    if values.dtype.is_floating_point:
        return float_key(values)
    return values.to(torch.int64)


def rangeable(values: torch.Tensor) -> torch.Tensor:
    """One key column in a dtype with an integer range: integers as they are (no int64 copy of
    an int32 column), bools widened, floats through `float_key`."""
    if values.dtype.is_floating_point or values.dtype == torch.bool:
        return as_int64(values)
    return values


def dense_rank(values: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Order-preserving dense ranks 0..n_distinct-1 of an int64 tensor, and n_distinct."""
    uniq, inverse = torch.unique(values, sorted=True, return_inverse=True)
    return inverse.to(torch.int64), int(uniq.numel())


def column_ranges(cols: list[torch.Tensor]) -> list[tuple[int, int]]:
    """(min, max) of every column as Python ints, with a single host sync (none for columns
    whose range is remembered, see storage.ranges)."""
    return value_ranges(cols)


def pack_keys(keys: list[torch.Tensor]) -> torch.Tensor:
    """Pack equal-length key columns (int32/int64/bool/float64) into one int64 tensor.

    Rows get equal packed values iff all their keys are equal, and packed order is the
    lexicographic order of the key tuples (first key most significant).

    Example:
        >>> pack_keys([torch.tensor([1, 1, 2]), torch.tensor([5, 6, 5])]).tolist()
        [0, 1, 2]
    """
    if not keys:
        raise ValueError("pack_keys needs at least one key column")
    cols = [rangeable(words) for k in keys for words in key_words(k)]
    n = cols[0].numel()
    if any(c.numel() != n for c in cols):
        raise ValueError("key columns must have equal lengths")
    if len(cols) == 1:
        return cols[0].to(torch.int64)
    if n == 0:
        return torch.empty(0, dtype=torch.int64, device=cols[0].device)

    ranges = column_ranges(cols)
    spans = [hi - lo + 1 for lo, hi in ranges]
    total = 1
    for span in spans:
        total *= span
    if total <= MAX_PACKED_RANGE:
        return mixed_radix(cols, ranges)

    # Too wide: replace columns wider than the row count by their ranks, re-rank as needed.
    shifted = []
    for i, (c, (lo, _)) in enumerate(zip(cols, ranges)):
        if spans[i] > n:
            c, spans[i] = dense_rank(c.to(torch.int64))
            shifted.append(c)
        else:
            shifted.append(c.to(torch.int64) - lo)
    packed, span = shifted[0], spans[0]
    for c, c_span in zip(shifted[1:], spans[1:]):
        if span * c_span > MAX_PACKED_RANGE:
            packed, span = dense_rank(packed)
        packed = packed * c_span + c
        span *= c_span
    return packed


def mixed_radix(cols: list[torch.Tensor], ranges: list[tuple[int, int]]) -> torch.Tensor:
    """sum((cols[i] - lo[i]) * stride[i]) as int64, the first column most significant, for
    integer columns within their `ranges` (lo, hi) whose spans' product fits in int64. One new
    tensor, updated in place: no temporary column per key."""
    # The minima can be subtracted once, at the end, where the unshifted sum stays inside
    # int64 (always so for dictionary codes and most keys, whose minimum is then 0 or small).
    unshifted, offset, slots = 0, 0, 1
    for lo, hi in ranges:
        span = hi - lo + 1
        unshifted = unshifted * span + max(abs(lo), abs(hi))
        offset = offset * span + lo
        slots *= span
    if len(cols) > 1 and max(unshifted, slots) < _INT32_BOUND and \
            all(c.dtype in _INT32_OR_NARROWER for c in cols):
        # Every partial sum fits in int32: packed there, half the bytes of int64 to write and
        # read, and widened once (6M rows, two int32 dictionary codes, 2 threads, Intel VM:
        # 15.4 -> 7.4 ms with the masked fill that follows in key_slots). One column alone is
        # widened at once: a narrow copy first would be one more pass.
        packed = cols[0].to(torch.int32, copy=True)
        for c, (lo, hi) in zip(cols[1:], ranges[1:]):
            packed.mul_(hi - lo + 1).add_(c)
        return (packed.sub_(offset) if offset else packed).to(torch.int64)
    if unshifted < _SMALL:
        packed = cols[0].to(torch.int64, copy=True)
        for c, (lo, hi) in zip(cols[1:], ranges[1:]):
            packed.mul_(hi - lo + 1).add_(c)
        return packed.sub_(offset) if offset else packed
    lo, _ = ranges[0]
    packed = cols[0].to(torch.int64) - lo
    for c, (lo, hi) in zip(cols[1:], ranges[1:]):
        packed.mul_(hi - lo + 1)
        if -_SMALL < lo and hi < _SMALL:  # packed + c stays inside int64 before the shift
            packed.add_(c).sub_(lo)
        else:
            packed.add_(c.to(torch.int64) - lo)
    return packed


# Key values with magnitudes below this may be added to a packed prefix (itself below 2**62)
# before their minimum is subtracted.
_SMALL = 1 << 62
# Packed keys whose partial sums and slot count stay below this bound are packed in int32.
_INT32_BOUND = 1 << 31
_INT32_OR_NARROWER = frozenset({torch.int8, torch.uint8, torch.int16, torch.int32})


def pack_join_keys(
    left: list[torch.Tensor], right: list[torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pack the keys of both join sides consistently: equal tuples give equal int64 values.

    Each pair of key columns is promoted to a common dtype (an int column against a double
    column compares as doubles), the two sides are packed together and split again.
    """
    if len(left) != len(right):
        raise ValueError("both join sides need the same number of key columns")
    if not left:
        raise ValueError("pack_join_keys needs at least one key column")
    if len(left) == 1:
        # One key: no ranges to share, so no need to concatenate the sides (a copy of both).
        dtype = torch.promote_types(left[0].dtype, right[0].dtype)
        return as_int64(left[0].to(dtype)), as_int64(right[0].to(dtype))
    num_left = left[0].numel()
    both = []
    for lk, rk in zip(left, right):
        dtype = torch.promote_types(lk.dtype, rk.dtype)
        both.append(torch.cat([lk.to(dtype), rk.to(dtype)]))
    packed = pack_keys(both)
    return packed[:num_left], packed[num_left:]


@dataclass(frozen=True)
class KeyPacking:
    """How one join side's key columns were packed, so that batches of the other side can be
    packed the same way later: per column its dtype and (min, max) (no ranges for a single
    key, which is used as it is); a probe tuple outside the ranges cannot match, and
    `probe_inside` leaves it out."""

    dtypes: tuple[torch.dtype, ...]
    ranges: tuple[tuple[int, int], ...]


def pack_build_keys(keys: list[torch.Tensor]) -> tuple[torch.Tensor, KeyPacking] | None:
    """The build side's keys packed alone (values >= 0), with the packing; None when the
    ranges' product passes MAX_PACKED_RANGE (the caller then packs both sides together)."""
    cols = [rangeable(k) for k in keys]
    if len(cols) == 1:  # one key needs no ranges
        return cols[0].to(torch.int64), KeyPacking((keys[0].dtype,), ())
    if cols[0].numel() == 0:
        return None
    ranges = column_ranges(cols)
    total = 1
    for lo, hi in ranges:
        total *= hi - lo + 1
    if total > MAX_PACKED_RANGE:
        return None
    packed = mixed_radix(cols, ranges)
    return packed, KeyPacking(tuple(k.dtype for k in keys), tuple(ranges))


def probe_inside(packing: KeyPacking, keys: list[torch.Tensor]) -> torch.Tensor | None:
    """Per probe row, do all its keys lie within the build side's ranges (the only rows that
    can match)? None for a single key, which is used as it is. The caller picks those rows
    before `pack_probe_keys`: picking them took a pass over a few key columns, where clamping
    every row into range and marking the rest -1 took six passes over int64 copies (on 7.8M
    probe rows, 170 of 190 ms)."""
    if not packing.ranges:
        return None
    inside = None
    for k, dtype, (lo, hi) in zip(keys, packing.dtypes, packing.ranges):
        ok = _between(k if _compares_natively(k, dtype) else rangeable(k.to(dtype)), lo, hi)
        inside = ok if inside is None else inside.logical_and_(ok)
    return inside


def _compares_natively(key: torch.Tensor, build_dtype: torch.dtype) -> bool:
    """Do `key`'s values compare with the build's range as they are (integers both)?"""
    return not (key.is_floating_point() or build_dtype.is_floating_point
                or key.dtype == torch.bool or build_dtype == torch.bool)


def _between(values: torch.Tensor, lo: int, hi: int) -> torch.Tensor:
    """values >= lo and values <= hi, with the bounds clipped to the integer dtype's own range
    (torch would wrap a bound outside it)."""
    limits = torch.iinfo(values.dtype)
    if lo > limits.max or hi < limits.min:
        return torch.zeros(values.shape, dtype=torch.bool, device=values.device)
    lo, hi = max(lo, limits.min), min(hi, limits.max)
    if lo == limits.min:
        return values <= hi
    if hi == limits.max:
        return values >= lo
    return (values >= lo).logical_and_(values <= hi)


def pack_probe_keys(packing: KeyPacking, keys: list[torch.Tensor]) -> torch.Tensor | None:
    """Probe keys packed like the build side, for rows whose keys all lie within the build's
    ranges (`probe_inside` finds them); None when a column's dtype would have to change the
    build side's (e.g. an integer build key meeting a double probe key)."""
    if any(torch.promote_types(k.dtype, dtype) != dtype for k, dtype in zip(keys, packing.dtypes)):
        return None
    if not packing.ranges and packing.dtypes[0] == torch.int32:
        # One int32 key is probed as it is: tables are indexed by int32 as well, and widening
        # every probe row to int64 cost a pass and twice the bytes for each pass after it
        return keys[0].to(torch.int32)
    if not packing.ranges:
        return as_int64(keys[0].to(packing.dtypes[0]))
    cols = [k if _compares_natively(k, dtype) else rangeable(k.to(dtype))
            for k, dtype in zip(keys, packing.dtypes)]
    return mixed_radix(cols, list(packing.ranges))
