"""Narrow copies of cached integer columns, read by comparisons with a constant.

A filter compares a cached column with a constant in every query that reads it
(`shipped >= DATE '1994-01-01'`, `discount BETWEEN 0.05 AND 0.07`, a dictionary code
against the code of `'R'`), and the comparison reads every value of the column. Where all of a
column's values fit a type at most half as wide (days since 1970 in int16, a small DECIMAL's
scaled integers in int8 or int16, the codes of a short dictionary in int8), a copy in that
type is compared instead: half to an eighth of the bytes to read. On a CPU whose
memory is slow next to its cache the comparison then costs less than half (6M-row filters of
five comparisons, the data out of cache, 2 threads: 20.7 ms on the columns, 12.7 on int16
copies).

A copy is made on the third comparison of a column the tensor cache holds (`hold` marks them),
with a pass or two that cost about what a comparison does, and kept for as long as the
column's tensor lives and is not written (storage.ranges.TensorMemo). Not sooner: a query run
once in a fresh process (the benchmark's cold runs) compares a column once, or twice for a
BETWEEN, and would pay for a copy, and fresh memory for it, that it barely reads (copies made
on the first comparison cost the benchmark's SF 10 cold queries up to 6%). A copy's bytes (at
most half the column's) are counted with the column's in the cache, through the callback
`hold` was given. Intermediate tensors get none (a copy would be read once).
Only on a CPU: a GPU's memory keeps up with its comparisons.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from tqp.storage import threads
from tqp.storage.ranges import TensorMemo, value_range

# The types a copy may take, narrowest first: at most half the column's width.
_NARROWER = {torch.int64: (torch.int8, torch.int16, torch.int32),
             torch.int32: (torch.int8, torch.int16)}

# Per tensor the cache holds (the root of its storage): the run of its rows the column spans,
# and what is known of its copy. Holding a root again starts a new run, with a new record.
_HELD = TensorMemo()
# Comparisons of a run of rows that read it as it is before its copy is made.
COPY_AFTER = 2


@dataclass
class _Run:
    """A held column's rows within their root, and its narrow copy: None while not made (after
    `asked` comparisons), False where the values fit no narrower type."""

    start: int
    length: int
    grow: Callable[[int], None]
    asked: int = 0
    copy: torch.Tensor | bool | None = None


def hold(values: torch.Tensor, grow: Callable[[int], None]) -> None:
    """Mark `values` (a column's values the tensor cache now holds) as worth a narrow copy;
    `grow(nbytes)` is called with the size of the copy when one is made."""
    if not isinstance(values, torch.Tensor) or not _plain(values):
        return  # a LIST's or STRUCT's values are arrays of their own
    root = _root(values)
    if root.dim() == 1:
        _HELD.put(root, _Run(values.storage_offset() - root.storage_offset(), values.numel(),
                             grow))


def narrow_copy(values: torch.Tensor) -> torch.Tensor | None:
    """The values of `values` in a narrower integer type (equal values, row for row), when
    `values` is a held column or a run of its rows and its values fit one; else None."""
    if not _plain(values):
        return None
    root = _root(values)
    run = _HELD.get(root)
    if run is None or root.dtype != values.dtype:
        return None
    offset = values.storage_offset() - root.storage_offset() - run.start
    if offset < 0 or offset + values.numel() > run.length:
        return None
    if run.copy is None:
        if run.asked < COPY_AFTER:  # the first comparisons read the column
            run.asked += 1
            return None
        whole = run.start == 0 and run.length == root.numel()
        run.copy = _narrowed(root if whole else root.narrow(0, run.start, run.length))
        if run.copy is not False:
            run.grow(run.copy.nbytes)
    if run.copy is False:
        return None
    return run.copy.narrow(0, offset, values.numel())


def _plain(values: torch.Tensor) -> bool:
    """One contiguous column of integers of a type that has narrower ones, on a CPU."""
    return values.device.type == "cpu" and values.dim() == 1 and values.dtype in _NARROWER \
        and values.stride(0) == 1


def _root(values: torch.Tensor) -> torch.Tensor:
    """The tensor `values` is a view of (itself when none)."""
    return values if values._base is None else values._base


def _narrowed(values: torch.Tensor) -> torch.Tensor | bool:
    """`values` converted to the narrowest type of _NARROWER that holds its range, or False."""
    if values.numel() == 0:
        return False
    lo, hi = value_range(values)
    for dtype in _NARROWER[values.dtype]:
        limits = torch.iinfo(dtype)
        if limits.min <= lo and hi <= limits.max:
            return values.to(dtype)
    return False


def compare_with(op, values: torch.Tensor, bound: int) -> torch.Tensor:
    """`op(values, bound)` for integer `values` and a Python int `bound` that fits their type:
    on the narrow copy where there is one and `bound` fits its type too."""
    if torch.compiler.is_compiling():  # traced into a fused kernel, which compares in its loop
        return op(values, bound)
    copy = narrow_copy(values)
    if copy is not None and _fits(bound, copy.dtype):
        return _compare(op, copy, bound)
    return _compare(op, values, bound)


def _fits(bound: int, dtype: torch.dtype) -> bool:
    """Does the integer `bound` lie within `dtype`'s range?"""
    limits = torch.iinfo(dtype)
    return limits.min <= bound <= limits.max


# numpy's form of each comparison operator.
_UFUNCS = {operator.eq: np.equal, operator.ne: np.not_equal, operator.lt: np.less,
           operator.le: np.less_equal, operator.gt: np.greater, operator.ge: np.greater_equal}
# Integer types numpy compares faster than torch.
_NUMPY_COMPARED = (torch.int8, torch.int16, torch.int32)
# Values below this many are compared on one thread.
PARALLEL_MIN_VALUES = 1 << 17


def _compare(op, values: torch.Tensor, bound: int) -> torch.Tensor:
    """`op(values, bound)`. On a CPU, int8 to int32 values are compared by numpy, a slice per
    thread: torch (2.13) compares them no faster than int64 ones. 6M values, min of 15, on the
    2-core AMD VM: torch on 2 threads int8 2.92 ms, int16 2.97, int32 3.18; numpy on one
    thread 1.11, 1.88, 3.24."""
    ufunc = _UFUNCS.get(op)
    if ufunc is None or values.device.type != "cpu" or values.dim() != 1 \
            or values.dtype not in _NUMPY_COMPARED or not _fits(bound, values.dtype):
        return op(values, bound)
    array = values.numpy()
    constant = array.dtype.type(bound)
    out = np.empty(array.shape[0], dtype=np.bool_)
    threads.run_slices(lambda start, length: ufunc(
        array[start:start + length], constant, out=out[start:start + length]),
        threads.slices(array.shape[0], PARALLEL_MIN_VALUES))
    return torch.from_numpy(out)
