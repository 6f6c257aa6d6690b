"""Shared fixtures: TPC-H SF 0.01 generated once per session, tqp and DuckDB over the same data."""

from __future__ import annotations

import duckdb
import pytest
import torch

from bench.tpch.datagen import ensure_data, load_tables

TEST_SF = 0.01


def devices() -> list[str]:
    """The devices operator tests run on: cpu always, cuda when one is present."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


@pytest.fixture(scope="session")
def tpch_dir():
    return ensure_data(TEST_SF)


@pytest.fixture(scope="session")
def tpch_tables(tpch_dir):
    return load_tables(tpch_dir)


@pytest.fixture(scope="session", params=devices())
def tqp_con(request, tpch_tables):
    import tqp

    con = tqp.connect(device=request.param)
    for name, table in tpch_tables.items():
        con.register(name, table)
    yield con
    con.close()


@pytest.fixture(scope="session")
def duck_con(tpch_tables):
    con = duckdb.connect()
    con.execute("SET threads TO 1")
    for name, table in tpch_tables.items():
        con.register(name, table)
    yield con
    con.close()
