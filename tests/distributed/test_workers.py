"""The worker actors: one per CPU (or, where Ray has GPUs, one per GPU on cuda), each keeping
the columns its tasks decoded for later queries, within its cache budget, and reading a table
again once its files changed."""

from __future__ import annotations

import os

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

import tqp
from tests.oracle import check_against_duckdb
from tqp.storage.sources import ParquetSource


def test_without_gpus_there_is_one_cpu_actor_per_cpu():
    from tqp.distributed.workers import placement

    found = placement({"CPU": 4.0, "memory": 1e9, "object_store_memory": 1e9})
    assert (found.count, found.resources, found.device) == (4, {"num_cpus": 1}, "cpu")
    assert placement({"CPU": 0.5}).count == 1


def test_with_gpus_there_is_one_cuda_actor_per_gpu():
    from tqp.distributed.workers import placement

    found = placement({"CPU": 16.0, "GPU": 2.0})
    assert (found.count, found.resources, found.device) == (2, {"num_gpus": 1}, "cuda")


def write(path, first: int) -> None:
    """A table of 40 rows in row groups of 10, its values starting at `first`."""
    values = list(range(first, first + 40))
    pq.write_table(pa.table({"k": [v % 4 for v in values], "v": values}), path,
                   row_group_size=10)


def test_a_worker_keeps_decoded_columns_between_queries(ray_cluster, tmp_path, monkeypatch):
    from tqp.distributed.scan import WorkerTables

    write(tmp_path / "t.parquet", 0)
    source = ParquetSource(tmp_path / "t.parquet")
    ref = ray_cluster.put(source)
    tables = WorkerTables(torch.device("cpu"), cache_bytes=1 << 20)
    catalog = tables.catalog_for({"t": ref})
    segment = catalog.segments("t")[0]
    first = catalog.read("t", segment, ["k", "v"])
    assert catalog.cache.bytes > 0
    # the same shipped source again (a later query): served from the cache, no decoding
    for name in ("read", "batches"):
        monkeypatch.setattr(type(catalog.source("t")), name, None)
    again = tables.catalog_for({"t": ref}).read("t", segment, ["k", "v"])
    assert again["v"] is first["v"]


def test_a_worker_cache_stays_within_its_budget(ray_cluster, tmp_path):
    from tqp.distributed.scan import WorkerTables

    write(tmp_path / "t.parquet", 0)
    ref = ray_cluster.put(ParquetSource(tmp_path / "t.parquet"))
    tables = WorkerTables(torch.device("cpu"), cache_bytes=8 * 40)  # one int64 column
    catalog = tables.catalog_for({"t": ref})
    catalog.read("t", catalog.segments("t")[0], ["k", "v"])
    tables.trim()
    assert 0 < catalog.cache.bytes <= 8 * 40


def test_a_new_source_for_a_table_drops_its_cached_columns(ray_cluster, tmp_path):
    from tqp.distributed.scan import WorkerTables

    write(tmp_path / "t.parquet", 0)
    tables = WorkerTables(torch.device("cpu"), cache_bytes=1 << 20)
    old = ray_cluster.put(ParquetSource(tmp_path / "t.parquet"))
    catalog = tables.catalog_for({"t": old})
    catalog.read("t", catalog.segments("t")[0], ["v"])
    write(tmp_path / "t.parquet", 100)
    new = ray_cluster.put(ParquetSource(tmp_path / "t.parquet"))
    catalog = tables.catalog_for({"t": new})
    assert catalog.cache.bytes == 0
    column = catalog.read("t", catalog.segments("t")[0], ["v"])["v"]
    assert int(column.values.min()) == 100


QUERY = "SELECT k, sum(v) AS s, count(*) AS n FROM t GROUP BY k ORDER BY k"


def test_actors_cache_across_queries_and_read_changed_files_again(ray_cluster, tmp_path):
    write(tmp_path / "t.parquet", 0)
    con = tqp.connect(tmp_path, cluster="ray", batch_rows=10)
    actors = con._engine.executor.workers.actors
    duck = duckdb.connect()
    view = f"CREATE OR REPLACE VIEW t AS SELECT * FROM '{tmp_path / 't.parquet'}'"
    duck.execute(view)
    check_against_duckdb(con, duck, QUERY)
    cached = sum(ray_cluster.get([a.cached_bytes.remote() for a in actors]))
    assert cached > 0
    check_against_duckdb(con, duck, QUERY)  # from the actors' caches
    assert sum(ray_cluster.get([a.cached_bytes.remote() for a in actors])) == cached
    write(tmp_path / "t.parquet", 1000)  # the file changes: no stale answer
    stat = os.stat(tmp_path / "t.parquet")
    os.utime(tmp_path / "t.parquet", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    duck.execute(view)
    check_against_duckdb(con, duck, QUERY)
    con.close()
