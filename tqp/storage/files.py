"""Writing files so that a killed process leaves either the old file or the new one whole."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tqp.errors import NotSupportedError, OperationalError
from tqp.storage.intervals import text_array


def replace_atomically(path: Path, write: Callable[[str], None]) -> None:
    """Call `write(temporary path)` beside `path`, flush it to disk, then rename it to `path`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(str(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OperationalError(f"cannot write {path}: {exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sync_folder(path: Path) -> None:
    """fsync a folder, so that the renames in it survive a crash of the machine."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # not possible on this platform
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_parquet(table: pa.Table | pa.Schema, what: str) -> None:
    """NotSupportedError where `table` has INTERVAL columns, which Parquet files written by
    pyarrow cannot hold (`what` says which file)."""
    schema = table if isinstance(table, pa.Schema) else table.schema
    for field in schema:
        if field.type == pa.month_day_nano_interval():
            raise NotSupportedError(f"INTERVAL column {field.name} in {what} (a Parquet file, "
                                    "which tqp writes no INTERVAL into)")


def write_table(table: pa.Table, path: str | Path, file_format: str, header: bool = True,
                delimiter: str = ",") -> None:
    """Write `table` as Parquet or CSV at `path`, atomically (a CSV file holds an INTERVAL as
    DuckDB's text of it)."""
    if file_format == "parquet":
        check_parquet(table, str(path))
        replace_atomically(Path(path), lambda tmp: pq.write_table(table, tmp))
    elif file_format == "csv":
        for i, field in enumerate(table.schema):
            if field.type == pa.month_day_nano_interval():
                table = table.set_column(i, field.name, pa.chunked_array(
                    [text_array(c) for c in table.column(i).chunks], pa.string()))
        options = pacsv.WriteOptions(include_header=header, delimiter=delimiter)
        replace_atomically(Path(path), lambda tmp: pacsv.write_csv(table, tmp, options))
    else:
        raise AssertionError(file_format)
