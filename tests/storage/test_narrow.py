"""storage.narrow: a cached column compared with a constant is read through a narrow copy of
equal values, made once, counted in the cache, never stale; filters over cached columns answer
as DuckDB does, however narrow their values and whatever the constant."""

from __future__ import annotations

import gc
import operator
import weakref
from decimal import Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pytest
import torch

import tqp
from tests.oracle import check_against_duckdb
from tqp.storage import narrow
from tqp.storage.cache import TensorCache
from tqp.storage.column import Column
from tqp.types import DataType

OPS = (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge)


def _held(values: torch.Tensor) -> list[int]:
    """Hold `values` as the cache does, and read it as the comparisons before its copy do;
    the sizes of the copies made, as the cache is told them."""
    grown: list[int] = []
    narrow.hold(values, grown.append)
    for _ in range(narrow.COPY_AFTER):
        assert narrow.narrow_copy(values) is None
    return grown


def test_the_first_comparisons_read_the_column_and_a_later_one_makes_the_copy():
    values = torch.arange(1000, dtype=torch.int64) % 100
    grown: list[int] = []
    narrow.hold(values, grown.append)
    for _ in range(narrow.COPY_AFTER):  # a query run once, in a fresh process, makes none
        assert narrow.narrow_copy(values) is None and grown == []
    assert narrow.narrow_copy(values).dtype == torch.int8 and grown == [1000]


@pytest.mark.parametrize(("low", "high", "dtype", "narrowed"), [
    (-100, 100, torch.int64, torch.int8),
    (0, 30_000, torch.int64, torch.int16),
    (-2**31, 2**31 - 1, torch.int64, torch.int32),
    (8000, 10600, torch.int32, torch.int16),
    (0, 2**40, torch.int64, None),
    (-2**31, 0, torch.int32, None),
])
def test_a_held_column_gets_the_narrowest_copy_of_equal_values(low, high, dtype, narrowed):
    values = torch.tensor(np.r_[low, high, np.random.default_rng(0).integers(low, high, 500)],
                          dtype=dtype)
    grown = _held(values)
    copy = narrow.narrow_copy(values)
    if narrowed is None:
        assert copy is None and grown == []
        return
    assert copy.dtype == narrowed and torch.equal(copy.to(dtype), values)
    assert grown == [copy.nbytes]
    assert narrow.narrow_copy(values) is not None and grown == [copy.nbytes]  # made once


def test_a_run_of_rows_of_a_held_column_reads_the_same_rows_of_its_copy():
    values = torch.arange(1000, dtype=torch.int64) % 97
    _held(values)
    part = values[250:600]  # as a batch of a larger scan reads it
    copy = narrow.narrow_copy(part)
    assert copy.dtype == torch.int8 and torch.equal(copy.long(), part)


def test_tensors_not_held_get_no_copy():
    values = torch.arange(100, dtype=torch.int64)
    assert narrow.narrow_copy(values) is None  # an intermediate: a copy would be read once
    assert narrow.narrow_copy(torch.arange(10.0)) is None


def test_a_written_column_is_never_read_through_an_old_copy():
    values = torch.arange(100, dtype=torch.int64)
    _held(values)
    assert narrow.narrow_copy(values) is not None
    values.add_(1000)  # no column is written in place; if one were, its copy is forgotten
    assert narrow.narrow_copy(values) is None
    assert torch.equal(narrow.compare_with(operator.ge, values, 1050), values >= 1050)


@pytest.mark.parametrize("op", OPS)
def test_compare_with_is_the_comparison_for_any_bound(op):
    values = torch.tensor(np.random.default_rng(1).integers(-120, 120, 2000), dtype=torch.int64)
    _held(values)
    for bound in (-2**40, -129, -128, -5, 0, 7, 127, 128, 300, 2**40):
        assert torch.equal(narrow.compare_with(op, values, bound), op(values, bound)), bound


ROWS = 5000


@pytest.fixture(scope="module")
def connections():
    rng = np.random.default_rng(5)
    table = pa.table({
        "d": pa.array(rng.integers(8000, 11000, ROWS).astype("datetime64[D]")),
        "q": pa.array([Decimal(int(v)) for v in rng.integers(1, 51, ROWS)],
                      pa.decimal128(15, 2)),
        "small": pa.array(rng.integers(-100, 100, ROWS), pa.int64(),
                          mask=rng.random(ROWS) < 0.1),
        "big": pa.array(rng.integers(-2**40, 2**40, ROWS), pa.int64()),
        "i": pa.array(rng.integers(0, 30_000, ROWS), pa.int32()),
        "s": pa.array(rng.choice(np.array(["AIR", "MAIL", "RAIL", "SHIP"]), ROWS)),
    })
    con, duck = tqp.connect(), duckdb.connect()
    con.register("t", table)
    duck.register("t", table)
    return con, duck


FILTERS = [
    "SELECT count(*) FROM t WHERE d >= DATE '1994-01-01' AND d < DATE '1994-01-01' + INTERVAL 1 YEAR",
    "SELECT count(*), sum(q) FROM t WHERE q BETWEEN 5 AND 24",
    "SELECT count(*) FROM t WHERE q < 24.5 OR q > 4999",
    "SELECT count(*) FROM t WHERE small > -3 AND small <= 40",
    "SELECT count(*) FROM t WHERE small = 300 OR small <> -128",
    "SELECT count(*) FROM t WHERE 10 > small",
    "SELECT count(*) FROM t WHERE big > 0 AND i < 20000 AND i >= 128",
    "SELECT count(*) FROM t WHERE i = 2147483647 OR i > -5",
    "SELECT count(*) FROM t WHERE s = 'MAIL' OR s >= 'SHIP' OR s < 'AIR'",
    "SELECT count(*) FROM t WHERE d > TIMESTAMP '1995-06-01 12:00:00'",
]


@pytest.mark.parametrize("sql", FILTERS)
def test_filters_over_cached_columns_agree_with_duckdb(connections, sql):
    con, duck = connections
    for _ in range(3):  # the first runs read the columns, which the last reads as copies
        check_against_duckdb(con, duck, sql)


def test_a_copy_counts_in_the_cache_and_keeps_neither_cache_nor_column_alive():
    cache = TensorCache()
    column = Column(torch.arange(1000, dtype=torch.int64) % 50, DataType.BIGINT)
    assert cache.put(("t", "x", 0, None, "sorted"), column, room=1 << 20)
    before = cache.bytes
    for _ in range(narrow.COPY_AFTER + 1):  # the last makes the copy: 1000 int8
        narrow.compare_with(operator.lt, column.values, 10)
    assert cache.bytes == before + 1000
    values = weakref.ref(column.values)
    del column, cache
    gc.collect()
    assert values() is None  # the copy's bookkeeping held no path back to the column


def test_two_columns_in_one_buffer_each_read_their_own_rows():
    buffer = torch.cat([torch.arange(100, dtype=torch.int64), torch.arange(100, dtype=torch.int64) + 1000])
    first, second = buffer[:100], buffer[100:]
    _held(first)
    assert torch.equal(narrow.narrow_copy(first).long(), first)
    _held(second)  # the buffer's second column: its copy is made of its own rows
    assert narrow.narrow_copy(first) is None  # no longer the held run: read as it is
    assert torch.equal(narrow.narrow_copy(second).long(), second)
    assert torch.equal(narrow.compare_with(operator.lt, first, 50), first < 50)


def test_values_that_are_not_one_tensor_are_not_held():
    grown: list[int] = []
    narrow.hold(pa.array([[1, 2], [3]]), grown.append)  # e.g. a LIST column's own arrays
    wide = torch.arange(6, dtype=torch.int64).reshape(3, 2)
    narrow.hold(wide, grown.append)  # 128-bit values: two words a row
    assert narrow.narrow_copy(wide) is None and grown == []


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16, torch.int32, torch.int64])
def test_comparisons_with_a_constant_agree_with_torch_on_every_type(dtype):
    # int8 to int32 are compared by numpy, in slices across threads; int64 by torch.
    values = torch.randint(-100, 100, (300_001,), dtype=dtype,
                           generator=torch.Generator().manual_seed(5))
    for op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
        for bound in (-101, -100, 0, 7, 99, 100, torch.iinfo(dtype).max, torch.iinfo(dtype).min):
            result = narrow.compare_with(op, values, bound)
            assert result.dtype == torch.bool
            assert torch.equal(result, op(values, bound))
            assert torch.equal(narrow.compare_with(op, values[5:1000], bound),
                               op(values[5:1000], bound))


def test_a_comparison_traced_by_torch_compile_looks_for_no_narrow_copy(monkeypatch):
    # Traced into a fused kernel, the comparison runs in the kernel's loop on the column as it
    # is (making a copy of a traced tensor failed the compile, and the kernel ran eager).
    traced = []

    def spy(values):
        traced.append(torch.compiler.is_compiling())
        return None

    monkeypatch.setattr(narrow, "narrow_copy", spy)
    torch._dynamo.reset()
    compiled = torch.compile(lambda v: narrow.compare_with(operator.le, v, 5), backend="eager")
    values = torch.arange(10, dtype=torch.int16)
    assert torch.equal(compiled(values), values <= 5)
    assert True not in traced
