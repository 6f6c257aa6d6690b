"""INTERVAL values as int64 tensors of shape (n, 3): months, days and microseconds a row.

The three parts are kept apart, as DuckDB keeps them (int32 months, int32 days, int64
microseconds) and as Arrow's month_day_nano_interval does: `INTERVAL '1 month'` and
`INTERVAL '30 days'` are different values. They compare, sort, group and join as equal all the
same: DuckDB orders intervals by their normalised value, a month counted as 30 days and a day
as 24 hours. `key_words` gives the three int64 key columns that order and compare that way
(the floor-carried parts: months, then days in [0, 30), then microseconds in [0, 1 day)); the
sort, group and key-packing kernels read every multi-word values tensor through
`storage.wide.key_words`, which hands intervals here.

Gathers (take, filters, joins' payloads) and concatenation work on the rows of the 2-D tensor
unchanged, as they do for 128-bit integers (storage/wide.py).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

from tqp.errors import DataError

PARTS = 3  # months, days, microseconds
MICROS_PER_DAY = 86_400_000_000
DAYS_PER_MONTH = 30
MICROS_PER_MONTH = DAYS_PER_MONTH * MICROS_PER_DAY
INT32_MAX = 2**31 - 1


def is_interval_values(values: torch.Tensor) -> bool:
    """Are `values` an interval tensor (three words a row)?"""
    return values.dim() == 2 and values.shape[1] == PARTS


def make(months: torch.Tensor, days: torch.Tensor, micros: torch.Tensor) -> torch.Tensor:
    """The (n, 3) interval tensor of three equal-length integer tensors (or broadcastable)."""
    months, days, micros = torch.broadcast_tensors(months.long(), days.long(), micros.long())
    return torch.stack([months, days, micros], dim=1)


def parts(values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(months, days, microseconds) int64 columns of an interval tensor."""
    return values[:, 0], values[:, 1], values[:, 2]


def normalized(values: torch.Tensor) -> torch.Tensor:
    """The intervals with microseconds carried into days and days into months (floor: the
    lower parts end in [0, 1 day) and [0, 30 days)); lexicographic order of the result is
    DuckDB's order of intervals, and equal rows are the intervals DuckDB calls equal."""
    months, days, micros = parts(values)
    carry = torch.div(micros, MICROS_PER_DAY, rounding_mode="floor")
    micros = micros - carry * MICROS_PER_DAY
    days = days + carry
    carry = torch.div(days, DAYS_PER_MONTH, rounding_mode="floor")
    return torch.stack([months + carry, days - carry * DAYS_PER_MONTH, micros], dim=1)


def key_words(values: torch.Tensor) -> list[torch.Tensor]:
    """Three int64 key columns ordered and compared as DuckDB orders and compares intervals."""
    keys = normalized(values)
    return [keys[:, 0], keys[:, 1], keys[:, 2]]


def single_key(values: torch.Tensor, valid: torch.Tensor | None = None) -> torch.Tensor:
    """One int64 a row ordered and compared like the intervals (their normalised microseconds)
    for a join's keys; a DataError past int64 (intervals beyond about 292,000 years)."""
    months, days, micros = parts(values)
    estimate = (months.double() * DAYS_PER_MONTH + days.double()) * MICROS_PER_DAY + \
        micros.double()
    outside = estimate.abs() >= 2.0**62
    if valid is not None:
        outside &= valid
    if bool(outside.any()):
        raise DataError("an INTERVAL join key beyond 2**62 microseconds")
    return (months * DAYS_PER_MONTH + days) * MICROS_PER_DAY + micros


def check_parts(values: torch.Tensor, valid: torch.Tensor | None, what) -> torch.Tensor:
    """`values` after checking months and days fit in 32 bits, as DuckDB stores them."""
    months, days, _ = parts(values)
    outside = (months.abs() > INT32_MAX) | (days.abs() > INT32_MAX)
    if valid is not None:
        outside &= valid
    if bool(outside.any()):
        raise DataError(f"Interval value out of range in {what}")
    return values


# -- Arrow --------------------------------------------------------------------------------------

def to_arrow(values: np.ndarray, mask: np.ndarray | None) -> pa.Array:
    """An (n, 3) int64 array as Arrow's month_day_nano_interval (16 bytes a value: int32
    months, int32 days, int64 nanoseconds), the type DuckDB returns INTERVALs as."""
    n = values.shape[0]
    out = np.zeros(n, dtype=[("months", "<i4"), ("days", "<i4"), ("nanos", "<i8")])
    out["months"], out["days"] = values[:, 0], values[:, 1]
    micros = values[:, 2]
    live = micros if mask is None else np.where(mask, 0, micros)
    if n and np.abs(live).max() >= 2**63 // 1000:
        raise DataError("an INTERVAL's microseconds do not fit Arrow's nanoseconds")
    out["nanos"] = live * 1000
    validity = None if mask is None else pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(pa.month_day_nano_interval(), n,
                                 [validity, pa.py_buffer(out.tobytes())],
                                 null_count=-1 if mask is None else int(mask.sum()))


def text_array(array: pa.Array) -> pa.Array:
    """A month_day_nano_interval array as DuckDB's texts of its values (each distinct value
    written once), NULLs kept: how a CSV file holds intervals."""
    from tqp.format import interval_text

    values = from_arrow(array)
    if len(values) == 0:
        return pa.array([], pa.string())
    distinct, inverse = np.unique(values, axis=0, return_inverse=True)
    texts = pa.array([interval_text(*row) for row in distinct.tolist()], pa.string())
    taken = texts.take(pa.array(inverse.reshape(-1)))
    if array.null_count:
        taken = pc.if_else(pc.is_valid(array), taken, pa.scalar(None, pa.string()))
    return taken


def month_day_nano(array: pa.Array) -> pa.Array:
    """Values written into an INTERVAL column as Arrow's month_day_nano_interval: a duration
    (a `datetime.timedelta` parameter) as whole days and the microseconds left, as DuckDB
    binds one; a text read as CAST(text AS INTERVAL) reads it (DataError where it is none)."""
    from tqp.operators.expressions.intervals import parse_interval  # operators import storage

    if pa.types.is_duration(array.type):
        micros = from_arrow(array)[:, 2]
        days = np.floor_divide(micros, MICROS_PER_DAY)
        values = np.stack([np.zeros_like(days), days, micros - days * MICROS_PER_DAY], axis=1)
    elif pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        encoded = array.dictionary_encode()
        table = []
        for text in encoded.dictionary.to_pylist():  # the distinct texts
            value = parse_interval(text)
            if value is None:
                raise DataError(f"Could not convert string '{text}' to INTERVAL")
            table.append(value)
        codes = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)
        values = np.array(table or [(0, 0, 0)], dtype=np.int64)[codes]
    else:
        return array.cast(pa.month_day_nano_interval())
    mask = None if not array.null_count else \
        ~pc.is_valid(array).to_numpy(zero_copy_only=False)
    return to_arrow(values.astype(np.int64), mask)


def to_duration(array: pa.Array) -> pa.Array:
    """A month_day_nano_interval array as duration[us], a month as 30 days (how DuckDB's
    Python client hands intervals to pandas and Python)."""
    values = from_arrow(array)  # NULL rows: zeros
    estimate = (values[:, 0] * float(DAYS_PER_MONTH) + values[:, 1]) * MICROS_PER_DAY + \
        values[:, 2]
    if len(values) and np.abs(estimate).max() >= 2.0**63 - 2**12:
        raise DataError("an INTERVAL past 292,000 years has no duration (microseconds in "
                        "64 bits): fetch it with fetch_arrow_table() or cast it to VARCHAR")
    micros = (values[:, 0] * DAYS_PER_MONTH + values[:, 1]) * MICROS_PER_DAY + values[:, 2]
    mask = None if not array.null_count else \
        ~pc.is_valid(array).to_numpy(zero_copy_only=False)
    return pa.array(micros, pa.duration("us"), mask=mask)


def from_arrow(array: pa.Array) -> np.ndarray:
    """An Arrow month_day_nano_interval or duration array as an (n, 3) int64 array, NULL slots
    zero (nanoseconds truncated to microseconds, toward zero as DuckDB reads them)."""
    n = len(array)
    values = np.zeros((n, PARTS), dtype=np.int64)
    if pa.types.is_duration(array.type):
        micros = array.cast(pa.duration("us"), safe=False).cast(pa.int64())
        values[:, 2] = micros.fill_null(0).to_numpy(zero_copy_only=False)
        return values
    if n == 0:
        return values
    raw = np.frombuffer(array.buffers()[1], dtype=[("months", "<i4"), ("days", "<i4"),
                                                   ("nanos", "<i8")],
                        count=n, offset=array.offset * 16)
    values[:, 0], values[:, 1] = raw["months"], raw["days"]
    nanos = raw["nanos"]
    values[:, 2] = np.where(nanos < 0, -((-nanos) // 1000), nanos // 1000)
    if array.null_count:
        values[~pc.is_valid(array).to_numpy(zero_copy_only=False)] = 0
    return values
