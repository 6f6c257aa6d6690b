"""Faults on Ray: a worker killed mid-query has its task re-run and the answer stays exact; a
stage that cannot finish fails the query with one OperationalError naming it; cancelling a
query stops its tasks; a tqp error inside a task reaches the caller as itself, and failing
queries whose other tasks are finishing at that moment leave the driver running (ray.cancel
there aborted it: tqp/distributed/cancel.py)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import torch

import tqp
from tests.oracle import result_problem


ROWS, PARTITION_ROWS = 400, 100  # 4 tasks in the first stage
TABLE = pa.table({"k": pa.array(range(ROWS), pa.int64()),
                  "v": pa.array([float(i % 37) for i in range(ROWS)], pa.float64())})
QUERY = "SELECT k % 3 AS g, sum(predict('sleepy', v)) AS s FROM t GROUP BY g"
ORACLE = "SELECT k % 3 AS g, sum(v) AS s FROM t GROUP BY g"


class Sleepy(torch.nn.Module):
    """The first feature unchanged, after a pause on a batch of a partition (registration
    probes the model with a few rows, without pausing): a task stays busy long enough to
    be killed or cancelled."""

    def forward(self, x):
        if x.shape[0] >= PARTITION_ROWS:
            time.sleep(1.5)
        return x[:, :1]


@pytest.fixture
def sleepy_con(ray_cluster):
    no_task_runs_within(10)  # the watchers below look for tasks of this test's query
    con = tqp.connect(cluster="ray", batch_rows=PARTITION_ROWS)
    con.register("t", TABLE)
    con.register_model("sleepy", Sleepy())
    yield con
    assert con._engine.executor.wait_stopped(120), "the tasks of a stopped query still run"
    con.close()


def running_tasks(prefix: str = "ray::tqp:stage") -> list[int]:
    """Process ids of this session's Ray workers now running a tqp task (Ray titles a busy
    worker with its task's name; the local instance's processes descend from this one)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if entry.name.isdigit() and title.startswith(prefix.encode()) and \
                _descends_from(int(entry.name), os.getpid()):
            found.append(int(entry.name))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == ancestor:
            return True
    return False


def no_task_runs_within(seconds: float) -> bool:
    """Whether, within `seconds`, no tqp task is running any more."""
    deadline = time.monotonic() + seconds
    while running_tasks() and time.monotonic() < deadline:
        time.sleep(0.05)
    return running_tasks() == []


def when_a_task_runs(con, action) -> threading.Thread:
    """A thread calling `action(pid)` once a query of `con` runs and a tqp task is running
    (within 60 s)."""
    def watch():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = running_tasks() if con.progress() is not None else []
            if pids:
                action(pids[0])
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def expected() -> pa.Table:
    con = duckdb.connect()
    con.register("t", TABLE)
    return con.sql(ORACLE).to_arrow_table()


def test_a_killed_worker_is_retried_and_the_answer_is_exact(sleepy_con):
    killed = []
    watcher = when_a_task_runs(sleepy_con, lambda pid: (os.kill(pid, signal.SIGKILL),
                                                        killed.append(pid)))
    actual = sleepy_con.execute(QUERY).fetch_arrow_table()
    watcher.join()
    assert killed, "no tqp task was seen running"
    assert result_problem(actual, expected(), ordered=False) is None


def test_a_stage_that_cannot_finish_is_one_operational_error(sleepy_con):
    sleepy_con._engine.executor.max_retries = 0
    watcher = when_a_task_runs(sleepy_con, lambda pid: os.kill(pid, signal.SIGKILL))
    with pytest.raises(tqp.OperationalError, match=r"stage 1 \(tqp:stage1:PartialAggregate\)"):
        sleepy_con.execute(QUERY).fetchall()
    watcher.join()
    # its other tasks stop too, at their next batch (generous: workers restart slowly here)
    assert sleepy_con._engine.executor.wait_stopped(120)


def test_interrupt_cancels_the_tasks(sleepy_con):
    interrupted = []
    watcher = when_a_task_runs(sleepy_con, lambda pid: (interrupted.append(time.monotonic()),
                                            sleepy_con.interrupt()))
    with pytest.raises(tqp.OperationalError, match="cancelled"):
        sleepy_con.execute(QUERY).fetchall()
    assert time.monotonic() - interrupted[0] < 1.5  # not waiting for a 1.5 s task
    watcher.join()
    assert sleepy_con._engine.executor.wait_stopped(120)
    actual = sleepy_con.execute(ORACLE).fetch_arrow_table()  # the connection still works
    assert result_problem(actual, expected(), ordered=False) is None


def test_a_tqp_error_in_a_task_is_raised_as_itself(ray_cluster):
    con = tqp.connect(cluster="ray", batch_rows=2)
    con.register("s", pa.table({"x": ["1", "2", "x3"]}))
    with pytest.raises(tqp.DataError):
        con.execute("SELECT CAST(x AS INTEGER) FROM s").fetchall()
    with pytest.raises(tqp.DataError):
        tqp.connect().execute("SELECT CAST('x3' AS INTEGER)").fetchall()  # as run locally


def test_failing_queries_leave_the_driver_and_connection_working(ray_cluster):
    con = tqp.connect(cluster="ray", batch_rows=2)
    values = [str(i) for i in range(15)] + ["x"]  # 8 tasks; the last one fails
    con.register("s", pa.table({"x": values}))
    for _ in range(20):
        with pytest.raises(tqp.DataError):
            con.execute("SELECT CAST(x AS INTEGER) FROM s").fetchall()
    rows = con.execute("SELECT count(*) FROM s WHERE x <> 'x'").fetchall()
    assert rows == [(15,)]
