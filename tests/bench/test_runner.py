"""The benchmark's own logic: the result check, the arguments, the report, and a tiny run.

No timing is asserted here: speed is the runner's business, not the unit tests'.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json

import pyarrow as pa
import pytest

from bench.tpch.compare import compare_tables, is_ordered
from bench.tpch.datagen import ensure_data, read_schemas
from bench.tpch.runner import (
    HEADER, QueryRun, format_row, format_summary, geometric_mean, main, needed_columns,
    parse_args, parse_queries, plot_times, summarize, write_json,
)


def table(**columns) -> pa.Table:
    return pa.table(columns)


EXPECTED = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5, 1.25, 2.0])


# ---------------------------------------------------------------------------- compare_tables


def test_same_table_passes():
    assert compare_tables(EXPECTED, EXPECTED, ordered=True) is None


def test_changed_value_fails():
    actual = table(k=["a", "b", "c"], n=[1, 2, 4], x=[0.5, 1.25, 2.0])
    message = compare_tables(actual, EXPECTED, ordered=False)
    assert message is not None and "differs" in message


def test_changed_string_fails():
    actual = table(k=["a", "B", "c"], n=[1, 2, 3], x=[0.5, 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is not None


def test_missing_row_fails():
    message = compare_tables(EXPECTED.slice(0, 2), EXPECTED, ordered=False)
    assert message == "row count 2 != 3"


def test_missing_column_fails():
    message = compare_tables(EXPECTED.drop_columns(["x"]), EXPECTED, ordered=False)
    assert message is not None and message.startswith("column count 2 != 3")


def test_reordered_rows_fail_when_ordered():
    reordered = EXPECTED.take([2, 0, 1])
    assert compare_tables(reordered, EXPECTED, ordered=True) is not None


def test_reordered_rows_pass_when_unordered():
    reordered = EXPECTED.take([2, 0, 1])
    assert compare_tables(reordered, EXPECTED, ordered=False) is None


def test_float_within_relative_tolerance_passes():
    actual = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5 * (1 + 1e-9), 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is None


def test_float_beyond_relative_tolerance_fails():
    actual = table(k=["a", "b", "c"], n=[1, 2, 3], x=[0.5 * (1 + 1e-4), 1.25, 2.0])
    assert compare_tables(actual, EXPECTED, ordered=True) is not None


def test_integers_compare_exactly():
    big = 10**15
    assert compare_tables(table(n=[big + 1]), table(n=[big]), ordered=True) is not None


def test_decimal_compares_as_float():
    expected = pa.table({"x": pa.array([decimal.Decimal("1.10")], pa.decimal128(10, 2))})
    assert compare_tables(table(x=[1.1]), expected, ordered=True) is None


def test_nulls_match_only_nulls():
    assert compare_tables(table(x=[None, 1.0]), table(x=[1.0, None]), ordered=False) is None
    assert compare_tables(table(x=[None, 1.0]), table(x=[0.0, 1.0]), ordered=True) is not None


def test_dates_compare_exactly():
    day = datetime.date(1995, 3, 15)
    assert compare_tables(table(d=[day]), table(d=[day]), ordered=True) is None
    other = table(d=[day + datetime.timedelta(days=1)])
    assert compare_tables(other, table(d=[day]), ordered=True) is not None


def test_is_ordered_looks_at_the_outermost_query():
    assert is_ordered("select a from t order by a")
    assert not is_ordered("select a from (select a from t order by a limit 3) s")


# ---------------------------------------------------------------------------- --queries


@pytest.mark.parametrize("spec, expected", [
    ("1", [1]),
    ("1,3,5-7", [1, 3, 5, 6, 7]),
    ("7,1,1-2", [1, 2, 7]),
    ("q05, q07-q08", [5, 7, 8]),
    ("20-22", [20, 21, 22]),
    ("all", list(range(1, 23))),
])
def test_parse_queries(spec, expected):
    assert parse_queries(spec) == expected


@pytest.mark.parametrize("spec", ["0", "23", "1,,2", "7-3", "5-", "-5", "x", "1.5", ""])
def test_parse_queries_rejects(spec):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_queries(spec)


def test_default_arguments():
    args = parse_args([])
    assert (args.sf, args.device, args.repeat) == (1.0, "cpu", 3)
    assert args.threads is None and args.json is None and args.plot is None
    assert args.queries == list(range(1, 23))


def test_all_arguments(tmp_path):
    args = parse_args(["--sf", "0.1", "--queries", "q3,5-6", "--device", "cuda", "--repeat", "5",
                       "--threads", "4", "--json", str(tmp_path / "o.json"),
                       "--plot", str(tmp_path / "o.png")])
    assert (args.sf, args.queries, args.device, args.repeat, args.threads) == (
        0.1, [3, 5, 6], "cuda", 5, 4)
    assert (args.json, args.plot) == (tmp_path / "o.json", tmp_path / "o.png")


@pytest.mark.parametrize("argv", [["--repeat", "0"], ["--device", "tpu"], ["--threads", "-1"]])
def test_bad_arguments_are_usage_errors(argv):
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_bad_query_list_is_a_usage_error():
    with pytest.raises(SystemExit):
        parse_args(["--queries", "1-30"])


# ---------------------------------------------------------------------------- columns


def test_needed_columns_are_the_ones_the_query_names():
    schemas = read_schemas(ensure_data(0.01))
    assert needed_columns([6], schemas) == {
        "lineitem": ["l_quantity", "l_extendedprice", "l_discount", "l_shipdate"]}


def test_needed_columns_ignore_the_star_of_exists():
    columns = needed_columns([4], read_schemas(ensure_data(0.01)))
    assert columns == {"lineitem": ["l_orderkey", "l_commitdate", "l_receiptdate"],
                       "orders": ["o_orderkey", "o_orderdate", "o_orderpriority"]}


# ---------------------------------------------------------------------------- figures


def runs() -> list[QueryRun]:
    return [
        QueryRun(1, "yes", tqp_runs_ms=[2.0], tqp_plan_runs_ms=[0.5], duckdb_runs_ms=[1.0],
                 load_arrow_ms=100.0, load_tensors_ms=50.0, tqp_peak_rss_mib=300.0,
                 duckdb_peak_rss_mib=200.0),
        QueryRun(2, "yes", tqp_runs_ms=[3.0, 1.0, 9.0], tqp_plan_runs_ms=[0.7, 0.4, 0.6],
                 duckdb_runs_ms=[4.0, 2.0], load_arrow_ms=10.0, load_tensors_ms=5.0,
                 tqp_peak_rss_mib=900.0, duckdb_peak_rss_mib=100.0),
        QueryRun(3, "NO", message="row count 1 != 2", tqp_runs_ms=[100.0],
                 duckdb_runs_ms=[1.0]),
        QueryRun(4, "unsupported", message="unsupported: x", duckdb_runs_ms=[1.0]),
    ]


def test_minimum_of_runs_is_kept():
    run = runs()[1]
    assert (run.tqp_ms, run.plan_ms, run.duckdb_ms, run.ratio) == (1.0, 0.4, 2.0, 0.5)
    assert QueryRun(5).tqp_ms is None and QueryRun(5).ratio is None


def test_geometric_mean_over_correct_queries_only():
    summary = summarize(runs(), {})
    assert (summary["correct"], summary["queries"]) == (2, 4)
    assert summary["geomean_ratio"] == pytest.approx(1.0)  # sqrt(2 * 0.5): minima, not means
    assert (summary["NO"], summary["unsupported"], summary["error"]) == (1, 1, 0)
    assert geometric_mean([]) is None


def test_summary_sums_loads_and_names_the_memory_peaks():
    summary = summarize(runs(), {"repeat": 3})
    assert summary["plan_ms_total"] == pytest.approx(0.9)
    assert (summary["load_arrow_s"], summary["load_tensors_s"]) == (pytest.approx(0.11),
                                                                     pytest.approx(0.055))
    assert (summary["tqp_peak_rss_mib"], summary["tqp_peak_rss_mib_query"]) == (900.0, 2)
    assert (summary["duckdb_peak_rss_mib"], summary["duckdb_peak_rss_mib_query"]) == (200.0, 1)
    assert summary["tqp_peak_cuda_mib"] is None and summary["repeat"] == 3


def test_report_row_and_message():
    row = format_row(runs()[1])
    assert row.split() == ["q02", "1.0", "0.4", "2.0", "0.50", "900", "100", "yes"]
    assert len(HEADER.split("  correct")[0]) == len(row.split("  yes")[0])
    failed = format_row(runs()[3]).splitlines()
    assert failed[0].split() == ["q04", "-", "-", "1.0", "-", "-", "-", "unsupported"]
    assert failed[1] == "      unsupported: x"


def test_summary_text():
    config = {"repeat": 3, "device": "cpu", "threads": 2, "sf": 0.01, "machine": "m"}
    text = format_summary(summarize(runs(), config))
    assert "queries correct 2/4, geomean ratio tqp/duckdb 1.00" in text
    assert "minimum of 3 runs" in text
    assert "peak RSS tqp 0.88 GiB (q02), DuckDB 0.20 GiB (q01)" in text
    assert "CUDA" not in text


def test_json_holds_every_figure(tmp_path):
    path = tmp_path / "out.json"
    write_json(path, summarize(runs(), {"repeat": 3}), runs())
    payload = json.loads(path.read_text())
    assert payload["summary"]["correct"] == 2
    second = payload["queries"][1]
    assert (second["tqp_ms"], second["plan_ms"], second["duckdb_ms"]) == (1.0, 0.4, 2.0)
    assert second["tqp_runs_ms"] == [3.0, 1.0, 9.0] and second["tqp_peak_rss_mib"] == 900.0


def test_plot_is_written(tmp_path):
    path = tmp_path / "times.png"
    plot_times(runs(), path, "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------- a tiny run


def test_tiny_run_end_to_end(tmp_path, capsys):
    out, plot = tmp_path / "out.json", tmp_path / "out.png"
    assert main(["--sf", "0.01", "--queries", "4,6", "--repeat", "2", "--threads", "1",
                 "--json", str(out), "--plot", str(plot)]) == 0
    printed = capsys.readouterr().out
    assert "queries correct 2/2" in printed
    payload = json.loads(out.read_text())
    assert payload["summary"]["timing"] == "minimum"
    for query in payload["queries"]:
        assert query["status"] == "yes"
        assert len(query["tqp_runs_ms"]) == len(query["duckdb_runs_ms"]) == 2
        assert 0 < query["plan_ms"] <= query["tqp_ms"]
        assert query["tqp_peak_rss_mib"] > 0 and query["load_tensors_ms"] is not None
    assert plot.stat().st_size > 0


def test_each_query_in_a_fresh_process_under_a_memory_limit(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["--sf", "0.01", "--queries", "6,12", "--repeat", "1", "--threads", "1",
                 "--memory-limit", "1GB", "--fresh-process", "--json", str(out)]) == 0
    assert "queries correct 2/2" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    assert payload["summary"]["memory_limit"] == "1GB"
    assert [q["query"] for q in payload["queries"]] == [6, 12]
    assert all(q["status"] == "yes" and q["tqp_peak_rss_mib"] > 0 for q in payload["queries"])
