"""A local Ray instance (2 CPUs) for the session, and tqp connections that run on it.

The Ray tests are part of `make test`: under `-n`, all of tests/distributed runs in one xdist
worker (the scheduler in tests/conftest.py), which starts one Ray instance. They are skipped,
with the reason shown, only when the ray extra is not installed."""

from __future__ import annotations

import pytest


# Rows per batch, and so per scan partition: TPC-H SF 0.01's lineitem (60k rows) runs as
# 4 tasks, orders as 1; every stage kind (partial aggregates, broadcasts, gathers) has work.
PARTITION_ROWS = 16384
# The instance's object store: the tests' batches are small, and Ray's default (30% of the
# RAM, in /dev/shm) would claim gigabytes of a machine that other jobs share.
OBJECT_STORE_BYTES = 512 << 20


@pytest.fixture(scope="session")
def ray_cluster():
    """Ray with 2 CPUs, started once (about 4 s here) and shut down at the end."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: "
                                            "pip install 'tqp[ray]'")
    started = not ray.is_initialized()
    if started:
        # "local": a fresh instance, never one another process on this machine started
        ray.init(address="local", num_cpus=2, object_store_memory=OBJECT_STORE_BYTES,
                 include_dashboard=False, log_to_driver=False)
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="session")
def ray_con(ray_cluster, tpch_tables):
    """A tqp connection on the Ray instance, over TPC-H SF 0.01."""
    import tqp

    con = tqp.connect(cluster="ray", batch_rows=PARTITION_ROWS)
    for name, table in tpch_tables.items():
        con.register(name, table)
    yield con
    con.close()

