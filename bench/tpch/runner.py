"""tqp against DuckDB on TPC-H: the same Arrow tables, the same SQL, the same thread count.

For each query, the columns it names are read from the Parquet files into Arrow and registered
in both engines (only those columns, so that SF 10 fits in memory). DuckDB runs the query once
as a warm-up, then `--repeat` times. tqp then converts the columns to tensors (timed apart: the
extra a cold run would pay), runs the query once, has its answer checked against DuckDB's, and
runs it `--repeat` times. Each engine's **minimum** is reported. A tqp time runs from SQL text
to Arrow result (parse, plan, execute) every time, and its planning part is reported on its own.
The ratio is tqp / DuckDB: below 1 tqp is faster. Peak memory is measured per query and engine.

Example:
    python -m bench.tpch --sf 0.1 --queries 1,3,5-7 --repeat 5 --json out.json --plot out.png
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable

import pyarrow as pa
import sqlglot
from sqlglot import exp

from bench.tpch.compare import compare_tables, is_ordered
from bench.tpch.datagen import TABLES, ensure_data, load_tables, read_schemas

QUERY_DIR = Path(__file__).resolve().parent / "queries"
ALL_QUERIES = tuple(range(1, 23))
# The width of the first line of an error message kept in the report.
MESSAGE_WIDTH = 160
MIB = 2**20


@dataclass
class QueryRun:
    """The figures of one query: times in milliseconds, memory in MiB, `status` one of STATUSES.

    `load_*_ms` read the query's columns into Arrow and convert them to tqp's tensors;
    `*_first_ms` is the warm-up run (tqp's is the one checked); `*_runs_ms` the timed runs, of
    which the minimum is reported; `tqp_plan_runs_ms` the planning part of each tqp run.
    """

    query: int
    status: str = "error"
    message: str = ""
    columns_loaded: int = 0
    arrow_mib: float | None = None
    load_arrow_ms: float | None = None
    load_tensors_ms: float | None = None
    tqp_first_ms: float | None = None
    duckdb_first_ms: float | None = None
    tqp_runs_ms: list[float] = field(default_factory=list)
    tqp_plan_runs_ms: list[float] = field(default_factory=list)
    duckdb_runs_ms: list[float] = field(default_factory=list)
    tqp_peak_rss_mib: float | None = None
    duckdb_peak_rss_mib: float | None = None
    tqp_peak_cuda_mib: float | None = None

    @property
    def tqp_ms(self) -> float | None:
        return min(self.tqp_runs_ms, default=None)

    @property
    def plan_ms(self) -> float | None:
        return min(self.tqp_plan_runs_ms, default=None)

    @property
    def duckdb_ms(self) -> float | None:
        return min(self.duckdb_runs_ms, default=None)

    @property
    def ratio(self) -> float | None:
        if self.tqp_ms is None or not self.duckdb_ms:
            return None
        return self.tqp_ms / self.duckdb_ms

    def to_dict(self) -> dict:
        return {**asdict(self), "tqp_ms": self.tqp_ms, "plan_ms": self.plan_ms,
                "duckdb_ms": self.duckdb_ms, "ratio": self.ratio}


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
                    "check tqp's answers and compare the times (minimum of the timed runs).")
    parser.add_argument("--sf", type=float, default=1.0, help="scale factor (default 1)")
    parser.add_argument("--queries", type=parse_queries, default=list(ALL_QUERIES),
                        help='queries to run, e.g. "1,3,5-7" (default: all 22)')
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="device tqp runs on (default cpu)")
    parser.add_argument("--repeat", type=_positive_int, default=3,
                        help="timed runs per query and engine after one warm-up; the minimum "
                             "is reported (default 3)")
    parser.add_argument("--threads", type=_positive_int, default=None,
                        help="CPU threads for both engines (default: torch.get_num_threads())")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE",
                        help="tqp's memory limit for a query's operators, e.g. 4GB "
                             "(default: tqp's own, a share of the RAM)")
    parser.add_argument("--fresh-process", action="store_true",
                        help="run each query in a process of its own (its peak memory is then "
                             "its own, nothing is cached from an earlier query)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write every figure to this JSON file")
    parser.add_argument("--plot", type=Path, default=None, metavar="PATH",
                        help="also draw both engines' times per query (log scale) to this "
                             "image (needs matplotlib)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------- data


def load_query(number: int) -> str:
    return (QUERY_DIR / f"q{number:02d}.sql").read_text()


def needed_columns(numbers: list[int], schemas: dict[str, pa.Schema]) -> dict[str, list[str]]:
    """For each TPC-H table the queries read, the columns they name, in the table's order.

    Both engines get only these columns: TPC-H's column names are unique across tables, so a
    name in the query text picks its table's column. A `SELECT *` keeps every column (but not
    one under EXISTS, which reads no column).
    """
    tables: set[str] = set()
    names: set[str] = set()
    star = False
    for number in numbers:
        tree = sqlglot.parse_one(load_query(number), read="duckdb")
        tables.update(t.name.lower() for t in tree.find_all(exp.Table))
        names.update(c.name.lower() for c in tree.find_all(exp.Column))
        star = star or _selects_star(tree)
    return {t: [f for f in schemas[t].names if star or f.lower() in names]
            for t in TABLES if t in tables}


def _selects_star(tree: exp.Expression) -> bool:
    """True when a SELECT whose rows are read (not an EXISTS test) has a `*` in its list."""
    return any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
               for select in tree.find_all(exp.Select) if not isinstance(select.parent, exp.Exists)
               for e in select.expressions)


# ---------------------------------------------------------------------------- memory


class PeakMemory:
    """Peak memory over a stretch of the run: the process's resident set and CUDA's allocator.

    The process peak (getrusage) is reset at each `start` where Linux allows it
    (/proc/self/clear_refs), so each query and engine gets its own; elsewhere it is the peak
    since the process began.
    """

    def __init__(self, device: str):
        self.cuda = device == "cuda"

    def start(self) -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass  # not Linux, or not allowed: peaks are then since the process began
        if self.cuda:
            import torch
            torch.cuda.reset_peak_memory_stats()

    def stop(self) -> tuple[float, float | None]:
        """(peak RSS, peak CUDA memory allocated or None) in MiB since `start`."""
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        if not self.cuda:
            return rss, None
        import torch
        return rss, torch.cuda.max_memory_allocated() / MIB


def release_memory() -> None:
    """Give freed memory back to the system between engines and queries: Python's cycles,
    Arrow's pool, and glibc's heap (where tqp keeps large blocks), so that each query's memory
    figures start from its own data, not from what an earlier query left behind."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


# ---------------------------------------------------------------------------- engines


def open_duckdb(tables: dict[str, pa.Table], threads: int):
    """A DuckDB connection over the Arrow tables, with `threads` threads."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    for name, table in tables.items():
        con.register(name, table)
    return con


def open_tqp(tables: dict[str, pa.Table], device: str, memory_limit: str | None = None):
    """A tqp engine over the Arrow tables (torch's thread count is set once, in `main`)."""
    from tqp.engine import Engine

    engine = Engine(device=device, memory_limit=memory_limit)
    for name, table in tables.items():
        engine.register(name, table)
    return engine


def to_tensors(engine, tables: dict[str, pa.Table]) -> None:
    """Convert every loaded column to a tensor on tqp's device, as first use would."""
    for name, table in tables.items():
        for column in table.column_names:
            engine.catalog.column(name, column)
    if engine.device.type == "cuda":
        import torch
        torch.cuda.synchronize()


def run_tqp(engine, sql: str, timings: dict | None = None) -> pa.Table:
    """tqp from SQL text to an Arrow table: parse, plan and execute, nothing kept from before."""
    return engine.execute(sql, timings=timings).table


def run_duckdb(con, sql: str) -> pa.Table:
    # A relation straight to Arrow: the DB-API result path makes an extra copy of the rows.
    relation = con.sql(sql)
    # DuckDB 2 has only to_arrow_table; older versions only fetch_arrow_table.
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """Run `fn`; return its result and the wall time in milliseconds."""
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


def timed_tqp(engine, sql: str) -> tuple[pa.Table, float, float]:
    """tqp's answer, its time in milliseconds and the planning part of that time."""
    timings: dict[str, float] = {}
    table, ms = timed(lambda: run_tqp(engine, sql, timings))
    return table, ms, timings.get("plan_s", 0.0) * 1000.0


# ---------------------------------------------------------------------------- one query


def describe_error(exc: BaseException, engine: str = "tqp") -> tuple[str, str]:
    """(status, message) for an exception an engine raised."""
    import tqp

    first_line = (str(exc).strip().splitlines() or [""])[0][:MESSAGE_WIDTH]
    if engine == "tqp" and isinstance(exc, tqp.NotSupportedError):
        return "unsupported", f"unsupported: {first_line}"
    prefix = "error" if engine == "tqp" else f"{engine} error"
    return "error", f"{prefix}: {type(exc).__name__}: {first_line}"


def run_query(number: int, folder: Path, device: str, threads: int, repeat: int,
              memory: PeakMemory, memory_limit: str | None = None) -> QueryRun:
    """Load the columns one query names, then warm up and time it on DuckDB, then on tqp
    (checking tqp's answer against DuckDB's); each engine gets its own memory peak."""
    sql = load_query(number)
    run = QueryRun(number)
    columns = needed_columns([number], read_schemas(folder))
    tables, run.load_arrow_ms = timed(lambda: load_tables(folder, columns))
    run.columns_loaded = sum(len(c) for c in columns.values())
    run.arrow_mib = sum(t.nbytes for t in tables.values()) / MIB
    try:
        expected = duckdb_side(run, tables, sql, threads, repeat, memory)
    except Exception as exc:  # noqa: BLE001 - e.g. out of memory: the run goes on
        run.status, run.message = describe_error(exc, "duckdb")
    else:
        tqp_side(run, tables, sql, expected, device, repeat, memory, memory_limit)
        del expected
    del tables
    release_memory()  # before the next query loads its tables
    return run


def duckdb_side(run: QueryRun, tables: dict[str, pa.Table], sql: str, threads: int,
                repeat: int, memory: PeakMemory) -> pa.Table:
    """DuckDB's answer; its times and peak memory go into `run`."""
    memory.start()
    con = open_duckdb(tables, threads)
    try:
        expected, run.duckdb_first_ms = timed(lambda: run_duckdb(con, sql))
        run.duckdb_runs_ms = [timed(lambda: run_duckdb(con, sql))[1] for _ in range(repeat)]
    finally:
        con.close()
        release_memory()
        run.duckdb_peak_rss_mib, _ = memory.stop()
    return expected


def tqp_side(run: QueryRun, tables: dict[str, pa.Table], sql: str, expected: pa.Table,
             device: str, repeat: int, memory: PeakMemory,
             memory_limit: str | None = None) -> None:
    """Convert the tables to tensors, then run, check and time tqp; figures go into `run`."""
    memory.start()
    try:
        engine = open_tqp(tables, device, memory_limit)
        _, run.load_tensors_ms = timed(lambda: to_tensors(engine, tables))
        actual, run.tqp_first_ms, _ = timed_tqp(engine, sql)
        mismatch = compare_tables(actual, expected, is_ordered(sql))
        del actual
        run.status, run.message = ("NO", mismatch) if mismatch else ("yes", "")
        for _ in range(repeat):
            _, ms, plan_ms = timed_tqp(engine, sql)
            run.tqp_runs_ms.append(ms)
            run.tqp_plan_runs_ms.append(plan_ms)
    except Exception as exc:  # noqa: BLE001 - one failing query must not end the run
        run.status, run.message = describe_error(exc)
    finally:
        run.tqp_peak_rss_mib, run.tqp_peak_cuda_mib = memory.stop()


# ---------------------------------------------------------------------------- report

HEADER = (f"{'query':<6}{'tqp ms':>11}{'plan ms':>10}{'duckdb ms':>11}{'ratio':>8}"
          f"{'tqp MiB':>10}{'duckdb MiB':>12}  correct")


def _num(value: float | None, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def format_row(run: QueryRun) -> str:
    """One line of the table, plus the indented message of a query that did not pass."""
    line = (f"{f'q{run.query:02d}':<6}{_num(run.tqp_ms, 11)}{_num(run.plan_ms, 10)}"
            f"{_num(run.duckdb_ms, 11)}{_num(run.ratio, 8, 2)}"
            f"{_num(run.tqp_peak_rss_mib, 10, 0)}{_num(run.duckdb_peak_rss_mib, 12, 0)}"
            f"  {run.status}")
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
    """Counts, the geometric mean of tqp/DuckDB over the queries tqp answered correctly, load
    times and peak memory; `config` (the run's settings) is carried along."""
    correct = [r for r in runs if r.status == "yes"]
    ratios = [r.ratio for r in correct if r.ratio]
    return {"correct": len(correct), "queries": len(runs),
            "geomean_ratio": geometric_mean(ratios),
            **{s: sum(r.status == s for r in runs) for s in STATUSES if s != "yes"},
            "plan_ms_total": _total(r.plan_ms for r in runs),
            "load_arrow_s": _total(r.load_arrow_ms for r in runs) / 1000,
            "load_tensors_s": _total(r.load_tensors_ms for r in runs) / 1000,
            **_peak(runs, "tqp_peak_rss_mib"), **_peak(runs, "duckdb_peak_rss_mib"),
            **_peak(runs, "tqp_peak_cuda_mib"),
            **config}


def _total(values) -> float:
    return sum(v for v in values if v is not None)


def _peak(runs: list[QueryRun], key: str) -> dict:
    """The largest of one per-query memory figure, and the query it came from."""
    measured = [r for r in runs if getattr(r, key) is not None]
    top = max(measured, key=lambda r: getattr(r, key), default=None)
    return {key: top and getattr(top, key), f"{key}_query": top and top.query}


def _gib(mib: float | None) -> str:
    return "-" if mib is None else f"{mib / 1024:.2f} GiB"


def format_summary(summary: dict) -> str:
    """The lines under the table: correctness and speed, load, memory, the setting."""
    geomean = summary["geomean_ratio"]
    geomean_text = "n/a" if geomean is None else f"{geomean:.2f}"
    memory = (f"memory: peak RSS tqp {_gib(summary['tqp_peak_rss_mib'])} "
              f"(q{summary['tqp_peak_rss_mib_query'] or 0:02d}), "
              f"DuckDB {_gib(summary['duckdb_peak_rss_mib'])} "
              f"(q{summary['duckdb_peak_rss_mib_query'] or 0:02d})")
    if summary["tqp_peak_cuda_mib"] is not None:
        memory += (f"; tqp CUDA peak allocated {_gib(summary['tqp_peak_cuda_mib'])} "
                   f"(q{summary['tqp_peak_cuda_mib_query']:02d})")
    return "\n".join([
        f"queries correct {summary['correct']}/{summary['queries']}, geomean ratio tqp/duckdb "
        f"{geomean_text} (over correct queries, minimum of {summary['repeat']} runs); "
        f"tqp planning {summary['plan_ms_total']:.0f} ms in all",
        f"load, per query and only the columns it names: Parquet -> Arrow "
        f"{summary['load_arrow_s']:.1f} s, Arrow -> tensors (tqp's cold-run extra) "
        f"{summary['load_tensors_s']:.1f} s, summed over the queries",
        memory,
        f"device {summary['device']}, threads {summary['threads']}, SF {summary['sf']:g}, "
        f"machine {summary['machine']}",
    ])


def write_json(path: Path, summary: dict, runs: list[QueryRun]) -> None:
    payload = {"summary": summary, "queries": [r.to_dict() for r in runs]}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def plot_times(runs: list[QueryRun], path: Path, title: str) -> None:
    """A bar chart of both engines' times per query, log scale; tqp bars only where it answered
    correctly (the x label says the status of the others)."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    labels = [f"q{r.query:02d}" + ("" if r.status == "yes" else f"\n{r.status}") for r in runs]
    tqp = [r.tqp_ms if r.status == "yes" and r.tqp_ms else math.nan for r in runs]
    duck = [r.duckdb_ms or math.nan for r in runs]
    x = range(len(runs))
    figure = Figure(figsize=(max(6.0, 0.5 * len(runs) + 2), 4.5), layout="constrained")
    axes = figure.subplots()
    axes.bar([i - 0.2 for i in x], tqp, width=0.4, label="tqp")
    axes.bar([i + 0.2 for i in x], duck, width=0.4, label="DuckDB")
    axes.set_yscale("log")
    axes.set_xticks(list(x), labels, fontsize=8)
    axes.set_ylabel("ms (minimum of runs, log scale)")
    axes.set_title(title, fontsize=9)
    axes.legend()
    figure.savefig(path, dpi=120)


# ---------------------------------------------------------------------------- main


def make_config(args: argparse.Namespace, threads: int) -> dict:
    import duckdb
    import torch

    machine = machine_description()
    if args.device == "cuda":
        machine += f", {torch.cuda.get_device_name()}"
    return {"sf": args.sf, "device": args.device, "threads": threads, "repeat": args.repeat,
            "machine": machine, "torch": torch.__version__, "duckdb": duckdb.__version__,
            "timing": "minimum", "memory_limit": args.memory_limit}


def run_in_child(number: int, argv: list[str]) -> QueryRun:
    """Query `number` run by `python -m bench.tpch` in a child process (same options)."""
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
        child = subprocess.run([sys.executable, "-m", "bench.tpch", *keep, "--queries",
                                str(number), "--json", str(out)], capture_output=True, text=True)
        if child.returncode != 0 or not out.exists():
            last = (child.stderr.strip().splitlines() or ["no output"])[-1][:MESSAGE_WIDTH]
            return QueryRun(number, "error", f"child process failed: {last}")
        data = json.loads(out.read_text())["queries"][0]
    names = {f.name for f in fields(QueryRun)}
    return QueryRun(**{k: v for k, v in data.items() if k in names})


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 whenever the run itself completes."""
    import torch

    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    threads = args.threads or torch.get_num_threads()
    torch.set_num_threads(threads)
    config = make_config(args, threads)
    memory = PeakMemory(args.device)
    folder = ensure_data(args.sf)
    print(f"data {folder}; tqp on {args.device}, DuckDB {config['duckdb']}, {threads} threads")

    print(HEADER)
    runs = []
    for number in args.queries:
        if args.fresh_process:
            runs.append(run_in_child(number, argv if argv is not None else sys.argv[1:]))
        else:
            runs.append(run_query(number, folder, args.device, threads, args.repeat, memory,
                                  args.memory_limit))
        print(format_row(runs[-1]), flush=True)
    summary = summarize(runs, config)
    print(format_summary(summary))

    if args.json:
        write_json(args.json, summary, runs)
    if args.plot:
        plot_times(runs, args.plot, f"TPC-H SF {args.sf:g}: tqp ({args.device}) and DuckDB, "
                                    f"{threads} threads")
    return 0
