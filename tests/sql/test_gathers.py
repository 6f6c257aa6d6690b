"""Gathers and scatters on the paths every query takes (join keys with NULLs, residuals and
several keys, CASE and guarded AND/OR scattering their parts, integer overflow checks over
NULLs, group slots, windows, top-k), checked against DuckDB at a size where the kernels split
work between threads, with NULLs, duplicates and empty inputs."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

import tqp
from tests.oracle import check_against_duckdb

ROWS = 6000


def _tables() -> dict[str, pa.Table]:
    rng = np.random.default_rng(7)

    def with_nulls(values: np.ndarray, share: float) -> pa.Array:
        return pa.array(values, mask=rng.random(len(values)) < share)

    fact = pa.table({
        "id": pa.array(np.arange(ROWS, dtype=np.int32)),
        "k": with_nulls(rng.integers(0, 60, ROWS, dtype=np.int32), 0.1),
        "k2": with_nulls(rng.integers(0, 4, ROWS, dtype=np.int64), 0.05),
        "x": with_nulls(rng.integers(-1000, 1000, ROWS, dtype=np.int32), 0.2),
        "z": with_nulls(rng.integers(0, 3, ROWS, dtype=np.int32), 0.1),
        "s": with_nulls(rng.choice(np.array(["ab", "cd", "ef", "gh"]), ROWS), 0.1),
    })
    dim = pa.table({  # keys 0..49 with a few duplicates and a NULL key
        "dk": pa.array(list(range(50)) + [3, 7, None], pa.int32()),
        "dk2": pa.array([i % 4 for i in range(50)] + [3, 3, 1], pa.int64()),
        "name": pa.array([f"n{i % 9}" for i in range(53)]),
    })
    return {"fact": fact, "dim": dim}


@pytest.fixture(scope="module")
def connections():
    tables = _tables()
    con, duck = tqp.connect(), duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
        duck.register(name, table)
    return con, duck


QUERIES = [
    # joins: NULL keys on both sides, duplicates on the build side, a residual, two keys
    "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.dk",
    "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.dk AND f.x > d.dk * 10",
    "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.dk AND f.k2 = d.dk2",
    "SELECT f.id, d.dk FROM fact f LEFT JOIN dim d ON f.k = d.dk AND f.k2 = d.dk2",
    "SELECT d.name, count(*) FROM dim d JOIN fact f ON f.k = d.dk GROUP BY d.name",
    "SELECT f.id FROM fact f WHERE f.k IN (SELECT dk FROM dim WHERE dk2 = 1)",
    "SELECT f.id FROM fact f WHERE f.k NOT IN (SELECT dk FROM dim WHERE dk2 = 1)",
    "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.dk WHERE f.x > 5000",
    # CASE and AND/OR whose later parts run only on the rows earlier parts leave
    "SELECT id, CASE WHEN z = 0 THEN NULL WHEN x // z > 100 THEN 1 ELSE x // z END FROM fact",
    "SELECT id FROM fact WHERE z <> 0 AND x // z > 10",
    "SELECT id FROM fact WHERE z = 0 OR x // z < -10",
    "SELECT id, CASE s WHEN 'ab' THEN x WHEN 'cd' THEN -x END FROM fact",
    # integer results checked for overflow with NULLs among the operands
    "SELECT id, x * z, x + k, x - id FROM fact",
    # group slots, COUNT(DISTINCT), MIN/MAX over NULLs
    "SELECT k, count(DISTINCT x), min(x), max(x), sum(x) FROM fact GROUP BY k",
    "SELECT k, k2, count(*) FROM fact GROUP BY k, k2",
    # windows and top-k
    "SELECT id, max(x) OVER (PARTITION BY k ORDER BY id) AS m FROM fact",
    "SELECT id, sum(x) OVER (PARTITION BY z ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS s "
    "FROM fact",
    "SELECT id, x FROM fact ORDER BY x DESC NULLS LAST, id LIMIT 20",
    "SELECT id, x FROM fact ORDER BY k NULLS FIRST, x, id LIMIT 30",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_matches_duckdb(connections, sql):
    check_against_duckdb(*connections, sql)


@pytest.mark.parametrize("sql", QUERIES)
def test_matches_duckdb_on_empty_inputs(connections, sql):
    """The same queries with the fact table filtered to nothing."""
    empty = sql.replace("FROM fact", "FROM (SELECT * FROM fact WHERE id < 0)")
    check_against_duckdb(*connections, empty)
