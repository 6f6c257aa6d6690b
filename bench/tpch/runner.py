"""TPC-H's benchmark: the 22 queries on tqp against DuckDB, run by the shared harness.

What is measured and how: bench/harness/runner.py (warm) and bench/harness/cold.py (cold).

Example:
    python -m bench.tpch --sf 0.1 --queries 1,3,5-7 --repeat 5 --cold --json out.json
"""

from __future__ import annotations

from pathlib import Path

from bench.harness import runner
from bench.harness.suite import Suite
from bench.tpch.datagen import TABLES, ensure_data

TPCH = Suite(name="TPC-H", module="bench.tpch",
             query_dir=Path(__file__).resolve().parent / "queries",
             queries=tuple(range(1, 23)), tables=TABLES, ensure_data=ensure_data)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.tpch [options]`; see `bench.harness.runner.parse_args`."""
    return runner.main(TPCH, argv)
