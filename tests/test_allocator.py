"""tqp.allocator: a connection tunes the process's allocations once (glibc's heap, numpy's
huge-page advice, Arrow's pool), and large conversions still read back exactly."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tqp
from tqp import allocator


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and madvise are Linux's")
def test_a_connection_turns_numpy_huge_page_advice_off():
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        pytest.skip("this numpy has no huge-page switch")
    with tqp.connect():
        pass
    assert _set_madvise_hugepage(False) is False  # it was off already
    assert allocator.keep_large_allocations_in_heap() in (True, False)  # idempotent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and madvise are Linux's")
def test_a_connection_takes_arrows_pool_off_mimalloc():
    import pyarrow as pa

    with tqp.connect():
        pass
    if not allocator.keep_large_allocations_in_heap():
        pytest.skip("not glibc: the process's allocations are left as they were")
    assert pa.default_memory_pool().backend_name in ("jemalloc", "system")  # no huge pages
    assert pa.array(["decoded", "strings"]).to_pylist() == ["decoded", "strings"]


def test_large_arrays_convert_exactly():
    """A table past numpy's 4 MiB huge-page size reads back as DuckDB reads it."""
    import duckdb
    import pyarrow as pa

    from tests.oracle import check_against_duckdb

    table = pa.table({"v": np.arange(1_000_000, dtype=np.int64) * 7 - 3})
    duck = duckdb.connect()
    duck.register("t", table)
    with tqp.connect() as con:
        con.register("t", table)
        check_against_duckdb(con, duck, "SELECT sum(v) AS s, min(v) AS lo, max(v) AS hi, "
                                        "count(DISTINCT v % 1000) AS r FROM t")
