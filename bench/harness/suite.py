"""What a runner knows about a benchmark suite, and the query-list syntax of its command line."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp


@dataclass(frozen=True)
class Suite:
    """A benchmark suite: numbered SQL queries over tables stored one Parquet file each.

    Attributes:
        name: shown in titles, e.g. "TPC-H".
        module: the package run as `python -m <module>`; a fresh-process child runs it again.
        query_dir: holds query N as `qNN.sql` (two digits at least: q01.sql, q99.sql).
        queries: every query number, in order; `--queries all` means these.
        tables: every table name; a data folder holds `<table>.parquet` for each.
        ensure_data: scale factor -> the folder holding the suite's Parquet files (made first
            when missing).
    """

    name: str
    module: str
    query_dir: Path
    queries: tuple[int, ...]
    tables: tuple[str, ...]
    ensure_data: Callable[[float], Path]

    def query_sql(self, number: int) -> str:
        """The SQL text of query `number`."""
        return (Path(self.query_dir) / f"q{number:02d}.sql").read_text()

    def table_files(self, folder: Path) -> dict[str, Path]:
        """Table name -> its Parquet file in a data folder."""
        return {t: Path(folder) / f"{t}.parquet" for t in self.tables}

    def schemas(self, folder: Path) -> dict[str, pa.Schema]:
        """The Arrow schema of every table in a data folder, without reading the data."""
        return {t: pq.read_schema(path) for t, path in self.table_files(folder).items()}


def parse_queries(spec: str, known: tuple[int, ...]) -> list[int]:
    """Query numbers from a list of numbers and ranges: "1,3,5-7" -> [1, 3, 5, 6, 7].

    "all" means every number in `known`; a leading "q" is allowed ("q05"). A number outside
    `known` is an error. Sorted, without repeats.
    """
    if spec.strip().lower() == "all":
        return list(known)
    numbers: set[int] = set()
    for token in spec.split(","):
        token = token.strip().lower()
        if not token:
            raise argparse.ArgumentTypeError(f"empty item in query list {spec!r}")
        low, dash, high = token.partition("-")
        first, last = _query_number(low, known), _query_number(high if dash else low, known)
        if first > last:
            raise argparse.ArgumentTypeError(f"empty range {token!r}")
        numbers.update(n for n in range(first, last + 1) if n in known)
    return sorted(numbers)


def _query_number(text: str, known: tuple[int, ...]) -> int:
    text = text.strip().removeprefix("q")
    if not text.isdigit() or int(text) not in known:
        raise argparse.ArgumentTypeError(
            f"not a query number ({min(known)}-{max(known)}): {text!r}")
    return int(text)


def needed_columns(sqls: list[str], schemas: dict[str, pa.Schema]) -> dict[str, list[str]]:
    """For each table of `schemas` the queries read, the columns they name, in the table's order.

    Engines get only these columns, so that a large scale factor fits in memory. This relies on
    column names being unique across the suite's tables (true of TPC-H and TPC-DS): a name in
    the query text picks its table's column. A `SELECT *` keeps every column (but not one under
    EXISTS, which reads no column). Names that are not tables of `schemas` (CTEs) are ignored.
    """
    tables: set[str] = set()
    names: set[str] = set()
    star = False
    for sql in sqls:
        tree = sqlglot.parse_one(sql, read="duckdb")
        tables.update(t.name.lower() for t in tree.find_all(exp.Table))
        names.update(c.name.lower() for c in tree.find_all(exp.Column))
        star = star or _selects_star(tree)
    return {t: [f for f in schema.names if star or f.lower() in names]
            for t, schema in schemas.items() if t in tables}


def _selects_star(tree: exp.Expression) -> bool:
    """True when a SELECT whose rows are read (not an EXISTS test) has a `*` in its list."""
    return any(isinstance(e, exp.Star)
               or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
               for select in tree.find_all(exp.Select) if not isinstance(select.parent, exp.Exists)
               for e in select.expressions)
