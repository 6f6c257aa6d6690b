"""Fixtures for the PREDICT tests: a small synthetic table and its feature matrix, and a tqp
connection (on every available device) holding it and TPC-H SF 0.01."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pytest

from tests.conftest import devices

N_POINTS = 2000


@dataclass(frozen=True)
class Points:
    """The `points` table as numpy: features (a, b, c) and three targets to train on."""

    table: pa.Table
    X: np.ndarray  # (rows x 3) float64, in id order
    label: np.ndarray  # 0/1
    word: np.ndarray  # 'hi' / 'lo' / 'mid'
    value: np.ndarray  # float


@pytest.fixture(scope="session")
def points() -> Points:
    rng = np.random.default_rng(7)
    a = rng.integers(0, 50, N_POINTS).astype(np.int32)
    b = np.round(rng.uniform(0, 1e5, N_POINTS), 2)  # cents: many values a float32 cannot hold
    c = rng.normal(size=N_POINTS)
    X = np.column_stack([a, b, c]).astype(np.float64)
    label = (a / 50 + c + rng.normal(scale=0.3, size=N_POINTS) > 0.5).astype(np.int64)
    word = np.array(["lo", "mid", "hi"])[np.minimum(a // 17, 2)]
    value = 2.5 * a + b / 1e4 + c
    table = pa.table({"id": np.arange(N_POINTS, dtype=np.int64), "a": a, "b": b, "c": c,
                      "grp": np.arange(N_POINTS) % 4})
    return Points(table, X, label, word, value)


@pytest.fixture(scope="module", params=devices())
def con(request, points, tpch_tables):
    import tqp

    connection = tqp.connect(device=request.param)
    connection.register("points", points.table)
    for name in ("lineitem", "orders"):
        connection.register(name, tpch_tables[name])
    yield connection
    connection.close()


def column(con, sql: str) -> np.ndarray:
    """The first column of a query's result as numpy (NULLs as None in an object array)."""
    values = con.execute(sql).fetch_arrow_table().column(0)
    return values.to_numpy(zero_copy_only=False)
