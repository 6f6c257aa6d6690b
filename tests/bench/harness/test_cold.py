"""Cold runs: each engine in a fresh process, from connect to the Arrow answer, checked.

Only answers and statuses are asserted, never how long anything took.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from bench.harness import cold
from bench.harness.cold import ColdAnswer, cold_query, run_cold
from bench.tpch.runner import TPCH


@pytest.fixture(scope="module")
def files(tpch_dir):
    return TPCH.table_files(tpch_dir)


def test_duckdb_cold_answers_from_views_over_every_file(files):
    answer = run_cold("duckdb", files, "select count(*) as n from nation", threads=1)
    assert (answer.status, answer.message) == ("yes", "")
    assert answer.table.equals(pa.table({"n": pa.array([25], pa.int64())}))
    assert answer.ms > 0 and answer.peak_rss_mib > 0


def test_an_engine_error_is_reported_not_raised(files):
    answer = run_cold("duckdb", files, "select * from no_such_table", threads=1)
    assert answer.status == "error" and answer.table is None
    assert answer.message.startswith("duckdb error: CatalogException")


def test_unknown_engine_is_refused(files):
    with pytest.raises(ValueError, match="engine must be one of"):
        run_cold("sqlite", files, "select 1", threads=1)


def test_tqp_cold_answer_is_checked_against_duckdbs(files):
    sql = TPCH.query_sql(6)
    result = cold_query(files, sql, threads=1)
    assert (result.status, result.message) == ("yes", "")
    assert result.tqp_ms > 0 and result.duckdb_ms > 0
    assert result.tqp_peak_rss_mib > 0 and result.duckdb_peak_rss_mib > 0


def answers(tqp: ColdAnswer, duckdb: ColdAnswer):
    """A stand-in for run_cold: these answers, no processes."""
    return lambda engine, *args: tqp if engine == "tqp" else duckdb


def test_a_wrong_cold_answer_is_flagged(monkeypatch, files):
    right = ColdAnswer(1.0, 1.0, pa.table({"x": [1]}), "yes")
    wrong = ColdAnswer(1.0, 1.0, pa.table({"x": [2]}), "yes")
    monkeypatch.setattr(cold, "run_cold", answers(wrong, right))
    result = cold_query(files, "select 1 as x", threads=1)
    assert result.status == "NO" and result.message.startswith("cold: row 0 differs")


def test_a_failed_cold_run_keeps_its_status(monkeypatch, files):
    right = ColdAnswer(1.0, 1.0, pa.table({"x": [1]}), "yes")
    unsupported = ColdAnswer(status="unsupported", message="unsupported: GROUPING SETS")
    monkeypatch.setattr(cold, "run_cold", answers(unsupported, right))
    result = cold_query(files, "select 1 as x", threads=1)
    assert (result.status, result.message) == ("unsupported", "cold: unsupported: GROUPING SETS")
    assert result.tqp_ms is None and result.duckdb_ms == 1.0
    monkeypatch.setattr(cold, "run_cold", answers(right, ColdAnswer(message="duckdb error: X")))
    assert cold_query(files, "select 1 as x", threads=1).status == "error"


def test_each_engine_runs_after_the_querys_files_were_read_through(monkeypatch, files):
    right = ColdAnswer(1.0, 1.0, pa.table({"x": [1]}), "yes")
    steps = []
    monkeypatch.setattr(cold, "read_through", lambda paths: steps.append(sorted(paths)))

    def run(engine, *args):
        steps.append(engine)
        return right

    monkeypatch.setattr(cold, "run_cold", run)
    cold_query(files, "select 1 as x", threads=1, tables=["nation", "region"])
    read = sorted([files["nation"], files["region"]])
    assert steps == [read, "tqp", read, "duckdb"]


def test_read_through_reads_every_byte(tmp_path, monkeypatch):
    path = tmp_path / "table.parquet"
    path.write_bytes(bytes(range(256)) * 1000)
    monkeypatch.setattr(cold, "READ_CHUNK", 4096)  # several chunks, the last one short
    read = []
    real_open = open

    class Counting:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def readinto(self, buffer):
            n = self.file.readinto(buffer)
            read.append(n)
            return n

    monkeypatch.setattr(cold, "open", lambda *a, **k: Counting(real_open(*a, **k)),
                        raising=False)
    cold.read_through([path])
    assert sum(read) == path.stat().st_size and read[-1] == 0
