"""A local Ray instance (2 CPUs) for the session, and tqp connections that run on it.

The tests run with `make test-ray` (TQP_RAY_TESTS=1, one process, `-n 0`). In the default
`make test` run they are skipped with the reason shown: on this machine a full `-n 2` run once
lost both xdist workers while the Ray tests ran and then hung, cause not yet found. They are
also skipped, with the reason shown, when the ray extra is not installed."""

from __future__ import annotations

import os

import pytest


# Rows per batch, and so per scan partition: TPC-H SF 0.01's lineitem (60k rows) runs as
# 4 tasks, orders as 1; every stage kind (partial aggregates, broadcasts, gathers) has work.
PARTITION_ROWS = 16384


@pytest.fixture(scope="session")
def ray_cluster():
    """Ray with 2 CPUs, started once (about 4 s here) and shut down at the end."""
    if os.environ.get("TQP_RAY_TESTS") != "1":
        pytest.skip("Ray tests run with `make test-ray` (TQP_RAY_TESTS=1): under xdist a run "
                    "once lost its workers (see tests/distributed/conftest.py)")
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: "
                                            "pip install 'tqp[ray]'")
    started = not ray.is_initialized()
    if started:
        # "local": a fresh instance, never one another process on this machine started
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
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

