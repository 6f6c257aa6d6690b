"""Reading user data into Arrow: tables, DataFrames, Parquet and CSV files or folders."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tqp.errors import OperationalError, ProgrammingError

TABLE_SUFFIXES = (".parquet", ".csv")


def read_parquet(path: str | Path) -> pa.Table:
    """A Parquet file, or a folder of Parquet files, as one Arrow table."""
    path = Path(path)
    if not path.exists():
        raise OperationalError(f"no such file or folder: {path}")
    try:
        if path.is_dir():
            return ds.dataset(path, format="parquet").to_table()
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise OperationalError(f"cannot read Parquet {path}: {exc}") from None


_CSV_CONVERT = pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True)


def read_csv(path: str | Path) -> pa.Table:
    """A CSV file with a header row, types inferred by Arrow. An empty field, quoted ("") or not,
    is NULL, as DuckDB reads it."""
    path = Path(path)
    if not path.exists():
        raise OperationalError(f"no such file: {path}")
    try:
        return pacsv.read_csv(path, convert_options=_CSV_CONVERT)
    except (pa.ArrowInvalid, OSError) as exc:
        raise OperationalError(f"cannot read CSV {path}: {exc}") from None


def to_arrow(obj) -> pa.Table:
    """Whatever `register` accepts, as an Arrow table."""
    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    if isinstance(obj, (str, Path)):
        path = Path(obj)
        if path.suffix.lower() == ".csv":
            return read_csv(path)
        return read_parquet(path)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(obj, pd.DataFrame):
        return pa.Table.from_pandas(obj, preserve_index=False)
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
