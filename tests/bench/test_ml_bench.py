"""The ML benchmark (python -m bench.ml), run small: both pipelines give the same answers."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("hummingbird.ml")

from bench import ml  # noqa: E402


@pytest.fixture
def keep_torch_threads():
    """The benchmark sets torch's thread count for the process: put it back afterwards."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_smoke_run_at_sf_0_01_agrees(tmp_path, tpch_dir, keep_torch_threads):
    out = tmp_path / "ml.json"
    status = ml.main(["--sf", "0.01", "--repeat", "1", "--threads", "1", "--trees", "4",
                      "--depth", "5", "--json", str(out)])
    assert status == 0
    payload = json.loads(out.read_text())
    cases = {c["model"]: c for c in payload["cases"]}
    assert set(cases) == {"random forest", "torch MLP"}
    for case in cases.values():
        assert case["correct"], case["message"]
        assert case["rows_scored"] > 0
        assert case["tqp_ms"] > 0 and case["baseline_ms"] > 0
    assert payload["config"]["sf"] == 0.01 and payload["config"]["threads"] == 1


def test_queries_name_every_feature():
    sql = ml.tqp_sql("m", "sum", "out")
    assert sql.count(",") >= len(ml.FEATURES)
    for expression in ml.FEATURES.values():
        assert expression in sql and expression in ml.baseline_sql()
