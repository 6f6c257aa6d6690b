"""User data as table sources: Arrow tables, DataFrames, Parquet and CSV files or folders."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tqp.errors import OperationalError, ProgrammingError
from tqp.storage.sources import ArrowSource, CsvSource, ParquetSource, Source, open_source

TABLE_SUFFIXES = (".parquet", ".csv")


def read_parquet(path: str | Path) -> pa.Table:
    """A Parquet file, or a folder of Parquet files, as one Arrow table (read whole now)."""
    return ParquetSource(path).to_arrow()


def read_csv(path: str | Path) -> pa.Table:
    """A CSV file with a header row, types inferred by Arrow (read whole now). An empty field,
    quoted ("") or not, is NULL, as DuckDB reads it."""
    return CsvSource(path).table


def to_source(obj) -> Source:
    """Whatever `register` accepts, as a table source: Arrow data stays in memory (zero-copy),
    a path to Parquet or CSV files is opened lazily (metadata only, see sources.py)."""
    if isinstance(obj, pa.Table):
        return ArrowSource(obj)
    if isinstance(obj, pa.RecordBatch):
        return ArrowSource(pa.Table.from_batches([obj]))
    if isinstance(obj, (str, Path)):
        return open_source(obj)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(obj, pd.DataFrame):
        return ArrowSource(pa.Table.from_pandas(obj, preserve_index=False))
    raise ProgrammingError(
        f"cannot register an object of type {type(obj).__name__}: expected a pyarrow Table, "
        "a pandas DataFrame, or a path to a Parquet or CSV file or folder")


def tables_in(path: str | Path) -> dict[str, Path]:
    """The tables a file or folder holds: name (file stem) -> path. A sub-folder of Parquet
    files is one table named after the folder."""
    path = Path(path)
    if not path.exists():
        raise OperationalError(f"no such file or folder: {path}")
    if path.is_file():
        return {path.stem: path}
    found = {}
    for child in sorted(path.iterdir()):
        if child.is_file() and child.suffix.lower() in TABLE_SUFFIXES:
            found[child.stem] = child
        elif child.is_dir() and any(child.glob("*.parquet")):
            found[child.name] = child
    return found
