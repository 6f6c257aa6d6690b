"""Connecting to a cluster: the Ray extra is optional and its absence is one clear error; an
unknown cluster is a ProgrammingError."""

from __future__ import annotations

import sys

import pytest

import tqp


def test_without_ray_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if absent
    with pytest.raises(tqp.NotSupportedError, match=r"pip install 'tqp\[ray\]'"):
        tqp.connect(cluster="ray")


def test_an_unknown_cluster_is_a_programming_error():
    with pytest.raises(tqp.ProgrammingError, match="'ray' or 'ray://host:port'"):
        tqp.connect(cluster="spark://somewhere")


def test_cluster_ray_uses_the_running_ray_connection(ray_cluster):
    con = tqp.connect(cluster="ray")
    assert con.execute("SELECT 41 + 1 AS answer").fetchall() == [(42,)]
    assert ray_cluster.is_initialized()
