"""tqp against DuckDB on TPC-H: the same Arrow tables, the same SQL, the same thread count.

Each query runs once on both engines as a warm-up (tqp's first run converts the columns it needs
to tensors on the device, so its time is reported apart as the *cold* time), tqp's answer is
checked against DuckDB's, then each engine runs the query `--repeat` more times and the
**median** of those runs is reported. The ratio is tqp / DuckDB: below 1 tqp is faster.

Example:
    python -m bench.tpch --sf 0.1 --queries 1,3,5-7 --repeat 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa

from bench.tpch.compare import compare_tables, is_ordered
from bench.tpch.datagen import ensure_data, load_tables

QUERY_DIR = Path(__file__).resolve().parent / "queries"
ALL_QUERIES = tuple(range(1, 23))
# The width of the first line of an error message kept in the report.
MESSAGE_WIDTH = 160


@dataclass
class QueryRun:
    """The figures of one query: times in milliseconds, `status` one of STATUSES."""

    query: int
    status: str = "error"
    message: str = ""
    tqp_cold_ms: float | None = None
    duckdb_cold_ms: float | None = None
    tqp_runs_ms: list[float] = field(default_factory=list)
    duckdb_runs_ms: list[float] = field(default_factory=list)

    @property
    def tqp_ms(self) -> float | None:
        return statistics.median(self.tqp_runs_ms) if self.tqp_runs_ms else None

    @property
    def duckdb_ms(self) -> float | None:
        return statistics.median(self.duckdb_runs_ms) if self.duckdb_runs_ms else None

    @property
    def ratio(self) -> float | None:
        if self.tqp_ms is None or not self.duckdb_ms:
            return None
        return self.tqp_ms / self.duckdb_ms

    def to_dict(self) -> dict:
        return {**asdict(self), "tqp_ms": self.tqp_ms, "duckdb_ms": self.duckdb_ms,
                "ratio": self.ratio}


STATUSES = ("yes", "NO", "unsupported", "error")


# ---------------------------------------------------------------------------- arguments


def parse_queries(spec: str) -> list[int]:
    """Query numbers from a list of numbers and ranges: "1,3,5-7" -> [1, 3, 5, 6, 7].

    "all" means the 22 queries; a leading "q" is allowed ("q05"). Sorted, without repeats.
    """
    if spec.strip().lower() == "all":
        return list(ALL_QUERIES)
    numbers: set[int] = set()
    for token in spec.split(","):
        token = token.strip().lower()
        if not token:
            raise argparse.ArgumentTypeError(f"empty item in query list {spec!r}")
        low, dash, high = token.partition("-")
        first, last = _query_number(low), _query_number(high if dash else low)
        if first > last:
            raise argparse.ArgumentTypeError(f"empty range {token!r}")
        numbers.update(range(first, last + 1))
    return sorted(numbers)


def _query_number(text: str) -> int:
    text = text.strip().removeprefix("q")
    if not text.isdigit() or int(text) not in ALL_QUERIES:
        raise argparse.ArgumentTypeError(f"not a TPC-H query number (1-22): {text!r}")
    return int(text)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tpch",
        description="Run TPC-H on tqp and on DuckDB over the same Arrow tables; "
                    "check tqp's answers and compare the times (median of the timed runs).")
    parser.add_argument("--sf", type=float, default=1.0, help="scale factor (default 1)")
    parser.add_argument("--queries", type=parse_queries, default=list(ALL_QUERIES),
                        help='queries to run, e.g. "1,3,5-7" (default: all 22)')
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="device tqp runs on (default cpu)")
    parser.add_argument("--repeat", type=_positive_int, default=3,
                        help="timed runs per query and engine, after one warm-up (default 3)")
    parser.add_argument("--threads", type=_positive_int, default=None,
                        help="CPU threads for both engines (default: torch.get_num_threads())")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write every figure to this JSON file")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------- engines


def open_engines(tables: dict[str, pa.Table], device: str, threads: int):
    """A tqp connection and a DuckDB connection over the same Arrow tables and thread count."""
    import duckdb
    import torch

    import tqp

    torch.set_num_threads(threads)
    tqp_con = tqp.connect(device=device)
    duck_con = duckdb.connect()
    duck_con.execute(f"SET threads TO {threads}")
    for name, table in tables.items():
        tqp_con.register(name, table)
        duck_con.register(name, table)
    return tqp_con, duck_con


def run_tqp(con, sql: str) -> pa.Table:
    return con.execute(sql).fetch_arrow_table()


def run_duckdb(con, sql: str) -> pa.Table:
    # A relation straight to Arrow: the DB-API result path makes an extra copy of the rows.
    relation = con.sql(sql)
    # DuckDB 2 has only to_arrow_table; older versions only fetch_arrow_table.
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def timed(fn: Callable[[], pa.Table]) -> tuple[pa.Table, float]:
    """Run `fn`; return its result and the wall time in milliseconds."""
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


# ---------------------------------------------------------------------------- one query


def load_query(number: int) -> str:
    return (QUERY_DIR / f"q{number:02d}.sql").read_text()


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(status, message) for an exception tqp raised."""
    import tqp

    first_line = (str(exc).strip().splitlines() or [""])[0][:MESSAGE_WIDTH]
    if isinstance(exc, tqp.NotSupportedError):
        return "unsupported", f"unsupported: {first_line}"
    return "error", f"error: {type(exc).__name__}: {first_line}"


def run_query(number: int, tqp_con, duck_con, repeat: int) -> QueryRun:
    """Warm up, check and time one query on both engines."""
    sql = load_query(number)
    run = QueryRun(number)
    expected, run.duckdb_cold_ms = timed(lambda: run_duckdb(duck_con, sql))
    try:
        actual, run.tqp_cold_ms = timed(lambda: run_tqp(tqp_con, sql))
        mismatch = compare_tables(actual, expected, is_ordered(sql))
        run.status, run.message = ("NO", mismatch) if mismatch else ("yes", "")
        run.tqp_runs_ms = [timed(lambda: run_tqp(tqp_con, sql))[1] for _ in range(repeat)]
    except Exception as exc:  # noqa: BLE001 - one failing query must not end the run
        run.status, run.message = describe_error(exc)
    run.duckdb_runs_ms = [timed(lambda: run_duckdb(duck_con, sql))[1] for _ in range(repeat)]
    return run


# ---------------------------------------------------------------------------- report

HEADER = f"{'query':<6}{'tqp cold ms':>13}{'tqp ms':>11}{'duckdb ms':>11}{'ratio':>8}  correct"


def _num(value: float | None, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def format_row(run: QueryRun) -> str:
    """One line of the table, plus the indented message of a query that did not pass."""
    line = (f"q{run.query:02d}  {_num(run.tqp_cold_ms, 13)}{_num(run.tqp_ms, 11)}"
            f"{_num(run.duckdb_ms, 11)}{_num(run.ratio, 8, 2)}  {run.status}")
    if run.message:
        line += "\n" + "\n".join("      " + m for m in run.message.splitlines())
    return line


def geometric_mean(values: list[float]) -> float | None:
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def machine_description() -> str:
    """The CPU model (platform.processor(), else /proc/cpuinfo) and the number of CPUs."""
    name = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if (not name or name == platform.machine()) and cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        name = models[0] if models else name
    return f"{name or platform.machine()}, {os.cpu_count()} CPUs"


def summarize(runs: list[QueryRun], config: dict) -> dict:
    """Counts and the geometric mean of tqp/DuckDB over the queries tqp answered correctly."""
    correct = [r for r in runs if r.status == "yes"]
    ratios = [r.ratio for r in correct if r.ratio]
    return {"correct": len(correct), "queries": len(runs),
            "geomean_ratio": geometric_mean(ratios),
            **{s: sum(r.status == s for r in runs) for s in STATUSES if s != "yes"},
            **config}


def format_summary(summary: dict) -> str:
    geomean = summary["geomean_ratio"]
    geomean_text = "n/a" if geomean is None else f"{geomean:.2f}"
    return (f"queries correct {summary['correct']}/{summary['queries']}, "
            f"geomean ratio tqp/duckdb {geomean_text} (over correct queries, median of "
            f"{summary['repeat']} runs), device {summary['device']}, "
            f"threads {summary['threads']}, SF {summary['sf']:g}, "
            f"machine {summary['machine']}")


# ---------------------------------------------------------------------------- main


def make_config(args: argparse.Namespace, threads: int) -> dict:
    import duckdb
    import torch

    machine = machine_description()
    if args.device == "cuda":
        machine += f", {torch.cuda.get_device_name()}"
    return {"sf": args.sf, "device": args.device, "threads": threads, "repeat": args.repeat,
            "machine": machine, "torch": torch.__version__, "duckdb": duckdb.__version__,
            "timing": "median"}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 whenever the run itself completes."""
    import torch

    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    threads = args.threads or torch.get_num_threads()
    config = make_config(args, threads)

    folder = ensure_data(args.sf)
    (tables, load_ms) = timed(lambda: load_tables(folder))
    print(f"data {folder} loaded in {load_ms / 1000:.1f} s; tqp on {args.device}, "
          f"DuckDB {config['duckdb']}, {threads} threads")
    tqp_con, duck_con = open_engines(tables, args.device, threads)

    print(HEADER)
    runs = []
    for number in args.queries:
        runs.append(run_query(number, tqp_con, duck_con, args.repeat))
        print(format_row(runs[-1]), flush=True)
    summary = summarize(runs, config)
    print(format_summary(summary))

    if args.json:
        payload = {"summary": summary, "queries": [r.to_dict() for r in runs]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    tqp_con.close()
    duck_con.close()
    return 0
