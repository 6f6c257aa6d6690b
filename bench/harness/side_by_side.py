"""Runs of one suite side by side: `python -m bench.harness.side_by_side A.json B.json ...`.

Each file is a runner's `--json` output: e.g. tqp locally, then on Ray with 1 worker and with
2 (`--cluster ray --workers N`). The table has, per query, each run's warm tqp time, DuckDB's
(the lowest over the runs: the same engine and data every time) and whether every run's answer
was DuckDB's; under it, each run's sum over the queries all runs answered, the ratio to the
first run, and the machine's load average when the run started and ended (on a shared machine
the load says how far single figures can be trusted).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def label(summary: dict) -> str:
    """A run's column name: its executor (and Ray's workers) and device."""
    cluster = summary.get("cluster")
    if not cluster:
        where = "local"
    elif summary.get("workers"):
        where = f"{cluster} x{summary['workers']}"
    else:
        where = cluster
    return f"{where} ({summary.get('device', 'cpu')})"


def side_by_side(runs: list[dict]) -> str:
    """The markdown table of `runs` (each a runner's JSON payload), see the module doc."""
    by_query = [{q["query"]: q for q in run["queries"]} for run in runs]
    numbers = sorted(set().union(*by_query))
    names = [label(run["summary"]) for run in runs]
    lines = ["| query | " + " | ".join(names) + " | DuckDB | correct |",
             "| --- | " + " | ".join("---:" for _ in names) + " | ---: | --- |"]
    answered = []
    for number in numbers:
        found = [queries.get(number) for queries in by_query]
        times = [q and q.get("tqp_ms") for q in found]
        duckdb = [q["duckdb_ms"] for q in found if q and q.get("duckdb_ms") is not None]
        right = all(q is not None and q.get("status") == "yes" for q in found)
        if right and all(t is not None for t in times):
            answered.append(times)
        lines.append(f"| q{number:02d} | " + " | ".join(_ms(t) for t in times)
                     + f" | {_ms(min(duckdb, default=None))} | {'yes' if right else 'NO'} |")
    sums = [sum(column) for column in zip(*answered)] if answered else [math.nan] * len(runs)
    lines.append(f"| sum ({len(answered)} q) | " + " | ".join(f"{s / 1000:.1f} s" for s in sums)
                 + " | | |")
    lines.append("| vs first | " + " | ".join(f"{s / sums[0]:.2f}" for s in sums) + " | | |")
    lines.append("| load start-end | " + " | ".join(_load(run["summary"]) for run in runs)
                 + " | | |")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _load(summary: dict) -> str:
    start, end = summary.get("load_start"), summary.get("load_end")
    return "-" if start is None or end is None else f"{start:.1f}-{end:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness.side_by_side",
                                     description="Print runner JSON files side by side.")
    parser.add_argument("files", type=Path, nargs="+", help="runner --json outputs, in order")
    args = parser.parse_args(argv)
    print(side_by_side([json.loads(f.read_text()) for f in args.files]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
