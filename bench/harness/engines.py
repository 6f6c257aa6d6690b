"""Each engine's setups and one run of a query to an Arrow table.

Warm, in the runner's process: DuckDB over its native tables (`duckdb_native`, the figure tqp is
compared with) or over Arrow tables (`duckdb_arrow`), and tqp over the same Parquet files whose
needed columns are read into its tensor cache up front (`tqp_engine`, `to_tensors`). Cold, in a fresh process
(bench.harness.cold): each engine's setup over the Parquet files as a new user would write it
(`duckdb_views`, `tqp_files`).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from bench.harness.measure import timed

# The width of the first line of an error message kept in the report.
MESSAGE_WIDTH = 160


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _text(value: str | Path) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _duckdb(threads: int):
    import duckdb

    return duckdb.connect(config={"threads": threads})


def duckdb_native(files: dict[str, Path], columns: dict[str, list[str]], threads: int):
    """DuckDB with `threads` threads and, for each table of `columns`, a native table loaded
    from its Parquet file: `CREATE TABLE t AS SELECT <those columns> FROM read_parquet(...)`."""
    con = _duckdb(threads)
    for table, names in columns.items():
        select = ", ".join(_name(c) for c in names)
        con.execute(f"CREATE TABLE {_name(table)} AS "
                    f"SELECT {select} FROM read_parquet({_text(files[table])})")
    return con


def duckdb_arrow(tables: dict[str, pa.Table], threads: int):
    """DuckDB with `threads` threads scanning the Arrow tables in place (registered)."""
    con = _duckdb(threads)
    for name, table in tables.items():
        con.register(name, table)
    return con


def duckdb_views(files: dict[str, Path], threads: int):
    """DuckDB with `threads` threads and a view per table file:
    `CREATE VIEW t AS SELECT * FROM read_parquet(...)` (DuckDB reads the files at query time)."""
    con = _duckdb(threads)
    for table, path in files.items():
        con.execute(f"CREATE VIEW {_name(table)} AS SELECT * FROM read_parquet({_text(path)})")
    return con


def run_duckdb(con, sql: str) -> pa.Table:
    """DuckDB's answer as an Arrow table."""
    # A relation straight to Arrow: the DB-API result path makes an extra copy of the rows.
    relation = con.sql(sql)
    # DuckDB 2 has only to_arrow_table; older versions only fetch_arrow_table.
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def tqp_engine(files: dict[str, Path], device: str, memory_limit: str | None = None,
               cluster: str | None = None):
    """A tqp engine with each table file registered (lazily: footers only; torch's thread count
    is the caller's to set); on `cluster` (tqp.connect's cluster=) when given."""
    from tqp.engine import Engine

    engine = Engine(device=device, memory_limit=memory_limit, cluster=cluster)
    for name, path in files.items():
        engine.register(name, str(path))
    return engine


def to_tensors(engine, columns: dict[str, list[str]]) -> None:
    """Read the named columns of each table into tqp's tensor cache on its device, as a first
    query would (within the memory limit: what does not fit is read again by each run)."""
    catalog = engine.catalog
    for name, names in columns.items():
        for segment in catalog.segments(name):
            catalog.read(name, segment, names, room=engine.memory_limit)
    if engine.device.type == "cuda":
        import torch
        torch.cuda.synchronize()


def tqp_files(files: dict[str, Path], device: str, memory_limit: str | None = None):
    """A tqp connection with each table file registered: `tqp.connect()`, `register(t, path)`."""
    import tqp

    con = tqp.connect(device=device, memory_limit=memory_limit)
    for table, path in files.items():
        con.register(table, str(path))
    return con


def timed_tqp(engine, sql: str) -> tuple[pa.Table, float, float]:
    """tqp from SQL text to an Arrow table (parse, plan and execute, nothing kept from before):
    the answer, its time in milliseconds and the planning part of that time."""
    timings: dict[str, float] = {}
    table, ms = timed(lambda: engine.execute(sql, timings=timings).table)
    return table, ms, timings.get("plan_s", 0.0) * 1000.0


def describe_error(exc: BaseException, engine: str = "tqp") -> tuple[str, str]:
    """(status, message) for an exception an engine raised: "unsupported" for tqp's
    NotSupportedError, otherwise "error"."""
    first_line = (str(exc).strip().splitlines() or [""])[0][:MESSAGE_WIDTH]
    if engine == "tqp":
        import tqp

        if isinstance(exc, tqp.NotSupportedError):
            return "unsupported", f"unsupported: {first_line}"
    prefix = "error" if engine == "tqp" else f"{engine} error"
    return "error", f"{prefix}: {type(exc).__name__}: {first_line}"
