"""The per-query figures, the printed table and its summary, JSON and a plot.

The table's columns depend on what was measured (`columns`): warm times, DuckDB over Arrow,
cold times, peak memory, and the correctness of the warm and the cold answers.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from bench.harness.measure import geometric_mean

STATUSES = ("yes", "NO", "unsupported", "error")


@dataclass
class QueryRun:
    """The figures of one query: times in milliseconds, memory in MiB, statuses in STATUSES.

    Warm: `duckdb_load_ms` creates DuckDB's native tables from Parquet; `load_*_ms` read the
    query's columns into Arrow and convert them to tqp's tensors; `*_first_ms` is the warm-up
    run (tqp's is the one checked); `*_runs_ms` the timed runs, of which the minimum is
    reported; `tqp_plan_runs_ms` the planning part of each tqp run; `duckdb_arrow_runs_ms`
    DuckDB over the Arrow tables. `status`/`message`: is tqp's warm answer DuckDB's.
    Cold (each a fresh process, see bench.harness.cold): `cold_*_ms` and the children's peak
    RSS; `cold_status`/`cold_message` for tqp's cold answer. None/empty: not measured (a status
    None: that part did not run).
    """

    query: int
    status: str | None = None
    message: str = ""
    columns_loaded: int = 0
    arrow_mib: float | None = None
    duckdb_load_ms: float | None = None
    load_arrow_ms: float | None = None
    load_tensors_ms: float | None = None
    tqp_first_ms: float | None = None
    duckdb_first_ms: float | None = None
    tqp_runs_ms: list[float] = field(default_factory=list)
    tqp_plan_runs_ms: list[float] = field(default_factory=list)
    duckdb_runs_ms: list[float] = field(default_factory=list)
    duckdb_arrow_runs_ms: list[float] = field(default_factory=list)
    tqp_peak_rss_mib: float | None = None
    duckdb_peak_rss_mib: float | None = None
    tqp_peak_cuda_mib: float | None = None
    cold_tqp_ms: float | None = None
    cold_duckdb_ms: float | None = None
    cold_tqp_peak_rss_mib: float | None = None
    cold_duckdb_peak_rss_mib: float | None = None
    cold_status: str | None = None
    cold_message: str = ""

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
    def duckdb_arrow_ms(self) -> float | None:
        return min(self.duckdb_arrow_runs_ms, default=None)

    @property
    def ratio(self) -> float | None:
        """Warm tqp / DuckDB over its native tables: below 1 tqp is faster."""
        return _ratio(self.tqp_ms, self.duckdb_ms)

    @property
    def arrow_ratio(self) -> float | None:
        """DuckDB over Arrow / DuckDB over its native tables."""
        return _ratio(self.duckdb_arrow_ms, self.duckdb_ms)

    @property
    def cold_ratio(self) -> float | None:
        """Cold tqp / cold DuckDB."""
        return _ratio(self.cold_tqp_ms, self.cold_duckdb_ms)

    def to_dict(self) -> dict:
        return {**asdict(self), "tqp_ms": self.tqp_ms, "plan_ms": self.plan_ms,
                "duckdb_ms": self.duckdb_ms, "duckdb_arrow_ms": self.duckdb_arrow_ms,
                "ratio": self.ratio, "cold_ratio": self.cold_ratio}


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


# ---------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Column:
    """One column of the printed table: a title, a width, and the run's value: a number shown
    with `digits` decimals, right-aligned, or (`text`) a word, left-aligned."""

    title: str
    width: int
    value: Callable[[QueryRun], object]
    digits: int = 1
    text: bool = False


WARM_COLUMNS = (
    Column("tqp ms", 11, lambda r: r.tqp_ms),
    Column("plan ms", 10, lambda r: r.plan_ms),
    Column("duckdb ms", 11, lambda r: r.duckdb_ms),
    Column("ratio", 8, lambda r: r.ratio, 2),
)
ARROW_COLUMNS = (Column("duck-arrow ms", 15, lambda r: r.duckdb_arrow_ms),)
MEMORY_COLUMNS = (
    Column("tqp MiB", 10, lambda r: r.tqp_peak_rss_mib, 0),
    Column("duckdb MiB", 12, lambda r: r.duckdb_peak_rss_mib, 0),
)
COLD_COLUMNS = (
    Column("cold tqp ms", 13, lambda r: r.cold_tqp_ms),
    Column("cold duck ms", 14, lambda r: r.cold_duckdb_ms),
    Column("cold ratio", 12, lambda r: r.cold_ratio, 2),
)
WARM_STATUS = Column("correct", 13, lambda r: r.status, text=True)
COLD_STATUS = Column("cold correct", 14, lambda r: r.cold_status, text=True)


def columns(warm: bool = True, duckdb_arrow: bool = False, cold: bool = False) -> list[Column]:
    """The table's columns for what was measured, numbers first, then the statuses."""
    numbers = [*(WARM_COLUMNS if warm else ()), *(ARROW_COLUMNS if warm and duckdb_arrow else ()),
               *(COLD_COLUMNS if cold else ()), *(MEMORY_COLUMNS if warm else ())]
    return numbers + [*([WARM_STATUS] if warm else []), *([COLD_STATUS] if cold else [])]


def _cell(column: Column, run: QueryRun) -> str:
    value = column.value(run)
    if column.text:
        return f"  {value or '-':<{column.width - 2}}"
    return number_cell(value, column.width, column.digits)


def number_cell(value: float | None, width: int, digits: int = 1) -> str:
    """A number right-aligned in `width` characters with `digits` decimals; "-" for None."""
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def format_header(shown: list[Column]) -> str:
    """The table's title line."""
    return f"{'query':<6}" + "".join(
        f"  {c.title:<{c.width - 2}}" if c.text else f"{c.title:>{c.width}}"
        for c in shown).rstrip()


def format_row(run: QueryRun, shown: list[Column]) -> str:
    """One line of the table, plus the indented messages of a query that did not pass."""
    line = (f"{f'q{run.query:02d}':<6}" + "".join(_cell(c, run) for c in shown)).rstrip()
    for message in (run.message, run.cold_message):
        if message:
            line += "\n" + "\n".join("      " + m for m in message.splitlines())
    return line


# ---------------------------------------------------------------------------- the summary


def summarize(runs: list[QueryRun], config: dict) -> dict:
    """Counts and geometric means of the ratios (warm over the queries tqp answered correctly
    warm, cold over those it answered correctly cold), load times and peak memory; `config`
    (the run's settings) is carried along."""
    correct = [r for r in runs if r.status == "yes"]
    cold_correct = [r for r in runs if r.cold_status == "yes"]
    return {"correct": len(correct), "queries": len(runs),
            "geomean_ratio": geometric_mean([r.ratio for r in correct if r.ratio]),
            **{s: sum(r.status == s for r in runs) for s in STATUSES if s != "yes"},
            "geomean_arrow_ratio": geometric_mean([r.arrow_ratio for r in runs if r.arrow_ratio]),
            "cold_correct": len(cold_correct),
            "cold_queries": sum(r.cold_status is not None for r in runs),
            "geomean_cold_ratio": geometric_mean([r.cold_ratio for r in cold_correct
                                                  if r.cold_ratio]),
            "plan_ms_total": _total(r.plan_ms for r in runs),
            "duckdb_load_s": _total(r.duckdb_load_ms for r in runs) / 1000,
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


def _geomean(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def format_summary(summary: dict) -> str:
    """The lines under the table: correctness and speed (warm, cold), loads, memory, setting.

    `summary["warm"]` and `summary["cold"]` (default warm only) say which were measured."""
    lines = []
    if summary.get("warm", True):
        lines += [
            f"warm: queries correct {summary['correct']}/{summary['queries']}, geomean ratio "
            f"tqp/duckdb {_geomean(summary['geomean_ratio'])} (DuckDB over its native tables; "
            f"over correct queries, minimum of {summary['repeat']} runs); "
            f"tqp planning {summary['plan_ms_total']:.0f} ms in all",
            f"load, per query and only the columns it names, summed over the queries: DuckDB "
            f"CREATE TABLE from Parquet {summary['duckdb_load_s']:.1f} s; for tqp Parquet -> "
            f"tensor cache {summary['load_tensors_s']:.1f} s",
            _memory_line(summary)]
        if summary["geomean_arrow_ratio"] is not None:
            lines.append(f"DuckDB over Arrow tables / over its native tables: geomean "
                         f"{_geomean(summary['geomean_arrow_ratio'])}")
    if summary.get("cold"):
        lines.append(
            f"cold: queries correct {summary['cold_correct']}/{summary['cold_queries']}, "
            f"geomean ratio tqp/duckdb {_geomean(summary['geomean_cold_ratio'])} (a fresh "
            f"process per query and engine: connect + register the files + query + Arrow "
            f"answer; over correct queries)")
    setting = (f"device {summary['device']}, threads {summary['threads']}, "
               f"SF {summary['sf']:g}, machine {summary['machine']}")
    if summary.get("cluster"):
        setting += f", tqp on {summary['cluster']}"
        if summary.get("workers"):
            setting += f" with {summary['workers']} workers"
    if summary.get("load_start") is not None and summary.get("load_end") is not None:
        setting += f", load average {summary['load_start']:.1f} -> {summary['load_end']:.1f}"
    lines.append(setting)
    return "\n".join(lines)


def _memory_line(summary: dict) -> str:
    memory = (f"memory: peak RSS tqp {_gib(summary['tqp_peak_rss_mib'])} "
              f"(q{summary['tqp_peak_rss_mib_query'] or 0:02d}), "
              f"DuckDB {_gib(summary['duckdb_peak_rss_mib'])} "
              f"(q{summary['duckdb_peak_rss_mib_query'] or 0:02d})")
    if summary["tqp_peak_cuda_mib"] is not None:
        memory += (f"; tqp CUDA peak allocated {_gib(summary['tqp_peak_cuda_mib'])} "
                   f"(q{summary['tqp_peak_cuda_mib_query']:02d})")
    return memory


def write_json(path: Path, summary: dict, runs: list[QueryRun]) -> None:
    payload = {"summary": summary, "queries": [r.to_dict() for r in runs]}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def plot_times(runs: list[QueryRun], path: Path, title: str, cold: bool = False) -> None:
    """A bar chart of both engines' times per query (warm, or `cold`), log scale; tqp bars
    only where it answered correctly (the x label says the status of the others)."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    times = [(r.cold_status, r.cold_tqp_ms, r.cold_duckdb_ms) if cold
             else (r.status, r.tqp_ms, r.duckdb_ms) for r in runs]
    labels = [f"q{r.query:02d}" + ("" if status == "yes" else f"\n{status}")
              for r, (status, _, _) in zip(runs, times)]
    tqp = [ms if status == "yes" and ms else math.nan for status, ms, _ in times]
    duck = [ms or math.nan for _, _, ms in times]
    x = range(len(runs))
    figure = Figure(figsize=(max(6.0, 0.5 * len(runs) + 2), 4.5), layout="constrained")
    axes = figure.subplots()
    axes.bar([i - 0.2 for i in x], tqp, width=0.4, label="tqp")
    axes.bar([i + 0.2 for i in x], duck, width=0.4, label="DuckDB (native tables)")
    axes.set_yscale("log")
    axes.set_xticks(list(x), labels, fontsize=8)
    axes.set_ylabel("ms, log scale" + ("" if cold else " (minimum of runs)"))
    axes.set_title(title, fontsize=9)
    axes.legend()
    figure.savefig(path, dpi=120)
