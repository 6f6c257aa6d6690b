"""The per-query figures, the printed table and summary, JSON and the plot.

No timing is asserted here: the figures are made up, the report's arithmetic and layout are
what is checked.
"""

from __future__ import annotations

import json

import pytest

from bench.harness.measure import geometric_mean
from bench.harness.report import (
    QueryRun, columns, format_header, format_row, format_summary, plot_times, summarize,
    write_json,
)

CONFIG = {"repeat": 3, "device": "cpu", "threads": 2, "sf": 0.01, "machine": "m"}


def runs() -> list[QueryRun]:
    return [
        QueryRun(1, "yes", tqp_runs_ms=[2.0], tqp_plan_runs_ms=[0.5], duckdb_runs_ms=[1.0],
                 duckdb_load_ms=30.0, load_arrow_ms=100.0, load_tensors_ms=50.0,
                 tqp_peak_rss_mib=300.0, duckdb_peak_rss_mib=200.0, duckdb_arrow_runs_ms=[1.5],
                 cold_tqp_ms=400.0, cold_duckdb_ms=100.0, cold_status="yes"),
        QueryRun(2, "yes", tqp_runs_ms=[3.0, 1.0, 9.0], tqp_plan_runs_ms=[0.7, 0.4, 0.6],
                 duckdb_runs_ms=[4.0, 2.0], duckdb_load_ms=20.0, load_arrow_ms=10.0,
                 load_tensors_ms=5.0, tqp_peak_rss_mib=900.0, duckdb_peak_rss_mib=100.0,
                 duckdb_arrow_runs_ms=[4.0, 6.0], cold_tqp_ms=100.0, cold_duckdb_ms=100.0,
                 cold_status="yes"),
        QueryRun(3, "NO", message="row count 1 != 2", tqp_runs_ms=[100.0],
                 duckdb_runs_ms=[1.0], cold_tqp_ms=900.0, cold_duckdb_ms=1.0, cold_status="NO",
                 cold_message="cold: row count 1 != 2"),
        QueryRun(4, "unsupported", message="unsupported: x", duckdb_runs_ms=[1.0],
                 cold_duckdb_ms=1.0, cold_status="unsupported",
                 cold_message="cold: unsupported: x"),
    ]


def test_minimum_of_runs_is_kept():
    run = runs()[1]
    assert (run.tqp_ms, run.plan_ms, run.duckdb_ms, run.ratio) == (1.0, 0.4, 2.0, 0.5)
    assert (run.duckdb_arrow_ms, run.arrow_ratio, run.cold_ratio) == (4.0, 2.0, 1.0)
    assert QueryRun(5).tqp_ms is None and QueryRun(5).ratio is None
    assert QueryRun(5).cold_ratio is None and QueryRun(5).cold_status is None


def test_geometric_means_over_correct_queries_only():
    summary = summarize(runs(), {})
    assert (summary["correct"], summary["queries"]) == (2, 4)
    assert summary["geomean_ratio"] == pytest.approx(1.0)  # sqrt(2 * 0.5): minima, not means
    assert (summary["NO"], summary["unsupported"], summary["error"]) == (1, 1, 0)
    assert (summary["cold_correct"], summary["cold_queries"]) == (2, 4)
    assert summary["geomean_cold_ratio"] == pytest.approx(2.0)  # sqrt(4 * 1), q03 left out
    assert summary["geomean_arrow_ratio"] == pytest.approx(3 ** 0.5)  # sqrt(1.5 * 2)
    assert geometric_mean([]) is None


def test_summary_sums_loads_and_names_the_memory_peaks():
    summary = summarize(runs(), {"repeat": 3})
    assert summary["plan_ms_total"] == pytest.approx(0.9)
    assert summary["duckdb_load_s"] == pytest.approx(0.05)
    assert (summary["load_arrow_s"], summary["load_tensors_s"]) == (pytest.approx(0.11),
                                                                     pytest.approx(0.055))
    assert (summary["tqp_peak_rss_mib"], summary["tqp_peak_rss_mib_query"]) == (900.0, 2)
    assert (summary["duckdb_peak_rss_mib"], summary["duckdb_peak_rss_mib_query"]) == (200.0, 1)
    assert summary["tqp_peak_cuda_mib"] is None and summary["repeat"] == 3


def test_warm_table_by_default():
    shown = columns()
    header = format_header(shown)
    assert header.split() == ["query", "tqp", "ms", "plan", "ms", "duckdb", "ms", "ratio",
                              "tqp", "MiB", "duckdb", "MiB", "correct"]
    row = format_row(runs()[1], shown)
    assert row.split() == ["q02", "1.0", "0.4", "2.0", "0.50", "900", "100", "yes"]
    assert len(header.split("  correct")[0]) == len(row.split("  yes")[0])


def test_every_column_lines_up_with_its_title():
    shown = columns(warm=True, duckdb_arrow=True, cold=True)
    header = format_header(shown)
    assert ["duck-arrow ms", "cold tqp ms", "cold duck ms", "cold ratio", "cold correct"] == [
        c.title for c in shown if c.title in header and c.title.startswith(("duck-", "cold"))]
    row = format_row(runs()[0], shown)
    assert row.split() == ["q01", "2.0", "0.5", "1.0", "2.00", "1.5", "400.0", "100.0", "4.00",
                           "300", "200", "yes", "yes"]
    for title, value in [("ratio", "2.00"), ("duck-arrow ms", "1.5"), ("cold ratio", "4.00"),
                         ("duckdb MiB", "200")]:  # right-aligned: both end in the same place
        assert header.index(title) + len(title) == row.index(value) + len(value)
    assert header.index("cold correct") == row.rindex("yes")


def test_cold_only_table_and_messages():
    shown = columns(warm=False, cold=True)
    assert format_header(shown).split() == ["query", "cold", "tqp", "ms", "cold", "duck", "ms",
                                            "cold", "ratio", "cold", "correct"]
    lines = format_row(runs()[3], shown).splitlines()
    assert lines[0].split() == ["q04", "-", "1.0", "-", "unsupported"]
    assert lines[1:] == ["      unsupported: x", "      cold: unsupported: x"]


def test_summary_text():
    text = format_summary(summarize(runs(), CONFIG))
    assert "warm: queries correct 2/4, geomean ratio tqp/duckdb 1.00" in text
    assert "DuckDB over its native tables" in text and "minimum of 3 runs" in text
    assert "DuckDB CREATE TABLE from Parquet 0.1 s" in text
    assert "peak RSS tqp 0.88 GiB (q02), DuckDB 0.20 GiB (q01)" in text
    assert "DuckDB over Arrow tables / over its native tables: geomean 1.73" in text
    assert "cold" not in text and "CUDA" not in text


def test_summary_text_with_cold():
    text = format_summary(summarize(runs(), {**CONFIG, "warm": False, "cold": True}))
    assert "cold: queries correct 2/4, geomean ratio tqp/duckdb 2.00" in text
    assert "warm:" not in text and "threads 2, SF 0.01" in text


def test_json_holds_every_figure(tmp_path):
    path = tmp_path / "out.json"
    write_json(path, summarize(runs(), {"repeat": 3}), runs())
    payload = json.loads(path.read_text())
    assert payload["summary"]["correct"] == 2 and payload["summary"]["cold_correct"] == 2
    second = payload["queries"][1]
    assert (second["tqp_ms"], second["plan_ms"], second["duckdb_ms"]) == (1.0, 0.4, 2.0)
    assert second["tqp_runs_ms"] == [3.0, 1.0, 9.0] and second["tqp_peak_rss_mib"] == 900.0
    assert (second["duckdb_arrow_ms"], second["cold_ratio"], second["cold_status"]) == (
        4.0, 1.0, "yes")


@pytest.mark.parametrize("cold", [False, True])
def test_plot_is_written(tmp_path, cold):
    path = tmp_path / "times.png"
    plot_times(runs(), path, "test", cold=cold)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
