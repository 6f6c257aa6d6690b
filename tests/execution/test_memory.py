"""The memory limit: sizes are read as a user writes them, an operator whose state would pass
the limit stops the query with one OperationalError naming it and the limit, and the
connection is usable afterwards."""

from __future__ import annotations

import pyarrow as pa
import pytest
import torch

import tqp
from tqp.execution.memory import STREAM_SHARE, MemoryPool, parse_size
from tqp.storage.cache import TensorCache
from tqp.storage.column import Column
from tqp.types import DataType

TABLE = pa.table({"k": pa.array(range(10_000), pa.int64()),
                  "v": pa.array([i * 0.5 for i in range(10_000)], pa.float64())})
JOIN = "SELECT count(*) FROM t a JOIN t b ON a.k = b.k"


@pytest.mark.parametrize("text, expected", [
    ("4GB", 4 * 10**9), ("512MiB", 512 * 2**20), ("1.5 GiB", int(1.5 * 2**30)),
    ("1000 bytes", 1000), (2048, 2048), ("2kb", 2000),
])
def test_sizes(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["lots", "4XB", "-1GB", "0GB", "", "1000"])
def test_bad_sizes_are_programming_errors(text):
    with pytest.raises(tqp.ProgrammingError):
        parse_size(text)


def test_pool_refuses_past_its_limit_and_names_the_owner():
    pool = MemoryPool(1000)
    held = pool.reserve("join build", 600)
    with pytest.raises(tqp.OperationalError, match="sort input.*memory limit"):
        pool.reserve("sort input", 500)
    held.release()
    pool.reserve("sort input", 500)
    assert pool.peak == 600


class _Operator:
    """Stands for a plan node: counts how often it is described."""

    def __init__(self):
        self.described = 0

    def describe(self) -> str:
        self.described += 1
        return "HashJoin ON a = b"


def test_the_operator_is_described_only_when_an_error_names_it():
    pool, op = MemoryPool(1000), _Operator()
    held = pool.reserve("build side", 600, op)
    held.grow(100)
    assert op.described == 0
    with pytest.raises(tqp.OperationalError, match="build side of HashJoin ON a = b needs"):
        held.grow(500)
    assert op.described == 1


def _cached_column(cache: TensorCache, name: str, rows: int) -> None:
    column = Column(torch.zeros(rows, dtype=torch.int64), DataType.BIGINT)
    assert cache.put(("t", name, 0, None, "sorted"), column, room=1 << 40)


def test_the_cache_leaves_a_share_of_the_limit_to_batches_in_flight():
    cache = TensorCache()
    for name in "abcd":
        _cached_column(cache, name, 100)  # 800 bytes each
    pool = MemoryPool(4000, cache)
    assert pool.cache_room == int(4000 * (1 - STREAM_SHARE))
    pool.reserve("join build", 1000)
    # State and cache together stay within the limit less the share for batches in flight:
    # the least recently used columns went.
    assert pool.used + cache.bytes <= 4000 * (1 - STREAM_SHARE)
    assert cache.get(("t", "a", 0, None, "sorted")) is None
    assert cache.get(("t", "d", 0, None, "sorted")) is not None
    # The state alone may still take the whole limit (the cache empties for it).
    pool.reserve("sort input", 3000)
    assert pool.used == 4000 and cache.bytes == 0


def test_a_query_over_the_limit_fails_cleanly_and_the_connection_goes_on():
    con = tqp.connect(memory_limit="1KB")
    con.register("t", TABLE)
    with pytest.raises(tqp.OperationalError) as info:
        con.execute(JOIN)
    message = str(info.value)
    # The join spills, and then even one partition of its build side passes 1 KB.
    assert "spilled partition of DirectJoin" in message and "memory limit 1000 B" in message
    con.execute("SET memory_limit = '1GB'")
    assert con.execute(JOIN).fetchall() == [(10_000,)]


def test_set_and_reset_memory_limit():
    con = tqp.connect()
    con.register("t", TABLE)
    con.execute("SET memory_limit TO '2KB'")
    with pytest.raises(tqp.OperationalError, match="memory limit"):
        con.execute("SELECT k, sum(v) FROM t GROUP BY k ORDER BY k")
    con.execute("RESET memory_limit")
    assert con.execute("SELECT count(*) FROM (SELECT k FROM t ORDER BY k)").fetchall() == [(10_000,)]


@pytest.mark.parametrize("sql", ["SET threads = 4", "SET memory_limit = 12", "RESET threads"])
def test_other_settings_are_refused_by_name(sql):
    con = tqp.connect()
    with pytest.raises((tqp.NotSupportedError, tqp.ProgrammingError)):
        con.execute(sql)


def test_a_scan_larger_than_the_cache_keeps_its_first_segments_for_the_next_run():
    """Adding a segment evicts other columns' entries, never the running query's own: a table
    read in a cycle keeps the segments that fit (least recently used would evict each one just
    before the next run reads it). A reservation still takes them when the state needs room."""
    cache = TensorCache()
    _cached_column(cache, "other", 100)  # 800 bytes of a column the query does not read
    cache.begin_query(frozenset({("t", "a")}))
    for start in range(4):  # 4 segments of 800 bytes into room for 2 and a bit
        column = Column(torch.zeros(100, dtype=torch.int64), DataType.BIGINT)
        cache.put(("t", "a", start, None, "sorted"), column, room=2000)
    kept = [s for s in range(4) if cache.get(("t", "a", s, None, "sorted")) is not None]
    assert kept == [0, 1]
    assert cache.get(("t", "other", 0, None, "sorted")) is None  # made room for them
    assert cache.evict(800) == 800  # the state's needs come first
    assert cache.bytes == 800
