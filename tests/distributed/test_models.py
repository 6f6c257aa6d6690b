"""PREDICT on Ray: a model is loaded once per worker process, however many tasks and queries
call it, and the answers are DuckDB's."""

from __future__ import annotations

import os
from collections import Counter

import duckdb
import pyarrow as pa
import pytest
import torch

import tqp
from tests.oracle import result_problem


TABLE = pa.table({"k": pa.array(range(400), pa.int64()),
                  "v": pa.array([float(i % 37) for i in range(400)], pa.float64())})


class Logged(torch.nn.Module):
    """The first feature unchanged; every unpickling writes the process id to `log`."""

    def __init__(self, log: str):
        super().__init__()
        self.log = log

    def __setstate__(self, state):
        super().__setstate__(state)
        with open(self.log, "a") as out:
            out.write(f"{os.getpid()}\n")

    def forward(self, x):
        return x[:, :1]


def test_a_model_is_loaded_once_per_worker(ray_cluster, tmp_path):
    log = tmp_path / "loads.txt"
    con = tqp.connect(cluster="ray", batch_rows=100)  # 4 tasks per scan
    con.register("t", TABLE)
    con.register_model("logged", Logged(str(log)))
    oracle = duckdb.connect()
    oracle.register("t", TABLE)
    for query, expected in [
            ("SELECT k % 3 AS g, sum(predict('logged', v)) AS s FROM t GROUP BY g",
             "SELECT k % 3 AS g, sum(v) AS s FROM t GROUP BY g"),
            ("SELECT k, predict('logged', v) AS p FROM t WHERE k % 50 = 0",
             "SELECT k, v AS p FROM t WHERE k % 50 = 0")] * 3:
        actual = con.execute(query).fetch_arrow_table()
        assert result_problem(actual, oracle.sql(expected).to_arrow_table(),
                              ordered=False) is None
    loads = Counter(log.read_text().split())
    assert loads and max(loads.values()) == 1, loads  # 24 tasks, each process loaded it once
    con.close()
