"""Shared fixtures: TPC-H SF 0.01 generated once per session, tqp and DuckDB over the same data."""

from __future__ import annotations

import duckdb
import pytest
import torch

from bench.tpch.datagen import ensure_data, load_tables

TEST_SF = 0.01
# Tests that share one xdist worker (the one Ray instance of a run): all of tests/distributed.
RAY_TESTS = "tests/distributed/"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `-n`, xdist's load scheduling with one exception: all of tests/distributed is one
    unit of work, run by one worker, so one Ray instance starts per run. (The `xdist_group`
    mark would say so, but pytest 9 ignores the node-id suffix xdist 3.8 groups by: each worker
    started a Ray instance of its own.)"""
    from xdist.scheduler import LoadScopeScheduling

    class RayInOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return RAY_TESTS if nodeid.startswith(RAY_TESTS) else nodeid

    return RayInOneWorker(config, log)


def devices() -> list[str]:
    """The devices operator tests run on: cpu always, cuda when one is present."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


@pytest.fixture(scope="session")
def tpch_dir():
    return ensure_data(TEST_SF)


@pytest.fixture(scope="session")
def tpch_tables(tpch_dir):
    return load_tables(tpch_dir)


# Rows per batch for the streamed runs: TPC-H SF 0.01's lineitem then arrives in 15 batches,
# so every operator's many-batch path (partial aggregates, join tables probed batch by batch,
# limits that stop early) is checked against DuckDB too.
SMALL_BATCH_ROWS = 4096


def engine_params() -> list:
    """(device, batch rows) per tqp connection under test: each device with its default batch
    size, and cpu with small batches."""
    return [pytest.param((d, None), id=d) for d in devices()] + \
        [pytest.param(("cpu", SMALL_BATCH_ROWS), id="cpu-batched")]


@pytest.fixture(scope="session", params=engine_params())
def tqp_con(request, tpch_tables):
    import tqp

    device, batch_rows = request.param
    con = tqp.connect(device=device, batch_rows=batch_rows)
    for name, table in tpch_tables.items():
        con.register(name, table)
    yield con
    con.close()


@pytest.fixture(scope="session")
def duck_con(tpch_tables):
    con = duckdb.connect()
    con.execute("SET threads TO 1")
    con.execute("SET TimeZone = 'UTC'")  # tqp's session time zone (TIMESTAMPTZ)
    for name, table in tpch_tables.items():
        con.register(name, table)
    yield con
    con.close()


@pytest.fixture(scope="session")
def corpus_duck_con(duck_con):
    """The shared DuckDB connection with the SQL corpus's extra tables registered too (the
    corpus runs in tests/sql and, on Ray, in tests/distributed)."""
    from tests.sql.fixtures import extra_tables

    for name, table in extra_tables().items():
        duck_con.register(name, table)
    return duck_con
