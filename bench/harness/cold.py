"""One query cold: a fresh process per engine, from connect to the answer as an Arrow table.

`run_cold` starts `python -m bench.harness.cold SPEC` for one engine. The child first imports
the engine (for tqp also `tqp.engine`, which `connect` would load, and with it torch), so no
Python import is timed. Then it starts the clock and does what a new user does on a folder of
Parquet files:
- tqp: `tqp.connect()`, then `con.register(table, path)` for every table file, then
  `con.execute(sql).fetch_arrow_table()`;
- DuckDB: `duckdb.connect()`, then `CREATE VIEW t AS SELECT * FROM read_parquet(path)` for every
  table file, then the query's result as an Arrow table.
Whatever the engine compiles, caches or converts on the way is inside the time. The child
writes the answer as an Arrow IPC file and its figures as JSON for the parent.

Cold means a fresh process, not a cold disk: before each engine's run the parent reads the
query's table files through once (`read_through`), so both engines find them in the operating
system's file cache, and neither engine's figure depends on what the system evicted since the
files were last read (tqp runs first, and would pay for that alone).

`cold_query` runs both engines for one query and checks tqp's cold answer against DuckDB's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from bench.harness.engines import describe_error, duckdb_views, run_duckdb, tqp_files
from bench.harness.measure import peak_rss_mib, timed
from bench.tpch.compare import compare_tables, is_ordered

ENGINES = ("tqp", "duckdb")
# The folder that holds the `bench` package: children import it from there.
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ColdAnswer:
    """One engine's cold run: `status` "yes" when it answered (then `table` holds the answer),
    else "error" or "unsupported" with a `message`."""

    ms: float | None = None
    peak_rss_mib: float | None = None
    table: pa.Table | None = None
    status: str = "error"
    message: str = ""


@dataclass
class ColdQuery:
    """Both engines' cold figures for one query; `status` says whether tqp's answer is
    DuckDB's ("yes", "NO", "unsupported", "error")."""

    tqp_ms: float | None
    duckdb_ms: float | None
    tqp_peak_rss_mib: float | None
    duckdb_peak_rss_mib: float | None
    status: str
    message: str


def python_child(args: list[str]) -> subprocess.CompletedProcess:
    """`python ARGS` in a child process that can import the `bench` package, output captured."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env)


def last_error_line(child: subprocess.CompletedProcess) -> str:
    """The last line a failed child wrote to stderr, for the report."""
    return (child.stderr.strip().splitlines() or ["no output"])[-1][:160]


def run_cold(engine: str, files: dict[str, Path], sql: str, threads: int, device: str = "cpu",
             memory_limit: str | None = None) -> ColdAnswer:
    """Run `sql` cold on `engine` ("tqp" or "duckdb") over the table files, in a fresh process
    with `threads` threads; tqp computes on `device` under `memory_limit`."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"engine": engine, "files": {t: str(p) for t, p in files.items()}, "sql": sql,
                "threads": threads, "device": device, "memory_limit": memory_limit,
                "report": str(Path(tmp) / "report.json"), "answer": str(Path(tmp) / "answer.arrow")}
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        child = python_child(["-m", "bench.harness.cold", str(spec_path)])
        report = Path(spec["report"])
        if child.returncode != 0 or not report.exists():
            return ColdAnswer(message=f"{engine} child process failed: {last_error_line(child)}")
        answer = ColdAnswer(**json.loads(report.read_text()))
        if answer.status == "yes":
            with pa.OSFile(spec["answer"]) as source:
                answer.table = pa.ipc.open_file(source).read_all()
    return answer


# Bytes read at a time by `read_through`.
READ_CHUNK = 8 << 20


def read_through(paths) -> None:
    """Read each file once from start to end, so that its pages are in the operating system's
    file cache for the run that follows (see the module docstring)."""
    buffer = bytearray(READ_CHUNK)
    for path in paths:
        with open(path, "rb", buffering=0) as file:
            while file.readinto(buffer):
                pass


def cold_query(files: dict[str, Path], sql: str, threads: int, device: str = "cpu",
               memory_limit: str | None = None, tables=None) -> ColdQuery:
    """Run `sql` cold on tqp, then on DuckDB, and compare the answers. Before each run, the
    files of `tables` (the tables the query reads; all by default) are read through."""
    read = [files[t] for t in (files if tables is None else tables)]
    read_through(read)
    tqp = run_cold("tqp", files, sql, threads, device, memory_limit)
    read_through(read)
    duckdb = run_cold("duckdb", files, sql, threads)
    if duckdb.status != "yes":
        status, message = "error", duckdb.message
    elif tqp.status != "yes":
        status, message = tqp.status, tqp.message
    else:
        mismatch = compare_tables(tqp.table, duckdb.table, is_ordered(sql))
        status, message = ("NO", mismatch) if mismatch else ("yes", "")
    return ColdQuery(tqp.ms, duckdb.ms, tqp.peak_rss_mib, duckdb.peak_rss_mib, status,
                     f"cold: {message}" if message else "")


def child_main(spec_path: str) -> int:
    """The child's side: import the engine, then time connect + register + query + fetch."""
    spec = json.loads(Path(spec_path).read_text())
    engine, sql, threads = spec["engine"], spec["sql"], spec["threads"]
    files = {t: Path(p) for t, p in spec["files"].items()}
    if engine == "tqp":
        import tqp.engine  # noqa: F401 - what connect() would import, imported before the clock
        import torch

        torch.set_num_threads(threads)

        def answer() -> pa.Table:
            con = tqp_files(files, spec["device"], spec["memory_limit"])
            return con.execute(sql).fetch_arrow_table()
    else:
        import duckdb  # noqa: F401 - imported before the clock

        def answer() -> pa.Table:
            return run_duckdb(duckdb_views(files, threads), sql)
    try:
        table, ms = timed(answer)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which goes on
        status, message = describe_error(exc, engine)
        result = {"status": status, "message": message}
    else:
        with pa.OSFile(spec["answer"], "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
        result = {"status": "yes", "ms": ms, "peak_rss_mib": peak_rss_mib()}
    Path(spec["report"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1]))
