"""A suite's command line: tqp against DuckDB per query, warm and (with --cold) cold.

Warm, per query, in this process (or a child of its own with --fresh-process):
1. DuckDB loads the columns the query names from the Parquet files into native tables
   (`CREATE TABLE t AS SELECT ... FROM read_parquet(...)`, timed apart), runs the query once as
   a warm-up, then `--repeat` times.
2. The same columns are read into Arrow (timed apart). With --duckdb-arrow, DuckDB also runs the
   query over those Arrow tables (an extra column; not what the ratio uses).
3. tqp registers the Arrow tables, converts their columns to tensors (timed apart), runs the
   query once (its answer is checked against DuckDB's), then `--repeat` times. Every run goes
   from SQL text to an Arrow table; its planning part is reported on its own.
Each engine's minimum is reported; the ratio is tqp / DuckDB-native (below 1 tqp is faster).
Both engines use `--threads` threads (default 2). Peak memory is measured per query and engine.

Cold (--cold, or --cold-only for nothing else): see bench.harness.cold.

`main(suite, argv)` is the whole program; a suite's `__main__` calls it with its `Suite`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bench.harness.cold import cold_query, last_error_line, python_child
from bench.harness.engines import (
    describe_error, duckdb_arrow, duckdb_native, run_duckdb, timed_tqp, to_tensors, tqp_engine,
)
from bench.harness.measure import MIB, PeakMemory, machine_description, release_memory, timed
from bench.harness.report import (
    QueryRun, columns, format_header, format_row, format_summary, plot_times, summarize,
    write_json,
)
from bench.harness.suite import Suite, needed_columns, parse_queries
from bench.tpch.compare import compare_tables, is_ordered

DEFAULT_THREADS = 2


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def parse_args(suite: Suite, argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of `python -m <suite.module>`."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {suite.module}",
        description=f"Run {suite.name} on tqp and on DuckDB (over its native tables loaded from "
                    "the same Parquet files); check tqp's answers and compare the times.")
    parser.add_argument("--sf", type=float, default=1.0, help="scale factor (default 1)")
    parser.add_argument("--queries", type=lambda spec: parse_queries(spec, suite.queries),
                        default=list(suite.queries),
                        help=f'queries to run, e.g. "1,3,5-7" (default: all {len(suite.queries)})')
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="device tqp runs on (default cpu)")
    parser.add_argument("--repeat", type=positive_int, default=3,
                        help="warm: timed runs per query and engine after one warm-up; the "
                             "minimum is reported (default 3)")
    parser.add_argument("--threads", type=positive_int, default=DEFAULT_THREADS,
                        help=f"CPU threads for both engines (default {DEFAULT_THREADS})")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE",
                        help="tqp's memory limit for a query's operators, e.g. 4GB "
                             "(default: tqp's own, a share of the RAM)")
    parser.add_argument("--cluster", default=None, metavar="ray|ray://HOST:PORT",
                        help="warm: run tqp's plans as Ray tasks, on a local Ray instance "
                             "('ray') or a cluster (docs/distributed.md)")
    parser.add_argument("--workers", type=positive_int, default=None,
                        help="with --cluster ray: CPUs (task slots) of the local Ray instance "
                             "(default: all); `python -m bench.harness.side_by_side` prints "
                             "the --json files of runs with 1, 2, ... workers side by side")
    parser.add_argument("--fresh-process", action="store_true",
                        help="run each query in a process of its own (its warm peak "
                             "memory is then its own, nothing is cached from an earlier query)")
    parser.add_argument("--duckdb-arrow", action="store_true",
                        help="warm: also time DuckDB over the Arrow tables tqp gets (a column "
                             "of its own; the ratio stays against DuckDB's native tables)")
    cold = parser.add_mutually_exclusive_group()
    cold.add_argument("--cold", action="store_true",
                      help="also run each query cold: a fresh process per engine, timed from "
                           "connect to the Arrow answer, registration of the files included")
    cold.add_argument("--cold-only", action="store_true",
                      help="run each query cold only (no warm columns)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write every figure to this JSON file")
    parser.add_argument("--plot", type=Path, default=None, metavar="PATH",
                        help="also draw both engines' times per query (log scale; warm, cold "
                             "with --cold-only) to this image (needs matplotlib)")
    args = parser.parse_args(argv)
    if args.cold_only and args.duckdb_arrow:
        parser.error("--duckdb-arrow is a warm column: it does not go with --cold-only")
    return args


# ---------------------------------------------------------------------------- one query


def read_tables(files: dict[str, Path], columns: dict[str, list[str]]) -> dict[str, pa.Table]:
    """The named columns of each table of `columns`, read from its Parquet file into Arrow."""
    return {t: pq.read_table(files[t], columns=c) for t, c in columns.items()}


def run_query(suite: Suite, number: int, folder: Path, args: argparse.Namespace,
              memory: PeakMemory) -> QueryRun:
    """Query `number` warm (unless --cold-only) and cold (with --cold or --cold-only)."""
    sql = suite.query_sql(number)
    files = suite.table_files(folder)
    run = QueryRun(number)
    columns = needed_columns([sql], suite.schemas(folder))
    if not args.cold_only:
        warm_query(run, sql, files, columns, args, memory)
        release_memory()  # before the next query loads its tables
    if args.cold or args.cold_only:
        cold = cold_query(files, sql, args.threads, args.device, args.memory_limit,
                          tables=list(columns))
        run.cold_tqp_ms, run.cold_duckdb_ms = cold.tqp_ms, cold.duckdb_ms
        run.cold_tqp_peak_rss_mib = cold.tqp_peak_rss_mib
        run.cold_duckdb_peak_rss_mib = cold.duckdb_peak_rss_mib
        run.cold_status, run.cold_message = cold.status, cold.message
    return run


def warm_query(run: QueryRun, sql: str, files: dict[str, Path], columns: dict[str, list[str]],
               args: argparse.Namespace, memory: PeakMemory) -> None:
    """DuckDB over its native tables, then tqp over Arrow tables of the same columns (and
    DuckDB over those with --duckdb-arrow); figures go into `run`."""
    try:
        expected = duckdb_side(run, files, columns, sql, args.threads, args.repeat, memory)
    except Exception as exc:  # noqa: BLE001 - e.g. out of memory: the run goes on
        run.status, run.message = describe_error(exc, "duckdb")
        return
    run.columns_loaded = sum(len(c) for c in columns.values())
    if args.duckdb_arrow:
        tables, run.load_arrow_ms = timed(lambda: read_tables(files, columns))
        run.arrow_mib = sum(t.nbytes for t in tables.values()) / MIB
        con = duckdb_arrow(tables, args.threads)
        try:
            run_duckdb(con, sql)  # warm-up
            run.duckdb_arrow_runs_ms = [timed(lambda: run_duckdb(con, sql))[1]
                                        for _ in range(args.repeat)]
        finally:
            con.close()
        del tables
        release_memory()
    tqp_side(run, {t: files[t] for t in columns}, columns, sql, expected, args, memory)


def duckdb_side(run: QueryRun, files: dict[str, Path], columns: dict[str, list[str]], sql: str,
                threads: int, repeat: int, memory: PeakMemory) -> pa.Table:
    """DuckDB's answer over native tables; its load, times and peak memory go into `run`."""
    memory.start()
    con, run.duckdb_load_ms = timed(lambda: duckdb_native(files, columns, threads))
    try:
        expected, run.duckdb_first_ms = timed(lambda: run_duckdb(con, sql))
        run.duckdb_runs_ms = [timed(lambda: run_duckdb(con, sql))[1] for _ in range(repeat)]
    finally:
        con.close()
        release_memory()
        run.duckdb_peak_rss_mib, _ = memory.stop()
    return expected


def tqp_side(run: QueryRun, files: dict[str, Path], columns: dict[str, list[str]], sql: str,
             expected: pa.Table, args: argparse.Namespace, memory: PeakMemory) -> None:
    """Register the files, read the query's columns into the tensor cache (on Ray, the first
    run fills the worker actors' caches instead), then run, check and time tqp on its cached
    tensors; figures go into `run`."""
    memory.start()
    try:
        engine = tqp_engine(files, args.device, args.memory_limit, args.cluster)
        if args.cluster is None:  # on Ray the worker actors cache what their tasks read
            _, run.load_tensors_ms = timed(lambda: to_tensors(engine, columns))
        actual, run.tqp_first_ms, _ = timed_tqp(engine, sql)
        mismatch = compare_tables(actual, expected, is_ordered(sql))
        del actual
        run.status, run.message = ("NO", mismatch) if mismatch else ("yes", "")
        for _ in range(args.repeat):
            _, ms, plan_ms = timed_tqp(engine, sql)
            run.tqp_runs_ms.append(ms)
            run.tqp_plan_runs_ms.append(plan_ms)
    except Exception as exc:  # noqa: BLE001 - one failing query must not end the run
        run.status, run.message = describe_error(exc)
    finally:
        run.tqp_peak_rss_mib, run.tqp_peak_cuda_mib = memory.stop()


def run_in_child(suite: Suite, number: int, argv: list[str]) -> QueryRun:
    """Query `number` run by `python -m <suite.module>` in a child process (same options)."""
    keep, skip = [], False
    for arg in argv:  # the child runs one query and reports through JSON
        if skip:
            skip = False
            continue
        if arg in ("--queries", "--json", "--plot"):
            skip = True
            continue
        if arg == "--fresh-process" or arg.startswith(("--queries=", "--json=", "--plot=")):
            continue
        keep.append(arg)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "run.json"
        child = python_child(["-m", suite.module, *keep, "--queries", str(number),
                              "--json", str(out)])
        if child.returncode != 0 or not out.exists():
            return QueryRun(number, "error", f"child process failed: {last_error_line(child)}")
        data = json.loads(out.read_text())["queries"][0]
    names = {f.name for f in fields(QueryRun)}
    return QueryRun(**{k: v for k, v in data.items() if k in names})


# ---------------------------------------------------------------------------- main


def make_config(suite: Suite, args: argparse.Namespace) -> dict:
    """The run's settings, kept with its figures."""
    import duckdb
    import torch

    machine = machine_description()
    if args.device == "cuda":
        machine += f", {torch.cuda.get_device_name()}"
    return {"suite": suite.name, "sf": args.sf, "device": args.device, "threads": args.threads,
            "repeat": args.repeat, "machine": machine, "torch": torch.__version__,
            "duckdb": duckdb.__version__, "timing": "minimum", "duckdb_tables": "native",
            "memory_limit": args.memory_limit, "warm": not args.cold_only,
            "cold": args.cold or args.cold_only, "duckdb_arrow": args.duckdb_arrow,
            "cluster": args.cluster, "workers": args.workers,
            "load_start": os.getloadavg()[0]}


def main(suite: Suite, argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 whenever the run itself completes."""
    import tqp  # noqa: F401 - before torch: it sets OpenMP's wait policy (tqp/__init__.py)
    import torch

    args = parse_args(suite, argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    torch.set_num_threads(args.threads)
    config = make_config(suite, args)
    memory = PeakMemory(args.device)
    folder = suite.ensure_data(args.sf)
    if args.cluster == "ray" and args.workers:
        import ray
        ray.init(address="local", num_cpus=args.workers, include_dashboard=False,
                 log_to_driver=False)
    print(f"data {folder}; tqp on {args.device}"
          + (f" through {args.cluster}" if args.cluster else "")
          + f", DuckDB {config['duckdb']}, {args.threads} threads")

    shown = columns(config["warm"], args.duckdb_arrow, config["cold"])
    print(format_header(shown))
    runs = []
    for number in args.queries:
        if args.fresh_process:
            runs.append(run_in_child(suite, number, argv if argv is not None else sys.argv[1:]))
        else:
            runs.append(run_query(suite, number, folder, args, memory))
        print(format_row(runs[-1], shown), flush=True)
    config["load_end"] = os.getloadavg()[0]
    summary = summarize(runs, config)
    print(format_summary(summary))

    if args.json:
        write_json(args.json, summary, runs)
    if args.plot:
        plot_times(runs, args.plot, f"{suite.name} SF {args.sf:g}: tqp ({args.device}) and "
                                    f"DuckDB, {args.threads} threads", cold=args.cold_only)
    return 0
