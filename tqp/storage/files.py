"""Writing files so that a killed process leaves either the old file or the new one whole."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tqp.errors import OperationalError


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


def write_table(table: pa.Table, path: str | Path, file_format: str, header: bool = True,
                delimiter: str = ",") -> None:
    """Write `table` as Parquet or CSV at `path`, atomically."""
    if file_format == "parquet":
        replace_atomically(Path(path), lambda tmp: pq.write_table(table, tmp))
    elif file_format == "csv":
        options = pacsv.WriteOptions(include_header=header, delimiter=delimiter)
        replace_atomically(Path(path), lambda tmp: pacsv.write_csv(table, tmp, options))
    else:
        raise AssertionError(file_format)
