"""Runner JSON files side by side: one column per run, labelled by its executor and workers;
sums over the queries every run answered correctly; the load each run saw. The figures are
made up: the table's arithmetic and layout are what is checked."""

from __future__ import annotations

import json

from bench.harness.report import QueryRun, summarize
from bench.harness.side_by_side import label, main, side_by_side

CONFIG = {"repeat": 1, "device": "cpu", "threads": 2, "sf": 1, "machine": "m"}


def payload(cluster, workers, times, load=(1.0, 2.0), wrong=()):
    runs = [QueryRun(q, "NO" if q in wrong else "yes", tqp_runs_ms=[t],
                     duckdb_runs_ms=[10.0 * q]) for q, t in times.items()]
    summary = summarize(runs, {**CONFIG, "cluster": cluster, "workers": workers,
                               "load_start": load[0], "load_end": load[1]})
    return {"summary": summary, "queries": [r.to_dict() for r in runs]}


def test_columns_are_labelled_by_executor_and_workers():
    assert label(payload(None, None, {})["summary"]) == "local (cpu)"
    assert label(payload("ray", 2, {})["summary"]) == "ray x2 (cpu)"
    assert label(payload("ray://h:10001", None, {})["summary"]) == "ray://h:10001 (cpu)"


def test_sums_cover_the_queries_every_run_answered():
    text = side_by_side([payload(None, None, {1: 100.0, 2: 300.0}),
                         payload("ray", 1, {1: 400.0, 2: 600.0}, wrong={2}),
                         payload("ray", 2, {1: 200.0, 2: 500.0}, load=(9.5, 12.25))])
    lines = text.splitlines()
    assert lines[0] == "| query | local (cpu) | ray x1 (cpu) | ray x2 (cpu) | DuckDB | correct |"
    assert lines[2] == "| q01 | 100 | 400 | 200 | 10 | yes |"
    assert lines[3] == "| q02 | 300 | 600 | 500 | 20 | NO |"
    assert lines[4] == "| sum (1 q) | 0.1 s | 0.4 s | 0.2 s | | |"
    assert lines[5] == "| vs first | 1.00 | 4.00 | 2.00 | | |"
    assert lines[6] == "| load start-end | 1.0-2.0 | 1.0-2.0 | 9.5-12.2 | | |"


def test_a_query_missing_from_a_run_is_a_dash_and_not_correct(tmp_path, capsys):
    files = []
    for name, data in (("a", payload(None, None, {1: 5.0, 3: 7.0})),
                       ("b", payload("ray", 2, {1: 6.0}))):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data))
        files.append(str(path))
    assert main(files) == 0
    out = capsys.readouterr().out.splitlines()
    assert "| q03 | 7 | - | 30 | NO |" in out
    assert "| sum (1 q) | 0.0 s | 0.0 s | | |" in out
