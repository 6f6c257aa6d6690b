"""`python -m bench.tpch`: its arguments, and tiny runs end to end (warm, cold, fresh processes).

No timing is asserted here: speed is the runner's business, not the unit tests'. The runs check
the table's columns, the JSON's structure and the correctness flags.
"""

from __future__ import annotations

import json

import pytest

from bench.harness.runner import parse_args
from bench.tpch.runner import TPCH, main


def args(argv: list[str]):
    return parse_args(TPCH, argv)


# ---------------------------------------------------------------------------- arguments


def test_default_arguments():
    parsed = args([])
    assert (parsed.sf, parsed.device, parsed.repeat, parsed.threads) == (1.0, "cpu", 3, 2)
    assert parsed.json is None and parsed.plot is None and parsed.memory_limit is None
    assert not (parsed.cold or parsed.cold_only or parsed.duckdb_arrow or parsed.fresh_process)
    assert parsed.queries == list(range(1, 23))


def test_all_arguments(tmp_path):
    parsed = args(["--sf", "0.1", "--queries", "q3,5-6", "--device", "cuda", "--repeat", "5",
                   "--threads", "4", "--json", str(tmp_path / "o.json"),
                   "--plot", str(tmp_path / "o.png"), "--cold", "--duckdb-arrow",
                   "--memory-limit", "1GB", "--fresh-process"])
    assert (parsed.sf, parsed.queries, parsed.device, parsed.repeat, parsed.threads) == (
        0.1, [3, 5, 6], "cuda", 5, 4)
    assert (parsed.json, parsed.plot) == (tmp_path / "o.json", tmp_path / "o.png")
    assert parsed.cold and parsed.duckdb_arrow and parsed.fresh_process
    assert parsed.memory_limit == "1GB"


@pytest.mark.parametrize("argv", [
    ["--repeat", "0"], ["--device", "tpu"], ["--threads", "-1"], ["--queries", "1-30"],
    ["--cold", "--cold-only"], ["--cold-only", "--duckdb-arrow"],
])
def test_bad_arguments_are_usage_errors(argv):
    with pytest.raises(SystemExit):
        args(argv)


# ---------------------------------------------------------------------------- tiny runs


def header_of(printed: str) -> str:
    return next(line for line in printed.splitlines() if line.startswith("query"))


def test_tiny_run_end_to_end(tmp_path, capsys):
    out, plot = tmp_path / "out.json", tmp_path / "out.png"
    assert main(["--sf", "0.01", "--queries", "4,6", "--repeat", "2", "--threads", "1",
                 "--duckdb-arrow", "--json", str(out), "--plot", str(plot)]) == 0
    printed = capsys.readouterr().out
    assert "warm: queries correct 2/2" in printed and "DuckDB over its native tables" in printed
    assert "duck-arrow ms" in header_of(printed) and "cold" not in header_of(printed)
    payload = json.loads(out.read_text())
    summary = payload["summary"]
    assert (summary["timing"], summary["duckdb_tables"], summary["threads"]) == (
        "minimum", "native", 1)
    assert summary["warm"] and not summary["cold"]
    for query in payload["queries"]:
        assert query["status"] == "yes" and query["cold_status"] is None
        assert len(query["tqp_runs_ms"]) == len(query["duckdb_runs_ms"]) == 2
        assert len(query["duckdb_arrow_runs_ms"]) == 2
        assert 0 < query["plan_ms"] <= query["tqp_ms"]
        assert query["duckdb_load_ms"] is not None and query["load_tensors_ms"] is not None
        assert query["tqp_peak_rss_mib"] > 0 and query["duckdb_peak_rss_mib"] > 0
    assert plot.stat().st_size > 0


def test_cold_run_reports_a_correct_answer(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["--sf", "0.01", "--queries", "6", "--repeat", "1", "--threads", "1",
                 "--cold", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    header = header_of(printed)
    for title in ("tqp ms", "duckdb ms", "ratio", "cold tqp ms", "cold duck ms", "cold ratio",
                  "correct", "cold correct"):
        assert title in header
    assert "cold: queries correct 1/1" in printed and "warm: queries correct 1/1" in printed
    (query,) = json.loads(out.read_text())["queries"]
    assert (query["status"], query["cold_status"], query["cold_message"]) == ("yes", "yes", "")
    assert query["cold_tqp_ms"] > 0 and query["cold_duckdb_ms"] > 0
    assert query["cold_ratio"] is not None


def test_each_query_in_a_fresh_process_under_a_memory_limit(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["--sf", "0.01", "--queries", "6,12", "--repeat", "1", "--threads", "1",
                 "--memory-limit", "1GB", "--fresh-process", "--json", str(out)]) == 0
    assert "queries correct 2/2" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    assert payload["summary"]["memory_limit"] == "1GB"
    assert [q["query"] for q in payload["queries"]] == [6, 12]
    assert all(q["status"] == "yes" and q["tqp_peak_rss_mib"] > 0 for q in payload["queries"])


def test_cold_only_run_has_no_warm_columns(tmp_path, capsys):
    out, plot = tmp_path / "out.json", tmp_path / "cold.png"
    assert main(["--sf", "0.01", "--queries", "14", "--threads", "1", "--cold-only",
                 "--json", str(out), "--plot", str(plot)]) == 0
    printed = capsys.readouterr().out
    assert header_of(printed).split() == ["query", "cold", "tqp", "ms", "cold", "duck", "ms",
                                          "cold", "ratio", "cold", "correct"]
    assert "cold: queries correct 1/1" in printed and "warm:" not in printed
    (query,) = json.loads(out.read_text())["queries"]
    assert (query["status"], query["cold_status"], query["tqp_runs_ms"]) == (None, "yes", [])
    assert plot.stat().st_size > 0
