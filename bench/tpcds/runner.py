"""TPC-DS's benchmark: the 99 queries on tqp against DuckDB, run by the shared harness.

The queries are DuckDB's (its tpcds extension, extension/tpcds/dsdgen/queries/NN.sql), the data
`tpcgen-cli tpcds parquet`'s. What is measured and how: bench/harness/runner.py (warm) and
bench/harness/cold.py (cold).

Example:
    python -m bench.tpcds --sf 0.1 --queries 1,3,5-7 --repeat 5 --cold --json out.json
"""

from __future__ import annotations

from pathlib import Path

from bench.harness import runner
from bench.harness.suite import Suite
from bench.tpcds.datagen import TABLES, ensure_data

TPCDS = Suite(name="TPC-DS", module="bench.tpcds",
              query_dir=Path(__file__).resolve().parent / "queries",
              queries=tuple(range(1, 100)), tables=TABLES, ensure_data=ensure_data)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.tpcds [options]`; see `bench.harness.runner.parse_args`."""
    return runner.main(TPCDS, argv)
