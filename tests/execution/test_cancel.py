"""Cancelling a running query: `Connection.interrupt()` (from another thread, or from anything
the query calls) stops it at its next batch with OperationalError, and the connection keeps
working."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest
import torch

import tqp

ROWS = 20_000
TABLE = pa.table({"k": pa.array(range(ROWS), pa.int64()),
                  "v": pa.array([float(i % 97) for i in range(ROWS)], pa.float64())})


class Interrupter(torch.nn.Module):
    """A model that interrupts a connection the first time it is called, and counts its calls
    (in class attributes: tqp registers a copy of the module)."""

    connection = None
    calls: list[int] = []

    def forward(self, x):
        Interrupter.calls.append(x.shape[0])
        if len(Interrupter.calls) == 1:
            Interrupter.connection.interrupt()
        return x[:, :1]


def test_interrupt_stops_the_query_at_the_next_batch():
    con = tqp.connect(batch_rows=100)  # 200 batches
    con.register("t", TABLE)
    con.register_model("stop", Interrupter())
    Interrupter.connection, Interrupter.calls = con, []  # registering may have called it
    with pytest.raises(tqp.OperationalError, match="cancelled"):
        con.execute("SELECT k % 10 AS g, sum(predict('stop', v)) FROM t GROUP BY g").fetchall()
    assert len(Interrupter.calls) <= 2  # a batch or two of the 200 were scored
    assert con.execute("SELECT count(*), sum(k) FROM t").fetchall() == [(ROWS, ROWS * (ROWS - 1) // 2)]


class Slow(torch.nn.Module):
    """10 ms per batch: 2000 batches would take 20 s uncancelled."""

    started: threading.Event | None = None

    def forward(self, x):
        Slow.started.set()
        threading.Event().wait(0.01)
        return x[:, :1]


def test_interrupt_from_another_thread():
    con = tqp.connect(batch_rows=10)
    con.register("t", TABLE)
    started = threading.Event()

    con.register_model("slow", Slow())
    Slow.started = started
    timer = threading.Thread(target=lambda: (started.wait(10), con.interrupt()))
    timer.start()
    with pytest.raises(tqp.OperationalError, match="cancelled"):
        con.execute("SELECT sum(predict('slow', v)) FROM t").fetchall()
    timer.join()
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(ROWS,)]
